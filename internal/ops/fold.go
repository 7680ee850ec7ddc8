package ops

// FoldPayload is the erased user code of a Fold: Add returns the updated
// accumulator.
type FoldPayload struct {
	Init func() any
	Add  func(acc, item any) any
}

// Fold aggregates its input into one accumulator and emits it once per tick,
// after the tick's input is complete (the initial value when nothing arrived).
// With Tick the accumulator restarts every tick; with Static it accumulates
// over all ticks.
var Fold = register(&Spec{
	Name: "fold", Groups: AllItems, API: "hydro.Fold", MinInputs: 1, MaxInputs: 1, Blocking: []int{0},
	OrderSensitive: true, Stateful: true,
	Lifetimes: []LifetimeSlot{{"accumulator", Tick}},
	New: func(n *Instance, s *Spec) Interp {
		return &foldInterp{p: n.Payload.(FoldPayload), static: lifetime(n, s, 0).Kept()}
	},
})

type foldInterp struct {
	p      FoldPayload
	acc    any
	init   bool
	static bool
}

func (f *foldInterp) Push(_ *Env, _ int, x any, _ Emit) {
	if !f.init {
		f.acc, f.init = f.p.Init(), true
	}
	f.acc = f.p.Add(f.acc, x)
}

func (f *foldInterp) Flush(_ *Env, emit Emit) {
	if !f.init {
		f.acc, f.init = f.p.Init(), true
	}
	emit(f.acc)
}

func (f *foldInterp) EndTick() {
	if !f.static {
		f.acc, f.init = nil, false
	}
}
