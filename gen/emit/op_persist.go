package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: persistState, entry: persistEntry, push: persistPush}, ops.Persist)
}

// persistState keeps every item received; the first Old of them are those
// of earlier ticks.
func persistState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	e.addField(fmt.Sprintf("n%dItems", id), "[]"+elem, opName(n)+": every item received, the first Old of earlier ticks.")
	e.addField(fmt.Sprintf("n%dOld", id), "int", "")
	fmt.Fprintf(&e.end, "\tnd.n%dOld = len(nd.n%dItems)\n", id, id)
}

// persistEntry replays the items of earlier ticks. Where its only consumer
// masks items for ever (maskedBy), it drops those masked so far instead of
// replaying them, keeping the rest in order.
func persistEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	id := n.ID
	if neg, ok := e.maskedBy(n); ok {
		s := fmt.Sprintf("nd.n%dItems", id)
		w, held := e.v("w"), e.v("held")
		fmt.Fprintf(b, "%s := 0\nfor _, %s := range %s[:nd.n%dOld] {\nif %s {\ncontinue\n}\n%s[%s] = %s\n%s++\n", w, x, s, id, emitters[neg.Op].masked(e, neg, x), s, w, x, w)
		e.out(b, n, x)
		b.WriteString("}\n")
		if hasPointers(e.elem(id)) {
			// Release what the dropped items point to.
			fmt.Fprintf(b, "%s := len(%s)\n%s = append(%s[:%s], %s[nd.n%dOld:]...)\nclear(%s[len(%s):%s])\n", held, s, s, s, w, s, id, s, s, held)
		} else {
			fmt.Fprintf(b, "%s = append(%s[:%s], %s[nd.n%dOld:]...)\n", s, s, w, s, id)
		}
		fmt.Fprintf(b, "nd.n%dOld = %s\n", id, w)
		return
	}
	if dst, ok := e.soleBulkTarget(n); ok {
		fmt.Fprintf(b, "%s = append(%s, nd.n%dItems[:nd.n%dOld]...)\n", dst, dst, id, id)
		return
	}
	fmt.Fprintf(b, "for _, %s := range nd.n%dItems[:nd.n%dOld] {\n", x, id, id)
	e.out(b, n, x)
	b.WriteString("}\n")
}

// persistPush keeps the item and passes it on.
func persistPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	fmt.Fprintf(b, "nd.n%dItems = append(nd.n%dItems, %s)\n", n.ID, n.ID, x)
	e.out(b, n, x)
}
