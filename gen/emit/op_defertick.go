package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: deferTickState, entry: deferTickEntry, push: deferTickPush, bulk: deferTickBulk, fromSlice: true, fresh: true}, ops.DeferTick, ops.DeferTickLazy)
}

// deferTickState keeps two buffers, swapped at the end of the tick: the
// items emitted this tick and those pushed for the next. Items for the next
// tick make the node pending, except behind DeferTickLazy; Pending is asked
// between ticks, after the swap, when they are in the Now buffer.
func deferTickState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	e.addField(fmt.Sprintf("n%dNow", id), "[]"+elem, opName(n)+": the items of this tick and of the next.")
	e.addField(fmt.Sprintf("n%dNext", id), "[]"+elem, "")
	if _, ok := e.deferTickRotates(n); !ok {
		fmt.Fprintf(&e.end, "%s\tnd.n%dNow, nd.n%dNext = nd.n%dNext, nd.n%dNow[:0]\n", clearSlice(fmt.Sprintf("nd.n%dNow", id), e.elem(id)), id, id, id, id)
	}
	if n.Op == ops.DeferTick.Name {
		e.pendingWhen(fmt.Sprintf("len(nd.n%dNow) > 0", id))
	}
}

// deferTickEntry emits the items carried from the last tick. Where they
// all go, unchanged, to one buffer they alone fill, it hands over its own
// buffer instead (bulkMove).
func deferTickEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	now := fmt.Sprintf("nd.n%dNow", n.ID)
	if dst, ok := e.deferTickRotates(n); ok {
		next := fmt.Sprintf("nd.n%dNext", n.ID)
		fmt.Fprintf(b, "%s, %s, %s = %s, %s, %s[:0]\n", dst, now, next, now, next, dst)
		return
	}
	if dst, ok := e.bulkMove(n); ok {
		fmt.Fprintf(b, "%s, %s = %s, %s[:0]\n", dst, now, now, dst)
		return
	}
	if e.bulkCopy(b, n, now) {
		fmt.Fprintf(b, "for _, %s := range %s {\n", x, now)
		e.out(b, n, x)
		b.WriteString("}\n")
	}
}

// deferTickRotates returns the bulk target of DeferTick n when its entry
// hands its items over (bulkMove) and all of the tick's items for the next
// tick reach n before its entry runs (the producers run in earlier entries,
// Schedule.ArrivesBeforeEmit): the entry then rotates the three buffers in
// one step, the target taking this tick's items, Now the next tick's, and
// Next the target's empty buffer, and the end of the tick swaps nothing. A
// chain of DeferTicks fed in order (NextTick) moves each batch once per
// tick instead of twice.
func (e *emitter) deferTickRotates(n *ir.Node) (string, bool) {
	dst, ok := e.bulkMove(n)
	if !ok || !e.s.ArrivesBeforeEmit(n.ID, 0) {
		return "", false
	}
	return dst, true
}

func deferTickPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	fmt.Fprintf(b, "nd.n%dNext = append(nd.n%dNext, %s)\n", n.ID, n.ID, x)
}

// deferTickBulk is the slice of the items carried to the next tick.
func deferTickBulk(_ *emitter, n *ir.Node, _ int) (string, bool) {
	return fmt.Sprintf("nd.n%dNext", n.ID), true
}
