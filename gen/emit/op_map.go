package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{push: mapPush}, ops.Map)
}

func mapPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	y := e.v("v")
	fmt.Fprintf(b, "%s := %s(%s)\n", y, e.call(e.node(n.ID).UDFs[0]), x)
	e.out(b, n, y)
}
