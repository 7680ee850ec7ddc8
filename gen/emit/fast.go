package emit

import (
	"fmt"
	"go/types"
	"strings"

	"github.com/hydrogo/hydro/gen/schedule"
	"github.com/hydrogo/hydro/internal/ir"
)

// Helpers for the cheaper forms of generated code: bulk copies along
// identity paths, joins that store or probe only one side, and clears
// that are skipped where they cannot release memory.

// bulkTarget returns the buffer that the consumer of edge c appends each
// item to, unchanged and in order, when that is all it does: the edge is a
// handoff, or leads through single-consumer Unions and Cycles to a Sink, a
// Sort, a DeferTick or a CrossJoin side that is stored but never probed. A
// loop over the items crossing c can then be a single append.
func (e *emitter) bulkTarget(c ir.Edge) (string, bool) {
	g := e.s.Graph
	consumers := g.Consumers()
	for {
		to := g.Nodes[c.To]
		if to.Loc != e.s.Loc || to.Spec.Network {
			return "", false
		}
		if e.s.Kind[c] == schedule.Handoff {
			if e.readsState(c) {
				return "", false
			}
			return "nd." + handoffName(c), true
		}
		oe := emitters[to.Op]
		switch {
		case oe.passes:
			if len(consumers[to.ID]) != 1 {
				return "", false
			}
			c = consumers[to.ID][0]
		case oe.bulk != nil:
			return oe.bulk(e, to, c.Port)
		default:
			return "", false
		}
	}
}

// soleBulkTarget returns the bulk target of n's only consumer edge, if n has
// one consumer and it has a bulk target.
func (e *emitter) soleBulkTarget(n *ir.Node) (string, bool) {
	cs := e.s.Graph.Consumers()[n.ID]
	if len(cs) != 1 {
		return "", false
	}
	return e.bulkTarget(cs[0])
}

// inBulk reports whether out leaves edge c of n alone because n's entry
// copies all of n's items across it at once (bulkCopy). That holds for the
// edges with a bulk target out of Source, Iter and DeferTick, which emit
// only from their entries' loops over a slice.
func (e *emitter) inBulk(n *ir.Node, c ir.Edge) bool {
	if !emitters[n.Op].fromSlice {
		return false
	}
	_, ok := e.bulkTarget(c)
	return ok
}

// bulkCopy appends slice expression src, the items n emits, to the bulk
// target of every consumer edge of n that takes them in bulk, and reports
// whether some other consumer still needs a loop over the items. Items of
// different edges meet only at fan-ins, whose interleaving is unspecified,
// so copying before the loop instead of item by item within it delivers
// the same items in the same order along every path.
func (e *emitter) bulkCopy(b *strings.Builder, n *ir.Node, src string) (loop bool) {
	for _, c := range e.s.Graph.Consumers()[n.ID] {
		if !e.inBulk(n, c) {
			loop = true
			continue
		}
		dst, _ := e.bulkTarget(c)
		fmt.Fprintf(b, "%s = append(%s, %s...)\n", dst, dst, src)
	}
	return loop
}

// bulkMove returns the bulk target of n's only consumer edge when n may
// hand that buffer its own slice, swapping the two, instead of copying:
// the edge leads through operators that pass items on (Union, Cycle), each
// with that one input, to a fresh operator (Sink, DeferTick) with that one
// input. The target is then empty when n's entry runs and nothing else
// fills it in the tick, so after the swap it holds exactly n's items, and
// n's slice, which its entry reads once, holds the target's empty buffer.
func (e *emitter) bulkMove(n *ir.Node) (string, bool) {
	g := e.s.Graph
	cs := g.Consumers()[n.ID]
	if len(cs) != 1 || !e.inBulk(n, cs[0]) {
		return "", false
	}
	for c := cs[0]; ; {
		to := g.Nodes[c.To]
		if len(to.Inputs) != 1 || e.s.Kind[c] == schedule.Handoff {
			return "", false
		}
		oe := emitters[to.Op]
		if !oe.passes {
			if !oe.fresh {
				return "", false
			}
			return e.bulkTarget(cs[0])
		}
		c = g.Consumers()[to.ID][0]
	}
}

// joinStored reports whether side of join (or cross join) n stores its
// items: always if the side is Static, otherwise only if an item of the
// other side may arrive after one of its own in the same tick. When all of
// the other side's items of the tick arrive first (Schedule.Before), none
// can match this side's later, so this side's items only probe. The other
// side's items in turn need not probe this side, which holds nothing when
// they arrive; so joinStored(n, 1-side) also reports whether side's items
// probe.
func (e *emitter) joinStored(n *ir.Node, side int) bool {
	if e.canIndex(n, 0) || e.canIndex(n, 1) {
		return false // one side indexed: see joinIndexed
	}
	return lifetimeOf(n, side).Kept() || !e.s.Before(n.ID, 1-side, side)
}

// lifetimeOf returns the lifetime of n's state slot i.
func lifetimeOf(n *ir.Node, i int) ir.Lifetime {
	if i < len(n.Lifetimes) {
		return n.Lifetimes[i]
	}
	return ir.Tick
}

func sideName(side int) string { return [...]string{"L", "R"}[side] }

// clearSlice returns the statement clearing slice expression x of elements
// of type elem, so that it releases what its items point to; for pointer-free
// elements there is nothing to release and it returns "".
func clearSlice(x string, elem types.Type) string {
	if !hasPointers(elem) {
		return ""
	}
	return "clear(" + x + ")\n"
}

// hasPointers reports whether values of type t may hold pointers.
func hasPointers(t types.Type) bool {
	switch t := t.Underlying().(type) {
	case *types.Basic:
		return t.Info()&types.IsString != 0 || t.Kind() == types.UnsafePointer || t.Kind() == types.UntypedNil
	case *types.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case *types.Struct:
		for f := range t.Fields() {
			if hasPointers(f.Type()) {
				return true
			}
		}
		return false
	}
	return true
}
