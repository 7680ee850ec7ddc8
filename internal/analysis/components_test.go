package analysis

import (
	"strings"
	"testing"

	"github.com/hydrogo/hydro/internal/ir"
)

// twoPipelines is a location running two unconnected pipelines, and a
// third operator reading both: components and independence see the edges.
func twoPipelines() *ir.Graph {
	return &ir.Graph{Locations: []*ir.Location{{ID: 0, Name: "p"}}, Nodes: []*ir.Node{
		node(0, "source", 1),
		node(1, "map", 2, 0),
		node(2, "sink", 3, 1),
		node(3, "source", 4),
		node(4, "filter", 5, 3),
		node(5, "sink", 6, 4),
		node(6, "map", 7, 0),
	}}
}

func TestComponents(t *testing.T) {
	g := twoPipelines()
	res, err := Run(GraphOnly(g), Components)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Facts[Components].(*ComponentsResult)
	if len(c.List) != 2 {
		t.Fatalf("components %v, want two", c.List)
	}
	if got := ids(c.List[0]) + " " + ids(c.List[1]); got != "0 1 2 6 3 4 5" {
		t.Errorf("components %s", got)
	}
}

func ids(c []int) string {
	var parts []string
	for _, id := range c {
		parts = append(parts, string(rune('0'+id)))
	}
	return strings.Join(parts, " ")
}

func TestIndependent(t *testing.T) {
	g := twoPipelines()
	cases := []struct {
		a, b []int
		ok   bool
		why  string
	}{
		{[]int{0, 1, 2}, []int{3, 4, 5}, true, ""},
		{[]int{1, 2}, []int{6}, false, "both read the output of hydro.Source (f.go:1)"},
		{[]int{0, 1}, []int{2}, false, "hydro.Sink (f.go:3) reads the output of hydro.Map (f.go:2)"},
		{[]int{2}, []int{0, 1}, false, "hydro.Sink (f.go:3) reads the output of hydro.Map (f.go:2)"},
		{[]int{1}, []int{1}, false, "is in both sets"},
	}
	for _, c := range cases {
		ok, why := Independent(g, c.a, c.b)
		if ok != c.ok || !strings.Contains(why, c.why) {
			t.Errorf("Independent(%v, %v) = %v, %q; want %v, %q", c.a, c.b, ok, why, c.ok, c.why)
		}
	}
}

func TestMonotoneAndFunctional(t *testing.T) {
	g := &ir.Graph{Locations: []*ir.Location{{ID: 0, Name: "p"}}, Nodes: []*ir.Node{
		node(0, "source", 1),
		node(1, "iter", 2),
		node(2, "anti_join", 3, 0, 1), // negates a complete input: monotone
		node(3, "anti_join", 4, 0, 0), // negates a growing input: not
		node(4, "fold", 5, 1),         // folds a complete input: monotone
		node(5, "union", 6, 2, 3),     // functional
	}}
	res, err := Run(GraphOnly(g), Monotone, Functional)
	if err != nil {
		t.Fatal(err)
	}
	m := res.Facts[Monotone].(*RegionsResult)
	for id, want := range map[int]bool{0: true, 2: true, 3: false, 4: true, 5: true} {
		if m.Nodes[id].Yes != want {
			t.Errorf("n%d monotone %v, want %v", id, m.Nodes[id], want)
		}
	}
	if !strings.Contains(m.Nodes[3].Reason, "negation") {
		t.Errorf("n3: %v", m.Nodes[3])
	}
	if len(m.Regions) != 1 || m.Regions[0].Yes || !strings.Contains(m.Regions[0].Reason, "hydro.AntiJoin (f.go:4)") {
		t.Errorf("regions %v", m.Regions)
	}
	f := res.Facts[Functional].(*FunctionalResult)
	for id, want := range map[int]bool{0: false, 2: false, 5: true} {
		if f.Nodes[id].Yes != want {
			t.Errorf("n%d functional %v, want %v", id, f.Nodes[id], want)
		}
	}
}
