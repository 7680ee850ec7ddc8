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
	parts := e.f.Graph.Locations[n.Loc].Partitions
	switch {
	case parts > 0 && info.AllParts:
		// Every partition of the members addressed.
		dest += fmt.Sprintf(", Parts: %d, AllParts: true", parts)
	case parts > 0 && info.FixedPart:
		// Partition 0 of the members addressed: their coordinators.
		dest += fmt.Sprintf(", Parts: %d", parts)
	case parts > 0 && !info.Replicated:
		part, ok := e.partition(b, n, x)
		if !ok {
			return
		}
		dest += fmt.Sprintf(", Parts: %d, Part: %s", parts, part)
	}
	switch {
	case n.Op == ops.Broadcast.Name, info.Replicated:
		// A replicated stream reaches every member, every partition of a
		// partitioned location included.
		dest += ", All: true"
	case n.Paired || info.OwnBase && parts > 0:
		// To the member whose base member number is the sender's own:
		// between a location and the one paired with it, or from a
		// partitioned location to itself (partial partitioning's
		// coordination within a member).
		member := "nd.hydroMember"
		if parts := e.f.Graph.Locations[e.f.Graph.Nodes[n.Inputs[0]].Loc].Partitions; parts > 0 {
			member = fmt.Sprintf("nd.hydroMember / %d", parts)
		}
		dest += fmt.Sprintf(", Member: uint64(%s)", member)
	case n.Op == ops.Demux.Name && len(info.Keys) > 0:
		// The member is the xxhash of the key fields' encodings, which the
		// interpreter computes the same way.
		if !e.encodeKey(b, n, x, info.Keys[0].Fields) {
			return
		}
		dest += fmt.Sprintf(", Member: %s.Sum64(nd.hydroKey)", e.importAs("xxhash", "github.com/cespare/xxhash/v2"))
	case n.Op == ops.Demux.Name && len(info.UDFs) > 0:
		dest += fmt.Sprintf(", Member: uint64(%s(%s))", e.call(info.UDFs[0]), x)
	}
	fmt.Fprintf(b, "if nd.hydroSend != nil {\nnd.hydroBuf = %s(nd.hydroBuf[:0], &%s)\nnd.hydroSend(%s.Dest{%s}, %d, nd.hydroBuf)\n}\n", app, x, hydro, dest, n.ID)
}

// partition writes the code choosing the partition of item x sent into n's
// location, which a rewrite partitioned, and returns the expression of the
// hash that selects it (hydro.Dest.Part): the xxhash of the partition key's
// field encodings, of the encoding of the key expression's value when the
// key is computed, or of the item's whole encoding when there is no key.
func (e *emitter) partition(b *strings.Builder, n *ir.Node, x string) (string, bool) {
	info := e.node(n.ID)
	xxhash := e.importAs("xxhash", "github.com/cespare/xxhash/v2")
	switch {
	case info.PartExpr != nil:
		t := e.f.Pkg.TypesInfo.TypeOf(info.PartExpr)
		fa, _, ok := e.codec(n, t)
		if !ok {
			return "", false
		}
		k := e.v("key")
		fmt.Fprintf(b, "%s := func(%s %s) %s {\nreturn %s\n}(%s)\n", k, info.PartParam.Name(), e.typeString(info.PartParam.Type()), e.typeString(t), e.userCode(info.PartExpr), x)
		fmt.Fprintf(b, "nd.hydroKey = %s(nd.hydroKey[:0], &%s)\n", fa, k)
	case info.Part != nil:
		if !e.encodeKey(b, n, x, info.Part.Fields) {
			return "", false
		}
	default:
		// The whole item: its encoding, in nd.hydroBuf when the hash is
		// taken, is the key.
		return xxhash + ".Sum64(nd.hydroBuf)", true
	}
	part := e.v("part")
	fmt.Fprintf(b, "%s := %s.Sum64(nd.hydroKey)\n", part, xxhash)
	return part, true
}

// encodeKey writes the code that encodes fields of item x, in order, into
// nd.hydroKey, the bytes whose xxhash routes the item. It reports false
// when a field has no codec (the emitter has recorded why).
func (e *emitter) encodeKey(b *strings.Builder, n *ir.Node, x string, fields []*types.Var) bool {
	b.WriteString("nd.hydroKey = nd.hydroKey[:0]\n")
	for _, f := range fields {
		fa, _, ok := e.codec(n, f.Type())
		if !ok {
			return false
		}
		fmt.Fprintf(b, "nd.hydroKey = %s(nd.hydroKey, &%s.%s)\n", fa, x, f.Name())
	}
	return true
}
