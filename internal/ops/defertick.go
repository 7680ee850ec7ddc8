package ops

import "github.com/hydrogo/hydro/internal/ir"

// DeferTick delays every item to the next tick. Edges into it do not order
// strata, so cycles through blocking operators are legal when they pass one.
var DeferTick = register(&Spec{
	Name: "defer_tick", Forwards: []int{0}, API: "hydro.DeferTick", MinInputs: 1, MaxInputs: 1, Monotone: true, Stateful: true, Defer: true,
	New: func(*ir.Node, *Spec) Interp { return &deferInterp{} },
})

type deferInterp struct {
	now, next []any
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
func (d *deferInterp) Pending() bool { return len(d.now) > 0 }
