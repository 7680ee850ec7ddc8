package emit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hydrogo/hydro/gen/schedule"
	"github.com/hydrogo/hydro/internal/ir"
)

// A diamond is a set of paths from one operator's output to the same
// fan-in that passes items on (Union), each through zero or more Filters
// and nothing else, all fused into one loop. Along every path the item
// arrives unchanged, so the fan-in receives item x once per path whose
// filters all pass it.
type diamond struct {
	// join is the fan-in and port the first path's edge into it.
	join *ir.Node
	port int
	// paths are the consumer edges of the fork, in consumer order, and
	// the filters along each path.
	edges   []ir.Edge
	filters [][]*ir.Node
}

// diamonds finds the diamonds below n: consumer edges of n whose paths
// reach the same passing fan-in through inline Filters only. Each is keyed
// by the index of its first edge among n's consumers; the other edges of
// a diamond are marked in skip.
func (e *emitter) diamonds(n *ir.Node) (byFirst map[int]*diamond, skip map[int]bool) {
	g := e.s.Graph
	cs := g.Consumers()[n.ID]
	if len(cs) < 2 {
		return nil, nil
	}
	found := map[int]*diamond{} // by fan-in
	first := map[int]int{}      // fan-in → index of its first edge
	for i, c := range cs {
		join, port, filters, ok := e.filterPath(n, c)
		if !ok {
			continue
		}
		d := found[join.ID]
		if d == nil {
			d = &diamond{join: join, port: port}
			found[join.ID] = d
			first[join.ID] = i
		}
		d.edges = append(d.edges, c)
		d.filters = append(d.filters, filters)
	}
	for id, d := range found {
		if len(d.edges) < 2 {
			continue
		}
		if byFirst == nil {
			byFirst, skip = map[int]*diamond{}, map[int]bool{}
		}
		byFirst[first[id]] = d
		for i, c := range cs {
			if i != first[id] && slices.Contains(d.edges, c) {
				skip[i] = true
			}
		}
	}
	return byFirst, skip
}

// filterPath follows consumer edge c of n through Filters, each with one
// consumer, over inline edges at this location, to a fan-in that passes
// items on, and returns it with the port reached and the filters passed.
func (e *emitter) filterPath(n *ir.Node, c ir.Edge) (*ir.Node, int, []*ir.Node, bool) {
	g := e.s.Graph
	var filters []*ir.Node
	for {
		to := g.Nodes[c.To]
		if to.Loc != e.s.Loc || to.Spec.Network || e.s.Kind[c] != schedule.Inline || e.inBulk(n, c) {
			return nil, 0, nil, false
		}
		oe := emitters[to.Op]
		if oe == nil {
			return nil, 0, nil, false
		}
		if oe.passes && len(to.Inputs) > 1 {
			return to, c.Port, filters, true
		}
		if oe.test == nil || e.inert(to) {
			return nil, 0, nil, false
		}
		next := g.Consumers()[to.ID]
		if len(next) != 1 {
			return nil, 0, nil, false
		}
		filters = append(filters, to)
		n, c = to, next[0]
	}
}

// pushDiamond writes the code delivering item x along the paths of d:
// each path's filters are tested once, and the fan-in's code is written
// twice, for the first passing path and for the others, instead of once
// per path. With two paths whose filters exclude each other (x%2 == 0,
// x%2 != 0), the Go compiler proves the first condition always true and
// the second always false, and keeps one copy without a test, as a
// hand-written `if even || odd` would.
func (e *emitter) pushDiamond(b *strings.Builder, d *diamond, x string) {
	oks := make([]string, len(d.edges))
	for i, fs := range d.filters {
		oks[i] = e.v("ok")
		var conds []string
		for _, f := range fs {
			conds = append(conds, emitters[f.Op].test(e, f, x))
		}
		if len(conds) == 0 {
			conds = []string{"true"}
		}
		fmt.Fprintf(b, "%s := %s\n", oks[i], strings.Join(conds, " && "))
	}
	fmt.Fprintf(b, "if %s {\n", strings.Join(oks, " || "))
	e.push(b, d.join.ID, d.port, x)
	if len(oks) == 2 {
		fmt.Fprintf(b, "if %s && %s {\n", oks[0], oks[1])
		e.push(b, d.join.ID, d.port, x)
		b.WriteString("}\n")
	} else {
		more := e.v("more")
		fmt.Fprintf(b, "%s := -1\n", more)
		for _, ok := range oks {
			fmt.Fprintf(b, "if %s {\n%s++\n}\n", ok, more)
		}
		fmt.Fprintf(b, "for ; %s > 0; %s-- {\n", more, more)
		e.push(b, d.join.ID, d.port, x)
		b.WriteString("}\n")
	}
	b.WriteString("}\n")
}
