package emit

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// durableHooks is how an operator whose state can be durable logs it. Each
// writes code for node n that calls add(rec) — add names a function of one
// []byte — with records built by e.record; restore binds the decoded item
// to variable v.
type durableHooks struct {
	// changes logs what the tick changed (run before end-of-tick code).
	changes func(e *emitter, b *strings.Builder, n *ir.Node, add string)
	// state logs the whole live state (a snapshot).
	state func(e *emitter, b *strings.Builder, n *ir.Node, add string)
	// restore applies a recovered item v.
	restore func(e *emitter, b *strings.Builder, n *ir.Node, v string)
}

// durable reports whether n's state is Durable.
func durable(n *ir.Node) bool { return slices.Contains(n.Lifetimes, ir.Durable) }

// durableNodes returns the operators with durable state at the current
// location, in node order.
func (e *emitter) durableNodes() []*ir.Node {
	var out []*ir.Node
	for _, n := range e.f.Graph.Nodes {
		if n.Loc == e.s.Loc && durable(n) {
			out = append(out, n)
		}
	}
	return out
}

// record writes the statement that adds the record of item x of node n.
func (e *emitter) record(b *strings.Builder, n *ir.Node, x, add string) {
	app, _, ok := e.codec(n, e.elem(n.ID))
	if !ok {
		return
	}
	fmt.Fprintf(b, "%s(%s(nd.hydroJournal.Record(%d), &%s))\n", add, app, n.ID, x)
}

// durableFields declares the journal and the outbox of a node with durable
// state.
func (e *emitter) durableFields() {
	hy := e.importAs("hydro", hydroPath)
	e.addField("hydroJournal", hy+".Journal", "hydroJournal logs the durable state; hydroOut holds the tick's frames until it is committed.")
	e.addField("hydroOut", hy+".Outbox", "")
}

// durableMethods writes the methods of hydro.DurableNode and the commit
// that ends every tick of a node with durable state.
func (e *emitter) durableMethods(w *bytes.Buffer, nodes []*ir.Node) {
	hy := e.importAs("hydro", hydroPath)
	dur := e.importAs("durable", hydroPath+"/durable")
	fmtPkg := e.importAs("fmt", "fmt")
	var changes, state, restore strings.Builder
	for _, n := range nodes {
		h := emitters[n.Op].durable
		if h == nil {
			e.errorAt(n.Pos, "hydrogen does not yet compile durable state for %s", ops.Lookup(n.Op).API)
			continue
		}
		h.changes(e, &changes, n, "nd.hydroJournal.Append")
		h.state(e, &state, n, "add")
		_, dec, ok := e.codec(n, e.elem(n.ID))
		if !ok {
			continue
		}
		v, used, err := e.v("v"), e.v("n"), e.v("err")
		fmt.Fprintf(&restore, "case %d:\nvar %s %s\n%s, %s := %s(item, &%s)\nif %s == nil && %s != len(item) {\n%s = %s.Errorf(\"%%d bytes after the item\", len(item)-%s)\n}\nif %s != nil {\nreturn %s.Errorf(\"%s: %%w\", %s)\n}\n",
			n.ID, v, e.typeString(e.elem(n.ID)), used, err, dec, v, err, used, err, fmtPkg, used, err, fmtPkg, opName(n), err)
		h.restore(e, &restore, n, v)
		restore.WriteString("return nil\n")
	}
	fmt.Fprintf(w, `// Recover replays the node's durable state from the log in dir and makes
// the node log to it; call it once, before the first tick. Without it the
// node keeps its durable state in memory only.
func (nd *%[1]s) Recover(dir %[2]s.FS, opts %[2]s.Options) error {
	return nd.hydroJournal.Recover(dir, opts, nd.hydroRestore)
}

// hydroRestore applies one recovered record.
func (nd *%[1]s) hydroRestore(op int, item []byte) error {
	switch op {
%[3]s	}
	return %[4]s.Errorf("record for operator %%d, which is not a durable operator of location %[5]s", op)
}

// hydroCommit logs the changes the tick made to durable state, syncs the
// log once, and releases the tick's frames. It reports false if the commit
// failed: the node stops (see Err) and the tick's frames and outputs never
// leave.
func (nd *%[1]s) hydroCommit() bool {
	if nd.hydroJournal.Active() {
%[6]s		if !nd.hydroJournal.Commit(nd.hydroSnapshot) {
			nd.hydroOut.Drop()
			return false
		}
	}
	nd.hydroOut.Release()
	return true
}

// hydroSnapshot logs the whole durable state.
func (nd *%[1]s) hydroSnapshot(add func([]byte)) {
%[7]s}

// Err returns the error that stopped the node: a failed commit of its log.
// A stopped node's ticks do nothing.
func (nd *%[1]s) Err() error { return nd.hydroJournal.Err() }

// Log returns the node's log, nil before Recover.
func (nd *%[1]s) Log() *%[2]s.Log { return nd.hydroJournal.Log() }

// Close closes the node's log.
func (nd *%[1]s) Close() error { return nd.hydroJournal.Close() }

var _ %[8]s.DurableNode = (*%[1]s)(nil)

`, e.typ, dur, restore.String(), fmtPkg, e.f.Graph.Locations[e.s.Loc].Name, changes.String(), state.String(), hy)
}
