package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: enumerateKeyedState, push: enumerateKeyedPush}, ops.EnumerateKeyed)
}

func enumerateKeyedState(e *emitter, n *ir.Node, _ string) {
	id := n.ID
	kt := e.groupKeyType(n)
	e.addField(fmt.Sprintf("n%dNext", id), fmt.Sprintf("map[%s]int", kt), opName(n)+": each key's next item's index.")
	fmt.Fprintf(&e.ctor, "\tnd.n%dNext = map[%s]int{}\n", id, kt)
	if !static(n, 0) {
		fmt.Fprintf(&e.end, "\tclear(nd.n%dNext)\n", id)
	}
}

func enumerateKeyedPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	id := n.ID
	key, _ := e.groupKey(n, 0, x)
	k, i, y := e.v("k"), e.v("i"), e.v("v")
	fmt.Fprintf(b, "%s := %s\n%s := nd.n%dNext[%s]\nnd.n%dNext[%s] = %s + 1\n", k, key, i, id, k, id, k, i)
	fmt.Fprintf(b, "%s := %s{Index: %s, Value: %s}\n", y, e.typeString(e.elem(id)), i, x)
	e.out(b, n, y)
}
