package microbench

import "github.com/hydrogo/hydro/hydro"

// Cycles that run to a fixpoint within one tick: no DeferTick on the back
// edge, so items circulate until the cycle adds nothing new. hydrogen
// compiles them semi-naively: each round feeds only the items the last
// round produced through the cycle, and they meet the state the cycle has
// accumulated (a Unique's items seen, a join's stored sides).

// ReachabilityInTick computes the vertices reachable from the seeds within
// one tick.
//
//hydro:flow
func ReachabilityInTick(f *hydro.Flow, seeds hydro.Input[uint32], edges []Edge, out hydro.Output[uint32]) {
	p := f.Process("bench")
	back, complete := hydro.Cycle[uint32](p)
	reached := hydro.Unique(hydro.Union(hydro.Source(p, seeds), back), hydro.Static)
	hydro.Sink(reached, out)
	complete(hydro.Join(hydro.Map(reached, func(v uint32) Vertex { return Vertex{ID: v} }), hydro.Iter(p, edges),
		func(_ Vertex, e Edge) uint32 { return e.To }, hydro.Tick, hydro.Static))
}

// Path is a path of a graph, from its first vertex to its last.
type Path struct {
	From uint32
	To   uint32
}

// TransitiveClosure computes, every tick, the paths of that tick's edges:
// a path extended by an edge leaving its last vertex is a path. Both sides
// of the join live for the tick, and the edges arrive in the same loop as
// the first paths, so the join stores both and each new path meets every
// edge, and each edge every path.
//
//hydro:flow
func TransitiveClosure(f *hydro.Flow, in hydro.Input[Edge], out hydro.Output[Path]) {
	p := f.Process("bench")
	edges := hydro.Source(p, in)
	back, complete := hydro.Cycle[Path](p)
	paths := hydro.Unique(hydro.Union(hydro.Map(edges, func(e Edge) Path { return Path(e) }), back))
	hydro.Sink(paths, out)
	complete(hydro.JoinBy(paths, edges, func(p Path) uint32 { return p.To }, func(e Edge) uint32 { return e.From },
		func(p Path, e Edge) Path { return Path{From: p.From, To: e.To} }))
}

// Countdown counts every item down to zero within the tick, and with them
// the tick's total of the items' last digits: the cycle has no Unique, the
// filter ends it. The total comes from a later stratum than the items, so
// the cycle drains two buffers (the items handed over from the first
// stratum, and its own back edge) until both stay empty.
//
//hydro:flow
func Countdown(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("bench")
	src := hydro.Source(p, in)
	total := hydro.Fold(src, func() int { return 0 }, func(acc *int, x int) { *acc += x % 10 })
	back, complete := hydro.Cycle[int](p)
	all := hydro.Union(src, total, back)
	hydro.Sink(all, out)
	complete(hydro.FilterMap(all, func(x int) (int, bool) { return x - 1, x > 0 }))
}
