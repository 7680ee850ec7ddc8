package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: crossJoinState, push: crossJoinPush, bulk: crossJoinBulk}, ops.CrossJoin)
}

// crossJoinState declares a slice of items per stored side (see
// joinStored), but for a side that reads a keyed aggregation's groups in
// place (crossGroups).
func crossJoinState(e *emitter, n *ir.Node, _ string) {
	c := opName(n) + ": the stored sides' items in arrival order."
	for side := range 2 {
		if _, ok := e.crossGroups(n, side); ok || !e.joinStored(n, side) {
			continue
		}
		t := parse.Go(e.f.Graph.Nodes[n.Inputs[side]].Elem)
		s := fmt.Sprintf("n%d%s", n.ID, sideName(side))
		e.addField(s, "[]"+e.typeString(t), c)
		c = ""
		if !static(n, side) {
			fmt.Fprintf(&e.end, "%s\tnd.%s = nd.%s[:0]\n", clearSlice("nd."+s, t), s, s)
		}
	}
}

func crossJoinPush(e *emitter, b *strings.Builder, n *ir.Node, port int, x string) {
	id := n.ID
	if _, ok := e.crossGroups(n, port); ok {
		return
	}
	if agg, ok := e.crossGroups(n, 1-port); ok {
		o := e.v("v")
		fmt.Fprintf(b, "for _, %s := range nd.n%dAccs {\n", o, agg.ID)
		e.joinMerge(b, n, port, e.call(e.node(id).UDFs[0]), x, o)
		b.WriteString("}\n")
		return
	}
	if e.joinStored(n, port) {
		fmt.Fprintf(b, "nd.n%d%s = append(nd.n%d%s, %s)\n", id, sideName(port), id, sideName(port), x)
	}
	if e.joinStored(n, 1-port) {
		o := e.v("v")
		fmt.Fprintf(b, "for _, %s := range nd.n%d%s {\n", o, id, sideName(1-port))
		e.joinMerge(b, n, port, e.call(e.node(id).UDFs[0]), x, o)
		b.WriteString("}\n")
	}
}

// crossJoinBulk is the slice of a side that is stored but never probed: its
// items only wait for the other side's.
func crossJoinBulk(e *emitter, n *ir.Node, port int) (string, bool) {
	if _, ok := e.crossGroups(n, port); ok || !e.joinStored(n, port) || e.joinStored(n, 1-port) {
		return "", false
	}
	return fmt.Sprintf("nd.n%d%s", n.ID, sideName(port)), true
}
