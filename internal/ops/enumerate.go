package ops

// Enumerate pairs every item with its position in the stream, counted within
// the tick (Tick) or since the start (Static).
var Enumerate = register(&Spec{
	Name: "enumerate", Groups: AllItems, API: "hydro.Enumerate", MinInputs: 1, MaxInputs: 1, OrderSensitive: true, Stateful: true,
	Lifetimes: []LifetimeSlot{{"counter", Tick}},
	New: func(n *Instance, s *Spec) Interp {
		return &enumerateInterp{pair: n.Payload.(func(i int, x any) any), static: lifetime(n, s, 0).Kept()}
	},
})

type enumerateInterp struct {
	stateless
	pair   func(i int, x any) any
	next   int
	static bool
}

func (e *enumerateInterp) Push(_ *Env, _ int, x any, emit Emit) {
	emit(e.pair(e.next, x))
	e.next++
}

func (e *enumerateInterp) EndTick() {
	if !e.static {
		e.next = 0
	}
}
