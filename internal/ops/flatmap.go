package ops

// FlatMap turns every item into zero or more items.
var FlatMap = register(&Spec{
	Name: "flat_map", PerItem: true, API: "hydro.FlatMap", Functional: true, MinInputs: 1, MaxInputs: 1, Monotone: true,
	New: func(n *Instance, s *Spec) Interp { return flatMapInterp{f: n.Payload.(func(any, func(any)))} },
})

type flatMapInterp struct {
	stateless
	f func(any, func(any))
}

func (f flatMapInterp) Push(_ *Env, _ int, x any, emit Emit) { f.f(x, emit) }
