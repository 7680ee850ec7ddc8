package ir_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

var intType = ir.ReflectType(reflect.TypeFor[int]())

// pipeline builds source -> map -> fold -> sink at one process.
func pipeline(t *testing.T) *ir.Graph {
	t.Helper()
	g := &ir.Graph{Name: "P"}
	if _, err := g.AddLocation("server", ir.ProcessLoc); err != nil {
		t.Fatal(err)
	}
	add := func(s *ops.Spec, in ...int) *ir.Node {
		return g.Add(&ir.Node{Spec: s, Inputs: in, Elem: intType, Pos: ir.Pos{File: "f.go", Line: len(g.Nodes) + 1}})
	}
	src := add(ops.Source)
	m := add(ops.Map, src.ID)
	f := add(ops.Fold, m.ID)
	add(ops.Sink, f.ID)
	if ds := ir.Verify(g); len(ds) > 0 {
		t.Fatalf("pipeline does not verify:\n%v", ds)
	}
	return g
}

func TestAddCompletesOpAndSpec(t *testing.T) {
	g := pipeline(t)
	for i, n := range g.Nodes {
		if n.ID != i || n.Spec == nil || n.Op != n.Spec.Name {
			t.Errorf("node %d: ID %d, Op %q, Spec %v", i, n.ID, n.Op, n.Spec)
		}
	}
}

func TestCloneIsIndependent(t *testing.T) {
	g := pipeline(t)
	before := g.String()
	c := g.Clone()
	if c.String() != before {
		t.Fatalf("clone differs:\n%s\nwant:\n%s", c, before)
	}
	c.Nodes[1].Inputs[0] = 1
	c.Nodes[2].Loc = 1
	if _, err := c.AddLocation("worker", ir.ProcessLoc); err != nil {
		t.Fatal(err)
	}
	c.Locations[0].Name = "renamed"
	if g.String() != before {
		t.Fatalf("editing the clone changed the original:\n%s", g)
	}
}

func TestInsertOnEdge(t *testing.T) {
	g := pipeline(t)
	n, err := g.InsertOnEdge(ir.Edge{From: 1, To: 2, Port: 0}, &ir.Node{Spec: ops.Filter, Elem: intType})
	if err != nil {
		t.Fatal(err)
	}
	if n.ID != 4 || n.Op != "filter" || !reflect.DeepEqual(n.Inputs, []int{1}) || !reflect.DeepEqual(g.Nodes[2].Inputs, []int{4}) {
		t.Fatalf("insert gave:\n%s", g)
	}
	if ds := ir.Verify(g); len(ds) > 0 {
		t.Fatal(ds)
	}
	if _, err := g.InsertOnEdge(ir.Edge{From: 0, To: 2, Port: 0}, &ir.Node{Spec: ops.Filter}); err == nil {
		t.Error("inserting on an edge that does not exist succeeded")
	}
}

func TestReplace(t *testing.T) {
	g := pipeline(t)
	if err := g.Replace(1, &ir.Node{Spec: ops.Filter, Elem: intType}); err != nil {
		t.Fatal(err)
	}
	n := g.Nodes[1]
	if n.ID != 1 || n.Op != "filter" || !reflect.DeepEqual(n.Inputs, []int{0}) || g.Nodes[2].Inputs[0] != 1 {
		t.Fatalf("replace gave:\n%s", g)
	}
	if ds := ir.Verify(g); len(ds) > 0 {
		t.Fatal(ds)
	}
}

func TestRemoveRenumbers(t *testing.T) {
	g := pipeline(t)
	fold := g.Nodes[2]
	if err := g.Remove(1); err != nil {
		t.Fatal(err)
	}
	want := "flow P\nloc 0 process \"server\"\n0 source @0 in[] int\n1 fold @0 in[0] int\n2 sink @0 in[1] int\n"
	if g.String() != want {
		t.Fatalf("remove gave:\n%s\nwant:\n%s", g, want)
	}
	if fold.ID != 1 {
		t.Errorf("the fold's ID is %d after the removal, want 1", fold.ID)
	}
	if ds := ir.Verify(g); len(ds) > 0 {
		t.Fatal(ds)
	}
	g2 := &ir.Graph{Name: "J"}
	g2.AddLocation("p", ir.ProcessLoc)
	a := g2.Add(&ir.Node{Spec: ops.Source, Elem: intType})
	b := g2.Add(&ir.Node{Spec: ops.Source, Elem: intType})
	j := g2.Add(&ir.Node{Spec: ops.Union, Inputs: []int{a.ID, b.ID}, Elem: intType})
	g2.Add(&ir.Node{Spec: ops.Sink, Inputs: []int{j.ID}, Elem: intType})
	if err := g2.Remove(j.ID); err == nil {
		t.Error("removing a two-input node with consumers succeeded")
	}
}

func TestMoveAcrossInsertsNetworkOperators(t *testing.T) {
	g := pipeline(t)
	w, err := g.AddLocation("worker", ir.ProcessLoc)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Move(1, w.ID); err != nil {
		t.Fatal(err)
	}
	ds := ir.Verify(g)
	if len(ds) != 2 || !strings.Contains(ds.Error(), "across locations") {
		t.Fatalf("a moved node without network operators: got %v", ds)
	}
	g = pipeline(t)
	g.AddLocation("worker", ir.ProcessLoc)
	added, err := g.MoveAcross(1, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 2 {
		t.Fatalf("MoveAcross added %d network operators, want 2", len(added))
	}
	want := `flow P
loc 0 process "server"
loc 1 process "worker"
0 source @0 in[] int
1 map @1 in[4] int
2 fold @0 in[5] int
3 sink @0 in[2] int
4 send @1 in[0] int
5 send @0 in[1] int
`
	if g.String() != want {
		t.Fatalf("MoveAcross gave:\n%s\nwant:\n%s", g, want)
	}
	if ds := ir.Verify(g); len(ds) > 0 {
		t.Fatal(ds)
	}
	// The inserted operators carry the route the interpreter needs.
	if p, ok := added[0].Payload.(ops.NetworkPayload); !ok || p.Route(1, 1) != 0 {
		t.Errorf("send payload %#v", added[0].Payload)
	}
}

func TestAddLocationRejectsBadNames(t *testing.T) {
	g := pipeline(t)
	for _, name := range []string{"", "Server", "server", "1x", "a b"} {
		if _, err := g.AddLocation(name, ir.ProcessLoc); err == nil {
			t.Errorf("AddLocation(%q) succeeded", name)
		}
	}
}

func TestVerifyReportsBrokenGraphs(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(g *ir.Graph)
		want string
	}{
		{"arity", func(g *ir.Graph) { g.Nodes[1].Inputs = append(g.Nodes[1].Inputs, 0) }, "hydro.Map (node 1): has 2 inputs"},
		{"elem", func(g *ir.Graph) {
			g.Nodes[3].Elem = ir.ReflectType(reflect.TypeFor[string]())
		}, "has elements of type int and its output of type string"},
		{"lifetimes", func(g *ir.Graph) { g.Nodes[2].Lifetimes = []ir.Lifetime{ir.Static, ir.Tick} }, "has 2 lifetimes for 1 state slots"},
		{"lifetime", func(g *ir.Graph) { g.Nodes[2].Lifetimes = []ir.Lifetime{7} }, "Lifetime(7) is not a lifetime"},
		{"sink", func(g *ir.Graph) {
			g.Add(&ir.Node{Spec: ops.Map, Inputs: []int{3}, Elem: intType})
		}, "is a sink but has consumers"},
		{"spec", func(g *ir.Graph) { g.Nodes[1].Spec = nil }, `operator "map" has no registered Spec`},
		{"loc", func(g *ir.Graph) { g.Nodes[1].Loc = 3 }, "lives at location 3, which does not exist"},
		{"input", func(g *ir.Graph) { g.Nodes[1].Inputs[0] = 9 }, "reads node 9, which does not exist"},
		{"id", func(g *ir.Graph) { g.Nodes[1].ID = 5 }, "has ID 5 at index 1"},
		{"cycle", func(g *ir.Graph) {
			u := g.Add(&ir.Node{Spec: ops.Union, Inputs: []int{0, 2}, Elem: intType})
			g.Nodes[1].Inputs[0] = u.ID
		}, "cycle through the blocking input of hydro.Fold"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := pipeline(t)
			tc.edit(g)
			ds := ir.Verify(g)
			if !strings.Contains(ds.Error(), tc.want) {
				t.Fatalf("Verify gave %q, want %q", ds.Error(), tc.want)
			}
		})
	}
}

func TestCycleThroughDeferTickVerifies(t *testing.T) {
	g := pipeline(t)
	d := g.Add(&ir.Node{Spec: ops.DeferTick, Inputs: []int{2}, Elem: intType})
	u := g.Add(&ir.Node{Spec: ops.Union, Inputs: []int{0, d.ID}, Elem: intType})
	g.Nodes[1].Inputs[0] = u.ID
	if ds := ir.Verify(g); len(ds) > 0 {
		t.Fatal(ds)
	}
}
