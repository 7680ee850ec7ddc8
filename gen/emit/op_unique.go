package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: uniqueState, push: uniquePush}, ops.Unique)
}

func uniqueState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	e.addField(fmt.Sprintf("n%dSeen", id), fmt.Sprintf("map[%s]struct{}", elem), opName(n)+": the items seen.")
	fmt.Fprintf(&e.ctor, "\tnd.n%dSeen = map[%s]struct{}{}\n", id, elem)
	if !static(n, 0) {
		fmt.Fprintf(&e.end, "\tclear(nd.n%dSeen)\n", id)
	}
}

func uniquePush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	id := n.ID
	dup := e.v("dup")
	fmt.Fprintf(b, "if _, %s := nd.n%dSeen[%s]; !%s {\nnd.n%dSeen[%s] = struct{}{}\n", dup, id, x, dup, id, x)
	e.out(b, n, x)
	b.WriteString("}\n")
}
