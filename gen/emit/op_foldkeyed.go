package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: keyedState, entry: keyedEntry, push: foldKeyedPush}, ops.FoldKeyed)
	register(&opEmitter{state: keyedState, entry: keyedEntry, push: reduceKeyedPush}, ops.ReduceKeyed)
	register(&opEmitter{state: keyedState, entry: keyedEntry, push: mergeKeyedPush}, ops.MergeKeyed)
}

// keyedState declares the groups of a keyed aggregation: a map from key to
// index into the slice of accumulators, which keeps the groups in order of
// first appearance.
func keyedState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	kt := e.groupKeyType(n)
	e.addField(fmt.Sprintf("n%dIndex", id), fmt.Sprintf("map[%s]int", kt), opName(n)+": the groups in order of first appearance.")
	e.addField(fmt.Sprintf("n%dAccs", id), "[]"+elem, "")
	fmt.Fprintf(&e.ctor, "\tnd.n%dIndex = map[%s]int{}\n", id, kt)
	if !static(n, 0) {
		fmt.Fprintf(&e.end, "\tclear(nd.n%dIndex)\n%s\tnd.n%dAccs = nd.n%dAccs[:0]\n", id, clearSlice(fmt.Sprintf("nd.n%dAccs", id), e.elem(id)), id, id)
	}
}

// keyedEntry emits every group's accumulator.
func keyedEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	id := n.ID
	i := e.v("i")
	fmt.Fprintf(b, "for %s := range nd.n%dAccs {\n%s := nd.n%dAccs[%s]\n", i, id, x, id, i)
	e.out(b, n, x)
	b.WriteString("}\n")
}

// keyedGroup writes the lookup of item x's group and opens the block that
// runs when the group is new, leaving the caller to append its accumulator.
// It returns the expression of the group's accumulator and the index of n's
// first UDF after its key function.
func keyedGroup(e *emitter, b *strings.Builder, n *ir.Node, x string) (acc string, u int) {
	id := n.ID
	key, u := e.groupKey(n, 0, x)
	k, i, ok := e.v("k"), e.v("i"), e.v("ok")
	acc = fmt.Sprintf("nd.n%dAccs[%s]", id, i)
	fmt.Fprintf(b, "%s := %s\n%s, %s := nd.n%dIndex[%s]\nif !%s {\n%s = len(nd.n%dAccs)\nnd.n%dIndex[%s] = %s\n", k, key, i, ok, id, k, ok, i, id, id, k, i)
	return acc, u
}

func foldKeyedPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	info := e.f.Graph.Nodes[n.ID]
	acc, u := keyedGroup(e, b, n, x)
	fmt.Fprintf(b, "nd.n%dAccs = append(nd.n%dAccs, %s(%s))\n}\n%s(&%s, %s)\n", n.ID, n.ID, e.call(info.UDFs[u]), x, e.call(info.UDFs[u+1]), acc, x)
}

func reduceKeyedPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	info := e.f.Graph.Nodes[n.ID]
	acc, u := keyedGroup(e, b, n, x)
	fmt.Fprintf(b, "nd.n%dAccs = append(nd.n%dAccs, %s)\n} else {\n%s(&%s, %s)\n}\n", n.ID, n.ID, x, e.call(info.UDFs[u]), acc, x)
}

// mergeKeyedPush starts a group from the item with its lattice fields at
// bottom, so that the group shares no memory with the item, then merges
// the item into it field by field.
func mergeKeyedPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	id := n.ID
	acc, _ := keyedGroup(e, b, n, x)
	bot := e.v("bot")
	fmt.Fprintf(b, "%s := %s\n", bot, x)
	lat := parse.LatticeFields(e.f.Graph.Nodes[n.Inputs[0]].Elem.Go)
	for _, f := range lat {
		fmt.Fprintf(b, "%s.%s = *new(%s)\n", bot, f.Name(), e.typeString(f.Type()))
	}
	fmt.Fprintf(b, "nd.n%dAccs = append(nd.n%dAccs, %s)\n}\n", id, id, bot)
	for _, f := range lat {
		fmt.Fprintf(b, "%s.%s.Merge(%s.%s)\n", acc, f.Name(), x, f.Name())
	}
}
