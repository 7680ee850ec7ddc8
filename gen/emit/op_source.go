package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: sourceState, entry: sourceEntry, fromSlice: true}, ops.Source)
}

func sourceState(e *emitter, n *ir.Node, elem string) {
	if _, bulk := e.soleBulkTarget(n); !bulk {
		e.addField(fmt.Sprintf("n%dBuf", n.ID), "[]"+elem, opName(n)+": this tick's input.")
	}
	f := paramField(e.node(n.ID).Param.Name)
	e.pendingWhen(fmt.Sprintf("nd.%s.Len() > 0", f))
	e.wakeOn(fmt.Sprintf("nd.%s.Ready()", f))
}

// sourceEntry takes the tick's items from the input, straight into the
// buffer of a sole bulk consumer if there is one.
func sourceEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	info := e.node(n.ID)
	port := paramField(info.Param.Name)
	if dst, ok := e.soleBulkTarget(n); ok {
		fmt.Fprintf(b, "%s = nd.%s.TakeInto(%s)\n", dst, port, dst)
		return
	}
	buf := fmt.Sprintf("nd.n%dBuf", n.ID)
	fmt.Fprintf(b, "%s = nd.%s.TakeInto(%s[:0])\n", buf, port, buf)
	if e.bulkCopy(b, n, buf) {
		fmt.Fprintf(b, "for _, %s := range %s {\n", x, buf)
		e.out(b, n, x)
		b.WriteString("}\n")
	}
	b.WriteString(clearSlice(buf, parse.Go(info.Elem)))
}
