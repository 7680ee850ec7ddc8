package microbench

import (
	"math/rand/v2"
	"testing"

	"github.com/hydrogo/hydro/hydro"
)

func init() {
	cases["UniqueInts"] = caseOf(true, unary(ints, UniqueInts, NewUniqueIntsBench))
	cases["FlatMapInts"] = caseOf(true, unary(ints, FlatMapInts, NewFlatMapIntsBench))
	cases["FoldSum"] = caseOf(true, unary(ints, FoldSum, NewFoldSumBench))
	cases["FoldKeyedSum"] = caseOf(false, unary(pairs, FoldKeyedSum, NewFoldKeyedSumBench))
	cases["NextTick"] = caseOf(true, unary(ints, NextTick, NewNextTickBench))
	cases["DifferenceInts"] = caseOf(false, binary2(ints, ints, DifferenceInts, NewDifferenceIntsBench))
	cases["CrossPairs"] = caseOf(false, binary2(ints, ints, CrossPairs, NewCrossPairsBench))
}

// binary2 makes the runs of a flow with two inputs and one output.
func binary2[L, R, O any, N interface{ Tick() }](genL func(*rand.Rand) []L, genR func(*rand.Rand) []R,
	flow func(*hydro.Flow, hydro.Input[L], hydro.Input[R], hydro.Output[O]), newNode func(hydro.Input[L], hydro.Input[R], hydro.Output[O]) N,
) func(t *testing.T, seed uint64) (run, run) {
	return func(t *testing.T, seed uint64) (run, run) {
		mk := func(tick func(hydro.Input[L], hydro.Input[R], hydro.Output[O]) func()) run {
			l, r, o := hydro.NewInput[L]("left"), hydro.NewInput[R]("right"), hydro.NewOutput[O]("out")
			rng := rand.New(rand.NewPCG(seed, 1))
			return run{
				push: func(*rand.Rand) { l.Push(genL(rng)...); r.Push(genR(rng)...) },
				tick: tick(l, r, o),
				take: func() [][]string { return [][]string{printAll(o.Take())} },
			}
		}
		return mk(func(l hydro.Input[L], r hydro.Input[R], o hydro.Output[O]) func() {
				return interp(t, "flow", func(f *hydro.Flow) { flow(f, l, r, o) })
			}), mk(func(l hydro.Input[L], r hydro.Input[R], o hydro.Output[O]) func() {
				return newNode(l, r, o).Tick
			})
	}
}
