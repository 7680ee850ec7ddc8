package rewrite

import (
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/diag"
)

// functional is functional decoupling (paper 002 §3.3): every operator of
// the component is functional — stateless, reading one input, blocking on
// nothing, calling only pure functions (analysis.Functional) — so each
// output item depends on one input item alone, and the component can run
// anywhere its input is redirected to, with nothing persisted.
var functional = &rewrite{
	precondition: "every operator of C2 is functional: stateless, one input, blocking on nothing, calling only pure functions",
	needs:        []*analysis.Analyzer{analysis.Functional},
	check: func(s *stepState) *diag.Diagnostic {
		facts := s.facts.Facts[analysis.Functional].(*analysis.FunctionalResult)
		for _, id := range s.c2 {
			p := facts.Nodes[id]
			s.fact(id, "functional: %s", p)
			if !p.Yes {
				return s.errorf(id, "%s (bound to %s) is not functional: %s", s.g.Nodes[id].Spec.API, s.names[id], p.Reason)
			}
		}
		return nil
	},
}
