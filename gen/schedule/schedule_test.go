package schedule

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// builder makes graphs of one process for tests.
type builder struct{ g *ir.Graph }

func newBuilder() *builder {
	return &builder{g: &ir.Graph{Name: "t", Locations: []*ir.Location{{Name: "p"}}}}
}

func (b *builder) add(op string, inputs ...int) int {
	id := len(b.g.Nodes)
	b.g.Nodes = append(b.g.Nodes, &ir.Node{ID: id, Op: op, Spec: ops.Lookup(op), Inputs: inputs})
	return id
}

func (b *builder) join(op string, l, r int, left, right ir.Lifetime) int {
	id := b.add(op, l, r)
	b.g.Nodes[id].Lifetimes = []ir.Lifetime{left, right}
	return id
}

func (b *builder) schedule(t *testing.T) *Schedule {
	t.Helper()
	s, err := Compute(b.g, 0)
	require.NoError(t, err)
	return s
}

func handoffs(s *Schedule) int {
	n := 0
	for _, k := range s.Kind {
		if k == Handoff {
			n++
		}
	}
	return n
}

func TestBeforeTwoSources(t *testing.T) {
	b := newBuilder()
	l, r := b.add("source"), b.add("source")
	j := b.join("join", l, r, ir.Tick, ir.Tick)
	b.add("sink", j)
	s := b.schedule(t)
	require.True(t, s.Before(j, 0, 1), "the left source's entry runs first")
	require.False(t, s.Before(j, 1, 0))
}

func TestBeforeStaticSideFirst(t *testing.T) {
	b := newBuilder()
	l, r := b.add("source"), b.add("iter")
	j := b.join("join", l, r, ir.Tick, ir.Static)
	b.add("sink", j)
	s := b.schedule(t)
	require.Equal(t, []Entry{{Kind: Emit, Node: r}, {Kind: Emit, Node: l}}, s.Subgraphs[0].Entries)
	require.True(t, s.Before(j, 1, 0), "the Static side's entry moves first")
	require.False(t, s.Before(j, 0, 1))
}

func TestBeforeOneEntryFeedsBothSides(t *testing.T) {
	b := newBuilder()
	src := b.add("source")
	l, r := b.add("map", src), b.add("filter", src)
	j := b.join("join", l, r, ir.Tick, ir.Tick)
	b.add("sink", j)
	s := b.schedule(t)
	require.Zero(t, handoffs(s))
	require.False(t, s.Before(j, 0, 1), "items of both sides interleave")
	require.False(t, s.Before(j, 1, 0))
}

func TestBeforeAcrossStrata(t *testing.T) {
	// The right side is a fold of the source, so the join runs in a later
	// stratum: the fold's entry and the drain of the source's items are in
	// the join's subgraph, fold (an emitting entry) first.
	b := newBuilder()
	src := b.add("source")
	total := b.add("fold", src)
	j := b.join("join", src, total, ir.Tick, ir.Tick)
	b.add("sink", j)
	s := b.schedule(t)
	require.Equal(t, Handoff, s.Kind[ir.Edge{From: src, To: j, Port: 0}])
	require.True(t, s.Before(j, 1, 0))
}

// diamonds builds a chain of n fork-joins: a tee into two filters merged
// again by a union.
func diamonds(b *builder, n int) int {
	s := b.add("source")
	for range n {
		s = b.add("union", b.add("filter", s), b.add("filter", s))
	}
	return b.add("sink", s)
}

func TestDiamondsInlineWithinMaxCopies(t *testing.T) {
	b := newBuilder()
	diamonds(b, 5) // 32 paths into the last union
	s := b.schedule(t)
	require.Zero(t, handoffs(s))
	require.Len(t, s.Subgraphs, 1)

	b = newBuilder()
	diamonds(b, 6) // 64 paths: the last union's second input is handed off
	s = b.schedule(t)
	require.Equal(t, 1, handoffs(s))
}

// cycle closes a forward reference: Cycle's input is set once its
// producer exists.
func (b *builder) cycle(ref, to int) { b.g.Nodes[ref].Inputs = []int{to} }

func TestCycleWithinATickIsCutAtItsForwardReference(t *testing.T) {
	// reached = unique(source ∪ back); back = join(reached, iter).
	b := newBuilder()
	ref := b.add("cycle")
	u := b.add("union", b.add("source"), ref)
	reached := b.add("unique", u)
	b.add("sink", reached)
	edges := b.add("iter")
	j := b.join("join", reached, edges, ir.Tick, ir.Static)
	b.cycle(ref, j)
	s := b.schedule(t)
	back := ir.Edge{From: j, To: ref, Port: 0}
	require.True(t, s.Back[back])
	require.Equal(t, Handoff, s.Kind[back])
	require.Equal(t, 1, handoffs(s))
	require.Len(t, s.Subgraphs, 1)
	sg := s.Subgraphs[0]
	require.True(t, sg.Fixpoint)
	require.Equal(t, Entry{Kind: Drain, Node: ref, Edge: back}, sg.Entries[len(sg.Entries)-1], "the back edge is drained after the entries")
	require.True(t, s.Before(j, 1, 0), "the table is complete before the cycle's first round")
}

func TestCycleDrainsShareARound(t *testing.T) {
	// A cycle in stratum 1, through the left side of a join whose right
	// side is the source's items handed over from stratum 0. The cycle
	// drains its back edge, then the handoff, and repeats both until they
	// stay empty: the left side's items of a later round arrive after
	// right items, so neither side precedes the other.
	b := newBuilder()
	src := b.add("source")
	total := b.add("fold", src)
	ref := b.add("cycle")
	u := b.add("union", total, ref)
	j := b.join("join", u, src, ir.Tick, ir.Tick)
	b.cycle(ref, b.add("filter", j))
	b.add("sink", j)
	s := b.schedule(t)
	sg := s.Subgraphs[s.Of[j]]
	require.True(t, sg.Fixpoint)
	var drains []int
	for _, en := range sg.Entries {
		if en.Kind == Drain {
			drains = append(drains, en.Edge.To)
		}
	}
	require.Equal(t, []int{ref, j}, drains)
	require.False(t, s.Before(j, 0, 1))
	require.False(t, s.Before(j, 1, 0))
}
