package emit

import (
	"fmt"
	"go/types"
	"slices"
	"strings"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// An opEmitter writes the code of one operator. Each operator's file,
// op_<name>.go after the file of internal/ops that declares it, registers
// one; an operator is compiled if and only if it has one.
type opEmitter struct {
	// state declares the fields of node n at the current location and
	// writes its constructor, end-of-tick and output-delivery code, and the
	// conditions under which it has work (pendingWhen, wakeOn); elem is n's
	// element type as the generated file spells it. Nil for stateless
	// operators.
	state func(e *emitter, n *ir.Node, elem string)
	// entry writes the code with which n emits at the start of its
	// subgraph (a source's items, items deferred or received, the result of
	// a complete blocking input), binding each item to variable x. Nil for
	// operators that only emit as items arrive.
	entry func(e *emitter, b *strings.Builder, n *ir.Node, x string)
	// push writes the code consuming item x arriving at input port of n.
	// For a network operator it runs at the sender. Nil for operators
	// without inputs.
	push func(e *emitter, b *strings.Builder, n *ir.Node, port int, x string)
	// bulk returns, when n only stores the items arriving at port in a
	// slice, that slice, so that a run of items can be appended to it at
	// once (see bulkTarget). Nil for operators that do more with an item.
	bulk func(e *emitter, n *ir.Node, port int) (string, bool)
	// passes marks operators that pass every item on unchanged and do
	// nothing else: a bulk copy looks through them to their consumer.
	passes bool
	// fresh marks operators whose bulk slice is empty at the start of
	// every tick and filled only from their input (Sink, DeferTick): a
	// producer that is the input's only source may hand over its own
	// slice instead of copying it (see bulkMove).
	fresh bool
	// fromSlice marks operators whose entry loops over a slice of the items
	// they emit: their consumers may take the slice in bulk (see inBulk).
	fromSlice bool

	// The facts incremental evaluation (incremental.go) needs of an
	// operator's generated code.

	// test returns the condition under which an operator that passes some
	// of its items unchanged (Filter) passes item x. Nil for others.
	test func(e *emitter, n *ir.Node, x string) string
	// keyed marks keyed aggregations that emit their groups' accumulators,
	// kept in nd.n<id>Accs with an index nd.n<id>Index from key to
	// position.
	keyed bool
	// indexed marks keyed aggregations whose accumulators carry the
	// group's key in their own key fields (MergeKeyed merges only lattice
	// fields), so a join keyed by those fields can probe the index.
	indexed bool
	// masked returns the condition under which item x, arriving at port 0,
	// is dropped by the operator's negative state (AntiJoin, Difference).
	// Nil for others.
	masked func(e *emitter, n *ir.Node, x string) string
	// durable logs and recovers the state of operators whose state can
	// be Durable (ops.Spec.Durable); nil for the others.
	durable *durableHooks
}

// emitters holds the emitter of every compiled operator, by operator name.
var emitters = map[string]*opEmitter{}

// register records the emitter of the operators in specs.
func register(oe *opEmitter, specs ...*ops.Spec) {
	for _, s := range specs {
		if _, dup := emitters[s.Name]; dup {
			panic(fmt.Sprintf("emit: operator %q registered twice", s.Name))
		}
		emitters[s.Name] = oe
	}
}

// nodeState declares the state of n, an operator at the current location.
func (e *emitter) nodeState(n *ir.Node) {
	// Spell the element type even for stateless operators: that imports
	// its package, and the generated imports and their names depend on
	// this happening for every node, in node order.
	elem := e.typeString(e.elem(n.ID))
	if st := emitters[n.Op].state; st != nil {
		st(e, n, elem)
	}
}

// emitEntry writes the loop of an operator that emits at the start of its
// subgraph.
func (e *emitter) emitEntry(b *strings.Builder, n *ir.Node) {
	x := e.v("v")
	entry := emitters[n.Op].entry
	if entry == nil {
		e.errorAt(n.Pos, "internal error: %s cannot start a subgraph", n.Spec.API)
		return
	}
	entry(e, b, n, x)
}

// push writes the code consuming item x at input port of node to.
func (e *emitter) push(b *strings.Builder, to, port int, x string) {
	n := e.s.Graph.Nodes[to]
	push := emitters[n.Op].push
	if push == nil {
		e.errorAt(n.Pos, "hydrogen does not yet compile %s", n.Spec.API)
		return
	}
	push(e, b, n, port, x)
}

// pendingWhen adds cond to the conditions under which the node's Pending
// reports work.
func (e *emitter) pendingWhen(cond string) { e.pending = append(e.pending, cond) }

// wakeOn adds channel expression ch, once, to those that wake the node's Run.
func (e *emitter) wakeOn(ch string) {
	if !slices.Contains(e.wake, ch) {
		e.wake = append(e.wake, ch)
	}
}

// static reports whether state slot i of n lives across ticks.
func static(n *ir.Node, i int) bool { return lifetimeOf(n, i).Kept() }

// elem returns the element type of node id's output.
func (e *emitter) elem(id int) types.Type { return parse.Go(e.f.Graph.Nodes[id].Elem) }

// node is an operator as the emitter reads it: the IR node and what the
// compiler knows of its call.
type node struct {
	*ir.Node
	*parse.Syntax
}

// node returns node id of the flow's graph.
func (e *emitter) node(id int) node {
	n := e.f.Graph.Nodes[id]
	return node{n, parse.SyntaxOf(n)}
}
