package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: foldState, entry: foldEntry, push: foldPush}, ops.Fold)
}

func foldState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	e.addField(fmt.Sprintf("n%dAcc", id), elem, opName(n)+": the accumulator.")
	e.addField(fmt.Sprintf("n%dInit", id), "bool", "")
	if !static(n, 0) {
		fmt.Fprintf(&e.end, "\tvar zero%d %s\n\tnd.n%dAcc, nd.n%dInit = zero%d, false\n", id, elem, id, id, id)
	}
}

// foldEntry emits the accumulator, initializing it if no item arrived.
func foldEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	id := n.ID
	fmt.Fprintf(b, "if !nd.n%dInit {\nnd.n%dAcc, nd.n%dInit = %s(), true\n}\n%s := nd.n%dAcc\n", id, id, id, e.call(e.node(id).UDFs[0]), x, id)
	e.out(b, n, x)
}

func foldPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	id := n.ID
	info := e.node(id)
	fmt.Fprintf(b, "if !nd.n%dInit {\nnd.n%dAcc, nd.n%dInit = %s(), true\n}\n%s(&nd.n%dAcc, %s)\n",
		id, id, id, e.call(info.UDFs[0]), e.call(info.UDFs[1]), id, x)
}
