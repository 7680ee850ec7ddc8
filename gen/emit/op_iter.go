package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/gen/schedule"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: iterState, entry: iterEntry, fromSlice: true}, ops.Iter)
}

func iterState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	if e.iterTable(n) {
		// The join builds its table from the slice (buildTable), which
		// copies it once; the Iter keeps nothing.
		fmt.Fprintf(&e.ctor, "\tn%dItems := %s\n", id, e.userExpr(e.node(id).Expr))
		return
	}
	e.addField(fmt.Sprintf("n%dItems", id), "[]"+elem, opName(n)+": the items, emitted in the first tick.")
	e.addField(fmt.Sprintf("n%dDone", id), "bool", "")
	fmt.Fprintf(&e.ctor, "\tnd.n%dItems = %s(%s)\n", id, e.importAs("slices", "slices")+".Clone", e.userExpr(e.node(id).Expr))
}

// reserveStores writes, before a loop that passes count items of n to its
// consumers, the growth of the storage of every Static join side that
// takes them directly, so that the side grows once rather than by
// appending (1.25× per growth once large, copying every time).
func (e *emitter) reserveStores(b *strings.Builder, n *ir.Node, count string) {
	for _, c := range e.s.Graph.Consumers()[n.ID] {
		to := e.s.Graph.Nodes[c.To]
		if to.Op != ops.Join.Name || to.Loc != e.s.Loc || e.s.Kind[c] == schedule.Handoff || e.inBulk(n, c) {
			continue
		}
		if e.joinStored(to, c.Port) && static(to, c.Port) {
			s := fmt.Sprintf("nd.n%d%s", to.ID, sideName(c.Port))
			grow := e.importAs("slices", "slices") + ".Grow"
			fmt.Fprintf(b, "%sItems = %s(%sItems, %s)\n%sNext = %s(%sNext, %s)\n", s, grow, s, count, s, grow, s, count)
		}
	}
}

func iterEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	id := n.ID
	if e.iterTable(n) {
		return // the table holds the items from the start
	}
	items := fmt.Sprintf("nd.n%dItems", id)
	fmt.Fprintf(b, "if !nd.n%dDone {\nnd.n%dDone = true\n", id, id)
	if e.bulkCopy(b, n, items) {
		e.reserveStores(b, n, "len("+items+")")
		fmt.Fprintf(b, "for _, %s := range %s {\n", x, items)
		e.out(b, n, x)
		b.WriteString("}\n")
	}
	b.WriteString("}\n")
}
