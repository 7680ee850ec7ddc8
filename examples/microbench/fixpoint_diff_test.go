package microbench

import (
	"math/rand/v2"
	"testing"

	"github.com/hydrogo/hydro/hydro"
)

func init() {
	cases["Countdown"] = caseOf(false, unary(ints, Countdown, NewCountdownBench))
	cases["TransitiveClosure"] = caseOf(false, unary(graphEdges, TransitiveClosure, NewTransitiveClosureBench))
	cases["ReachabilityInTick"] = caseOf(false, func(t *testing.T, seed uint64) (run, run) {
		rng := rand.New(rand.NewPCG(seed, 2))
		edges := make([]Edge, 60)
		for i := range edges {
			edges[i] = Edge{From: uint32(rng.IntN(40)), To: uint32(rng.IntN(40))}
		}
		mk := func(tick func(in hydro.Input[uint32], o hydro.Output[uint32]) func()) run {
			in, o := hydro.NewInput[uint32]("seeds"), hydro.NewOutput[uint32]("o")
			rng := rand.New(rand.NewPCG(seed, 1))
			return run{
				push: func(*rand.Rand) {
					for range rng.IntN(3) {
						in.Push(uint32(rng.IntN(40)))
					}
				},
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

// graphEdges returns a tick's edges of a small graph, cycles and repeated
// edges included.
func graphEdges(r *rand.Rand) []Edge {
	out := make([]Edge, r.IntN(12))
	for i := range out {
		out[i] = Edge{From: uint32(r.IntN(8)), To: uint32(r.IntN(8))}
	}
	return out
}
