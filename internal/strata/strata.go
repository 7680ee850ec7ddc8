// Package strata orders a flow's operators into strata: an operator reading a
// blocking input (aggregation, negation, sorting) runs in a later stratum than
// everything feeding that input, so that it sees the input complete. Edges
// into DeferTick deliver in the next tick and do not order strata. A cycle
// that passes a blocking edge without a DeferTick has no such order and is an
// error.
//
// The interpreter and the compiler's scheduler both use this package, so they
// agree on the strata of every program.
package strata

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// Plan is the stratification of one graph.
type Plan struct {
	// Of holds each node's stratum.
	Of []int
	// Count is the number of strata.
	Count int
	// SCC holds each node's strongly connected component (ignoring edges into
	// DeferTick); nodes of one component with more than one member, or with a
	// self edge, form a cycle that runs to a fixpoint within a tick.
	SCC []int
	// Cyclic reports, per component, whether it is a cycle.
	Cyclic []bool
}

// CycleError reports a cycle through a blocking edge.
type CycleError struct {
	// Blocking is the operator whose blocking input closes the cycle.
	Blocking *ir.Node
	// Path lists the operators of the cycle.
	Path []*ir.Node
}

func (e *CycleError) Error() string {
	spec := ops.Lookup(e.Blocking.Op)
	var names []string
	for _, n := range e.Path {
		names = append(names, fmt.Sprintf("%s (%s)", ops.Lookup(n.Op).API, n.Pos))
	}
	return fmt.Sprintf("%s: cycle through the blocking input of %s: %s; "+
		"the operator must see its input complete within the tick, which a cycle forbids: "+
		"pass the cycle's back edge through hydro.DeferTick",
		e.Blocking.Pos, spec.API, strings.Join(names, " -> "))
}

// Compute stratifies g.
func Compute(g *ir.Graph) (*Plan, error) {
	n := len(g.Nodes)
	specs := make([]*ops.Spec, n)
	for i, node := range g.Nodes {
		specs[i] = ops.Lookup(node.Op)
		if specs[i] == nil {
			return nil, fmt.Errorf("%s: unknown operator %q", node.Pos, node.Op)
		}
	}
	// Edges that order strata: every edge except those into asynchronous
	// operators.
	succ := make([][]ir.Edge, n)
	for _, node := range g.Nodes {
		if specs[node.ID].Async() {
			continue
		}
		for port, in := range node.Inputs {
			succ[in] = append(succ[in], ir.Edge{From: in, To: node.ID, Port: port})
		}
	}
	scc, count := tarjan(n, succ)
	p := &Plan{Of: make([]int, n), SCC: scc, Cyclic: make([]bool, count)}
	size := make([]int, count)
	for _, c := range scc {
		size[c]++
	}
	for c := range count {
		p.Cyclic[c] = size[c] > 1
	}
	for from, es := range succ {
		for _, e := range es {
			if scc[from] != scc[e.To] {
				continue
			}
			p.Cyclic[scc[from]] = true
			if specs[e.To].IsBlocking(e.Port) {
				return nil, &CycleError{Blocking: g.Nodes[e.To], Path: cyclePath(g, succ, scc, e)}
			}
		}
	}
	// Tarjan numbers components in reverse topological order.
	compStratum := make([]int, count)
	order := make([][]int, count)
	for v, c := range scc {
		order[c] = append(order[c], v)
	}
	for c := count - 1; c >= 0; c-- {
		for _, v := range order[c] {
			for _, in := range g.Nodes[v].Inputs {
				if specs[v].Async() || scc[in] == c {
					continue
				}
				s := compStratum[scc[in]]
				for port, x := range g.Nodes[v].Inputs {
					if x == in && specs[v].IsBlocking(port) {
						s++
						break
					}
				}
				compStratum[c] = max(compStratum[c], s)
			}
		}
	}
	for v := range n {
		p.Of[v] = compStratum[scc[v]]
		p.Count = max(p.Count, p.Of[v]+1)
	}
	return p, nil
}

// cyclePath returns the nodes of a cycle that contains edge e.
func cyclePath(g *ir.Graph, succ [][]ir.Edge, scc []int, e ir.Edge) []*ir.Node {
	// Breadth-first search from e.To to e.From inside the component; the edge
	// e closes the cycle.
	prev := map[int]int{e.To: -1}
	for queue := []int{e.To}; len(queue) > 0; {
		v := queue[0]
		queue = queue[1:]
		if v == e.From {
			break
		}
		for _, s := range succ[v] {
			if _, seen := prev[s.To]; !seen && scc[s.To] == scc[v] {
				prev[s.To] = v
				queue = append(queue, s.To)
			}
		}
	}
	var path []*ir.Node
	for v := e.From; v != -1; v = prev[v] {
		path = append(path, g.Nodes[v])
	}
	slices.Reverse(path)
	return append(path, g.Nodes[e.To])
}

// tarjan returns each vertex's strongly connected component; components are
// numbered in reverse topological order.
func tarjan(n int, succ [][]ir.Edge) (comp []int, count int) {
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	comp = make([]int, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	next := 0
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, e := range succ[v] {
			w := e.To
			if index[w] < 0 {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp[w] = count
				if w == v {
					break
				}
			}
			count++
		}
	}
	for v := range n {
		if index[v] < 0 {
			visit(v)
		}
	}
	return comp, count
}
