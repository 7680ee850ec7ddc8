package emit

import (
	"fmt"
	"go/types"
	"strings"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/gen/schedule"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: joinState, push: joinPush}, ops.Join)
}

// joinState declares the storage of the sides that store their items (see
// joinStored): per side, a map from key to group and the groups, one slice
// of items per key in arrival order, where the side holds one tick's items;
// a map from key to chain, the items, and the chains' links where it holds
// them for longer (Static). An integer key has a hydro.IntIndex in place of
// the map (keys.go). See joinStore.
func joinState(e *emitter, n *ir.Node, _ string) {
	id := n.ID
	kt := e.groupKeyType(n)
	c := opName(n) + ": the stored sides' items, per key in arrival order."
	for side := range 2 {
		if !e.joinStored(n, side) {
			continue
		}
		t := parse.Go(e.f.Graph.Nodes[n.Inputs[side]].Elem)
		s := fmt.Sprintf("n%d%s", id, sideName(side))
		ix := e.declareIndex(s+"Index", e.groupKeyGoType(n), kt, c)
		c = ""
		if src, ok := e.tableSide(n, side); ok {
			e.addField(s+"Items", "[]"+e.tableItemType(n, side), "")
			e.addField(s+"Off", "[]int", "")
			e.buildTable(n, side, ix, fmt.Sprintf("n%dItems", src.ID))
			continue
		}
		if static(n, side) {
			if !ix.dense {
				e.addField(s+"Chains", "[][2]int", "")
			}
			e.addField(s+"Items", "[]"+e.typeString(t), "")
			e.addField(s+"Next", "[]int", "")
			continue
		}
		e.addField(s+"Groups", "[][]"+e.typeString(t), "")
		// The groups keep their slices for the next tick's keys.
		if cl := clearSlice("nd."+s+"Groups[i]", t); cl != "" {
			fmt.Fprintf(&e.end, "\tfor i := range nd.%sGroups {\n\t\t%s\t}\n", s, cl)
		}
		fmt.Fprintf(&e.end, "\t%s\tnd.%sGroups = nd.%sGroups[:0]\n", ix.clear(), s, s)
	}
}

// tableSide returns the Iter that fills side of join n, if the side is a
// table: it is Static and holds exactly the Iter's items (the Iter's only
// consumer is that side, in the same subgraph), its key is a field of the
// item (no user function), and the other side is not stored, so that the
// schedule delivers the Iter's items, in the first tick, before any of the
// other side's (joinStored) and storing them is all they do. A table is
// built in the constructor, from the slice the Iter would have copied
// there, with its items grouped by key (see buildTable): the Iter then does
// nothing in the first tick, and the slice is still read when the node is
// built, as Iter documents.
func (e *emitter) tableSide(n *ir.Node, side int) (*ir.Node, bool) {
	if n.Op != ops.Join.Name || len(e.node(n.ID).Keys) == 0 || !static(n, side) || !e.joinStored(n, side) || e.joinStored(n, 1-side) {
		return nil, false
	}
	g := e.s.Graph
	src := g.Nodes[n.Inputs[side]]
	if src.Op != ops.Iter.Name || src.Loc != n.Loc {
		return nil, false
	}
	cs := g.Consumers()[src.ID]
	if len(cs) != 1 || e.s.Kind[cs[0]] == schedule.Handoff {
		return nil, false
	}
	return src, true
}

// iterTable reports whether Iter n fills a join's table side (tableSide).
func (e *emitter) iterTable(n *ir.Node) bool {
	cs := e.s.Graph.Consumers()[n.ID]
	if len(cs) != 1 {
		return false
	}
	_, ok := e.tableSide(e.s.Graph.Nodes[cs[0].To], cs[0].Port)
	return ok
}

// tableFields returns, for table side of join n (tableSide), its key field
// and the item's other fields, if the table stores items without their key
// field: the key is one field of integer type, identical to the other
// side's key, in an item that is a struct whose fields generated code can
// all name and set. An item found by a probe of key k has k in that field,
// as integer keys are equal only if identical, so the probe rebuilds it
// exactly from k and the stored fields: a table of edges keyed by their
// source stores only their targets.
func (e *emitter) tableFields(n *ir.Node, side int) (key *types.Var, rest []*types.Var, ok bool) {
	keys := e.node(n.ID).Keys
	if len(keys[side].Fields) != 1 || len(keys[1-side].Fields) != 1 {
		return nil, nil, false
	}
	key = keys[side].Fields[0]
	if !intKey(key.Type()) || !types.Identical(key.Type(), keys[1-side].Fields[0].Type()) {
		return nil, nil, false
	}
	st, ok := parse.Go(e.f.Graph.Nodes[n.Inputs[side]].Elem).Underlying().(*types.Struct)
	if !ok {
		return nil, nil, false
	}
	for f := range st.Fields() {
		if f.Embedded() || f.Name() == "_" || (!f.Exported() && f.Pkg().Path() != e.f.Pkg.PkgPath) {
			return nil, nil, false
		}
		if f != key {
			rest = append(rest, f)
		}
	}
	return key, rest, len(rest) < st.NumFields()
}

// tableItemType spells the type of the items table side of join n stores:
// the item's, or without its key field (tableFields) the other field's
// type, or a struct of the other fields.
func (e *emitter) tableItemType(n *ir.Node, side int) string {
	_, rest, ok := e.tableFields(n, side)
	switch {
	case !ok:
		return e.typeString(parse.Go(e.f.Graph.Nodes[n.Inputs[side]].Elem))
	case len(rest) == 1:
		return e.typeString(rest[0].Type())
	}
	fs := make([]string, len(rest))
	for i, f := range rest {
		fs[i] = f.Name() + " " + e.typeString(f.Type())
	}
	return "struct{ " + strings.Join(fs, "; ") + " }"
}

// tableStored returns the expression of what table side of join n stores
// of item x.
func (e *emitter) tableStored(n *ir.Node, side int, x string) string {
	_, rest, ok := e.tableFields(n, side)
	switch {
	case !ok:
		return x
	case len(rest) == 1:
		return x + "." + rest[0].Name()
	}
	fs := make([]string, len(rest))
	for i, f := range rest {
		fs[i] = x + "." + f.Name()
	}
	return e.tableItemType(n, side) + "{" + strings.Join(fs, ", ") + "}"
}

// tableItem returns the expression of the item table side of join n
// stored as s, found by a probe of key k.
func (e *emitter) tableItem(n *ir.Node, side int, s, k string) string {
	key, rest, ok := e.tableFields(n, side)
	if !ok {
		return s
	}
	fs := []string{key.Name() + ": " + k}
	for _, f := range rest {
		v := s
		if len(rest) > 1 {
			v += "." + f.Name()
		}
		fs = append(fs, f.Name()+": "+v)
	}
	return e.typeString(parse.Go(e.f.Graph.Nodes[n.Inputs[side]].Elem)) + "{" + strings.Join(fs, ", ") + "}"
}

// buildTable writes, in the constructor, the building of table side of
// join n (tableSide) from the constructor's local slice src: the index
// maps each key to its group, numbered in order of first appearance;
// group g's items are Items[Off[g]:Off[g+1]], in slice order. A counting
// sort, as for a compressed sparse row adjacency: one pass numbers the
// groups, one counts their items, one places them from the last, so that
// Off and Items are allocated once at their length and a probe ranges over
// one slice, with no per-item link.
func (e *emitter) buildTable(n *ir.Node, side int, ix keyIndex, src string) {
	s := fmt.Sprintf("nd.n%d%s", n.ID, sideName(side))
	v, k, g, ok, ng, i, off, items := e.v("v"), e.v("k"), e.v("g"), e.v("ok"), e.v("ng"), e.v("i"), e.v("off"), e.v("items")
	key := e.keyExpr(n, e.node(n.ID).Keys[side], v)
	b := &e.ctor
	b.WriteString("\t{\n")
	if ix.dense {
		fmt.Fprintf(b, "%s.Reserve(len(%s))\n", ix.field, src)
	}
	fmt.Fprintf(b, "%s := 0\nfor _, %s := range %s {\n%s := %s\nif _, %s := %s; !%s {\n%s%s++\n}\n}\n",
		ng, v, src, k, key, ok, ix.get(k), ok, ix.put(k, ng), ng)
	fmt.Fprintf(b, "%s := make([]int, %s+1)\nfor _, %s := range %s {\n%s, _ := %s\n%s[%s]++\n}\n",
		off, ng, v, src, g, ix.get(key), off, g)
	fmt.Fprintf(b, "for %s := 1; %s < %s; %s++ {\n%s[%s] += %s[%s-1]\n}\n%s[%s] = len(%s)\n",
		i, i, ng, i, off, i, off, i, off, ng, src)
	fmt.Fprintf(b, "%s := make([]%s, len(%s))\nfor %s := len(%s) - 1; %s >= 0; %s-- {\n%s := %s[%s]\n%s, _ := %s\n%s[%s]--\n%s[%s[%s]] = %s\n}\n",
		items, e.tableItemType(n, side), src, i, src, i, i, v, src, i, g, ix.get(key), off, g, items, off, g, e.tableStored(n, side, v))
	fmt.Fprintf(b, "%sOff, %sItems = %s, %s\n}\n", s, s, off, items)
}

// joinPush stores item x if its side is stored and probes the other side
// if that one is; where the other side is indexed (joinIndexed), it probes
// that side's aggregation instead, and an item of an indexed side does
// nothing.
func joinPush(e *emitter, b *strings.Builder, n *ir.Node, port int, x string) {
	if _, ok := e.joinIndexed(n, port); ok {
		return
	}
	if ix, ok := e.joinIndexed(n, 1-port); ok {
		joinProbeIndex(e, b, n, port, x, ix)
		return
	}
	store, probe := e.joinStored(n, port), e.joinStored(n, 1-port)
	if !store && !probe {
		return
	}
	key, u := e.groupKey(n, port, x)
	k := e.v("k")
	fmt.Fprintf(b, "%s := %s\n", k, key)
	if store {
		e.joinStore(b, n, port, k, x)
	}
	if probe {
		o := e.joinProbe(b, n, 1-port, k)
		e.joinMerge(b, n, port, e.call(e.node(n.ID).UDFs[u]), x, o)
		b.WriteString("}\n}\n")
	}
}

// joinProbeIndex writes the probe of item x, arrived at port of join n,
// into the index of the aggregation that holds the other side's items: the
// accumulator of x's key, if the filters in between pass it, is the only
// item of the other side that x matches.
func joinProbeIndex(e *emitter, b *strings.Builder, n *ir.Node, port int, x string, ix joinIndex) {
	info := e.node(n.ID)
	_, u := e.groupKey(n, port, x)
	key := e.keyExpr(ix.agg, info.Keys[port], x)
	i, ok, o := e.v("i"), e.v("ok"), e.v("v")
	fmt.Fprintf(b, "if %s, %s := %s; %s {\n%s := nd.n%dAccs[%s]\n", i, ok, keyedIndex(e, ix.agg).get(key), ok, o, ix.agg.ID, i)
	for _, f := range ix.filters {
		fmt.Fprintf(b, "if %s {\n", emitters[f.Op].test(e, f, o))
	}
	e.joinMerge(b, n, port, e.call(info.UDFs[u]), x, o)
	b.WriteString(strings.Repeat("}\n", 1+len(ix.filters)))
}

// joinStore writes the code storing item x with key k on side of join n.
// A side that holds one tick's items keeps a slice of items per key, in
// arrival order; a new key takes the next group, reusing the slice a key of
// an earlier tick left there, so that the side allocates only while it grows
// beyond what earlier ticks held, and a probe ranges over one slice. A
// Static side, which only grows, keeps its items in one slice, with per key
// a chain of indices in arrival order (Next links an item to the next of its
// key, -1 ends the chain) whose first and last items Chains holds: three
// slices that grow by doubling, where a slice per key would allocate for
// every key as it grows. Where the key is an integer (an IntIndex, see
// keys.go) the chains are circular and need no Chains: the index maps a
// key to its last item, whose Next is the key's first, and appending an
// item swaps it in as the last in one call to the index.
func (e *emitter) joinStore(b *strings.Builder, n *ir.Node, side int, k, x string) {
	s := fmt.Sprintf("nd.n%d%s", n.ID, sideName(side))
	ix := joinSideIndex(e, n, side)
	if !static(n, side) {
		g, ok := e.v("g"), e.v("ok")
		fmt.Fprintf(b, "%s, %s := %s\nif !%s {\n%s = len(%sGroups)\n%s", g, ok, ix.get(k), ok, g, s, ix.put(k, g))
		fmt.Fprintf(b, "if %s < cap(%sGroups) {\n%sGroups = %sGroups[:%s+1]\n%sGroups[%s] = %sGroups[%s][:0]\n} else {\n%sGroups = append(%sGroups, nil)\n}\n}\n",
			g, s, s, s, g, s, g, s, g, s, s)
		fmt.Fprintf(b, "%sGroups[%s] = append(%sGroups[%s], %s)\n", s, g, s, g, x)
		return
	}
	if ix.dense {
		// The index maps a key to its last item, whose Next is the key's
		// first: a circular chain, appended to in one step.
		j, l, ok := e.v("j"), e.v("l"), e.v("ok")
		fmt.Fprintf(b, "%s := len(%sItems)\n%sItems = append(%sItems, %s)\n", j, s, s, s, x)
		fmt.Fprintf(b, "if %s, %s := %s.Swap(%s, %s); %s {\n%sNext = append(%sNext, %sNext[%s])\n%sNext[%s] = %s\n} else {\n%sNext = append(%sNext, %s)\n}\n",
			l, ok, ix.field, k, j, ok, s, s, s, l, s, l, j, s, s, j)
		return
	}
	j, c, ok := e.v("j"), e.v("c"), e.v("ok")
	fmt.Fprintf(b, "%s := len(%sItems)\n%sItems = append(%sItems, %s)\n%sNext = append(%sNext, -1)\n", j, s, s, s, x, s, s)
	fmt.Fprintf(b, "if %s, %s := %s; %s {\n%sNext[%sChains[%s][1]] = %s\n%sChains[%s][1] = %s\n} else {\n",
		c, ok, ix.get(k), ok, s, s, c, j, s, c, j)
	fmt.Fprintf(b, "%s%sChains = append(%sChains, [2]int{%s, %s})\n}\n", ix.put(k, "len("+s+"Chains)"), s, s, j, j)
}

// joinProbe writes the loop over the items stored on side of join n with
// key k, binding each to a new variable whose name it returns; the caller
// closes the loop with two braces. Nothing the loop's body runs stores on
// that side (a push cannot reach its own operator without a handoff), so a
// group's slice stays valid during the loop.
func (e *emitter) joinProbe(b *strings.Builder, n *ir.Node, side int, k string) string {
	s := fmt.Sprintf("nd.n%d%s", n.ID, sideName(side))
	ix := joinSideIndex(e, n, side)
	if _, ok := e.tableSide(n, side); ok {
		g, ok, o := e.v("g"), e.v("ok"), e.v("v")
		if _, _, proj := e.tableFields(n, side); proj {
			st := e.v("s")
			fmt.Fprintf(b, "if %s, %s := %s; %s {\nfor _, %s := range %sItems[%sOff[%s]:%sOff[%s+1]] {\n%s := %s\n",
				g, ok, ix.get(k), ok, st, s, s, g, s, g, o, e.tableItem(n, side, st, k))
			return o
		}
		fmt.Fprintf(b, "if %s, %s := %s; %s {\nfor _, %s := range %sItems[%sOff[%s]:%sOff[%s+1]] {\n", g, ok, ix.get(k), ok, o, s, s, g, s, g)
		return o
	}
	if !static(n, side) {
		g, ok, o := e.v("g"), e.v("ok"), e.v("v")
		fmt.Fprintf(b, "if %s, %s := %s; %s {\nfor _, %s := range %sGroups[%s] {\n", g, ok, ix.get(k), ok, o, s, g)
		return o
	}
	if ix.dense {
		l, ok, j, more, o := e.v("l"), e.v("ok"), e.v("j"), e.v("more"), e.v("v")
		fmt.Fprintf(b, "if %s, %s := %s; %s {\nfor %s, %s := %sNext[%s], true; %s; %s = %sNext[%s] {\n%s = %s != %s\n%s := %sItems[%s]\n",
			l, ok, ix.get(k), ok, j, more, s, l, more, j, s, j, more, j, l, o, s, j)
		return o
	}
	c, ok, j, o := e.v("c"), e.v("ok"), e.v("j"), e.v("v")
	fmt.Fprintf(b, "if %s, %s := %s; %s {\nfor %s := %sChains[%s][0]; %s >= 0; %s = %sNext[%s] {\n%s := %sItems[%s]\n",
		c, ok, ix.get(k), ok, j, s, c, j, j, s, j, o, s, j)
	return o
}

// joinSideIndex is the index from key to group or chain of side of join n.
func joinSideIndex(e *emitter, n *ir.Node, side int) keyIndex {
	return keyIndexOf(fmt.Sprintf("n%d%sIndex", n.ID, sideName(side)), e.groupKeyGoType(n))
}

// joinMerge writes the call of merge on item x, arrived at port of join
// (or cross join) n, and o from the other side, and passes the result on.
func (e *emitter) joinMerge(b *strings.Builder, n *ir.Node, port int, merge, x, o string) {
	args := x + ", " + o
	if port == 1 {
		args = o + ", " + x
	}
	y := e.v("v")
	fmt.Fprintf(b, "%s := %s(%s)\n", y, merge, args)
	e.out(b, n, y)
}
