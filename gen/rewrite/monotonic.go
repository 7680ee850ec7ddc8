package rewrite

import (
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
)

// monotonic is monotonic decoupling (paper 002 §3.2): C2 may read what C1
// produces, but C1 reads nothing of C2, and C2 is monotone and keeps what
// it relates. Decoupling delays, reorders, repeats and splits across ticks
// the streams C2 receives from C1; by the CALM theorem a monotone C2 that
// keeps its inputs (the paper's persistence rules) derives from them the
// same facts whatever their timing.
//
// The paper persists every input of C2 with a persistence rule. Here the
// persistence is C2's own state: the precondition asks that every operator
// of C2 that stores items keeps them for the life of the node
// (keepsWhatItRelates), so every item C2 receives is kept exactly where it
// meets later items, and a join emits each pair once, in the tick of the
// later item (incremental evaluation of the persisted relation), instead
// of a Persist replaying every input, and C2 re-deriving every output,
// every tick.
var monotonic = &rewrite{
	precondition: "every operator of C2 is monotone; C2 keeps what it relates for the life of the node; no operator that stays reads C2",
	needs:        []*analysis.Analyzer{analysis.Monotone},
	check: func(s *stepState) *diag.Diagnostic {
		facts := s.facts.Facts[analysis.Monotone].(*analysis.RegionsResult)
		if d := s.monotone(facts); d != nil {
			return d
		}
		if d := s.keepsWhatItRelates(); d != nil {
			return d
		}
		return s.c1IgnoresC2()
	},
}

// c1IgnoresC2 checks that C1, the operators that stay at the location, is
// independent of C2: no operator of C1 reads an output of C2, directly or
// through a network operator that brings it back to the location.
func (s *stepState) c1IgnoresC2() *diag.Diagnostic {
	g := s.g
	for _, n := range g.Nodes {
		if s.in(n.ID) || n.Loc != s.from {
			continue
		}
		for _, in := range n.Inputs {
			if s.in(in) {
				return s.errorf(n.ID, "%s reads the output of %s (bound to %s), which moves: the operators that stay must not depend on the component (an asymmetric decoupling may apply)", n.Spec.API, describe(g, in), s.names[in])
			}
		}
	}
	s.fact(s.c2[0], "no operator that stays at %q reads C2", g.Locations[s.from].Name)
	return nil
}

// monotone checks that every operator of C2 is monotone.
func (s *stepState) monotone(facts *analysis.RegionsResult) *diag.Diagnostic {
	for _, id := range s.c2 {
		p := facts.Nodes[id]
		s.fact(id, "monotone: %s", p)
		if !p.Yes {
			return s.errorf(id, "%s (bound to %s) makes the component non-monotone: %s", s.g.Nodes[id].Spec.API, s.names[id], p.Reason)
		}
	}
	return nil
}

// keepsWhatItRelates checks that no operator of C2 keeps state for one
// tick only: such an operator relates only items that share a tick, and
// decoupling changes which items share one. A side of a join may live for
// a tick when the other side is complete (known in full at start) and
// kept, as then an item meets the same items whenever it arrives.
func (s *stepState) keepsWhatItRelates() *diag.Diagnostic {
	g := s.g
	complete := analysis.CompleteNodes(g)
	for _, id := range s.c2 {
		n := g.Nodes[id]
		for i, slot := range n.Spec.Lifetimes {
			if lt := lifetimeOf(n, i); lt.Kept() {
				s.fact(id, "keeps its %s (%s)", slot.Name, lt)
				continue
			}
			if n.Spec.SideLifetimes {
				other := 1 - i
				if complete[n.Inputs[other]] && lifetimeOf(n, other).Kept() {
					s.fact(id, "keeps its %s for a tick, but its %s is complete and kept", slot.Name, n.Spec.Lifetimes[other].Name)
					continue
				}
			} else if allComplete(n, complete) {
				s.fact(id, "keeps its %s for a tick, but what it reads is complete", slot.Name)
				continue
			}
			return s.errorf(id, "%s (bound to %s) keeps its %s for one tick (hydro.Tick): it relates only items that share a tick, and decoupling changes which do; C2 must keep what it relates (hydro.Static), as the paper's persisted inputs", n.Spec.API, s.names[id], slot.Name)
		}
	}
	return nil
}

// lifetimeOf returns node n's lifetime for state slot i, the default if
// the flow does not choose one.
func lifetimeOf(n *ir.Node, i int) ir.Lifetime {
	if i < len(n.Lifetimes) {
		return n.Lifetimes[i]
	}
	return n.Spec.Lifetimes[i].Default
}

func allComplete(n *ir.Node, complete []bool) bool {
	for _, in := range n.Inputs {
		if !complete[in] {
			return false
		}
	}
	return true
}
