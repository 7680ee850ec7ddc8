package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: selfIDState, entry: selfIDEntry}, ops.SelfID)
}

func selfIDState(e *emitter, n *ir.Node, _ string) {
	e.addField(fmt.Sprintf("n%dDone", n.ID), "bool", opName(n)+": whether the member id was emitted.")
}

// selfIDEntry emits the member's number once, in the first tick.
func selfIDEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	fmt.Fprintf(b, "if !nd.n%dDone {\nnd.n%dDone = true\n%s := nd.hydroMember\n", n.ID, n.ID, x)
	e.out(b, n, x)
	b.WriteString("}\n")
}
