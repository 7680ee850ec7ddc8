package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: latticeFoldState, entry: latticeFoldEntry, push: latticeFoldPush, durable: latticeFoldDurable}, ops.LatticeFold)
}

// latticeFoldState declares the accumulator, whose zero value is bottom.
func latticeFoldState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	e.addField(fmt.Sprintf("n%dAcc", id), elem, opName(n)+": the accumulator, starting at bottom.")
	if !static(n, 0) {
		fmt.Fprintf(&e.end, "\tvar zero%d %s\n\tnd.n%dAcc = zero%d\n", id, elem, id, id)
	}
	if durable(n) {
		e.addField(fmt.Sprintf("n%dChanged", id), "[]"+elem, "the items that changed the accumulator this tick, to log at its end.")
	}
}

// latticeFoldDurable logs the items that changed the accumulator in the
// tick, and the accumulator whole in a snapshot; recovery merges them.
var latticeFoldDurable = &durableHooks{
	changes: func(e *emitter, b *strings.Builder, n *ir.Node, add string) {
		v := e.v("v")
		fmt.Fprintf(b, "for _, %s := range nd.n%dChanged {\n", v, n.ID)
		e.record(b, n, v, add)
		fmt.Fprintf(b, "}\n%snd.n%dChanged = nd.n%dChanged[:0]\n", clearSlice(fmt.Sprintf("nd.n%dChanged", n.ID), e.elem(n.ID)), n.ID, n.ID)
	},
	state: func(e *emitter, b *strings.Builder, n *ir.Node, add string) {
		// One record of the whole value, built on the journal's buffer,
		// which keeps its size for the next snapshot.
		app, _, ok := e.codec(n, e.elem(n.ID))
		if !ok {
			return
		}
		rec := e.v("rec")
		fmt.Fprintf(b, "%s := %s(nd.hydroJournal.Record(%d), &nd.n%dAcc)\n%s(%s)\nnd.hydroJournal.Keep(%s)\n", rec, app, n.ID, n.ID, add, rec, rec)
	},
	restore: func(e *emitter, b *strings.Builder, n *ir.Node, v string) {
		fmt.Fprintf(b, "nd.n%dAcc.Merge(%s)\n", n.ID, v)
	},
}

func latticeFoldEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	fmt.Fprintf(b, "%s := nd.n%dAcc\n", x, n.ID)
	e.out(b, n, x)
}

// latticeFoldPush merges the item into the accumulator in place; durable,
// it keeps the item to log if it changed the accumulator and the node logs.
func latticeFoldPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	if durable(n) {
		fmt.Fprintf(b, "if nd.n%dAcc.Merge(%s) && nd.hydroJournal.Active() {\nnd.n%dChanged = append(nd.n%dChanged, %s)\n}\n", n.ID, x, n.ID, n.ID, x)
		return
	}
	fmt.Fprintf(b, "nd.n%dAcc.Merge(%s)\n", n.ID, x)
}
