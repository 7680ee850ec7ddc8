package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: enumerateState, push: enumeratePush}, ops.Enumerate)
}

func enumerateState(e *emitter, n *ir.Node, _ string) {
	id := n.ID
	e.addField(fmt.Sprintf("n%dNext", id), "int", opName(n)+": the next item's index.")
	if !static(n, 0) {
		fmt.Fprintf(&e.end, "\tnd.n%dNext = 0\n", id)
	}
}

func enumeratePush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	id := n.ID
	y := e.v("v")
	fmt.Fprintf(b, "%s := %s{Index: nd.n%dNext, Value: %s}\nnd.n%dNext++\n", y, e.typeString(e.elem(id)), id, x, id)
	e.out(b, n, y)
}
