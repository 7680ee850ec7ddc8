// Package microbench holds the DFIR micro-benchmark suite as Hydro flows. Each
// benchmark runs three ways: the code hydrogen generates, a plain Go loop
// written by hand (the limit), and the reference interpreter.
package microbench

import (
	"strings"

	"github.com/hydrogo/hydro/hydro"
)

//go:generate go run github.com/hydrogo/hydro/cmd/hydrogen

// Identity passes integers through a chain of 20 identity maps.
//
//hydro:flow
func Identity(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	s := hydro.Source(p, in)
	s = identity4(f, s)
	s = identity4(f, s)
	s = identity4(f, s)
	s = identity4(f, s)
	s = identity4(f, s)
	hydro.Sink(s, out)
}

// identity4 is a sub-flow of four identity maps.
//
//hydro:flow
func identity4(f *hydro.Flow, s hydro.Stream[int]) hydro.Stream[int] {
	s = hydro.Map(s, func(x int) int { return x })
	s = hydro.Map(s, func(x int) int { return x })
	s = hydro.Map(s, func(x int) int { return x })
	return hydro.Map(s, func(x int) int { return x })
}

// Arithmetic adds one twenty times.
//
//hydro:flow
func Arithmetic(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	s := hydro.Source(p, in)
	s = addOnes(f, s)
	s = addOnes(f, s)
	s = addOnes(f, s)
	s = addOnes(f, s)
	s = addOnes(f, s)
	hydro.Sink(s, out)
}

//hydro:flow
func addOnes(f *hydro.Flow, s hydro.Stream[int]) hydro.Stream[int] {
	s = hydro.Map(s, addOne)
	s = hydro.Map(s, addOne)
	s = hydro.Map(s, addOne)
	return hydro.Map(s, addOne)
}

func addOne(x int) int { return x + 1 }

// Upcase upper-cases strings.
//
//hydro:flow
func Upcase(f *hydro.Flow, in hydro.Input[string], out hydro.Output[string]) {
	p := f.Process("bench")
	hydro.Sink(hydro.Map(hydro.Source(p, in), strings.ToUpper), out)
}

// Pair is a keyed integer pair.
type Pair struct {
	Key   int `hydro:"key"`
	Value int
}

// Joined is a matched pair of values.
type Joined struct {
	Key, Left, Right int
}

// Join joins two streams of pairs within each tick.
//
//hydro:flow
func Join(f *hydro.Flow, left, right hydro.Input[Pair], out hydro.Output[Joined]) {
	p := f.Process("bench")
	hydro.Sink(hydro.Join(hydro.Source(p, left), hydro.Source(p, right), func(l, r Pair) Joined {
		return Joined{Key: l.Key, Left: l.Value, Right: r.Value}
	}), out)
}

// FanIn merges four inputs.
//
//hydro:flow
func FanIn(f *hydro.Flow, a, b, c, d hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	hydro.Sink(hydro.Union(hydro.Source(p, a), hydro.Source(p, b), hydro.Source(p, c), hydro.Source(p, d)), out)
}

// FanOut copies one input to four outputs, each through its own map.
//
//hydro:flow
func FanOut(f *hydro.Flow, in hydro.Input[int], a, b, c, d hydro.Output[int]) {
	p := f.Process("bench")
	s := hydro.Source(p, in)
	hydro.Sink(hydro.Map(s, addOne), a)
	hydro.Sink(hydro.Map(s, func(x int) int { return x * 2 }), b)
	hydro.Sink(hydro.Filter(s, func(x int) bool { return x%2 == 0 }), c)
	hydro.Sink(s, d)
}

// ForkJoin splits the stream by parity and merges it again, five times.
//
//hydro:flow
func ForkJoin(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	s := hydro.Source(p, in)
	s = forkJoin(f, s)
	s = forkJoin(f, s)
	s = forkJoin(f, s)
	s = forkJoin(f, s)
	s = forkJoin(f, s)
	hydro.Sink(s, out)
}

//hydro:flow
func forkJoin(f *hydro.Flow, s hydro.Stream[int]) hydro.Stream[int] {
	even := hydro.Filter(s, func(x int) bool { return x%2 == 0 })
	odd := hydro.Filter(s, func(x int) bool { return x%2 != 0 })
	return hydro.Union(even, odd)
}

// Diamonds merges paths from one stream through filters that overlap: a
// two-way diamond whose filters both pass multiples of 6, a three-way one
// with a path of two filters and a path without any, and a fork whose
// paths reach different fan-ins that meet again.
//
//hydro:flow
func Diamonds(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	s := hydro.Source(p, in)
	two := hydro.Union(
		hydro.Filter(s, func(x int) bool { return x%2 == 0 }),
		hydro.Filter(s, func(x int) bool { return x%3 == 0 }))
	doubled := hydro.Map(two, func(x int) int { return 2 * x })
	three := hydro.Union(
		hydro.Filter(hydro.Filter(doubled, func(x int) bool { return x > 4 }), func(x int) bool { return x < 20 }),
		doubled,
		hydro.Filter(doubled, func(x int) bool { return x%4 == 0 }))
	other := hydro.Union(hydro.Filter(doubled, func(x int) bool { return x > 10 }), hydro.Map(s, func(x int) int { return -x }))
	hydro.Sink(hydro.Union(three, other), out)
}

// WordsDiamond splits lines into words, keeps the short ones and truncates
// the long ones, and emits each resulting word once per tick.
//
//hydro:flow
func WordsDiamond(f *hydro.Flow, lines hydro.Input[string], out hydro.Output[string]) {
	p := f.Process("bench")
	words := hydro.FlatMap(hydro.Source(p, lines), splitWords)
	short := hydro.Filter(words, func(w string) bool { return len(w) <= 4 })
	long := hydro.Map(hydro.Filter(words, func(w string) bool { return len(w) > 4 }), func(w string) string { return w[:4] })
	hydro.Sink(hydro.Unique(hydro.Union(short, long)), out)
}

func splitWords(line string, emit func(string)) {
	for w := range strings.FieldsSeq(line) {
		emit(w)
	}
}

// Vertex is a graph vertex.
type Vertex struct {
	ID uint32 `hydro:"key"`
}

// Edge is a directed graph edge, keyed by its source.
type Edge struct {
	From uint32 `hydro:"key"`
	To   uint32
}

// Reachability computes the vertices reachable from the seeds, one breadth
// first level per tick: the frontier crosses to the next tick through
// DeferTick.
//
//hydro:flow
func Reachability(f *hydro.Flow, seeds hydro.Input[uint32], edges []Edge, out hydro.Output[uint32]) {
	p := f.Process("bench")
	back, complete := hydro.Cycle[uint32](p)
	reached := hydro.Unique(hydro.Union(hydro.Source(p, seeds), hydro.DeferTick(back)), hydro.Static)
	hydro.Sink(reached, out)
	next := hydro.Join(hydro.Map(reached, func(v uint32) Vertex { return Vertex{ID: v} }), hydro.Iter(p, edges),
		func(_ Vertex, e Edge) uint32 { return e.To }, hydro.Tick, hydro.Static)
	complete(next)
}

// CartTotals is a join feeding a keyed fold: the running total quantity per
// client class, over all ticks.
//
//hydro:flow
func CartTotals(f *hydro.Flow, orders hydro.Input[Pair], classes []Pair, limit int, out hydro.Output[Total]) {
	p := f.Process("bench")
	src := hydro.Source(p, orders)
	tagged := hydro.Join(src, hydro.Iter(p, classes), func(o, c Pair) Total {
		return Total{Class: c.Value, Sum: min(o.Value, limit)}
	}, hydro.Tick, hydro.Static)
	totals := hydro.FoldKeyed(tagged, func(t Total) Total { return Total{Class: t.Class} }, func(acc *Total, t Total) {
		acc.Sum += t.Sum
		acc.Count++
	}, hydro.Static)
	hydro.Sink(totals, out)
	hydro.Sink(hydro.Fold(src, func() Total { return Total{} }, func(acc *Total, o Pair) { acc.Count++ }), out)
}

// Total is a per-class aggregate.
type Total struct {
	Class int `hydro:"key"`
	Sum   int
	Count int
}
