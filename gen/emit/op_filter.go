package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{push: filterPush}, ops.Filter)
}

func filterPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	fmt.Fprintf(b, "if %s(%s) {\n", e.call(e.f.Graph.Nodes[n.ID].UDFs[0]), x)
	e.out(b, n, x)
	b.WriteString("}\n")
}
