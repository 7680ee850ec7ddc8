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
type CycleError = ir.CycleError

// Compute stratifies g.
func Compute(g *ir.Graph) (*Plan, error) {
	n := len(g.Nodes)
	specs := make([]*ops.Spec, n)
	for i, node := range g.Nodes {
		specs[i] = node.Spec
		if specs[i] == nil {
			return nil, fmt.Errorf("%s: unknown operator %q", node.Pos, node.Op)
		}
	}
	if err := g.BlockingCycle(); err != nil {
		return nil, err
	}
	scc, count := g.Components()
	p := &Plan{Of: make([]int, n), SCC: scc, Cyclic: make([]bool, count)}
	size := make([]int, count)
	for _, c := range scc {
		size[c]++
	}
	for c := range count {
		p.Cyclic[c] = size[c] > 1
	}
	for _, node := range g.Nodes {
		if specs[node.ID].Async() {
			continue
		}
		for _, in := range node.Inputs {
			if scc[in] == scc[node.ID] {
				p.Cyclic[scc[in]] = true
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
