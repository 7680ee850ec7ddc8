package microbench

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hydrogo/hydro/hydro"
)

// Integer keys are held in hydro.IntSet and hydro.IntIndex: small
// non-negative keys in a slice, the others in a map, with the slice grown
// while the keys stay dense. These cases feed the integer-keyed flows keys
// of every kind (small, negative, extreme, sparse, and runs of dense keys
// that make the slice grow past keys held in the map) and compare them
// with the interpreter like the other cases.
func init() {
	cases["UniqueInts/wide"] = caseOf(true, unary(wideInts, UniqueInts, NewUniqueIntsBench))
	cases["FoldKeyedSum/wide"] = caseOf(false, unary(widePairs, FoldKeyedSum, NewFoldKeyedSumBench))
	cases["DifferenceInts/wide"] = caseOf(false, binary2(wideInts, wideInts, DifferenceInts, NewDifferenceIntsBench))
	cases["Negation/wide"] = caseOf(false, unary(widePairs, Negation, NewNegationBench))
	cases["Join/wide"] = caseOf(false, binary2(widePairs, widePairs, func(f *hydro.Flow, l, r hydro.Input[Pair], o hydro.Output[Joined]) {
		Join(f, l, r, o)
	}, NewJoinBench))
	cases["Reachability/wide"] = caseOf(false, func(t *testing.T, seed uint64) (run, run) {
		rng := rand.New(rand.NewPCG(seed, 2))
		edges := make([]Edge, 1500)
		for i := range edges {
			edges[i] = Edge{From: wideVertex(rng), To: wideVertex(rng)}
		}
		mk := func(tick func(hydro.Input[uint32], hydro.Output[uint32]) func()) run {
			in, o := hydro.NewInput[uint32]("seeds"), hydro.NewOutput[uint32]("out")
			rng := rand.New(rand.NewPCG(seed, 1))
			return run{
				push: func(*rand.Rand) { in.Push(edges[rng.IntN(len(edges))].From) },
				tick: tick(in, o),
				take: func() [][]string { return [][]string{printAll(o.Take())} },
			}
		}
		return mk(func(in hydro.Input[uint32], o hydro.Output[uint32]) func() {
				return interp(t, "ReachabilityInTick", func(f *hydro.Flow) { ReachabilityInTick(f, in, edges, o) })
			}), mk(func(in hydro.Input[uint32], o hydro.Output[uint32]) func() {
				return NewReachabilityInTickBench(in, edges, o).Tick
			})
	})
}

// wideKey returns a key of one of several kinds, repeating often enough
// that joins match and Unique drops.
func wideKey(r *rand.Rand) int {
	switch r.IntN(6) {
	case 0:
		return -1 - r.IntN(4)
	case 1:
		return []int{math.MaxInt, math.MinInt, 1 << 40}[r.IntN(3)]
	case 2:
		return 1_000_000 + 997*r.IntN(4)
	case 3, 4:
		return 900 + r.IntN(1500) // beyond the first slices, dense later
	default:
		return r.IntN(12)
	}
}

func wideInts(r *rand.Rand) []int {
	out := make([]int, r.IntN(100))
	for i := range out {
		out[i] = wideKey(r)
	}
	return out
}

func widePairs(r *rand.Rand) []Pair {
	out := make([]Pair, r.IntN(80))
	for i := range out {
		out[i] = Pair{Key: wideKey(r), Value: r.IntN(100)}
	}
	return out
}

// wideVertex returns a vertex: small, or beyond the first slices (which
// the index and the set hold in their maps until enough keys make the
// slices grow over them), or far apart.
func wideVertex(r *rand.Rand) uint32 {
	switch r.IntN(4) {
	case 0:
		return math.MaxUint32 - uint32(r.IntN(3))
	case 1:
		return uint32(r.IntN(100))
	default:
		return uint32(1000 + r.IntN(2000))
	}
}
