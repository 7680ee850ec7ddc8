package ops

// Inspect calls a function on every item and passes the item on unchanged.
var Inspect = register(&Spec{
	Name: "inspect", Forwards: []int{0}, API: "hydro.Inspect", Functional: true, SameElem: true, MinInputs: 1, MaxInputs: 1, Monotone: true,
	New: func(n *Instance, s *Spec) Interp { return inspectInterp{f: n.Payload.(func(any))} },
})

type inspectInterp struct {
	stateless
	f func(any)
}

func (i inspectInterp) Push(_ *Env, _ int, x any, emit Emit) {
	i.f(x)
	emit(x)
}
