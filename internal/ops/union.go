package ops

// Union merges several streams of one type. The interleaving of its inputs
// within a tick is unspecified; each input's own order is kept.
var Union = register(&Spec{
	Name: "union", PerItem: true, Forwards: []int{AllPorts}, API: "hydro.Union", SameElem: true, MinInputs: 1, MaxInputs: -1, Monotone: true,
	New: func(*Instance, *Spec) Interp { return identity{} },
})

// Cycle is the placeholder a forward reference creates; once completed it
// passes its single input through.
var Cycle = register(&Spec{
	Name: "cycle", ForwardRef: true, Forwards: []int{0}, API: "hydro.Cycle", SameElem: true, MinInputs: 1, MaxInputs: 1, Monotone: true,
	New: func(*Instance, *Spec) Interp { return identity{} },
})

type identity struct{ stateless }

func (identity) Push(_ *Env, _ int, x any, emit Emit) { emit(x) }
