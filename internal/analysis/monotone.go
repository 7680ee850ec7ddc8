package analysis

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
)

// Monotone decides, for every operator and every component, whether more
// input can only add output (paper 002 §3.2): by the CALM theorem such a
// component produces the same final output whatever the network does, so it
// can be decoupled without coordination.
//
// An operator is monotone when its Spec says so (maps, filters, joins,
// unions, lattice merges, persistence, network operators); when its
// combining function is marked //hydro:monotone; or when every input it
// must read whole before producing output (a blocking input: the negated
// side of AntiJoin, the input of a fold, of Sort) is complete — it derives
// only from sources known in full at start (Iter, SelfID), so it never
// grows. Anything else (negation, non-lattice folds, Sort, Enumerate) is not
// monotone. A component is monotone when all its operators are.
var Monotone = &Analyzer{
	Name:     "monotone",
	Doc:      "monotonicity of every operator and every component",
	Requires: []*Analyzer{Components},
	Run:      runMonotone,
}

// Property is a yes-or-no fact with its reason.
type Property struct {
	Yes    bool
	Reason string
}

func (p Property) String() string {
	if p.Yes {
		return "yes (" + p.Reason + ")"
	}
	return "no (" + p.Reason + ")"
}

// RegionsResult holds a property of every operator and of every component
// (by index in ComponentsResult.List).
type RegionsResult struct {
	Nodes   []Property
	Regions []Property
}

func runMonotone(pass *Pass) (any, error) {
	g := pass.Graph
	comps := pass.ResultOf[Components].(*ComponentsResult)
	complete := CompleteNodes(g)
	res := &RegionsResult{Nodes: make([]Property, len(g.Nodes))}
	for _, n := range g.Nodes {
		sp := spec(g, n.ID)
		f := combiner(pass.Program, n.ID)
		switch {
		case sp.Monotone:
			res.Nodes[n.ID] = Property{true, sp.API + " is monotone"}
		case f != nil && f.Monotone:
			res.Nodes[n.ID] = Property{true, f.Name + " is marked //hydro:monotone"}
		default:
			ports := sp.Blocking
			if len(ports) == 0 {
				for i := range n.Inputs {
					ports = append(ports, i)
				}
			}
			whole := len(ports) > 0
			for _, p := range ports {
				whole = whole && p < len(n.Inputs) && complete[n.Inputs[p]]
			}
			if whole {
				res.Nodes[n.ID] = Property{true, "what it reads whole is complete at start"}
				continue
			}
			why := "it reads its input whole: more input changes its output, not only adds to it"
			switch {
			case sp.OrderSensitive:
				why = "its result depends on the order of its input"
			case len(sp.Blocking) > 0 && len(n.Inputs) > len(sp.Blocking):
				why = "negation: more input on the negated side retracts output"
			}
			res.Nodes[n.ID] = Property{false, why}
		}
	}
	for _, c := range comps.List {
		var bad []string
		for _, id := range c {
			if !res.Nodes[id].Yes {
				bad = append(bad, describe(g, id))
			}
		}
		if len(bad) == 0 {
			res.Regions = append(res.Regions, Property{true, "every operator is monotone"})
		} else {
			res.Regions = append(res.Regions, Property{false, fmt.Sprintf("not monotone: %s", strings.Join(bad, ", "))})
		}
	}
	return res, nil
}

// CompleteNodes reports, for every node, whether its output derives only
// from sources known in full when the node starts (Iter, SelfID,
// ClusterSize): it never grows.
func CompleteNodes(g *ir.Graph) []bool {
	complete := make([]bool, len(g.Nodes))
	for changed := true; changed; {
		changed = false
		for _, n := range g.Nodes {
			sp := spec(g, n.ID)
			c := sp.Complete
			if !sp.Source && !sp.Network && len(n.Inputs) > 0 {
				c = true
				for _, in := range n.Inputs {
					c = c && complete[in]
				}
			}
			if c != complete[n.ID] {
				complete[n.ID], changed = c, true
			}
		}
	}
	return complete
}
