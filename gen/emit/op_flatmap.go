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

// flatMapPush passes the user function a yield function that emits. Where
// the function's body may be copied (inlinable), it is, with the yield
// parameter bound to a local closure the Go compiler inlines at every call.
func flatMapPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	info := e.node(n.ID)
	u := info.UDFs[0]
	y := e.v("v")
	elem := e.typeString(parse.Go(info.Elem))
	if in, ok := e.inlinable(u); ok && len(in.params) == 2 {
		var yield strings.Builder
		fmt.Fprintf(&yield, "func(%s %s) {\n", y, elem)
		e.out(&yield, n, y)
		yield.WriteString("}")
		e.inlineCall(b, u, in, []string{x, yield.String()})
		return
	}
	fmt.Fprintf(b, "%s(%s, func(%s %s) {\n", e.call(u), x, y, elem)
	e.out(b, n, y)
	b.WriteString("})\n")
}
