package analysis

import (
	"fmt"
	"strings"
)

// Functional decides, for every operator and every functional region,
// whether it behaves like a pure function of each item (paper 002 §3.3):
// stateless, reading one input (a union reads several, each item on its
// own), blocking on nothing, and calling only pure functions (marked
// //hydro:pure or proven pure from their syntax). A functional region — a
// connected part of a location's dataflow made of functional operators —
// can move to another location with its input redirected and nothing
// persisted, since no output depends on earlier input.
var Functional = &Analyzer{
	Name: "functional",
	Doc:  "functional operators and regions",
	Run:  runFunctional,
}

// FunctionalResult holds whether each operator is functional and the
// functional regions, as connected components of functional operators.
type FunctionalResult struct {
	Nodes   []Property
	Regions *ComponentsResult
}

func runFunctional(pass *Pass) (any, error) {
	g := pass.Graph
	res := &FunctionalResult{Nodes: make([]Property, len(g.Nodes))}
	for _, n := range g.Nodes {
		res.Nodes[n.ID] = functional(pass.Program, n.ID)
	}
	res.Regions = components(g, func(id int) bool { return res.Nodes[id].Yes })
	return res, nil
}

func functional(prog Program, id int) Property {
	g := prog.Graph()
	n := g.Nodes[id]
	sp := spec(g, id)
	switch {
	case sp.Source:
		return Property{false, "a source"}
	case sp.Stateful:
		return Property{false, "keeps state"}
	case len(sp.Blocking) > 0:
		return Property{false, "reads its input whole"}
	case len(n.Inputs) > 1 && !sp.ForwardsPort(1):
		return Property{false, "combines several inputs"}
	}
	var impure []string
	for i, f := range prog.Funcs(id) {
		switch {
		case f == nil:
			impure = append(impure, fmt.Sprintf("function %d is not known to be pure", i+1))
		case !f.Pure:
			impure = append(impure, f.Name+" is not known to be pure (mark it //hydro:pure)")
		}
	}
	if len(impure) > 0 {
		return Property{false, strings.Join(impure, "; ")}
	}
	return Property{true, "stateless, one item at a time"}
}
