package emit

import (
	"fmt"
	"go/types"
	"strings"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: sortState, entry: sortEntry, push: sortPush, bulk: sortBulk}, ops.Sort)
}

func sortState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	e.addField(fmt.Sprintf("n%dItems", id), "[]"+elem, opName(n)+": this tick's items.")
	fmt.Fprintf(&e.end, "%s\tnd.n%dItems = nd.n%dItems[:0]\n", clearSlice(fmt.Sprintf("nd.n%dItems", id), e.elem(id)), id, id)
}

// sortEntry sorts the tick's items, stably where equal items can differ,
// and emits them.
func sortEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	id := n.ID
	info := e.node(id)
	sl := e.importAs("slices", "slices")
	switch bt, _ := parse.Go(info.Elem).Underlying().(*types.Basic); {
	case len(info.UDFs) > 0:
		fmt.Fprintf(b, "%s.SortStableFunc(nd.n%dItems, %s)\n", sl, id, e.call(info.UDFs[0]))
	case bt != nil && bt.Info()&(types.IsInteger|types.IsString) != 0:
		// Equal integers or strings are indistinguishable, so an
		// unstable sort gives the stable sort's result.
		fmt.Fprintf(b, "%s.Sort(nd.n%dItems)\n", sl, id)
	default:
		// Floats: -0 and +0 compare equal but differ; keep them stable.
		fmt.Fprintf(b, "%s.SortStableFunc(nd.n%dItems, %s.Compare)\n", sl, id, e.importAs("cmp", "cmp"))
	}
	fmt.Fprintf(b, "for _, %s := range nd.n%dItems {\n", x, id)
	e.out(b, n, x)
	b.WriteString("}\n")
}

func sortPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	fmt.Fprintf(b, "nd.n%dItems = append(nd.n%dItems, %s)\n", n.ID, n.ID, x)
}

// sortBulk is the slice of the items a Sort sorts once its input is complete.
func sortBulk(_ *emitter, n *ir.Node, _ int) (string, bool) {
	return fmt.Sprintf("nd.n%dItems", n.ID), true
}
