package emit

import (
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	// A completed Cycle passes its single input through, like a Union of
	// one stream.
	register(&opEmitter{push: unionPush, passes: true}, ops.Union, ops.Cycle)
}

func unionPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	e.out(b, n, x)
}
