package ir

import (
	"fmt"

	"github.com/hydrogo/hydro/internal/diag"
)

// Verify checks that g keeps the IR's invariants, which every stage after
// the builders relies on: IDs are dense, every node names a registered
// operator with the right number of inputs and valid lifetimes, element types
// agree on the edges of operators that pass items through unchanged, edges
// cross locations only into network operators, sinks have no consumers, and
// no cycle within a tick passes a blocking input. Builders and passes call it
// on every graph they return. A blocking cycle is the user's mistake and has
// category diag.Schedule; every other finding (category diag.Verify) is a
// bug of the builder or pass that made the graph.
func Verify(g *Graph) diag.List {
	var ds diag.List
	bad := func(n *Node, format string, args ...any) {
		what := fmt.Sprintf("node %d", n.ID)
		if n.Spec != nil {
			what = fmt.Sprintf("%s (node %d)", n.Spec.API, n.ID)
		}
		ds = append(ds, diag.Errorf(n.Pos, diag.Verify, "%s: %s", what, fmt.Sprintf(format, args...)))
	}
	for i, l := range g.Locations {
		if l.ID != i {
			ds = append(ds, diag.Errorf(l.Pos, diag.Verify, "location %q has ID %d at index %d", l.Name, l.ID, i))
		}
		if l.Paired != "" {
			if p := g.Location(l.Paired); p == nil || p.Kind != ClusterLoc || l.Kind != ClusterLoc || g.PairedBase(l) == nil || g.PairedBase(l).Paired != "" {
				ds = append(ds, diag.Errorf(l.Pos, diag.Verify, "location %q is paired with %q, which is not a cluster it can pair with", l.Name, l.Paired))
			}
		}
	}
	for i, n := range g.Nodes {
		if n == nil {
			ds = append(ds, diag.Errorf(Pos{}, diag.Verify, "node %d is nil", i))
			return ds
		}
		if n.ID != i {
			bad(n, "has ID %d at index %d", n.ID, i)
		}
		if n.Spec == nil || n.Spec.Name != n.Op {
			bad(n, "operator %q has no registered Spec", n.Op)
			return ds
		}
		if n.Loc < 0 || n.Loc >= len(g.Locations) {
			bad(n, "lives at location %d, which does not exist", n.Loc)
			return ds
		}
		for _, in := range n.Inputs {
			if in < 0 || in >= len(g.Nodes) {
				bad(n, "reads node %d, which does not exist", in)
				return ds
			}
		}
	}
	if len(ds) > 0 {
		return ds
	}
	consumers := g.Consumers()
	for _, n := range g.Nodes {
		s := n.Spec
		if len(n.Inputs) < s.MinInputs || (s.MaxInputs >= 0 && len(n.Inputs) > s.MaxInputs) {
			bad(n, "has %d inputs", len(n.Inputs))
		}
		if len(n.Lifetimes) != 0 && len(n.Lifetimes) != len(s.Lifetimes) {
			bad(n, "has %d lifetimes for %d state slots", len(n.Lifetimes), len(s.Lifetimes))
		}
		for _, l := range n.Lifetimes {
			if !l.Valid() {
				bad(n, "%v is not a lifetime", l)
			} else if l == Durable && !s.Durable {
				bad(n, "has durable state, which %s cannot log", s.API)
			}
		}
		for port, in := range n.Inputs {
			from := g.Nodes[in]
			if !s.Network && from.Loc != n.Loc {
				bad(n, "reads %s (node %d) across locations %q and %q without a network operator",
					from.Spec.API, from.ID, g.Locations[from.Loc].Name, g.Locations[n.Loc].Name)
			}
			if s.SameElem && (port == 0 || s.MaxInputs < 0) && !from.Elem.Identical(n.Elem) {
				bad(n, "passes its input through, but its input %d has elements of type %s and its output of type %s", port, from.Elem, n.Elem)
			}
		}
		if n.Paired && (!s.Network || len(n.Inputs) != 1 || !g.pairs(g.Nodes[n.Inputs[0]].Loc, n.Loc)) {
			bad(n, "is marked paired but does not send between a location and the location paired with it")
		}
		if s.Sink && len(consumers[n.ID]) > 0 {
			bad(n, "is a sink but has consumers")
		}
	}
	if len(ds) == 0 {
		if c := g.BlockingCycle(); c != nil {
			ds = append(ds, diag.Errorf(c.Blocking.Pos, diag.Schedule, "%s", c.Message()))
		}
	}
	ds.Sort()
	return ds
}

// pairs reports whether locations a and b are paired: one was decoupled
// off the other, a cluster (Location.Paired).
func (g *Graph) pairs(a, b int) bool {
	if a < 0 || b < 0 || a >= len(g.Locations) || b >= len(g.Locations) {
		return false
	}
	la, lb := g.Locations[a], g.Locations[b]
	return la.Paired != "" && la.Paired == lb.Name || lb.Paired != "" && lb.Paired == la.Name
}
