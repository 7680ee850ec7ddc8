package emit

import (
	"fmt"
	"strings"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: keyedState, entry: keyedEntry, push: foldKeyedPush, keyed: true}, ops.FoldKeyed)
	register(&opEmitter{state: keyedState, entry: keyedEntry, push: reduceKeyedPush, keyed: true, durable: keyedDurable}, ops.ReduceKeyed)
	register(&opEmitter{state: keyedState, entry: keyedEntry, push: mergeKeyedPush, keyed: true, indexed: true, durable: mergeKeyedDurable}, ops.MergeKeyed)
}

// keyedDurable logs, per tick, the accumulator of every group the tick
// changed; the group's key is read back from the accumulator, whose type
// is the input's. It is ReduceKeyed's: its combine is not a lattice merge,
// so only the accumulator determines a group.
var keyedDurable = &durableHooks{
	changes: func(e *emitter, b *strings.Builder, n *ir.Node, add string) {
		id := n.ID
		i, v := e.v("i"), e.v("v")
		fmt.Fprintf(b, "for _, %s := range nd.n%dDirty {\nnd.n%dMark[%s] = false\n%s := nd.n%dAccs[%s]\n", i, id, id, i, v, id, i)
		e.record(b, n, v, add)
		fmt.Fprintf(b, "}\nnd.n%dDirty = nd.n%dDirty[:0]\n", id, id)
	},
	state: func(e *emitter, b *strings.Builder, n *ir.Node, add string) {
		v := e.v("v")
		fmt.Fprintf(b, "for _, %s := range nd.n%dAccs {\n", v, n.ID)
		e.record(b, n, v, add)
		b.WriteString("}\n")
	},
	restore: func(e *emitter, b *strings.Builder, n *ir.Node, v string) {
		id := n.ID
		key, _ := e.groupKey(n, 0, v)
		k, i, ok := e.v("k"), e.v("i"), e.v("ok")
		ix := keyedIndex(e, n)
		fmt.Fprintf(b, "%s := %s\n%s, %s := %s\nif %s {\nnd.n%dAccs[%s] = %s\n} else {\n%s = len(nd.n%dAccs)\n%snd.n%dAccs = append(nd.n%dAccs, %s)\nnd.n%dMark = append(nd.n%dMark, false)\n}\n",
			k, key, i, ok, ix.get(k), ok, id, i, v, i, id, ix.put(k, i), id, id, v, id, id)
		// A restarted node's consumers have seen none of its groups: where
		// only changes are emitted, every recovered group counts as
		// changed in the first tick, as the interpreter emits it then.
		keyedTouch(e, b, n, i)
	},
}

// mergeKeyedDurable logs, per tick, every item that started or changed a
// group (what the tick merged, as LatticeFold logs, not the accumulator,
// which may be large: a client session with every answer outstanding),
// and every group's accumulator in a snapshot; recovery merges the records
// back in order, as the items were merged.
var mergeKeyedDurable = &durableHooks{
	changes: func(e *emitter, b *strings.Builder, n *ir.Node, add string) {
		v := e.v("v")
		fmt.Fprintf(b, "for _, %s := range nd.n%dLogged {\n", v, n.ID)
		e.record(b, n, v, add)
		fmt.Fprintf(b, "}\n%snd.n%dLogged = nd.n%dLogged[:0]\n", clearSlice(fmt.Sprintf("nd.n%dLogged", n.ID), e.elem(n.ID)), n.ID, n.ID)
	},
	state: keyedDurable.state,
	restore: func(e *emitter, b *strings.Builder, n *ir.Node, v string) {
		mergeKeyedInto(e, b, n, v, false)
	},
}

// keyedState declares the groups of a keyed aggregation: a map from key to
// index into the slice of accumulators, which keeps the groups in order of
// first appearance.
func keyedState(e *emitter, n *ir.Node, elem string) {
	id := n.ID
	ix := e.declareIndex(fmt.Sprintf("n%dIndex", id), e.groupKeyGoType(n), e.groupKeyType(n), opName(n)+": the groups in order of first appearance.")
	e.addField(fmt.Sprintf("n%dAccs", id), "[]"+elem, "")
	if keyedDirty(n) {
		e.addField(fmt.Sprintf("n%dMark", id), "[]bool", "the groups changed this tick, to log at its end.")
		e.addField(fmt.Sprintf("n%dDirty", id), "[]int", "")
	}
	if durable(n) && n.Op == ops.MergeKeyed.Name {
		e.addField(fmt.Sprintf("n%dLogged", id), "[]"+elem, "the items that started or changed a group this tick, to log at its end.")
	}
	if !static(n, 0) {
		fmt.Fprintf(&e.end, "\t%s%s\tnd.n%dAccs = nd.n%dAccs[:0]\n", ix.clear(), clearSlice(fmt.Sprintf("nd.n%dAccs", id), e.elem(id)), id, id)
	}
	if e.changesOnly(n) {
		e.addField(fmt.Sprintf("n%dChanged", id), "[]int", "the groups changed in this tick, and whether each group is among them.")
		e.addField(fmt.Sprintf("n%dTouched", id), "[]bool", "")
		fmt.Fprintf(&e.end, "\tfor _, i := range nd.n%dChanged {\n\t\tnd.n%dTouched[i] = false\n\t}\n\tnd.n%dChanged = nd.n%dChanged[:0]\n", id, id, id, id)
	}
}

// keyedIndex is the index from key to group of keyed aggregation n.
func keyedIndex(e *emitter, n *ir.Node) keyIndex {
	return keyIndexOf(fmt.Sprintf("n%dIndex", n.ID), e.groupKeyGoType(n))
}

// keyedEntry emits every group's accumulator, or, where only changes
// matter downstream (changesOnly), those of the groups changed in this
// tick, in the same order.
func keyedEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	id := n.ID
	if e.inert(n) {
		// Every consumer reads the groups themselves (an indexed join
		// side, a cross join side reading them in place), none the
		// stream.
		return
	}
	i := e.v("i")
	var body strings.Builder
	e.out(&body, n, x)
	if neg, ok := e.maskedGroupsBy(n); ok {
		keyedEntryDroppingMasked(e, b, n, neg, x, body.String())
		return
	}
	if e.changesOnly(n) {
		fmt.Fprintf(b, "%s.Sort(nd.n%dChanged)\nfor _, %s := range nd.n%dChanged {\n", e.importAs("slices", "slices"), id, i, id)
	} else {
		fmt.Fprintf(b, "for %s := range nd.n%dAccs {\n", i, id)
	}
	fmt.Fprintf(b, "%s := nd.n%dAccs[%s]\n", x, id, i)
	b.WriteString(body.String())
	b.WriteString("}\n")
}

// keyedEntryDroppingMasked emits every group's accumulator except those
// that AntiJoin neg masks, which it forgets (maskedGroupsBy): it compacts
// the groups in place, keeping the order of the others, and moves their
// positions in the index with them.
func keyedEntryDroppingMasked(e *emitter, b *strings.Builder, n *ir.Node, neg *ir.Node, x, body string) {
	id := n.ID
	s := fmt.Sprintf("nd.n%dAccs", id)
	i, w := e.v("i"), e.v("w")
	fmt.Fprintf(b, "%s := 0\nfor %s := range %s {\n%s := %s[%s]\n", w, i, s, x, s, i)
	key, _ := e.groupKey(n, 0, x)
	ix := keyedIndex(e, n)
	fmt.Fprintf(b, "if %s {\n%scontinue\n}\n", emitters[neg.Op].masked(e, neg, x), ix.del(key))
	fmt.Fprintf(b, "if %s != %s {\n%s[%s] = %s\n%s}\n%s++\n", w, i, s, w, x, ix.put(key, w), w)
	b.WriteString(body)
	b.WriteString("}\n")
	if hasPointers(e.elem(id)) {
		// Release what the dropped groups point to.
		fmt.Fprintf(b, "clear(%s[%s:])\n", s, w)
	}
	fmt.Fprintf(b, "%s = %s[:%s]\n", s, s, w)
}

// keyedTouch records, where only changes matter downstream, that the
// group at index i changed.
func keyedTouch(e *emitter, b *strings.Builder, n *ir.Node, i string) {
	if !e.changesOnly(n) {
		return
	}
	s := fmt.Sprintf("nd.n%d", n.ID)
	// Groups recovered from durable state precede the first record of a
	// change, so the index may be past the end by more than one.
	fmt.Fprintf(b, "if %s >= len(%sTouched) {\n%sTouched = append(%sTouched, make([]bool, %s+1-len(%sTouched))...)\n}\n", i, s, s, s, i, s)
	fmt.Fprintf(b, "if !%sTouched[%s] {\n%sTouched[%s] = true\n%sChanged = append(%sChanged, %s)\n}\n", s, i, s, i, s, s, i)
}

// keyedDirty reports whether keyed aggregation n tracks the groups each
// tick changed, to log their accumulators: a durable one but MergeKeyed,
// which logs the items it merged.
func keyedDirty(n *ir.Node) bool { return durable(n) && n.Op != ops.MergeKeyed.Name }

// keyedGroup writes the lookup of item x's group and opens the block that
// runs when the group is new, leaving the caller to append its accumulator.
// It returns the expression of the group's accumulator, the variable
// holding the group's index, the variable that is false when the group is
// new, and the index of n's first UDF after its key function.
func keyedGroup(e *emitter, b *strings.Builder, n *ir.Node, x string) (acc, index, found string, u int) {
	id := n.ID
	key, u := e.groupKey(n, 0, x)
	k, i, ok := e.v("k"), e.v("i"), e.v("ok")
	acc = fmt.Sprintf("nd.n%dAccs[%s]", id, i)
	ix := keyedIndex(e, n)
	fmt.Fprintf(b, "%s := %s\n%s, %s := %s\n", k, key, i, ok, ix.get(k))
	if keyedDirty(n) {
		fmt.Fprintf(b, "if %s && !nd.n%dMark[%s] {\nnd.n%dMark[%s] = true\nnd.n%dDirty = append(nd.n%dDirty, %s)\n}\n", ok, id, i, id, i, id, id, i)
	}
	fmt.Fprintf(b, "if !%s {\n%s = len(nd.n%dAccs)\n%s", ok, i, id, ix.put(k, i))
	if keyedDirty(n) {
		fmt.Fprintf(b, "nd.n%dMark = append(nd.n%dMark, true)\nnd.n%dDirty = append(nd.n%dDirty, %s)\n", id, id, id, id, i)
	}
	return acc, i, ok, u
}

func foldKeyedPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	info := e.node(n.ID)
	acc, i, _, u := keyedGroup(e, b, n, x)
	fmt.Fprintf(b, "nd.n%dAccs = append(nd.n%dAccs, %s(%s))\n}\n%s(&%s, %s)\n", n.ID, n.ID, e.call(info.UDFs[u]), x, e.call(info.UDFs[u+1]), acc, x)
	keyedTouch(e, b, n, i)
}

func reduceKeyedPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	info := e.node(n.ID)
	acc, i, _, u := keyedGroup(e, b, n, x)
	fmt.Fprintf(b, "nd.n%dAccs = append(nd.n%dAccs, %s)\n} else {\n%s(&%s, %s)\n}\n", n.ID, n.ID, x, e.call(info.UDFs[u]), acc, x)
	keyedTouch(e, b, n, i)
}

// mergeKeyedPush starts a group from the item with its lattice fields at
// bottom, so that the group shares no memory with the item, then merges
// the item into it field by field; durable, it keeps the item to log if it
// started or changed the group and the node logs.
func mergeKeyedPush(e *emitter, b *strings.Builder, n *ir.Node, _ int, x string) {
	mergeKeyedInto(e, b, n, x, durable(n))
}

// mergeKeyedInto merges item x into its group, as a push does and as
// recovery does with a record; with log, it keeps x to log if x started or
// changed the group.
func mergeKeyedInto(e *emitter, b *strings.Builder, n *ir.Node, x string, log bool) {
	id := n.ID
	acc, i, found, _ := keyedGroup(e, b, n, x)
	bot := e.v("bot")
	fmt.Fprintf(b, "%s := %s\n", bot, x)
	lat := parse.LatticeFields(parse.Go(e.f.Graph.Nodes[n.Inputs[0]].Elem))
	for _, f := range lat {
		fmt.Fprintf(b, "%s.%s = *new(%s)\n", bot, f.Name(), e.typeString(f.Type()))
	}
	fmt.Fprintf(b, "nd.n%dAccs = append(nd.n%dAccs, %s)\n}\n", id, id, bot)
	if !log {
		for _, f := range lat {
			fmt.Fprintf(b, "%s.%s.Merge(%s.%s)\n", acc, f.Name(), x, f.Name())
		}
		keyedTouch(e, b, n, i)
		return
	}
	// Every field is merged (no short circuit). A new group is logged
	// whatever its merge reports: its record starts it again on recovery.
	ch := e.v("changed")
	fmt.Fprintf(b, "%s := !%s\n", ch, found)
	for _, f := range lat {
		fmt.Fprintf(b, "if %s.%s.Merge(%s.%s) {\n%s = true\n}\n", acc, f.Name(), x, f.Name(), ch)
	}
	fmt.Fprintf(b, "if %s && nd.hydroJournal.Active() {\nnd.n%dLogged = append(nd.n%dLogged, %s)\n}\n", ch, id, id, x)
	keyedTouch(e, b, n, i)
}
