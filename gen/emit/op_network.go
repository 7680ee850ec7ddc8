package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: receiveState, entry: receiveEntry, push: send}, ops.Send, ops.Broadcast, ops.Demux)
}

// receiveState notes that items received between ticks are work; the
// receive buffer itself is declared with the other receivers' (see
// receivers), which Deliver fills.
func receiveState(e *emitter, n *ir.Node, _ string) {
	e.pendingWhen(fmt.Sprintf("len(nd.n%dRecv) > 0", n.ID))
}

// receiveEntry emits the items received since the last tick.
func receiveEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	id := n.ID
	fmt.Fprintf(b, "for _, %s := range nd.n%dRecv {\n", x, id)
	e.out(b, n, x)
	fmt.Fprintf(b, "}\nclear(nd.n%dRecv)\nnd.n%dRecv = nd.n%dRecv[:0]\n", id, id, id)
}

// send writes the code that sends item x into network operator n from the
// current location: encode it once into the node's scratch buffer and hand
// the frame, tagged with n's ID, to the function set by OnSend.
func send(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	info := e.node(n.ID)
	app, _, ok := e.codec(n, parse.Go(info.Elem))
	if !ok {
		return
	}
	hydro := e.importAs("hydro", hydroPath)
	dest := fmt.Sprintf("Location: %q", e.f.Graph.Locations[n.Loc].Name)
	switch {
	case n.Op == ops.Broadcast.Name:
		dest += ", All: true"
	case n.Op == ops.Demux.Name && len(info.Keys) > 0:
		// The member is the xxhash of the key fields' encodings, which the
		// interpreter computes the same way.
		b.WriteString("nd.hydroKey = nd.hydroKey[:0]\n")
		for _, f := range info.Keys[0].Fields {
			fa, _, ok := e.codec(n, f.Type())
			if !ok {
				return
			}
			fmt.Fprintf(b, "nd.hydroKey = %s(nd.hydroKey, &%s.%s)\n", fa, x, f.Name())
		}
		dest += fmt.Sprintf(", Member: %s.Sum64(nd.hydroKey)", e.importAs("xxhash", "github.com/cespare/xxhash/v2"))
	case n.Op == ops.Demux.Name:
		dest += fmt.Sprintf(", Member: uint64(%s(%s))", e.call(info.UDFs[0]), x)
	}
	fmt.Fprintf(b, "if nd.hydroSend != nil {\nnd.hydroBuf = %s(nd.hydroBuf[:0], &%s)\nnd.hydroSend(%s.Dest{%s}, %d, nd.hydroBuf)\n}\n", app, x, hydro, dest, n.ID)
}
