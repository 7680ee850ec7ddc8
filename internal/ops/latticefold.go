package ops

// LatticeFoldPayload is the erased user code of a LatticeFold: Bot returns
// bottom; Merge merges item into acc, returning the result and whether acc
// changed.
type LatticeFoldPayload struct {
	Bot   func() any
	Merge func(acc, item any) (any, bool)
}

// LatticeFold merges every item into one lattice value and emits it once per
// tick after the input is complete. Its result does not depend on the order,
// batching or duplication of its input. Static by default; Durable logs
// every item that changed the value (merging the records again in any order
// rebuilds it) and the value whole in a snapshot.
var LatticeFold = register(&Spec{
	Name: "lattice_fold", Groups: AllItems, API: "hydro.LatticeFold", MinInputs: 1, MaxInputs: 1, Blocking: []int{0},
	Monotone: true, Stateful: true, Durable: true, LatticeMerge: true,
	Lifetimes: []LifetimeSlot{{"accumulator", Static}},
	New: func(n *Instance, s *Spec) Interp {
		p := n.Payload.(LatticeFoldPayload)
		lt := lifetime(n, s, 0)
		return &latticeFoldInterp{p: p, static: lt.Kept(), durable: lt == Durable}
	},
})

// latticeFoldInterp is the interpreter instance of a LatticeFold.
type latticeFoldInterp struct {
	p       LatticeFoldPayload
	acc     any
	init    bool
	static  bool
	durable bool
	changed []any // the items that changed the value this tick, when durable
}

func (f *latticeFoldInterp) value() any {
	if !f.init {
		f.acc, f.init = f.p.Bot(), true
	}
	return f.acc
}

func (f *latticeFoldInterp) Push(_ *Env, _ int, x any, _ Emit) {
	acc, changed := f.p.Merge(f.value(), x)
	f.acc = acc
	if changed && f.durable {
		f.changed = append(f.changed, x)
	}
}

func (f *latticeFoldInterp) Flush(_ *Env, emit Emit) { emit(f.value()) }

func (f *latticeFoldInterp) EndTick() {
	clear(f.changed)
	f.changed = f.changed[:0]
	if !f.static {
		f.acc, f.init = nil, false
	}
}

// Changes records each item that changed the value this tick.
func (f *latticeFoldInterp) Changes(add func(any)) {
	for _, x := range f.changed {
		add(x)
	}
	clear(f.changed)
	f.changed = f.changed[:0]
}

// State records the value whole.
func (f *latticeFoldInterp) State(add func(any)) { add(f.value()) }

// Restore merges a recorded item into the value.
func (f *latticeFoldInterp) Restore(x any) { f.acc, _ = f.p.Merge(f.value(), x) }
