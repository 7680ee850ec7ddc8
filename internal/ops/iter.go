package ops

// Iter emits the items of a collection once, in the first tick.
var Iter = register(&Spec{
	Name: "iter", API: "hydro.Iter", Source: true, Monotone: true, Complete: true,
	New: func(n *Instance, s *Spec) Interp { return &iterInterp{items: n.Payload.([]any)} },
})

type iterInterp struct {
	stateless
	items []any
	done  bool
}

func (*iterInterp) Push(*Env, int, any, Emit) {}

func (it *iterInterp) Flush(_ *Env, emit Emit) {
	if it.done {
		return
	}
	it.done = true
	for _, x := range it.items {
		emit(x)
	}
}
