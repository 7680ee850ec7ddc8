package emit

import (
	"fmt"
	"io"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: clusterSizeState, entry: clusterSizeEntry}, ops.ClusterSize)
}

// clusterSizeState declares the size SetSizes records and whether it was
// emitted.
func clusterSizeState(e *emitter, n *ir.Node, _ string) {
	e.addField(fmt.Sprintf("n%dSize", n.ID), "int", fmt.Sprintf("%s: the size of cluster %q (see SetSizes), whether it was emitted.", opName(n), n.Target))
	e.addField(fmt.Sprintf("n%dDone", n.ID), "bool", "")
	e.sizes = append(e.sizes, n)
}

// clusterSizeEntry emits the cluster's size once, in the first tick; a
// size SetSizes never set emits nothing, so that no quorum of zero is met.
// A partitioned cluster's size is that of the base cluster.
func clusterSizeEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	size := fmt.Sprintf("nd.n%dSize", n.ID)
	if c := e.f.Graph.Location(n.Target); c != nil && c.Partitions > 0 {
		// A partitioned cluster's size is its number of base members.
		size = fmt.Sprintf("max(nd.n%dSize/%d, 1)", n.ID, c.Partitions)
	}
	fmt.Fprintf(b, "if !nd.n%dDone {\nnd.n%dDone = true\nif nd.n%dSize > 0 {\n%s := %s\n", n.ID, n.ID, n.ID, x, size)
	e.out(b, n, x)
	b.WriteString("}\n}\n")
}

// sizesMethod writes SetSizes (hydro.SizeSetter) for a node with
// ClusterSize operators: it records the sizes of the clusters they read,
// and fails naming a cluster the deployment does not size.
func (e *emitter) sizesMethod(w io.Writer) {
	if len(e.sizes) == 0 {
		return
	}
	fmt.Fprintf(w, `// SetSizes tells the node the number of members of every location of the
// deployment, by name; ClusterSize emits them. Runtimes call it before the
// first tick. It fails if a cluster the node reads the size of is missing.
func (nd *%s) SetSizes(sizes map[string]int) error {
`, e.typ)
	ft := e.importAs("fmt", "fmt")
	for _, n := range e.sizes {
		fmt.Fprintf(w, "\tif n := sizes[%q]; n > 0 {\n\t\tnd.n%dSize = n\n\t} else {\n\t\treturn %s.Errorf(\"flow %s reads the size of cluster %%q, which the deployment does not size\", %q)\n\t}\n",
			n.Target, n.ID, ft, e.f.Graph.Name, n.Target)
	}
	fmt.Fprintf(w, "\treturn nil\n}\n\n")
}
