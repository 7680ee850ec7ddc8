package microbench

import "github.com/hydrogo/hydro/hydro"

// The rest of DFIR's micro-benchmarks, one operator each, within one tick.
// Join (the symmetric hash join) is benchmarked on three key distributions
// through the Join flow; in-tick reachability is in fixpoint.go.

// UniqueInts drops the tick's repeated integers.
//
//hydro:flow
func UniqueInts(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	hydro.Sink(hydro.Unique(hydro.Source(p, in)), out)
}

// FlatMapInts turns every integer into four.
//
//hydro:flow
func FlatMapInts(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	hydro.Sink(hydro.FlatMap(hydro.Source(p, in), fourOf), out)
}

func fourOf(x int, emit func(int)) {
	emit(x)
	emit(x + 1)
	emit(x + 2)
	emit(x + 3)
}

// DifferenceInts emits the tick's positive items that are not among its
// negative items.
//
//hydro:flow
func DifferenceInts(f *hydro.Flow, pos, neg hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	hydro.Sink(hydro.Difference(hydro.Source(p, pos), hydro.Source(p, neg)), out)
}

// FoldSum sums the tick's integers.
//
//hydro:flow
func FoldSum(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	hydro.Sink(hydro.Fold(hydro.Source(p, in), func() int { return 0 }, func(acc *int, x int) { *acc += x }), out)
}

// CrossPairs pairs every left item of the tick with every right item.
//
//hydro:flow
func CrossPairs(f *hydro.Flow, left, right hydro.Input[int], out hydro.Output[Pair]) {
	p := f.Process("bench")
	hydro.Sink(hydro.CrossJoin(hydro.Source(p, left), hydro.Source(p, right), func(a, b int) Pair { return Pair{Key: a, Value: b} }), out)
}

// FoldKeyedSum sums the tick's values per key.
//
//hydro:flow
func FoldKeyedSum(f *hydro.Flow, in hydro.Input[Pair], out hydro.Output[Pair]) {
	p := f.Process("bench")
	hydro.Sink(hydro.FoldKeyed(hydro.Source(p, in), func(x Pair) Pair { return Pair{Key: x.Key} }, func(acc *Pair, x Pair) { acc.Value += x.Value }), out)
}

// NextTick carries every item through four ticks before it reaches the
// output, so in a steady state four batches are in flight.
//
//hydro:flow
func NextTick(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	hydro.Sink(hydro.DeferTick(hydro.DeferTick(hydro.DeferTick(hydro.DeferTick(hydro.Source(p, in))))), out)
}
