package ops

// FilterMap applies a function that may drop an item.
var FilterMap = register(&Spec{
	Name: "filter_map", PerItem: true, API: "hydro.FilterMap", Functional: true, MinInputs: 1, MaxInputs: 1, Monotone: true,
	New: func(n *Instance, s *Spec) Interp { return filterMapInterp{f: n.Payload.(func(any) (any, bool))} },
})

type filterMapInterp struct {
	stateless
	f func(any) (any, bool)
}

func (f filterMapInterp) Push(_ *Env, _ int, x any, emit Emit) {
	if y, ok := f.f(x); ok {
		emit(y)
	}
}
