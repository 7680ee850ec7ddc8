package ops

// Map applies a function to every item.
var Map = register(&Spec{
	Name: "map", PerItem: true, API: "hydro.Map", Functional: true, MinInputs: 1, MaxInputs: 1, Monotone: true,
	New: func(n *Instance, s *Spec) Interp { return mapInterp{f: n.Payload.(func(any) any)} },
})

type mapInterp struct {
	stateless
	f func(any) any
}

func (m mapInterp) Push(_ *Env, _ int, x any, emit Emit) { emit(m.f(x)) }
