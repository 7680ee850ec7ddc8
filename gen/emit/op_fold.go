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

// foldPush folds item x into the accumulator. Where the fold function's
// body may be copied and uses its accumulator only through the pointer
// (derefEdits), the subgraph initializes the accumulator before its body
// (init is called once per lifetime either way, only earlier) and holds it
// in a local, which the Go compiler keeps in a register across the loop
// over the input, and the copy updates the local; otherwise the function is
// called with the accumulator's address in the node.
func foldPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	id := n.ID
	info := e.node(id)
	u := info.UDFs[1]
	if in, ok := e.inlinable(u); ok && len(in.params) == 2 {
		acc := e.v("acc")
		if l, declared := e.locals[id]; declared {
			// An earlier push in the subgraph declared it, for the same
			// body.
			acc = l.names[0]
		}
		if in, ok := e.derefEdits(in, 0, acc); ok {
			e.local(id, func() subgraphLocal {
				return subgraphLocal{
					names: []string{acc},
					load: fmt.Sprintf("\tif !nd.n%dInit {\n\t\tnd.n%dAcc, nd.n%dInit = %s(), true\n\t}\n\t%s := nd.n%dAcc\n",
						id, id, id, e.call(info.UDFs[0]), acc, id),
					store: fmt.Sprintf("\tnd.n%dAcc = %s\n", id, acc),
				}
			})
			e.inlineCall(b, u, in, []string{"", x})
			return
		}
	}
	fmt.Fprintf(b, "if !nd.n%dInit {\nnd.n%dAcc, nd.n%dInit = %s(), true\n}\n%s(&nd.n%dAcc, %s)\n",
		id, id, id, e.call(info.UDFs[0]), e.call(u), id, x)
}
