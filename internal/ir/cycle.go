package ir

import (
	"fmt"
	"slices"
	"strings"
)

// tickEdges returns, per node, the edges leaving it that order the
// operators within a tick: every edge except those into asynchronous
// operators (DeferTick, network operators), which deliver in a later tick.
func (g *Graph) tickEdges() [][]Edge {
	succ := make([][]Edge, len(g.Nodes))
	for _, n := range g.Nodes {
		if n.Spec != nil && n.Spec.Async() {
			continue
		}
		for port, in := range n.Inputs {
			succ[in] = append(succ[in], Edge{From: in, To: n.ID, Port: port})
		}
	}
	return succ
}

// Components returns each node's strongly connected component over the
// edges that order a tick (see tickEdges), and the number of components.
// Components are numbered in reverse topological order.
func (g *Graph) Components() (comp []int, count int) {
	return tarjan(len(g.Nodes), g.tickEdges())
}

// CycleError reports a cycle, within a tick, through a blocking edge.
type CycleError struct {
	// Blocking is the operator whose blocking input closes the cycle.
	Blocking *Node
	// Path lists the operators of the cycle.
	Path []*Node
}

// Message says what is wrong, without the position.
func (e *CycleError) Message() string {
	var names []string
	for _, n := range e.Path {
		names = append(names, fmt.Sprintf("%s (%s)", n.Spec.API, n.Pos))
	}
	return fmt.Sprintf("cycle through the blocking input of %s: %s; "+
		"the operator must see its input complete within the tick, which a cycle forbids: "+
		"pass the cycle's back edge through hydro.DeferTick",
		e.Blocking.Spec.API, strings.Join(names, " -> "))
}

func (e *CycleError) Error() string { return e.Blocking.Pos.String() + ": " + e.Message() }

// BlockingCycle returns the first cycle, within a tick, that passes a
// blocking input, or nil.
func (g *Graph) BlockingCycle() *CycleError {
	succ := g.tickEdges()
	scc, _ := tarjan(len(g.Nodes), succ)
	for from, es := range succ {
		for _, e := range es {
			if scc[from] == scc[e.To] && g.Nodes[e.To].Spec.IsBlocking(e.Port) {
				return &CycleError{Blocking: g.Nodes[e.To], Path: cyclePath(g, succ, scc, e)}
			}
		}
	}
	return nil
}

// cyclePath returns the nodes of a cycle that contains edge e.
func cyclePath(g *Graph, succ [][]Edge, scc []int, e Edge) []*Node {
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
	var path []*Node
	for v := e.From; v != -1; v = prev[v] {
		path = append(path, g.Nodes[v])
	}
	slices.Reverse(path)
	return append(path, g.Nodes[e.To])
}

// tarjan returns each vertex's strongly connected component; components are
// numbered in reverse topological order.
func tarjan(n int, succ [][]Edge) (comp []int, count int) {
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
