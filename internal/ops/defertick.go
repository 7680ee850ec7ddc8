package ops

// DeferTick delays every item to the next tick. Edges into it do not order
// strata, so cycles through blocking operators are legal when they pass one.
var DeferTick = register(&Spec{
	Name: "defer_tick", Forwards: []int{0}, API: "hydro.DeferTick", SameElem: true, MinInputs: 1, MaxInputs: 1, Monotone: true, Stateful: true, Defer: true,
	New: func(*Instance, *Spec) Interp { return &deferInterp{} },
})

// DeferTickLazy is DeferTick without waking the node: the items wait for
// the next tick that something else starts (input, a message, a timer).
// State carried across ticks through it — a persistence that a negation
// trims, the Dedalus way of releasing state — costs nothing while the node
// is otherwise idle, where DeferTick would tick again at once.
var DeferTickLazy = register(&Spec{
	Name: "defer_tick_lazy", API: "hydro.DeferTickLazy", SameElem: true, MinInputs: 1, MaxInputs: 1, Monotone: true, Stateful: true, Defer: true, Forwards: []int{0},
	New: func(*Instance, *Spec) Interp { return &deferInterp{lazy: true} },
})

type deferInterp struct {
	now, next []any
	lazy      bool // DeferTickLazy: items do not make the node pending
}

func (d *deferInterp) Push(_ *Env, _ int, x any, _ Emit) { d.next = append(d.next, x) }

func (d *deferInterp) Flush(_ *Env, emit Emit) {
	for _, x := range d.now {
		emit(x)
	}
}

func (d *deferInterp) EndTick() {
	clear(d.now)
	d.now, d.next = d.next, d.now[:0]
}

// Pending reports whether items wait for the next tick. Between ticks they
// are in now: EndTick moved them there.
func (d *deferInterp) Pending() bool { return !d.lazy && len(d.now) > 0 }
