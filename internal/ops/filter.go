package ops

// Filter keeps the items a predicate accepts.
var Filter = register(&Spec{
	Name: "filter", PerItem: true, Forwards: []int{0}, API: "hydro.Filter", Functional: true, SameElem: true, MinInputs: 1, MaxInputs: 1, Monotone: true,
	New: func(n *Instance, s *Spec) Interp { return filterInterp{keep: n.Payload.(func(any) bool)} },
})

type filterInterp struct {
	stateless
	keep func(any) bool
}

func (f filterInterp) Push(_ *Env, _ int, x any, emit Emit) {
	if f.keep(x) {
		emit(x)
	}
}
