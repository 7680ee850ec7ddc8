package check_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/internal/check"
	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// graph returns a flow with one process and the given ports.
func graph(ports ...*ir.Port) *ir.Graph {
	return &ir.Graph{Name: "F", Pos: ir.Pos{File: "f.go", Line: 1}, Ports: ports,
		Locations: []*ir.Location{{Name: "p"}}}
}

func node(g *ir.Graph, spec *ops.Spec, line int, in ...int) *ir.Node {
	return g.Add(&ir.Node{Op: spec.Name, Spec: spec, Inputs: in, Pos: ir.Pos{File: "f.go", Line: line}, Elem: ir.Type{Name: "int"}})
}

// messages returns "line: [warning: ]message" for every finding of Graph.
func messages(g *ir.Graph, crosses func(ir.Type) error) []string {
	var out []string
	for _, d := range check.Graph(g, crosses) {
		w := ""
		if d.Severity == diag.Warning {
			w = "warning: "
		}
		out = append(out, d.Pos.String()+": "+w+d.Message)
	}
	return out
}

func TestGraph(t *testing.T) {
	in, out := &ir.Port{Name: "in", Pos: ir.Pos{File: "f.go", Line: 1}}, &ir.Port{Name: "out", Output: true, Pos: ir.Pos{File: "f.go", Line: 1}}
	idle, empty := &ir.Port{Name: "idle", Pos: ir.Pos{File: "f.go", Line: 1}}, &ir.Port{Name: "empty", Output: true, Pos: ir.Pos{File: "f.go", Line: 1}}

	t.Run("clean", func(t *testing.T) {
		g := graph(in, out)
		node(g, ops.Source, 2).Port = in
		node(g, ops.Sink, 3, 0).Port = out
		require.Empty(t, messages(g, nil))
	})
	t.Run("ports", func(t *testing.T) {
		g := graph(in, idle, out, empty)
		node(g, ops.Source, 2).Port = in
		node(g, ops.Source, 3).Port = in
		node(g, ops.Sink, 4, 0).Port = out
		require.Equal(t, []string{
			"f.go:1: warning: input idle is never read: items pushed to it are never processed; read it with hydro.Source or remove the parameter",
			"f.go:1: warning: output empty is never written: it stays empty; write it with hydro.Sink or remove the parameter",
			"f.go:3: hydro.Source: input in is already read by the hydro.Source on line 2; each item of an Input goes to one Source, so this one would get nothing: read the input once and use the stream twice",
		}, messages(g, nil))
	})
	t.Run("timers", func(t *testing.T) {
		g := graph()
		for i, d := range []time.Duration{time.Second, 0, -time.Millisecond} {
			node(g, ops.Timer, 2+i).Period = &d
		}
		node(g, ops.Timer, 5) // a period known only when the node starts
		require.Equal(t, []string{
			"f.go:3: hydro.Timer: period 0s must be positive",
			"f.go:4: hydro.Timer: period -1ms must be positive",
		}, messages(g, nil))
	})
	t.Run("network", func(t *testing.T) {
		g := graph()
		g.Locations = append(g.Locations, &ir.Location{ID: 1, Name: "q"})
		node(g, ops.Iter, 2)
		node(g, ops.Send, 3, 0).Loc = 1
		node(g, ops.Send, 4, 0).Loc = 1
		asked := 0
		crosses := func(t ir.Type) error {
			asked++
			return errors.New("type " + t.Name + " cannot cross the network: it is made up")
		}
		require.Equal(t, []string{
			"f.go:3: hydro.Send: type int cannot cross the network: it is made up",
			"f.go:4: hydro.Send: type int cannot cross the network: it is made up",
		}, messages(g, crosses))
		require.Equal(t, 1, asked, "each type is decided once")
	})
	t.Run("no location", func(t *testing.T) {
		require.Equal(t, []string{"f.go:1: flow F declares no location: place its operators with f.Process or f.Cluster"},
			messages(&ir.Graph{Name: "F", Pos: ir.Pos{File: "f.go", Line: 1}}, nil))
	})
}
