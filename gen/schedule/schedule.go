// Package schedule orders the operators of one location of a flow for code
// generation: strata from blocking edges (shared with the interpreter through
// internal/strata), then subgraphs within each stratum by pull/push colouring,
// with handoff buffers on the edges between subgraphs, and the order in which
// items reach the inputs of joins. docs/scheduling.md explains the algorithm.
package schedule

import (
	"fmt"
	"slices"

	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
	"github.com/hydrogo/hydro/internal/strata"
)

// EdgeKind says how items cross an edge in generated code.
type EdgeKind uint8

const (
	// Inline edges are fused: the consumer's code runs in the producer's loop.
	Inline EdgeKind = iota
	// Handoff edges go through a buffer that a later subgraph drains.
	Handoff
	// State edges feed a blocking input or a DeferTick: the consumer's state
	// is updated in the producer's loop, and the consumer emits later (in a
	// later stratum, or in the next tick).
	State
)

func (k EdgeKind) String() string {
	return [...]string{"inline", "handoff", "state"}[k]
}

// EntryKind says how a subgraph's loop starts.
type EntryKind uint8

const (
	// Emit entries are operators that emit what they hold at the start of
	// their stratum: sources, DeferTick, and aggregations and other operators
	// fed through state edges.
	Emit EntryKind = iota
	// Drain entries loop over a handoff buffer.
	Drain
)

// Entry is one loop of a subgraph.
type Entry struct {
	Kind EntryKind
	// Node is the emitting operator (Emit) or the consumer of the handoff
	// (Drain).
	Node int
	// Edge is the drained handoff (Drain only).
	Edge ir.Edge
}

// Subgraph is a set of operators fused into one piece of straight-line code.
type Subgraph struct {
	ID      int
	Stratum int
	// Nodes are the members in node order.
	Nodes []int
	// Fixpoint marks a subgraph holding a cycle that runs to a fixpoint
	// within the tick: its drains (the cycle's back edges among them) run
	// again, in order, until a round leaves every drained buffer empty.
	Fixpoint bool
	// Entries are the subgraph's loops in run order: Persist replays, then
	// emitting operators in node order (those whose items reach only Static
	// sides of joins first), then handoffs in edge order.
	Entries []Entry
}

// Schedule is the plan for one location.
type Schedule struct {
	Graph *ir.Graph
	Loc   int
	Plan  *strata.Plan
	// Kind classifies every edge between operators of the location.
	Kind map[ir.Edge]EdgeKind
	// Of holds each node's subgraph, -1 for nodes at other locations.
	Of []int
	// Subgraphs are in run order: by stratum, then producers first.
	Subgraphs []*Subgraph
	// Push marks the nodes in the push part of their subgraph (at or after a
	// fan-out).
	Push []bool
	// Back marks the back edges of cycles that run to a fixpoint within a
	// tick: the edges into a forward reference (Cycle) from inside its own
	// cycle. Each is a handoff, drained in a loop until the cycle adds
	// nothing more (Subgraph.Fixpoint).
	Back map[ir.Edge]bool
	// arrive holds, per input port, the entries whose loops deliver to it.
	arrive map[inPort]span
	// emits holds the position, in run order, of each node's first Emit
	// entry.
	emits map[int]int
}

// MaxCopies bounds how often one operator's code is written into the loop
// of one subgraph entry. An edge from a push operator into a fan-in is
// inlined, duplicating the fan-in and everything below it once per path,
// only while every fan-in stays within the bound; otherwise it is a handoff.
const MaxCopies = 32

// Compute schedules the operators of g at location loc.
func Compute(g *ir.Graph, loc int) (*Schedule, error) {
	plan, err := strata.Compute(g)
	if err != nil {
		return nil, err
	}
	n := len(g.Nodes)
	spec := make([]*ops.Spec, n)
	for i, node := range g.Nodes {
		spec[i] = node.Spec
	}
	s := &Schedule{Graph: g, Loc: loc, Plan: plan, Kind: map[ir.Edge]EdgeKind{}, Of: make([]int, n), Push: make([]bool, n), Back: map[ir.Edge]bool{}}
	if err := s.backEdges(); err != nil {
		return nil, err
	}
	consumers := g.Consumers()
	fanIn := func(v int) bool { return len(g.Nodes[v].Inputs) > 1 }
	// copies[v] bounds the number of times v's code is written into the loop
	// of any one entry: the number of inline paths from the entry to v.
	copies := make([]int, n)
	// Classify edges in topological order within strata so that Push and
	// copies are known for a producer before its consumers.
	order := topo(g, spec, s.Back)
	for _, v := range order {
		node := g.Nodes[v]
		if node.Loc != loc {
			continue
		}
		if len(consumers[v]) > 1 {
			s.Push[v] = true
		}
		pushed := 0 // inline paths into v from push producers
		for port, in := range node.Inputs {
			e := ir.Edge{From: in, To: v, Port: port}
			if spec[v].Network {
				// A network edge, even to the same location (a cluster
				// broadcasting to itself): the node receives between ticks
				// and emits what it received at the start of its subgraph.
				continue
			}
			switch {
			case spec[v].Defer || spec[v].IsBlocking(port):
				s.Kind[e] = State
			case s.Back[e]:
				s.Kind[e] = Handoff
			case plan.Of[in] != plan.Of[v]:
				s.Kind[e] = Handoff
			case s.Push[in] && fanIn(v) && pushed+copies[in] > MaxCopies:
				s.Kind[e] = Handoff
			default:
				s.Kind[e] = Inline
				if s.Push[in] {
					s.Push[v] = true
					pushed += copies[in]
				}
			}
		}
		copies[v] = max(1, pushed)
	}
	// Subgraphs: connected components over inline edges, and over the
	// handoffs within a cycle (its back edges, and any other handoff
	// between its operators), so that one subgraph holds each cycle and
	// repeats its drains to the cycle's fixpoint.
	sets := ir.NewUnionFind(n)
	for e, k := range s.Kind {
		if k == Inline || k == Handoff && s.inCycle(e) {
			sets.Union(e.From, e.To)
		}
	}
	find := sets.Find
	byRoot := map[int]*Subgraph{}
	var sgs []*Subgraph
	for v, node := range g.Nodes {
		s.Of[v] = -1
		if node.Loc != loc {
			continue
		}
		r := find(v)
		sg := byRoot[r]
		if sg == nil {
			sg = &Subgraph{Stratum: plan.Of[v]}
			byRoot[r] = sg
			sgs = append(sgs, sg)
		}
		sg.Nodes = append(sg.Nodes, v)
	}
	// Entries.
	for _, sg := range sgs {
		var drains, replays []Entry
		for _, v := range sg.Nodes {
			sp := spec[v]
			if sp.Replays {
				// Persist replays earlier ticks' items before any item of
				// this tick reaches it. The interpreter queues every flush's
				// output and processes the queue afterwards, so a replay
				// precedes what any source of the subgraph emits, and a
				// later Persist's replay precedes the items an earlier
				// Persist's replay feeds it: replays go first, in reverse
				// node order.
				replays = append([]Entry{{Kind: Emit, Node: v}}, replays...)
			}
			emits := sp.Source || sp.Defer || sp.Network
			for port, in := range g.Nodes[v].Inputs {
				e := ir.Edge{From: in, To: v, Port: port}
				switch s.Kind[e] {
				case State:
					if !sp.Defer {
						emits = true
					}
				case Handoff:
					drains = append(drains, Entry{Kind: Drain, Node: v, Edge: e})
					if s.inCycle(e) {
						sg.Fixpoint = true
					}
				}
			}
			if emits {
				sg.Entries = append(sg.Entries, Entry{Kind: Emit, Node: v})
			}
		}
		s.staticSidesFirst(sg.Entries, consumers)
		slices.SortFunc(drains, func(a, b Entry) int {
			if a.Edge.To != b.Edge.To {
				return a.Edge.To - b.Edge.To
			}
			return a.Edge.Port - b.Edge.Port
		})
		sg.Entries = append(replays, sg.Entries...)
		sg.Entries = append(sg.Entries, drains...)
	}
	// Run order: by stratum, then so that a subgraph runs after those that
	// hand items to it within the stratum.
	idx := map[*Subgraph]int{}
	for i, sg := range sgs {
		idx[sg] = i
	}
	sgOf := func(v int) *Subgraph { return byRoot[find(v)] }
	deps := make([][]int, len(sgs))
	for e, k := range s.Kind {
		if k == Handoff && plan.Of[e.From] == plan.Of[e.To] {
			deps[idx[sgOf(e.To)]] = append(deps[idx[sgOf(e.To)]], idx[sgOf(e.From)])
		}
	}
	done := make([]bool, len(sgs))
	for len(s.Subgraphs) < len(sgs) {
		best := -1
		for i, sg := range sgs {
			if done[i] {
				continue
			}
			ready := true
			for _, d := range deps[i] {
				if !done[d] && d != i {
					ready = false
				}
			}
			if ready && (best < 0 || sg.Stratum < sgs[best].Stratum) {
				best = i
			}
		}
		if best < 0 {
			return nil, fmt.Errorf("flow %s: the subgraphs of location %q depend on each other in a cycle", g.Name, g.Locations[loc].Name)
		}
		done[best] = true
		sgs[best].ID = len(s.Subgraphs)
		s.Subgraphs = append(s.Subgraphs, sgs[best])
	}
	for v := range g.Nodes {
		if g.Nodes[v].Loc == loc {
			s.Of[v] = sgOf(v).ID
		}
	}
	s.arrivals(consumers)
	return s, nil
}

// inCycle reports whether edge e joins two operators of one cycle that
// runs to a fixpoint within a tick.
func (s *Schedule) inCycle(e ir.Edge) bool {
	c := s.Plan.SCC[e.From]
	return s.Plan.Cyclic[c] && s.Plan.SCC[e.To] == c
}

// backEdges finds the back edges of the cycles at the location that run to
// a fixpoint within a tick: the edges into a forward reference from inside
// its own cycle. Every cycle of a flow passes through the forward reference
// that made it, so cutting these edges leaves the operators of the cycle
// acyclic; a cycle they do not cut is reported.
func (s *Schedule) backEdges() error {
	g, plan := s.Graph, s.Plan
	for _, node := range g.Nodes {
		if node.Loc != s.Loc || !node.Spec.ForwardRef {
			continue
		}
		for port, in := range node.Inputs {
			if e := (ir.Edge{From: in, To: node.ID, Port: port}); s.inCycle(e) {
				s.Back[e] = true
			}
		}
	}
	// Within each cycle, with the back edges cut, every operator must be
	// ordered.
	indeg := map[int]int{}
	succ := map[int][]int{}
	var members []int
	for _, node := range g.Nodes {
		if node.Loc != s.Loc || !plan.Cyclic[plan.SCC[node.ID]] {
			continue
		}
		members = append(members, node.ID)
		indeg[node.ID] += 0
		if node.Spec.Async() {
			continue
		}
		for port, in := range node.Inputs {
			if e := (ir.Edge{From: in, To: node.ID, Port: port}); s.inCycle(e) && !s.Back[e] {
				indeg[node.ID]++
				succ[in] = append(succ[in], node.ID)
			}
		}
	}
	var queue []int
	for _, v := range members {
		if indeg[v] == 0 {
			queue = append(queue, v)
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range succ[v] {
			if indeg[w]--; indeg[w] == 0 {
				queue = append(queue, w)
			}
		}
	}
	for _, v := range members {
		if indeg[v] > 0 {
			return diag.Errorf(g.Nodes[v].Pos, diag.Schedule, "hydrogen cannot order the operators of this cycle: it passes no hydro.Cycle within the tick")
		}
	}
	return nil
}

// topo returns the nodes in an order where every producer precedes its
// consumers, ignoring edges into DeferTick and the back edges of cycles
// within a tick (which together cut every cycle that the scheduler
// accepts).
func topo(g *ir.Graph, spec []*ops.Spec, back map[ir.Edge]bool) []int {
	n := len(g.Nodes)
	indeg := make([]int, n)
	succ := make([][]int, n)
	for _, node := range g.Nodes {
		if spec[node.ID].Defer {
			continue
		}
		for port, in := range node.Inputs {
			if back[ir.Edge{From: in, To: node.ID, Port: port}] {
				continue
			}
			indeg[node.ID]++
			succ[in] = append(succ[in], node.ID)
		}
	}
	var queue, out []int
	for v := range n {
		if indeg[v] == 0 {
			queue = append(queue, v)
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		out = append(out, v)
		for _, w := range succ[v] {
			if indeg[w]--; indeg[w] == 0 {
				queue = append(queue, w)
			}
		}
	}
	// Nodes on cycles through network operators come last, in node order.
	if len(out) < n {
		seen := make([]bool, n)
		for _, v := range out {
			seen[v] = true
		}
		for v := range n {
			if !seen[v] {
				out = append(out, v)
			}
		}
	}
	return out
}

// edges returns the classified edges in (consumer, port) order.
func (s *Schedule) edges() []ir.Edge {
	out := make([]ir.Edge, 0, len(s.Kind))
	for _, n := range s.Graph.Nodes {
		for port, in := range n.Inputs {
			e := ir.Edge{From: in, To: n.ID, Port: port}
			if _, ok := s.Kind[e]; ok {
				out = append(out, e)
			}
		}
	}
	return out
}
