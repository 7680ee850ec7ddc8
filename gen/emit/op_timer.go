package emit

import (
	"fmt"
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
	fmt.Fprintf(&e.ctor, "\tnd.n%dPeriod = %s\n", id, e.userExpr(e.f.Graph.Nodes[id].Expr))
	e.timers = append(e.timers, id)
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
