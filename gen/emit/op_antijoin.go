package emit

import (
	"fmt"
	"go/types"
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
	return antiJoinNeg(e, n).has(e, key)
}

// antiJoinNeg is the set of negative keys of AntiJoin (or Difference) n.
func antiJoinNeg(e *emitter, n *ir.Node) keySet {
	return setOf(fmt.Sprintf("n%dNeg", n.ID), antiJoinKeyType(e, n))
}

// antiJoinKeyType is the type of the negative keys of AntiJoin (or
// Difference) n: the key of AntiJoin, the item of Difference.
func antiJoinKeyType(e *emitter, n *ir.Node) types.Type {
	if n.Op == ops.AntiJoin.Name {
		return e.groupKeyGoType(n)
	}
	return e.elem(n.ID)
}

// antiJoinState declares the set of negative keys: for AntiJoin the keys
// of the negative input's items, for Difference the items themselves.
func antiJoinState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	kt := elem
	if n.Op == ops.AntiJoin.Name {
		kt = e.groupKeyType(n)
	}
	neg := e.declareSet(fmt.Sprintf("n%dNeg", id), antiJoinKeyType(e, n), kt, opName(n)+": the keys of the negative input.")
	if !static(n, 0) {
		e.end.WriteString("\t" + neg.clear())
	}
}

// antiJoinEntry writes nothing: the negative keys are complete when the
// subgraph starts, and positive items pass as they arrive.
func antiJoinEntry(*emitter, *strings.Builder, *ir.Node, string) {}

// antiJoinPush records a negative key (port 1) or passes a positive item
// whose key is not negative (port 0).
func antiJoinPush(e *emitter, b *strings.Builder, n *ir.Node, port int, x string) {
	key := x
	if n.Op == ops.AntiJoin.Name {
		key, _ = e.groupKey(n, port, x)
	}
	neg := antiJoinNeg(e, n)
	if port == 1 {
		b.WriteString(neg.add(e, key))
		return
	}
	fmt.Fprintf(b, "if %s {\n", neg.hasNot(e, key))
	e.out(b, n, x)
	b.WriteString("}\n")
}
