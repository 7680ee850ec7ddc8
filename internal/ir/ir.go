// Package ir is the dataflow graph that both the reference interpreter (built by
// calling a flow function with a recording *hydro.Flow) and the compiler (built
// from the flow function's syntax) produce. The two builders must agree node for
// node; the compiler's tests compare them.
package ir

import (
	"fmt"
	"strings"
)

// Lifetime says how long an operator keeps its state.
type Lifetime uint8

const (
	// Tick state is cleared at the end of every tick.
	Tick Lifetime = iota
	// Static state is kept for the life of the node.
	Static
)

func (l Lifetime) String() string {
	switch l {
	case Tick:
		return "tick"
	case Static:
		return "static"
	}
	return fmt.Sprintf("Lifetime(%d)", uint8(l))
}

// LocKind distinguishes a single process from a cluster of identical members.
type LocKind uint8

const (
	// ProcessLoc is one node.
	ProcessLoc LocKind = iota
	// ClusterLoc is a set of members running the same dataflow.
	ClusterLoc
)

func (k LocKind) String() string {
	if k == ClusterLoc {
		return "cluster"
	}
	return "process"
}

// Pos is a source position. Col is 0 when unknown (the interpreter learns only
// file and line from the call stack).
type Pos struct {
	File string
	Line int
	Col  int
}

// IsValid reports whether the position names a file.
func (p Pos) IsValid() bool { return p.File != "" }

func (p Pos) String() string {
	switch {
	case !p.IsValid():
		return "-"
	case p.Col > 0:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	default:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
}

// Location is where a stream lives: a process or a cluster.
type Location struct {
	ID   int
	Name string
	Kind LocKind
	Pos  Pos
}

// Node is one operator instance.
type Node struct {
	ID int
	// Op is the operator's name in the registry (internal/ops).
	Op string
	// Loc is the ID of the location the operator's output lives at.
	Loc int
	// Inputs are the producing nodes, one per input port, in port order.
	Inputs []int
	// Lifetimes are the lifetimes of the operator's state slots (Join has one
	// per side); empty for stateless operators.
	Lifetimes []Lifetime
	// Elem is the Go type of the output elements, as written in source with
	// package names (e.g. "shopping.LineItem").
	Elem string
	// Pos is where the operator is called.
	Pos Pos
	// Target names a location the operator reads about without living
	// there: the cluster whose size ClusterSize emits. Empty otherwise.
	Target string
	// Payload is the erased user code the interpreter runs; nil in graphs the
	// compiler builds.
	Payload any
}

// Graph is a flow's dataflow program.
type Graph struct {
	Name      string
	Locations []*Location
	Nodes     []*Node
}

// Consumers returns, for every node, the (node, port) pairs reading its output,
// in node order.
func (g *Graph) Consumers() [][]Edge {
	out := make([][]Edge, len(g.Nodes))
	for _, n := range g.Nodes {
		for port, in := range n.Inputs {
			out[in] = append(out[in], Edge{From: in, To: n.ID, Port: port})
		}
	}
	return out
}

// Edge connects a producer to one input port of a consumer.
type Edge struct {
	From, To, Port int
}

// String prints the graph one node per line; it is the form tests compare.
func (g *Graph) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "flow %s\n", g.Name)
	for _, l := range g.Locations {
		fmt.Fprintf(&b, "loc %d %s %q\n", l.ID, l.Kind, l.Name)
	}
	for _, n := range g.Nodes {
		fmt.Fprintf(&b, "%d %s @%d in%v", n.ID, n.Op, n.Loc, n.Inputs)
		if len(n.Lifetimes) > 0 {
			fmt.Fprintf(&b, " %v", n.Lifetimes)
		}
		fmt.Fprintf(&b, " %s\n", n.Elem)
	}
	return b.String()
}
