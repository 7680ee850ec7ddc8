package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: antiJoinState, entry: antiJoinEntry, push: antiJoinPush, masked: antiJoinMasked}, ops.AntiJoin, ops.Difference)
}

// antiJoinMasked returns the condition that positive item x is excluded by
// the negative keys held so far.
func antiJoinMasked(e *emitter, n *ir.Node, x string) string {
	key := x
	if n.Op == ops.AntiJoin.Name {
		key, _ = e.groupKey(n, 0, x)
	}
	ex := e.v("excluded")
	return fmt.Sprintf("_, %s := nd.n%dNeg[%s]; %s", ex, n.ID, key, ex)
}

// antiJoinState declares the set of negative keys: for AntiJoin the keys
// of the negative input's items, for Difference the items themselves.
func antiJoinState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	kt := elem
	if n.Op == ops.AntiJoin.Name {
		kt = e.groupKeyType(n)
	}
	e.addField(fmt.Sprintf("n%dNeg", id), fmt.Sprintf("map[%s]struct{}", kt), opName(n)+": the keys of the negative input.")
	fmt.Fprintf(&e.ctor, "\tnd.n%dNeg = map[%s]struct{}{}\n", id, kt)
	if !static(n, 0) {
		fmt.Fprintf(&e.end, "\tclear(nd.n%dNeg)\n", id)
	}
}

// antiJoinEntry writes nothing: the negative keys are complete when the
// subgraph starts, and positive items pass as they arrive.
func antiJoinEntry(*emitter, *strings.Builder, *ir.Node, string) {}

// antiJoinPush records a negative key (port 1) or passes a positive item
// whose key is not negative (port 0).
func antiJoinPush(e *emitter, b *strings.Builder, n *ir.Node, port int, x string) {
	id := n.ID
	key := x
	if n.Op == ops.AntiJoin.Name {
		key, _ = e.groupKey(n, port, x)
	}
	if port == 1 {
		fmt.Fprintf(b, "nd.n%dNeg[%s] = struct{}{}\n", id, key)
		return
	}
	ex := e.v("excluded")
	fmt.Fprintf(b, "if _, %s := nd.n%dNeg[%s]; !%s {\n", ex, id, key, ex)
	e.out(b, n, x)
	b.WriteString("}\n")
}
