package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: uniqueState, push: uniquePush, durable: uniqueDurable}, ops.Unique)
}

// uniqueDurable logs the items first seen in the tick.
var uniqueDurable = &durableHooks{
	changes: func(e *emitter, b *strings.Builder, n *ir.Node, add string) {
		v := e.v("v")
		fmt.Fprintf(b, "for _, %s := range nd.n%dNew {\n", v, n.ID)
		e.record(b, n, v, add)
		fmt.Fprintf(b, "}\n%snd.n%dNew = nd.n%dNew[:0]\n", clearSlice(fmt.Sprintf("nd.n%dNew", n.ID), e.elem(n.ID)), n.ID, n.ID)
	},
	state: func(e *emitter, b *strings.Builder, n *ir.Node, add string) {
		v := e.v("v")
		fmt.Fprintf(b, "for %s := range nd.n%dSeen {\n", v, n.ID)
		e.record(b, n, v, add)
		b.WriteString("}\n")
	},
	restore: func(e *emitter, b *strings.Builder, n *ir.Node, v string) {
		fmt.Fprintf(b, "nd.n%dSeen[%s] = struct{}{}\n", n.ID, v)
	},
}

func uniqueState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	e.addField(fmt.Sprintf("n%dSeen", id), fmt.Sprintf("map[%s]struct{}", elem), opName(n)+": the items seen.")
	fmt.Fprintf(&e.ctor, "\tnd.n%dSeen = map[%s]struct{}{}\n", id, elem)
	if !static(n, 0) {
		fmt.Fprintf(&e.end, "\tclear(nd.n%dSeen)\n", id)
	}
	if durable(n) {
		e.addField(fmt.Sprintf("n%dNew", id), "[]"+elem, "the items first seen this tick, to log at its end.")
	}
}

func uniquePush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	id := n.ID
	dup := e.v("dup")
	fmt.Fprintf(b, "if _, %s := nd.n%dSeen[%s]; !%s {\nnd.n%dSeen[%s] = struct{}{}\n", dup, id, x, dup, id, x)
	if durable(n) {
		fmt.Fprintf(b, "nd.n%dNew = append(nd.n%dNew, %s)\n", id, id, x)
	}
	e.out(b, n, x)
	b.WriteString("}\n")
}
