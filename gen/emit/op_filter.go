package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{push: filterPush, test: filterTest}, ops.Filter)
}

func filterTest(e *emitter, n *ir.Node, x string) string {
	return fmt.Sprintf("%s(%s)", e.call(e.node(n.ID).UDFs[0]), x)
}

// filterPush passes item x if it passes the test; when nothing downstream
// does anything with it (its consumers are indexed join sides), the test,
// a pure function, is not called at all.
func filterPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	if e.inert(n) {
		return
	}
	fmt.Fprintf(b, "if %s {\n", filterTest(e, n, x))
	e.out(b, n, x)
	b.WriteString("}\n")
}
