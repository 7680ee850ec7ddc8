package strata

import (
	"errors"
	"strings"
	"testing"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// graph builds a one-location graph from (op, inputs...) rows.
func graph(rows ...[]any) *ir.Graph {
	g := &ir.Graph{Name: "g", Locations: []*ir.Location{{Name: "p"}}}
	for i, r := range rows {
		n := &ir.Node{ID: i, Op: r[0].(string), Spec: ops.Lookup(r[0].(string)), Pos: ir.Pos{File: "f.go", Line: i + 1}}
		for _, in := range r[1:] {
			n.Inputs = append(n.Inputs, in.(int))
		}
		g.Nodes = append(g.Nodes, n)
	}
	return g
}

func row(op string, in ...int) []any {
	r := []any{op}
	for _, i := range in {
		r = append(r, i)
	}
	return r
}

func TestBlockingEdgesStartStrata(t *testing.T) {
	g := graph(
		row("source"),          // 0
		row("map", 0),          // 1
		row("fold", 1),         // 2: blocking → 1
		row("anti_join", 1, 2), // 3: negative input from stratum 1 → 2
		row("sort", 3),         // 4 → 3
		row("sink", 4),         // 5
	)
	p, err := Compute(g)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{0, 0, 1, 2, 3, 3}
	for i, s := range want {
		if p.Of[i] != s {
			t.Errorf("node %d (%s): stratum %d, want %d", i, g.Nodes[i].Op, p.Of[i], s)
		}
	}
	if p.Count != 4 {
		t.Errorf("count %d", p.Count)
	}
}

func TestMonotoneCycleStaysInOneStratum(t *testing.T) {
	g := graph(
		row("source"),     // 0
		row("cycle", 3),   // 1
		row("join", 1, 0), // 2
		row("unique", 2),  // 3
	)
	p, err := Compute(g)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Cyclic[p.SCC[1]] || p.SCC[1] != p.SCC[3] || p.SCC[0] == p.SCC[1] {
		t.Errorf("components %v cyclic %v", p.SCC, p.Cyclic)
	}
	if p.Count != 1 {
		t.Errorf("count %d", p.Count)
	}
}

func TestBlockingCycleIsAnError(t *testing.T) {
	g := graph(
		row("source"),      // 0
		row("cycle", 3),    // 1
		row("union", 0, 1), // 2
		row("fold", 2),     // 3
	)
	_, err := Compute(g)
	var ce *CycleError
	if !errors.As(err, &ce) {
		t.Fatalf("want CycleError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"f.go:4: cycle through the blocking input of hydro.Fold",
		"hydro.Fold (f.go:4) -> hydro.Cycle (f.go:2) -> hydro.Union (f.go:3) -> hydro.Fold (f.go:4)", "hydro.DeferTick"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
}

func TestDeferTickBreaksTheCycle(t *testing.T) {
	g := graph(
		row("source"),        // 0
		row("cycle", 4),      // 1
		row("union", 0, 1),   // 2
		row("fold", 2),       // 3
		row("defer_tick", 3), // 4
	)
	p, err := Compute(g)
	if err != nil {
		t.Fatal(err)
	}
	if p.Of[4] != 0 || p.Of[3] != 1 {
		t.Errorf("strata %v", p.Of)
	}
}

func TestNetworkEdgesDoNotOrderStrata(t *testing.T) {
	g := graph(
		row("source"),  // 0
		row("fold", 0), // 1 (stratum 1)
		row("send", 1), // 2: the receiving end is a source of its node
		row("map", 2),  // 3
	)
	p, err := Compute(g)
	if err != nil {
		t.Fatal(err)
	}
	if p.Of[2] != 0 || p.Of[3] != 0 {
		t.Errorf("strata %v", p.Of)
	}
}

func TestUnknownOperator(t *testing.T) {
	if _, err := Compute(graph(row("teleport"))); err == nil || !strings.Contains(err.Error(), `unknown operator "teleport"`) {
		t.Fatalf("err %v", err)
	}
}
