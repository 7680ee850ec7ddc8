package emit

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

func init() {
	register(&opEmitter{state: timerState, entry: timerEntry}, ops.Timer)
}

// timerState declares the timer's period, evaluated in the constructor, and
// when it is next due; the node's NextTimer and Run read the due times of
// e.timers.
func timerState(e *emitter, n *ir.Node, _ string) {
	id := n.ID
	tm := e.importAs("time", "time")
	e.addField(fmt.Sprintf("n%dPeriod", id), tm+".Duration", opName(n)+": the period, the next due time, whether it fired.")
	e.addField(fmt.Sprintf("n%dDue", id), tm+".Time", "")
	e.addField(fmt.Sprintf("n%dFired", id), "bool", "")
	e.timers = append(e.timers, id)
	if e.node(id).Expr == nil && n.Period != nil {
		// A timer a rewrite added, with the period its plan gives.
		fmt.Fprintf(&e.ctor, "\tnd.n%dPeriod = %s(%d)\n", id, tm+".Duration", int64(*n.Period))
		return
	}
	fmt.Fprintf(&e.ctor, "\tnd.n%dPeriod = %s\n", id, e.userExpr(e.node(id).Expr))
	if tv := e.f.Pkg.TypesInfo.Types[e.node(id).Expr]; tv.Value == nil {
		// A period from a parameter: checked when the node starts, with
		// the interpreter's words.
		e.checks = append(e.checks, fmt.Sprintf("if nd.n%dPeriod <= 0 {\nreturn %s.Errorf(\"%%s: hydro.Timer: period %%v must be positive\", %q, nd.n%dPeriod)\n}\n",
			id, e.importAs("fmt", "fmt"), shortPos(n.Pos), id))
	}
}

// timerEntry emits the node's clock in the first tick and in every tick
// at or after the due time.
func timerEntry(e *emitter, b *strings.Builder, n *ir.Node, x string) {
	id := n.ID
	fmt.Fprintf(b, "if !nd.n%dFired || !nd.hydroNow.Before(nd.n%dDue) {\nnd.n%dFired = true\nnd.n%dDue = nd.hydroNow.Add(nd.n%dPeriod)\n%s := nd.hydroNow\n",
		id, id, id, id, id, x)
	e.out(b, n, x)
	b.WriteString("}\n")
}

// shortPos prints a position with the file's base name.
func shortPos(p ir.Pos) string {
	p.File = filepath.Base(p.File)
	return p.String()
}

// validateMethod writes Validate (hydro.Validator) for a node with checks
// to make when it starts.
func (e *emitter) validateMethod(w *bytes.Buffer) {
	if len(e.checks) == 0 {
		return
	}
	fmt.Fprintf(w, "// Validate reports a parameter the node cannot start with. Runtimes call it\n// before the first tick; Run calls it first.\nfunc (nd *%s) Validate() error {\n%s\treturn nil\n}\n\n", e.typ, strings.Join(e.checks, ""))
}
