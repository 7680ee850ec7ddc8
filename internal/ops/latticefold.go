package ops

// LatticeFoldPayload is the erased user code of a LatticeFold.
type LatticeFoldPayload struct {
	Bot   func() any
	Merge func(acc, item any) any
}

// LatticeFold merges every item into one lattice value and emits it once per
// tick after the input is complete. Its result does not depend on the order,
// batching or duplication of its input. Static by default.
var LatticeFold = register(&Spec{
	Name: "lattice_fold", Groups: AllItems, API: "hydro.LatticeFold", MinInputs: 1, MaxInputs: 1, Blocking: []int{0},
	Monotone: true, Stateful: true, LatticeMerge: true,
	Lifetimes: []LifetimeSlot{{"accumulator", Static}},
	New: func(n *Instance, s *Spec) Interp {
		p := n.Payload.(LatticeFoldPayload)
		return &foldInterp{p: FoldPayload{Init: p.Bot, Add: p.Merge}, static: lifetime(n, s, 0).Kept()}
	},
})
