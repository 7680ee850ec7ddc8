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

// sinkPush appends item x to the tick's output, held during the subgraph
// in a local (see subgraphLocal), whose slice header the Go compiler keeps
// in registers across the subgraph's loops, where appending to the field
// reloads and stores it for every item: stores through the slice might
// alias the node.
func sinkPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	id := n.ID
	out := e.local(id, func() subgraphLocal {
		v := e.v("out")
		f := fmt.Sprintf("nd.n%dOut", id)
		return subgraphLocal{names: []string{v}, field: f, load: fmt.Sprintf("\t%s := %s\n", v, f), store: fmt.Sprintf("\t%s = %s\n", f, v)}
	})[0]
	fmt.Fprintf(b, "%s = append(%s, %s)\n", out, out, x)
}

func forEachPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	fmt.Fprintf(b, "%s(%s)\n", e.call(e.node(n.ID).UDFs[0]), x)
}

// sinkBulk is the slice of the items a Sink delivers after the tick.
func sinkBulk(_ *emitter, n *ir.Node, _ int) (string, bool) {
	return fmt.Sprintf("nd.n%dOut", n.ID), true
}
