package lattices_test

import "github.com/hydrogo/hydro/lattices"

// assertLattice and assertBounded compile only if PL satisfies the
// constraint.
func assertLattice[L any, PL lattices.Lattice[L]]() {}
func assertBounded[L any, PL lattices.Bounded[L]]() {}

type (
	maxT   = lattices.Max[int]
	setT   = lattices.SetUnion[string]
	confT  = lattices.Conflict[string]
	withTT = lattices.WithTop[maxT, *maxT]
)

var (
	_ = assertLattice[lattices.Max[int]]
	_ = assertLattice[lattices.Max[float64]]
	_ = assertLattice[lattices.Max[string]]
	_ = assertLattice[lattices.Min[int]]
	_ = assertLattice[lattices.SetUnion[string]]
	_ = assertLattice[lattices.MapUnion[string, maxT, *maxT]]
	_ = assertLattice[lattices.MapUnion[int, lattices.MapUnion[string, setT, *setT], *lattices.MapUnion[string, setT, *setT]]]
	_ = assertLattice[lattices.Pair[maxT, setT, *maxT, *setT]]
	_ = assertLattice[lattices.DomPair[maxT, setT, *maxT, *setT]]
	_ = assertLattice[lattices.WithBot[maxT, *maxT]]
	_ = assertLattice[lattices.WithTop[maxT, *maxT]]
	_ = assertLattice[lattices.Conflict[string]]
	_ = assertLattice[lattices.VecUnion[maxT, *maxT]]
	_ = assertLattice[lattices.GCounter[string]]
	_ = assertLattice[lattices.LWW[string]]
	_ = assertLattice[lattices.BoundedPrefix[string]]
	_ = assertLattice[lattices.SSIV[string]]

	_ = assertBounded[lattices.Conflict[string]]
	_ = assertBounded[lattices.WithTop[maxT, *maxT]]
	_ = assertBounded[lattices.WithBot[confT, *confT]]
	_ = assertBounded[lattices.Pair[confT, withTT, *confT, *withTT]]
	_ = assertBounded[lattices.BoundedPrefix[string]]
	_ = assertBounded[lattices.SSIV[string]]
)
