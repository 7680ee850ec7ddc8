package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: sinkState, push: sinkPush, bulk: sinkBulk, fresh: true}, ops.Sink)
	register(&opEmitter{push: forEachPush}, ops.ForEach)
}

// sinkState collects the tick's items and delivers them to the Output at
// the end of the tick, all at once.
func sinkState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	info := e.node(id)
	e.addField(fmt.Sprintf("n%dOut", id), "[]"+elem, opName(n)+": this tick's output.")
	f := paramField(info.Param.Name)
	fmt.Fprintf(&e.flush, "\tnd.%s.PutAll(nd.n%dOut)\n%s\tnd.n%dOut = nd.n%dOut[:0]\n", f, id, clearSlice(fmt.Sprintf("nd.n%dOut", id), parse.Go(info.Elem)), id, id)
}

func sinkPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	fmt.Fprintf(b, "nd.n%dOut = append(nd.n%dOut, %s)\n", n.ID, n.ID, x)
}

func forEachPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	fmt.Fprintf(b, "%s(%s)\n", e.call(e.node(n.ID).UDFs[0]), x)
}

// sinkBulk is the slice of the items a Sink delivers after the tick.
func sinkBulk(_ *emitter, n *ir.Node, _ int) (string, bool) {
	return fmt.Sprintf("nd.n%dOut", n.ID), true
}
