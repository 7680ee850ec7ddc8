package microbench

import (
	"slices"
	"testing"

	"github.com/hydrogo/hydro/hydro"
)

var (
	sinkPair Pair
	sinkIdx  hydro.Indexed[int]
)

func pairBatch() []Pair {
	out := make([]Pair, batch)
	for i := range out {
		out[i] = Pair{Key: i % 64, Value: (i * 37) % 100}
	}
	return out
}

// BenchmarkNegation is an AntiJoin against an aggregation of its own input
// (two strata) and an AntiJoinBy against a Static negative side.
func BenchmarkNegation(b *testing.B) {
	benchUnary(b, pairBatch(), func(x Pair) { sinkPair = x }, tickers[Pair, Pair]{
		generated:   func(in hydro.Input[Pair], out hydro.Output[Pair]) func() { return NewNegationBench(in, out).Tick },
		handwritten: handNegation(64),
		flow:        Negation,
	})
}

// BenchmarkSorted sorts every tick's items and numbers them across ticks.
func BenchmarkSorted(b *testing.B) {
	items := intBatch()
	slices.Reverse(items)
	benchUnary(b, items, func(x hydro.Indexed[int]) { sinkIdx = x }, tickers[int, hydro.Indexed[int]]{
		generated: func(in hydro.Input[int], out hydro.Output[hydro.Indexed[int]]) func() {
			return NewSortedBench(in, out).Tick
		},
		handwritten: func(in hydro.Input[int], out hydro.Output[hydro.Indexed[int]]) func() {
			var buf []int
			var res []hydro.Indexed[int]
			next := 0
			return func() {
				buf = in.TakeInto(buf[:0])
				slices.Sort(buf)
				for _, x := range buf {
					res = append(res, hydro.Indexed[int]{Index: next, Value: x})
					next++
				}
				out.PutAll(res)
				res = res[:0]
			}
		},
		flow: Sorted,
	})
}
