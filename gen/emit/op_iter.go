package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: iterState, entry: iterEntry, fromSlice: true}, ops.Iter)
}

func iterState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	e.addField(fmt.Sprintf("n%dItems", id), "[]"+elem, opName(n)+": the items, emitted in the first tick.")
	e.addField(fmt.Sprintf("n%dDone", id), "bool", "")
	fmt.Fprintf(&e.ctor, "\tnd.n%dItems = %s(%s)\n", id, e.importAs("slices", "slices")+".Clone", e.userExpr(e.node(id).Expr))
}

func iterEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	id := n.ID
	items := fmt.Sprintf("nd.n%dItems", id)
	fmt.Fprintf(b, "if !nd.n%dDone {\nnd.n%dDone = true\n", id, id)
	if e.bulkCopy(b, n, items) {
		fmt.Fprintf(b, "for _, %s := range %s {\n", x, items)
		e.out(b, n, x)
		b.WriteString("}\n")
	}
	b.WriteString("}\n")
}
