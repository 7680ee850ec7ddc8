package ops

// Persist emits, every tick, every item it has ever received: first those of
// earlier ticks, in arrival order, then this tick's as they arrive.
var Persist = register(&Spec{
	Name: "persist", Forwards: []int{0}, API: "hydro.Persist", Replays: true, SameElem: true, MinInputs: 1, MaxInputs: 1, Monotone: true, Stateful: true,
	New: func(*Instance, *Spec) Interp { return &persistInterp{} },
})

type persistInterp struct {
	items []any
}

func (p *persistInterp) Push(_ *Env, _ int, x any, emit Emit) {
	p.items = append(p.items, x)
	emit(x)
}

func (p *persistInterp) Flush(_ *Env, emit Emit) {
	for _, x := range p.items {
		emit(x)
	}
}

func (*persistInterp) EndTick() {}
