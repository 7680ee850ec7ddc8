// Package ir is the dataflow graph that both the reference interpreter (built by
// calling a flow function with a recording *hydro.Flow) and the compiler (built
// from the flow function's syntax) produce. The two builders must agree node for
// node; the compiler's tests compare them.
//
// The graph is the contract between the compiler's stages: every stage after
// parsing reads it, passes edit it through the methods of edit.go, Verify
// checks what a pass returns, and the scheduler and emitter read only the
// graph, so a graph a pass built is emitted exactly like a parsed one.
package ir

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ops"
)

// Lifetime says how long an operator keeps its state; operators declare
// their state slots in internal/ops.
type Lifetime = ops.Lifetime

const (
	// Tick state is cleared at the end of every tick.
	Tick = ops.Tick
	// Static state is kept for the life of the node.
	Static = ops.Static
	// Durable state is kept like Static state and survives a crash.
	Durable = ops.Durable
)

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

// Pos is a source position.
type Pos = diag.Pos

// Location is where a stream lives: a process or a cluster.
type Location struct {
	ID   int
	Name string
	Kind LocKind
	Pos  Pos
	// Partitions is the number of partitions a partitioning rewrite split
	// every member of the location into (docs/rewrites.md); 0 for a location
	// no rewrite partitioned. Kind stays the base location's: a base
	// location of M members (1 for a process) is deployed as M×Partitions
	// members, member m×Partitions+p being partition p of base member m.
	// SelfID there emits the base member m, ClusterSize of it the base size
	// M, and hydro.Dest addresses its members by base member and partition.
	Partitions int
	// Paired names the cluster a decoupling moved operators off when this
	// location was made for them (docs/rewrites.md): it is a cluster with one
	// logical member per (base) member of the paired cluster, member m being
	// m's proxy, so its size is not chosen but follows the paired cluster's.
	// Network operators marked Node.Paired connect the two. Empty for every
	// other location.
	Paired string
}

// PairedBase returns the location whose members l's members are paired
// with, following Paired through locations paired in turn (a proxy of a
// proxy), or l itself when it is not paired; nil if a name is unknown.
func (g *Graph) PairedBase(l *Location) *Location {
	for seen := 0; l != nil && l.Paired != "" && seen <= len(g.Locations); seen++ {
		l = g.Location(l.Paired)
	}
	return l
}

// Type is the element type of a stream as both builders know it: its name
// as reflect prints it (package names, not paths), and the type itself, the
// compiler's view in graphs the compiler builds and a reflect.Type in graphs
// the interpreter builds.
type Type struct {
	// Name is the type as written with package names, e.g. "shopping.LineItem".
	Name string
	// Go is the compiler's type (gen/parse.GoType makes it, gen/parse.Go
	// reads it); nil in interpreter graphs.
	Go CompilerType
	// Reflect is the interpreter's type; nil in compiler graphs.
	Reflect reflect.Type
}

// CompilerType is the compiler's view of an element type, a go/types type that
// gen/parse wraps. The IR names no go/types type itself: every program that
// runs a flow links this package (through package hydro), and none of them,
// generated role mains least of all, should link the type checker.
type CompilerType interface {
	// Identical reports whether the type is identical to u.
	Identical(u CompilerType) bool
}

// ReflectType returns the descriptor of a reflect type.
func ReflectType(t reflect.Type) Type { return Type{Name: t.String(), Reflect: t} }

func (t Type) String() string { return t.Name }

// Identical reports whether t and u are the same type: by go/types or reflect
// identity when both sides have one, else by name.
func (t Type) Identical(u Type) bool {
	switch {
	case t.Go != nil && u.Go != nil:
		return t.Go.Identical(u.Go)
	case t.Reflect != nil && u.Reflect != nil:
		return t.Reflect == u.Reflect
	}
	return t.Name == u.Name
}

// Node is one operator instance.
type Node struct {
	// ID is the node's index in its graph's Nodes.
	ID int
	// Op is the operator's name in the registry (internal/ops).
	Op string
	// Spec is the operator's declaration in the registry.
	Spec *ops.Spec
	// Loc is the ID of the location the operator's output lives at.
	Loc int
	// Inputs are the producing nodes, one per input port, in port order.
	Inputs []int
	// Lifetimes are the lifetimes of the operator's state slots (Join has one
	// per side); empty for stateless operators.
	Lifetimes []Lifetime
	// Elem is the type of the output elements (of the input elements for
	// sinks).
	Elem Type
	// Pos is where the operator is called.
	Pos Pos
	// Target names a location the operator reads about without living
	// there: the cluster whose size ClusterSize emits. Empty otherwise.
	Target string
	// Port is the flow's Input a Source reads or Output a Sink writes; nil
	// otherwise.
	Port *Port
	// Period is Timer's period where the builder knows it: always in the
	// interpreter, for a constant in the compiler. A period the compiler
	// cannot know is checked when the node starts.
	Period *time.Duration
	// Paired marks a network operator between a location and the location
	// paired with it (Location.Paired): it sends each item to the one member
	// of its destination whose base member number is the sender's own
	// (SelfID's), never to another. False for every operator a flow writes.
	Paired bool

	// API is the called function, e.g. "hydro.JoinBy"; empty in interpreter
	// graphs.
	API string
	// Syntax is what the compiler knows of the call: in graphs gen/parse
	// builds, a *parse.Syntax (the call, the user's functions, keys, port;
	// gen/parse.SyntaxOf reads it), shared by clones and never edited in
	// place. It is nil in interpreter graphs and for nodes a pass added, and
	// untyped here for the reason CompilerType is.
	Syntax any

	// Payload is the erased user code the interpreter runs; nil in graphs the
	// compiler builds.
	Payload any
}

// Instance returns what the interpreter's operator behaviour is built from.
func (n *Node) Instance() *ops.Instance {
	return &ops.Instance{ID: n.ID, Payload: n.Payload, Lifetimes: n.Lifetimes, Target: n.Target}
}

// Port is an Input or an Output of a flow, which Sources read and Sinks
// write.
type Port struct {
	Name string
	// Output tells an Output from an Input.
	Output bool
	// Pos is where the port is declared (the flow's parameter); zero in
	// interpreter graphs.
	Pos Pos
}

// Graph is a flow's dataflow program.
type Graph struct {
	Name      string
	Locations []*Location
	Nodes     []*Node
	// Pos is where the flow is declared; zero in interpreter graphs.
	Pos Pos
	// Ports are the flow's Inputs and Outputs: every one it declares in
	// compiler graphs, the ones Sources and Sinks use in interpreter graphs.
	Ports []*Port
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
		fmt.Fprintf(&b, "loc %d %s %q", l.ID, l.Kind, l.Name)
		if l.Partitions > 0 {
			fmt.Fprintf(&b, " partitions %d", l.Partitions)
		}
		b.WriteByte('\n')
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
