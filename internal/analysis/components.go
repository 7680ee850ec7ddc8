package analysis

import (
	"fmt"
	"slices"

	"github.com/hydrogo/hydro/internal/ir"
)

// Components splits the operators of every location into independent
// components (paper 002 §3.1): the connected parts of the location's local
// dataflow. Two components reference no common stream and none reads the
// other's output, so each could run at a location of its own, with only the
// network operators feeding it redirected.
var Components = &Analyzer{
	Name: "components",
	Doc:  "independent components of every location",
	Run:  runComponents,
}

// ComponentsResult is the result of Components.
type ComponentsResult struct {
	// Of maps a node to its component's index in List.
	Of []int
	// List holds each component's nodes in ID order, components ordered by
	// location, then by first node.
	List [][]int
}

func runComponents(pass *Pass) (any, error) {
	g := pass.Graph
	return components(g, func(int) bool { return true }), nil
}

// components returns the connected parts of the local dataflow among the
// nodes keep accepts.
func components(g *ir.Graph, keep func(int) bool) *ComponentsResult {
	sets := ir.NewUnionFind(len(g.Nodes))
	for _, n := range g.Nodes {
		if !keep(n.ID) {
			continue
		}
		for _, in := range n.Inputs {
			if keep(in) && local(g, in, n.ID) {
				sets.Union(in, n.ID)
			}
		}
	}
	res := &ComponentsResult{Of: make([]int, len(g.Nodes))}
	index := map[int]int{}
	order := make([]int, 0, len(g.Nodes))
	for _, n := range g.Nodes {
		order = append(order, n.ID)
	}
	slices.SortStableFunc(order, func(a, b int) int { return g.Nodes[a].Loc - g.Nodes[b].Loc })
	for _, id := range order {
		if !keep(id) {
			res.Of[id] = -1
			continue
		}
		r := sets.Find(id)
		c, ok := index[r]
		if !ok {
			c = len(res.List)
			index[r] = c
			res.List = append(res.List, nil)
		}
		res.Of[id] = c
		res.List[c] = append(res.List[c], id)
	}
	return res
}

// Independent reports whether the operator sets a and b, at one location,
// are mutually independent (paper 002 §3.1): neither reads a stream the
// other produces, and they read no stream in common. When they are not, the
// reason names an edge that breaks it.
func Independent(g *ir.Graph, a, b []int) (bool, string) {
	inA := func(x int) bool { return slices.Contains(a, x) }
	inB := func(x int) bool { return slices.Contains(b, x) }
	for _, x := range append(slices.Clone(a), b...) {
		if g.Nodes[x].Loc != g.Nodes[a[0]].Loc {
			return false, fmt.Sprintf("%s is not at location %q", describe(g, x), g.Locations[g.Nodes[a[0]].Loc].Name)
		}
		if inA(x) && inB(x) {
			return false, fmt.Sprintf("%s is in both sets", describe(g, x))
		}
	}
	readBy := map[int]int{} // stream → a reader in a
	for _, x := range a {
		for _, in := range g.Nodes[x].Inputs {
			if inB(in) {
				return false, fmt.Sprintf("%s reads the output of %s", describe(g, x), describe(g, in))
			}
			readBy[in] = x
		}
	}
	for _, y := range b {
		for _, in := range g.Nodes[y].Inputs {
			if inA(in) {
				return false, fmt.Sprintf("%s reads the output of %s", describe(g, y), describe(g, in))
			}
			if x, ok := readBy[in]; ok {
				return false, fmt.Sprintf("%s and %s both read the output of %s", describe(g, x), describe(g, y), describe(g, in))
			}
		}
	}
	return true, ""
}
