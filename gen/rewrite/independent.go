package rewrite

import (
	"github.com/hydrogo/hydro/internal/diag"
)

// independent is mutually independent decoupling (paper 002 §3.1): the
// component C2 and the rest C1 of its location share no edge in either
// direction and read no stream in common, so every fact of one is derived
// without the other, and C2 can run at a new location with its inputs
// redirected. Network operators that receive at the location are its
// inputs: each may feed C1 or C2, not both.
var independent = &rewrite{
	precondition: "C1 and C2 share no edge in either direction and read no stream in common",
	check: func(s *stepState) *diag.Diagnostic {
		g := s.g
		// reader records, per stream read from outside C2, the C2
		// operator that reads it.
		reader := map[int]int{}
		for _, id := range s.c2 {
			n := g.Nodes[id]
			for _, in := range n.Inputs {
				if s.in(in) {
					continue
				}
				p := g.Nodes[in]
				if !p.Spec.Network && p.Loc == s.from {
					return s.errorf(id, "%s (bound to %s) reads the output of %s, which stays at %q: the components are not independent", g.Nodes[id].Spec.API, s.names[id], describe(g, in), g.Locations[s.from].Name)
				}
				s.fact(id, "reads %s, a stream from elsewhere", about(g, in))
				reader[in] = id
			}
		}
		for _, n := range g.Nodes {
			if s.in(n.ID) || n.Loc != s.from || n.Spec.Network {
				continue
			}
			for _, in := range n.Inputs {
				if s.in(in) {
					return s.errorf(n.ID, "%s reads the output of %s (bound to %s), which moves: the components are not independent", g.Nodes[n.ID].Spec.API, describe(g, in), s.names[in])
				}
				if r, ok := reader[in]; ok {
					return s.errorf(r, "%s (bound to %s) and %s both read %s: independent components read disjoint inputs", g.Nodes[r].Spec.API, s.names[r], describe(g, n.ID), describe(g, in))
				}
			}
		}
		s.fact(s.c2[0], "no operator that stays reads C2, and none reads what C2 reads")
		return nil
	},
}
