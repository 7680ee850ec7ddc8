package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: reduceState, entry: reduceEntry, push: reducePush}, ops.Reduce)
}

func reduceState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	e.addField(fmt.Sprintf("n%dAcc", id), elem, opName(n)+": the accumulator, once an item arrived.")
	e.addField(fmt.Sprintf("n%dHave", id), "bool", "")
	if !static(n, 0) {
		fmt.Fprintf(&e.end, "\tvar zero%d %s\n\tnd.n%dAcc, nd.n%dHave = zero%d, false\n", id, elem, id, id, id)
	}
}

// reduceEntry emits the accumulator if an item arrived.
func reduceEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	fmt.Fprintf(b, "if nd.n%dHave {\n%s := nd.n%dAcc\n", n.ID, x, n.ID)
	e.out(b, n, x)
	b.WriteString("}\n")
}

func reducePush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	id := n.ID
	fmt.Fprintf(b, "if !nd.n%dHave {\nnd.n%dAcc, nd.n%dHave = %s, true\n} else {\n%s(&nd.n%dAcc, %s)\n}\n", id, id, id, x, e.call(e.node(id).UDFs[0]), id, x)
}
