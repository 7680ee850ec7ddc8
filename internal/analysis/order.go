// Package analysis holds checks that read a flow's graph and report where its
// outcome may depend on what the network does. The interpreter and the
// compiler run the same checks.
package analysis

import (
	"fmt"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// Warning is a finding at a source position.
type Warning struct {
	Pos ir.Pos
	Msg string
}

func (w Warning) String() string { return w.Pos.String() + ": " + w.Msg }

// upgrades are the operators whose output no longer depends on the order or
// repetition of their input: lattice merges.
var upgrades = map[string]bool{ops.LatticeFold.Name: true, ops.MergeKeyed.Name: true}

// OrderSensitive reports every order-sensitive operator that reads a stream
// which crossed the network without passing a lattice merge since. Such a
// stream arrives in an order, batching and multiplicity the network chooses,
// so the operator's output may differ between runs and between replicas.
func OrderSensitive(g *ir.Graph) []Warning {
	// origin[n] is the network operator whose unordered output reaches n's
	// output, or -1.
	origin := make([]int, len(g.Nodes))
	for i := range origin {
		origin[i] = -1
	}
	consumers := g.Consumers()
	var work []int
	for _, n := range g.Nodes {
		if ops.Lookup(n.Op).Network {
			origin[n.ID] = n.ID
			work = append(work, n.ID)
		}
	}
	for len(work) > 0 {
		v := work[0]
		work = work[1:]
		for _, e := range consumers[v] {
			c := g.Nodes[e.To]
			if upgrades[c.Op] || ops.Lookup(c.Op).Network || origin[e.To] >= 0 {
				continue
			}
			origin[e.To] = origin[v]
			work = append(work, e.To)
		}
	}
	var out []Warning
	for _, n := range g.Nodes {
		spec := ops.Lookup(n.Op)
		if !spec.OrderSensitive {
			continue
		}
		for _, in := range n.Inputs {
			if o := origin[in]; o >= 0 {
				net := g.Nodes[o]
				out = append(out, Warning{Pos: n.Pos, Msg: fmt.Sprintf(
					"%s reads a stream that crossed the network at %s (%s): its items arrive in any order, batching and number, so the result may differ between runs; "+
						"fold into a lattice instead (hydro.LatticeFold, or hydro.MergeKeyed with `hydro:\"lattice\"` fields)",
					spec.API, ops.Lookup(net.Op).API, net.Pos)})
				break
			}
		}
	}
	return out
}
