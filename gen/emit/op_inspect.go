package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{push: inspectPush}, ops.Inspect)
}

func inspectPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	fmt.Fprintf(b, "%s(%s)\n", e.call(e.node(n.ID).UDFs[0]), x)
	e.out(b, n, x)
}
