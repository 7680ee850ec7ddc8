package analysis

import (
	"strings"
	"testing"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func node(id int, op string, line int, in ...int) *ir.Node {
	return &ir.Node{ID: id, Op: op, Spec: ops.Lookup(op), Inputs: in, Pos: ir.Pos{File: "f.go", Line: line}}
}

func TestOrderSensitiveAfterNetwork(t *testing.T) {
	g := &ir.Graph{Nodes: []*ir.Node{
		node(0, "source", 1),
		node(1, "send", 2, 0),
		node(2, "map", 3, 1),
		node(3, "fold_keyed", 4, 2),  // warned: fed by send through map
		node(4, "merge_keyed", 5, 1), // a lattice merge: fine, and upgrades
		node(5, "fold", 6, 4),        // fine: after the lattice
		node(6, "enumerate", 7, 0),   // fine: local input
		node(7, "enumerate", 8, 2),   // warned
	}}
	w := OrderSensitive(GraphOnly(g))
	if len(w) != 2 {
		t.Fatalf("warnings %v", w)
	}
	if got := w[0].String(); !strings.HasPrefix(got, "f.go:4: warning: hydro.FoldKeyed reads a stream that crossed the network at hydro.Send (f.go:2)") ||
		!strings.Contains(got, "hydro.LatticeFold") {
		t.Errorf("warning %q", got)
	}
	if w[1].Pos.Line != 8 {
		t.Errorf("second warning at %v", w[1].Pos)
	}
}
