package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: latticeFoldState, entry: latticeFoldEntry, push: latticeFoldPush}, ops.LatticeFold)
}

// latticeFoldState declares the accumulator, whose zero value is bottom.
func latticeFoldState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	e.addField(fmt.Sprintf("n%dAcc", id), elem, opName(n)+": the accumulator, starting at bottom.")
	if !static(n, 0) {
		fmt.Fprintf(&e.end, "\tvar zero%d %s\n\tnd.n%dAcc = zero%d\n", id, elem, id, id)
	}
}

func latticeFoldEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	fmt.Fprintf(b, "%s := nd.n%dAcc\n", x, n.ID)
	e.out(b, n, x)
}

// latticeFoldPush merges the item into the accumulator in place.
func latticeFoldPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	fmt.Fprintf(b, "nd.n%dAcc.Merge(%s)\n", n.ID, x)
}
