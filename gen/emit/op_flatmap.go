package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{push: flatMapPush}, ops.FlatMap)
}

// flatMapPush passes the user function a yield function that emits.
func flatMapPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	info := e.node(n.ID)
	y := e.v("v")
	fmt.Fprintf(b, "%s(%s, func(%s %s) {\n", e.call(info.UDFs[0]), x, y, e.typeString(parse.Go(info.Elem)))
	e.out(b, n, y)
	b.WriteString("})\n")
}
