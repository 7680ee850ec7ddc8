package analysis

import (
	"fmt"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// Order tracks, for every operator, whether its output carries items whose
// order, batching or number the network chose: a network operator delivers
// its input unordered, in batches of its choosing, and possibly repeated
// (senders resend until acknowledged). Operators propagate both properties
// to their output; a lattice merge (LatticeFold, MergeKeyed) removes both,
// since its result does not depend on order, batching or repetition, and an
// operator that drops repeats for the life of the node (Unique with Static
// state) removes repetition.
//
// It reports every order-sensitive operator (non-lattice folds, Enumerate)
// reading an unordered stream: its result may differ between runs and
// between replicas, so the program needs coordination there. An operator
// whose combining function is marked //hydro:commutative does not depend on
// the order, but still on repetition: it is reported when its input may
// repeat.
var Order = &Analyzer{
	Name: "order",
	Doc:  "order and retry status of every stream; order-sensitive operators after the network",
	Run:  runOrder,
}

// Arrival is the order and retry status of one operator's output.
type Arrival struct {
	// Unordered is the network operator whose unordered delivery reaches the
	// output, or -1 when its order is determined by the program.
	Unordered int
	// Repeats is the network operator whose redelivery may repeat items of
	// the output, or -1.
	Repeats int
}

// OrderResult is the result of Order: one entry per node, by ID.
type OrderResult []Arrival

func runOrder(pass *Pass) (any, error) {
	g := pass.Graph
	res := make(OrderResult, len(g.Nodes))
	for i := range res {
		res[i] = Arrival{-1, -1}
	}
	consumers := g.Consumers()
	var work []int
	for _, n := range g.Nodes {
		if spec(g, n.ID).Network {
			res[n.ID] = Arrival{n.ID, n.ID}
			work = append(work, n.ID)
		}
	}
	for len(work) > 0 {
		v := work[0]
		work = work[1:]
		for _, e := range consumers[v] {
			c := g.Nodes[e.To]
			sp := spec(g, c.ID)
			if sp.Network || sp.LatticeMerge {
				continue
			}
			cur, from := res[c.ID], res[v]
			next := cur
			if next.Unordered < 0 {
				next.Unordered = from.Unordered
			}
			if next.Repeats < 0 && !dedups(c) {
				next.Repeats = from.Repeats
			}
			if next != cur {
				res[c.ID] = next
				work = append(work, c.ID)
			}
		}
	}
	for _, n := range g.Nodes {
		sp := spec(g, n.ID)
		if !sp.OrderSensitive {
			continue
		}
		in := Arrival{-1, -1}
		for _, i := range n.Inputs {
			if res[i].Unordered >= 0 && in.Unordered < 0 {
				in.Unordered = res[i].Unordered
			}
			if res[i].Repeats >= 0 && in.Repeats < 0 {
				in.Repeats = res[i].Repeats
			}
		}
		f := combiner(pass.Program, n.ID)
		switch {
		case in.Unordered >= 0 && (f == nil || !f.Commutative):
			pass.Reportf(n.Pos, "%s reads a stream that crossed the network at %s: its items arrive in any order, batching and number, so the result may differ between runs and replicas and needs coordination; "+
				"fold into a lattice instead (hydro.LatticeFold, or hydro.MergeKeyed with `hydro:\"lattice\"` fields)",
				sp.API, describe(g, in.Unordered))
		case in.Repeats >= 0:
			pass.Reportf(n.Pos, "%s reads a stream that crossed the network at %s: its function %s is commutative, but a resent item is folded twice, so the result may differ between runs and needs coordination; "+
				"drop repeats first (hydro.Unique with hydro.Static) or fold into a lattice",
				sp.API, describe(g, in.Repeats), f.Name)
		}
	}
	return res, nil
}

// dedups reports whether n drops repeated items for the life of the node.
func dedups(n *ir.Node) bool {
	sp := ops.Lookup(n.Op)
	if !sp.Dedup {
		return false
	}
	for i, slot := range sp.Lifetimes {
		lt := slot.Default
		if i < len(n.Lifetimes) {
			lt = n.Lifetimes[i]
		}
		if lt != ir.Static {
			return false
		}
	}
	return true
}

// OrderSensitive reports every order-sensitive operator that reads a stream
// which crossed the network without passing a lattice merge since.
func OrderSensitive(prog Program) []Diagnostic {
	res, err := Run(prog, Order)
	if err != nil {
		panic(fmt.Sprintf("analysis: %v", err)) // Order requires nothing
	}
	return res.Diagnostics
}
