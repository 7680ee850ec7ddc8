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
		b.WriteString(uniqueSet(e, n).rangeKeys(v))
		e.record(b, n, v, add)
		b.WriteString("}\n")
	},
	restore: func(e *emitter, b *strings.Builder, n *ir.Node, v string) {
		b.WriteString(uniqueSet(e, n).add(e, v))
	},
}

// uniqueSet is the set of the items Unique n has seen.
func uniqueSet(e *emitter, n *ir.Node) keySet {
	return setOf(fmt.Sprintf("n%dSeen", n.ID), e.elem(n.ID))
}

func uniqueState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	s := e.declareSet(fmt.Sprintf("n%dSeen", id), e.elem(id), elem, opName(n)+": the items seen.")
	if !static(n, 0) {
		e.end.WriteString("\t" + s.clear())
	}
	if durable(n) {
		e.addField(fmt.Sprintf("n%dNew", id), "[]"+elem, "the items first seen this tick, to log at its end.")
	}
}

func uniquePush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	id := n.ID
	b.WriteString(uniqueSet(e, n).addIfNew(e, x))
	if durable(n) {
		fmt.Fprintf(b, "nd.n%dNew = append(nd.n%dNew, %s)\n", id, id, x)
	}
	e.out(b, n, x)
	b.WriteString("}\n")
}
