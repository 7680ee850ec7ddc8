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

// selfIDEntry emits the member's number once, in the first tick: at a
// partitioned location, the number of the base member it is a partition of.
func selfIDEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	member := "nd.hydroMember"
	if parts := e.f.Graph.Locations[n.Loc].Partitions; parts > 0 && !e.node(n.ID).OwnMember {
		// A partition of a partitioned cluster is its base member.
		member = fmt.Sprintf("nd.hydroMember / %d", parts)
	}
	fmt.Fprintf(b, "if !nd.n%dDone {\nnd.n%dDone = true\n%s := %s\n", n.ID, n.ID, x, member)
	e.out(b, n, x)
	b.WriteString("}\n")
}
