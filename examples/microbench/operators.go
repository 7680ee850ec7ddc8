package microbench

import (
	"cmp"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

// Flows exercising the rest of the single-location operators; the
// differential test runs each one interpreted and generated.

// Negation drops, each tick, the pairs whose key totals more than 150 over
// the tick (an AntiJoin whose negative side is an aggregation of the same
// source, so it crosses strata), and, for ever, the pairs whose key was ever
// seen with a value above 90 (AntiJoinBy with a Static negative side).
//
//hydro:flow
func Negation(f *hydro.Flow, in hydro.Input[Pair], out hydro.Output[Pair]) {
	p := f.Process("bench")
	src := hydro.Source(p, in)
	totals := hydro.ReduceKeyed(src, func(acc *Pair, x Pair) { acc.Value += x.Value })
	big := hydro.Filter(totals, func(t Pair) bool { return t.Value > 150 })
	hydro.Sink(hydro.AntiJoin(src, big), out)
	high := hydro.Filter(src, func(x Pair) bool { return x.Value > 90 })
	hydro.Sink(hydro.AntiJoinBy(src, high, func(x Pair) int { return x.Key }, func(x Pair) int { return x.Key }, hydro.Static), out)
}

// Diff drops the tick's largest items and, for ever, multiples of five.
//
//hydro:flow
func Diff(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	src := hydro.Source(p, in)
	largest := hydro.Reduce(src, func(acc *int, x int) { *acc = max(*acc, x) })
	hydro.Sink(hydro.Difference(src, largest), out)
	fives := hydro.Filter(src, func(x int) bool { return x%5 == 0 })
	hydro.Sink(hydro.Difference(hydro.Map(src, func(x int) int { return x + 100 }), hydro.Map(fives, func(x int) int { return x + 100 }), hydro.Static), out)
}

// Cross pairs small items with a constant table and with every large item
// ever seen (Persist).
//
//hydro:flow
func Cross(f *hydro.Flow, in hydro.Input[int], out hydro.Output[Pair]) {
	p := f.Process("bench")
	src := hydro.Source(p, in)
	small := hydro.Filter(src, func(x int) bool { return x < 3 })
	hydro.Sink(hydro.CrossJoin(small, hydro.Iter(p, []int{7, 8}), func(a, b int) Pair { return Pair{a, b} }, hydro.Tick, hydro.Static), out)
	large := hydro.Persist(hydro.Filter(src, func(x int) bool { return x > 9 }))
	hydro.Sink(hydro.CrossJoin(small, large, func(a, b int) Pair { return Pair{a, -b} }), out)
}

// Aggregates computes a running sum (Reduce, Static), per-key maxima
// (ReduceKeyedBy), per-parity sums (FoldKeyedBy, Static), a JoinBy against a
// table, and two self-joins of the tick's pairs with its large pairs, the
// second keeping the large pairs of all ticks (Static). One tee feeds both
// sides of each self-join, so their items interleave within the tick.
//
//hydro:flow
func Aggregates(f *hydro.Flow, in hydro.Input[Pair], out hydro.Output[Pair]) {
	p := f.Process("bench")
	src := hydro.Source(p, in)
	hydro.Sink(hydro.Reduce(src, func(acc *Pair, x Pair) { acc.Key, acc.Value = -1, acc.Value+x.Value }, hydro.Static), out)
	hydro.Sink(hydro.ReduceKeyedBy(src, func(x Pair) int { return x.Key }, func(acc *Pair, x Pair) { acc.Value = max(acc.Value, x.Value) }), out)
	hydro.Sink(hydro.FoldKeyedBy(src, parity, func(x Pair) Pair { return Pair{Key: 100 + parity(x)} }, func(acc *Pair, x Pair) { acc.Value += x.Value }, hydro.Static), out)
	hydro.Sink(hydro.JoinBy(src, hydro.Iter(p, []int{1, 3, 4}), func(x Pair) int { return x.Key }, func(k int) int { return k },
		func(x Pair, k int) Pair { return Pair{Key: 200 + k, Value: x.Value} }, hydro.Tick, hydro.Static), out)
	large := hydro.Filter(src, func(x Pair) bool { return x.Value > 50 })
	hydro.Sink(hydro.Join(src, large, gap), out)
	hydro.Sink(hydro.Join(hydro.Map(src, func(x Pair) Pair { return Pair{Key: x.Key, Value: -x.Value} }), large, gap, hydro.Tick, hydro.Static), out)
}

func parity(x Pair) int { return x.Value % 2 }

// gap pairs the key with the difference of the values.
func gap(a, b Pair) Pair { return Pair{Key: a.Key, Value: a.Value - b.Value} }

// Sorted numbers every tick's items in sorted order, counting across ticks.
//
//hydro:flow
func Sorted(f *hydro.Flow, in hydro.Input[int], out hydro.Output[hydro.Indexed[int]]) {
	p := f.Process("bench")
	hydro.Sink(hydro.Enumerate(hydro.SortOrdered(hydro.Source(p, in)), hydro.Static), out)
}

// SortedPairs sorts every tick's pairs by key (stably, so equal keys keep
// their arrival order) and numbers them within the tick.
//
//hydro:flow
func SortedPairs(f *hydro.Flow, in hydro.Input[Pair], out hydro.Output[hydro.Indexed[Pair]]) {
	p := f.Process("bench")
	sorted := hydro.Sort(hydro.Source(p, in), func(a, b Pair) int { return cmp.Compare(a.Key, b.Key) })
	hydro.Sink(hydro.Enumerate(sorted), out)
}

// Persisted replays every item ever received, then this tick's.
//
//hydro:flow
func Persisted(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	hydro.Sink(hydro.Persist(hydro.Map(hydro.Source(p, in), addOne)), out)
}

// PersistChain persists twice: the outer Persist replays its own history
// before what the inner one replays into it this tick.
//
//hydro:flow
func PersistChain(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	hydro.Sink(hydro.Persist(hydro.Persist(hydro.Source(p, in))), out)
}

// Reading is a sensor's peak and the set of values it reported.
type Reading struct {
	Sensor int                    `hydro:"key"`
	Peak   lattices.Max[int]      `hydro:"lattice"`
	Values lattices.SetUnion[int] `hydro:"lattice"`
}

// Lattices merges readings per sensor (MergeKeyed) and the peak of all
// readings (LatticeFold), both over all ticks.
//
//hydro:flow
func Lattices(f *hydro.Flow, in hydro.Input[Pair], out hydro.Output[Reading], peak hydro.Output[lattices.Max[int]]) {
	p := f.Process("bench")
	readings := hydro.Map(hydro.Source(p, in), func(x Pair) Reading {
		return Reading{Sensor: x.Key, Peak: lattices.NewMax(x.Value), Values: lattices.NewSetUnion(x.Value % 7)}
	})
	hydro.Sink(hydro.MergeKeyed(readings), out)
	hydro.Sink(hydro.LatticeFold(hydro.Map(readings, func(r Reading) lattices.Max[int] { return r.Peak })), peak)
}

// Ticker emits the clock every three seconds, and every input item tagged
// with the member's id.
//
//hydro:flow
func Ticker(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int64], tagged hydro.Output[Pair]) {
	c := f.Cluster("workers")
	hydro.Sink(hydro.Map(hydro.Timer(c, 3*time.Second), func(t time.Time) int64 { return t.Unix() }), out)
	hydro.Sink(hydro.CrossJoin(hydro.SelfID(c), hydro.Source(c, in), func(m hydro.MemberID, x int) Pair { return Pair{int(m), x} }, hydro.Static, hydro.Tick), tagged)
}

// Checked passes non-negative items and panics, inside its closure, on a
// negative one; a test checks that the panic's stack names this file.
//
//hydro:flow
func Checked(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	hydro.Sink(hydro.Map(hydro.Source(p, in), func(x int) int {
		if x < 0 {
			panic("negative item")
		}
		return x
	}), out)
}

// Rate is a row of RateTable's table: its key is neither its first field
// nor its only other one.
type Rate struct {
	Num int
	Key int `hydro:"key"`
	Den int
}

// RateTable joins every item with the rows of a table of its key: keys
// repeated (their rows meet an item in table order), absent, negative. The
// join's table side stores its rows without their key (gen/emit's
// tableFields).
//
//hydro:flow
func RateTable(f *hydro.Flow, in hydro.Input[Pair], out hydro.Output[Pair]) {
	p := f.Process("bench")
	rates := hydro.Iter(p, []Rate{{Num: 2, Key: 1, Den: 3}, {Num: 5, Key: 4, Den: 1}, {Num: 1, Key: 1, Den: 2},
		{Num: 7, Key: -3, Den: 2}, {Num: 3, Key: 0, Den: 9}, {Num: 4, Key: 1, Den: 5}})
	hydro.Sink(hydro.Join(hydro.Source(p, in), rates, func(x Pair, r Rate) Pair {
		return Pair{Key: r.Key*100 + r.Num, Value: x.Value*r.Num + r.Den}
	}, hydro.Tick, hydro.Static), out)
}
