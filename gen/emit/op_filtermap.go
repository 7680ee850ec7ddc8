package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{push: filterMapPush}, ops.FilterMap)
}

func filterMapPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	y, ok := e.v("v"), e.v("ok")
	fmt.Fprintf(b, "if %s, %s := %s(%s); %s {\n", y, ok, e.call(e.node(n.ID).UDFs[0]), x, ok)
	e.out(b, n, y)
	b.WriteString("}\n")
}
