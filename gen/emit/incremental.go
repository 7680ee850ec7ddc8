package emit

import (
	"go/types"
	"slices"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// Incremental evaluation: the analyses that let generated code spend, in a
// tick, what changed in it rather than what is stored. Each one is a fact
// about the graph at the current location; the operators' emitters ask for
// it and write the cheaper code. docs/incremental.md gives the argument that
// each keeps the interpreter's results.

// joinIndex describes a join side whose items are, every tick, the
// accumulators of a keyed aggregation passed through filters: the other
// side probes the aggregation's index instead of a table rebuilt from them.
type joinIndex struct {
	agg     *ir.Node   // the keyed aggregation
	filters []*ir.Node // the tests between it and the join, upstream first
}

// joinIndexed reports whether side of join n reads its items from a keyed
// aggregation's index instead of storing them. That holds when both sides
// live for the tick, the side's input is the aggregation's output through
// operators that only drop items by a test of their own (Filter), the
// aggregation keeps one accumulator per key of its element type, and the
// join keys the side by those same fields. The aggregation's input is
// blocking, so its accumulators are final before any item reaches the
// join: probing them at an item of the other side finds exactly the items
// this side holds in that tick. At most one side is indexed (the right,
// where both could be): the other side's items probe, and the indexed
// side's items then do nothing at the join.
func (e *emitter) joinIndexed(n *ir.Node, side int) (joinIndex, bool) {
	ix, ok := e.indexOf(n, side)
	if !ok || (side == 0 && e.canIndex(n, 1)) {
		return joinIndex{}, false
	}
	return ix, true
}

func (e *emitter) canIndex(n *ir.Node, side int) bool {
	_, ok := e.indexOf(n, side)
	return ok
}

func (e *emitter) indexOf(n *ir.Node, side int) (joinIndex, bool) {
	g := e.s.Graph
	info := e.node(n.ID)
	if n.Op != ops.Join.Name || static(n, 0) || static(n, 1) || len(info.Keys) != 2 {
		return joinIndex{}, false
	}
	var ix joinIndex
	x := g.Nodes[n.Inputs[side]]
	for {
		if x.Loc != e.s.Loc {
			return joinIndex{}, false
		}
		if oe := emitters[x.Op]; oe != nil && oe.indexed {
			ix.agg = x
			break
		}
		if !selects(x) {
			return joinIndex{}, false
		}
		ix.filters = append(ix.filters, x)
		x = g.Nodes[x.Inputs[0]]
	}
	slices.Reverse(ix.filters)
	aggKeys := e.node(ix.agg.ID).Keys
	if len(aggKeys) != 1 || !slices.Equal(aggKeys[0].Fields, info.Keys[side].Fields) {
		return joinIndex{}, false
	}
	other := info.Keys[1-side].Fields
	if len(other) != len(aggKeys[0].Fields) {
		return joinIndex{}, false
	}
	for i, f := range other {
		if !types.Identical(f.Type(), aggKeys[0].Fields[i].Type()) {
			return joinIndex{}, false
		}
	}
	return ix, true
}

// changesOnly reports whether keyed aggregation n (with Static groups) may
// emit, at the start of its stratum, only the groups that changed in this
// tick instead of all of them. That holds when every path out of it ends at
// a consumer that gains nothing from an item it saw before: an indexed join
// side (which reads the index, not the stream), a deduplicating operator
// whose state is Static (Unique) or a lattice merge whose state is kept
// (MergeKeyed, which merges an item again to no effect), reached only
// through operators that map
// each item on its own (Spec.PerItem). A group that did not change emits
// what it emitted when it last changed, which such a consumer already saw.
func (e *emitter) changesOnly(n *ir.Node) bool {
	if !emitters[n.Op].keyed || !static(n, 0) || e.inert(n) {
		// An inert aggregation emits nothing at all (keyedEntry).
		return false
	}
	cs := e.s.Graph.Consumers()[n.ID]
	return len(cs) > 0 && e.ignoresRepeats(cs, map[int]bool{})
}

func (e *emitter) ignoresRepeats(cs []ir.Edge, seen map[int]bool) bool {
	g := e.s.Graph
	for _, c := range cs {
		to := g.Nodes[c.To]
		spec := ops.Lookup(to.Op)
		switch {
		case to.Loc != e.s.Loc || spec.Network:
			return false
		case to.Op == ops.Join.Name || to.Op == ops.CrossJoin.Name:
			if !e.readsState(c) {
				return false
			}
		case spec.Dedup && static(to, 0):
		case spec.LatticeMerge && static(to, 0):
			// A kept lattice merge: merging an item again changes
			// nothing, whether it then emits its changes or all groups.
		case spec.PerItem:
			if seen[to.ID] {
				return false
			}
			seen[to.ID] = true
			if !e.ignoresRepeats(g.Consumers()[to.ID], seen) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// maskedBy returns the operator whose Static negative state drops, for
// ever, the items of Persist n that it masks: n's only consumer, reading
// them on its positive port. Such an item can never pass again, so n may
// forget it (docs/incremental.md).
func (e *emitter) maskedBy(n *ir.Node) (*ir.Node, bool) {
	cs := e.s.Graph.Consumers()[n.ID]
	if len(cs) != 1 || cs[0].Port != 0 {
		return nil, false
	}
	to := e.s.Graph.Nodes[cs[0].To]
	if to.Loc != e.s.Loc || emitters[to.Op].masked == nil || !static(to, 0) {
		return nil, false
	}
	return to, true
}

// inert reports whether nothing downstream of n does anything with its
// items: every consumer reads n's state instead (readsState).
func (e *emitter) inert(n *ir.Node) bool {
	cs := e.s.Graph.Consumers()[n.ID]
	for _, c := range cs {
		if !e.readsState(c) {
			return false
		}
	}
	return len(cs) > 0
}

// readsState reports whether the consumer of edge c reads what it needs
// from the state of an aggregation upstream instead of the items that
// cross c: an indexed join side (joinIndexed) or a cross join side that
// reads a keyed aggregation's groups (crossGroups). Nothing need cross
// such an edge: no item is appended to its handoff, and none is drained.
func (e *emitter) readsState(c ir.Edge) bool {
	to := e.s.Graph.Nodes[c.To]
	if to.Loc != e.s.Loc {
		return false
	}
	switch to.Op {
	case ops.Join.Name:
		_, ok := e.joinIndexed(to, c.Port)
		return ok
	case ops.CrossJoin.Name:
		_, ok := e.crossGroups(to, c.Port)
		return ok
	}
	return false
}

// crossGroups returns the keyed aggregation whose groups side of cross
// join n reads in place, instead of storing a copy of them every tick.
// That holds when both sides live for the tick, the side's input is the
// aggregation itself, and every item of the side arrives before any of
// the other side's (Schedule.Before). The aggregation's input is
// blocking, so its groups are final when it emits them, and it emits
// every group, in the order of its accumulators: the items the side would
// store are the accumulators, in order, before any item of the other side
// arrives to pair with them. An item of the other side pairs with each
// accumulator in turn, as it would with each stored item, and the side's
// own items, which would only be stored, do nothing.
func (e *emitter) crossGroups(n *ir.Node, side int) (*ir.Node, bool) {
	if n.Op != ops.CrossJoin.Name || static(n, 0) || static(n, 1) {
		return nil, false
	}
	agg := e.s.Graph.Nodes[n.Inputs[side]]
	if agg.Loc != e.s.Loc || agg.Spec.Network || !emitters[agg.Op].keyed || !e.s.Before(n.ID, side, 1-side) || n.Inputs[0] == n.Inputs[1] {
		return nil, false
	}
	return agg, true
}

// maskedGroupsBy returns the operator whose Static negative state drops,
// for ever, the groups of keyed aggregation n that it masks, so that n may
// forget them (docs/incremental.md, section 4). That holds when n merges
// only lattice fields (indexed), so every other field of a group's
// accumulator is fixed by its first item; its groups are Static and not
// durable; its items reach, through one chain of operators that pass items
// on unchanged (Filter), only the positive port of an AntiJoin with Static
// negative state; and that AntiJoin's key is made of tagged fields that are
// not lattice fields, so a group masked once stays masked whatever later
// merges into it.
func (e *emitter) maskedGroupsBy(n *ir.Node) (*ir.Node, bool) {
	oe := emitters[n.Op]
	if oe == nil || !oe.indexed || !static(n, 0) || durable(n) {
		return nil, false
	}
	g := e.s.Graph
	x := n
	for {
		cs := g.Consumers()[x.ID]
		if len(cs) != 1 {
			return nil, false
		}
		to := g.Nodes[cs[0].To]
		if to.Loc != e.s.Loc {
			return nil, false
		}
		if toe := emitters[to.Op]; toe != nil && toe.masked != nil {
			keys := e.node(to.ID).Keys
			if cs[0].Port != 0 || !static(to, 0) || len(keys) == 0 {
				return nil, false
			}
			lattice := parse.LatticeFields(e.elem(n.ID))
			for _, f := range keys[0].Fields {
				if slices.Contains(lattice, f) {
					return nil, false
				}
			}
			return to, true
		}
		if !selects(to) {
			return nil, false
		}
		x = to
	}
}

// selects reports whether n passes some of the items of its one input on
// unchanged and does nothing else (Filter).
func selects(n *ir.Node) bool {
	oe, spec := emitters[n.Op], ops.Lookup(n.Op)
	return oe != nil && oe.test != nil && !spec.Stateful && spec.ForwardsPort(0) && len(n.Inputs) == 1
}
