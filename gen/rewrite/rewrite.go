// Package rewrite derives new flows from base flows by the rewrites of
// "Optimizing Distributed Protocols with Query Rewrites" (paper 002 §3):
// each rewrite is a precondition, checked with the analyses of
// internal/analysis, and a mechanism, a sequence of edits of the IR
// (internal/ir) on a clone of the base graph. A plan (see Plan) names the
// rewrites to apply; Derive applies them in order and returns the derived
// graph, or positioned diagnostics at the operators that break a
// precondition. docs/rewrites.md has each rewrite's proof sketch.
package rewrite

import (
	"fmt"
	"go/ast"
	"go/types"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/hydrogo/hydro/gen/analyze"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// A rewrite is a precondition over a component C2, the operators a step
// names, and the analyses it needs. The mechanism of every decoupling is
// the same (decouple); what differs is when it is correct.
type rewrite struct {
	// precondition says, in a line, what check checks.
	precondition string
	// needs are the analyzers whose facts the precondition reads.
	needs []*analysis.Analyzer
	// check returns a diagnostic at the first operator of c that breaks the
	// precondition, or nil.
	check func(s *stepState) *diag.Diagnostic
}

// rewrites are the rewrites plans can name.
var rewrites = map[string]*rewrite{
	"asymmetric":  asymmetric,
	"functional":  functional,
	"independent": independent,
	"monotonic":   monotonic,
}

// Rewrites returns the names of the rewrites plans can name, sorted.
func Rewrites() []string {
	names := make([]string, 0, len(rewrites))
	for n := range rewrites {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// stepState is what a precondition looks at: the graph before the step, the
// analyses' facts about it, and the component the step moves.
type stepState struct {
	g     *ir.Graph
	facts *analysis.Results
	step  *Step
	// c2 are the operators the step moves, in graph order; from is the
	// location they are decoupled from.
	c2   []int
	from int
	// names maps each node of c2 to the variable the step named it by.
	names map[int]string
	// used records the facts the precondition read, for hydrogen explain.
	used []string
}

// fact records a fact about node id that the precondition used.
func (s *stepState) fact(id int, format string, args ...any) {
	n := s.g.Nodes[id]
	s.used = append(s.used, fmt.Sprintf("n%d %s (%s): %s", id, n.Spec.API, short(n.Pos), fmt.Sprintf(format, args...)))
}

func (s *stepState) in(id int) bool { _, ok := slices.BinarySearch(s.c2, id); return ok }

// errorf returns a diagnostic at node id.
func (s *stepState) errorf(id int, format string, args ...any) *diag.Diagnostic {
	return diag.Errorf(s.g.Nodes[id].Pos, diag.Rewrite, "%s: %s", s.step, fmt.Sprintf(format, args...))
}

// describe names node id for messages: "hydro.Join (voting.go:41:12)".
func describe(g *ir.Graph, id int) string {
	return fmt.Sprintf("%s (%s)", g.Nodes[id].Spec.API, g.Nodes[id].Pos)
}

// Derive applies plan to base, a flow without errors, and returns the
// derived graph, named plan.Derived. It does not change base. A step that
// names an unknown operator or whose precondition fails is a diagnostic at
// the step or at the operator that breaks the precondition; Derive then
// stops at that step.
func Derive(base *parse.Flow, plan *Plan) (*ir.Graph, diag.List) {
	d := &derivation{base: base, names: Bindings(base), g: base.Graph.Clone(), sealed: map[int]*sealed{}}
	d.g.Name = plan.Derived
	for _, step := range plan.Steps {
		var next *ir.Graph
		var diagnostic *diag.Diagnostic
		if dir := directives[step.Directive]; dir != nil {
			next, diagnostic = dir.apply(d, step)
		} else if step.Rewrite == partialRewrite {
			next, diagnostic = partial(d, step)
		} else if step.Rewrite == sealRewrite {
			next, diagnostic = seal(d, step)
		} else {
			next, diagnostic = apply(base, d.g, d.names, step)
		}
		if diagnostic != nil {
			return nil, diag.List{diagnostic}
		}
		step.Done, d.done = d.done, nil
		d.g = next
	}
	return d.g, nil
}

// derivation is the state of a plan being applied: the graph so far, the
// variables naming its operators, and what earlier steps built that later
// ones build on.
type derivation struct {
	base  *parse.Flow
	g     *ir.Graph
	names map[string][]int
	// sealed maps the node that releases an upgraded fold's values (the
	// fold's own ID) to what the upgrade built (upgrade.go).
	sealed map[int]*sealed
	// done collects what the current step found and did (Step.Done).
	done []string
}

// notef records a line of what the current step found and did.
func (d *derivation) notef(format string, args ...any) {
	d.done = append(d.done, fmt.Sprintf(format, args...))
}

// renumber updates the derivation's node IDs after nodes were removed:
// old maps every old ID to its new one, or to -1 for a removed node.
func (d *derivation) renumber(old []int) {
	for name, ids := range d.names {
		var kept []int
		for _, id := range ids {
			if old[id] >= 0 {
				kept = append(kept, old[id])
			}
		}
		if len(kept) == 0 {
			delete(d.names, name)
			continue
		}
		d.names[name] = kept
	}
	sealed := map[int]*sealed{}
	for id, s := range d.sealed {
		if old[id] >= 0 {
			s.renumber(old)
			sealed[old[id]] = s
		}
	}
	d.sealed = sealed
}

// apply checks step's precondition on g and returns the graph with step's
// mechanism applied.
func apply(base *parse.Flow, g *ir.Graph, names map[string][]int, step *Step) (*ir.Graph, *diag.Diagnostic) {
	if step.Rewrite == partitionRewrite {
		return partition(base, g, step)
	}
	s, d := check(base, g, names, step)
	if d != nil {
		return nil, d
	}
	out, err := decouple(g, s)
	if err != nil {
		return nil, diag.Errorf(step.Pos, diag.Rewrite, "%s: %v", step, err)
	}
	return out, nil
}

// check checks step's precondition on g. It returns the state the check
// built, with the facts it used, and a diagnostic if the precondition
// fails (the state is then nil if the step could not be checked at all).
func check(base *parse.Flow, g *ir.Graph, names map[string][]int, step *Step) (*stepState, *diag.Diagnostic) {
	rw := rewrites[step.Rewrite]
	s := &stepState{g: g, step: step, names: map[int]string{}}
	for _, name := range step.Ops {
		ids, ok := names[name]
		if !ok {
			return nil, diag.Errorf(step.Pos, diag.Rewrite, "%s: flow %s binds no operator to %s", step, base.Name, name)
		}
		for _, id := range ids {
			if _, dup := s.names[id]; !dup {
				s.names[id] = name
				s.c2 = append(s.c2, id)
			}
		}
	}
	slices.Sort(s.c2)
	if d := s.locate(); d != nil {
		return nil, d
	}
	if !ir.ValidLocationName(step.Role) || g.Location(step.Role) != nil {
		return nil, diag.Errorf(step.Pos, diag.Rewrite, "%s: role %q must be a new location, named by a lower-case identifier", step, step.Role)
	}
	facts, err := analyze.Run(base.WithGraph(g), rw.needs...)
	if err != nil {
		return nil, diag.Errorf(step.Pos, diag.Rewrite, "%s: %v", step, err)
	}
	s.facts = facts
	if d := rw.check(s); d != nil {
		return s, d
	}
	return s, nil
}

// side returns the location whose half of node id a decoupling moves: a
// network operator's sending side is its input's location, anything else's
// its own.
func side(g *ir.Graph, id int) int {
	n := g.Nodes[id]
	if n.Spec.Network && len(n.Inputs) == 1 {
		return g.Nodes[n.Inputs[0]].Loc
	}
	return n.Loc
}

// locate sets s.from, the one location every operator of c2 is at, and
// checks that it is neither partitioned nor a client. Network operators count at the location
// they receive at when it is that of the component's other operators (the
// receive is redirected), and at their sender's otherwise (the send moves).
func (s *stepState) locate() *diag.Diagnostic {
	s.from = -1
	for _, id := range s.c2 {
		if !s.g.Nodes[id].Spec.Network {
			s.from = s.g.Nodes[id].Loc
			break
		}
	}
	if s.from < 0 {
		s.from = side(s.g, s.c2[0])
	}
	for _, id := range s.c2 {
		n := s.g.Nodes[id]
		if n.Loc != s.from && side(s.g, id) != s.from {
			return s.errorf(id, "%s is at location %q, not %q with the rest of the component", s.names[id], s.g.Locations[n.Loc].Name, s.g.Locations[s.from].Name)
		}
		if n.Spec.Network && n.Loc == s.from && client(s.g, s.g.Nodes[n.Inputs[0]].Loc) {
			return s.errorf(id, "%s receives from client location %q; clients are outside the rewrites, so what they send keeps its destination", s.names[id], s.g.Locations[s.g.Nodes[n.Inputs[0]].Loc].Name)
		}
	}
	loc := s.g.Locations[s.from]
	switch {
	case loc.Partitions > 0:
		return s.errorf(s.c2[0], "location %q is partitioned; decouple before partitioning", loc.Name)
	case client(s.g, s.from):
		return s.errorf(s.c2[0], "location %q reads the flow's inputs, so it is a client; clients are outside the rewrites", loc.Name)
	}
	return nil
}

// client reports whether location loc is a client: it reads an Input port
// of the flow. Rewrites never change how a client reaches the program.
func client(g *ir.Graph, loc int) bool {
	for _, n := range g.Nodes {
		if n.Loc == loc && n.Spec.Source && n.Port != nil && !n.Port.Output {
			return true
		}
	}
	return false
}

// decouple is the mechanism every decoupling shares (paper 002 §3): on a
// clone of g, it adds the new location and moves c2 there. An operator of c2
// that is not a network operator moves; a network operator of c2 moves its
// receiving side when it received at the component's location (it is
// redirected) and its sending side otherwise (a Send to the new location
// relays its input, and it sends from there). Every edge that then crosses
// locations becomes a network edge: a network operator elsewhere that fed
// only c2 is redirected to the new location; anything else is relayed by a
// new Send, one per stream.
//
// Off a process, the new location is a process. Off a cluster, it is a
// cluster paired with it (ir.Location.Paired): one member per member of the
// cluster, each the proxy of its own, and every Send the mechanism adds
// between the two is paired (ir.Node.Paired), from a member to its proxy or
// back, never to another member. Redirected network operators keep their
// choice of member: what went to member m goes to m's proxy.
func decouple(g *ir.Graph, s *stepState) (*ir.Graph, error) {
	c := g.Clone()
	kind := c.Locations[s.from].Kind
	to, err := c.AddLocation(s.step.Role, kind)
	if err != nil {
		return nil, err
	}
	paired := kind == ir.ClusterLoc
	if paired {
		to.Paired = c.Locations[s.from].Name
	}
	// network inserts a Send on edge e, paired when off a cluster.
	network := func(e ir.Edge) (*ir.Node, error) {
		n, err := c.Network(e, ops.Send)
		if err != nil {
			return nil, err
		}
		n.Paired = paired
		return n, nil
	}
	for _, id := range s.c2 {
		n := c.Nodes[id]
		if !n.Spec.Network || n.Loc == s.from {
			n.Loc = to.ID
		}
	}
	cons := c.Consumers()
	// relays are the Sends that carry a stream of l to c2 at l', by the
	// stream's node: one per stream, however many operators of c2 read it.
	relays := map[int]*ir.Node{}
	for _, id := range s.c2 {
		n := c.Nodes[id]
		for port, src := range n.Inputs {
			p := c.Nodes[src]
			switch {
			case p.Loc == to.ID || n.Spec.Network && (n.Loc == to.ID || p.Loc != s.from):
				// Already local; or a network operator that now receives
				// at the new process (its sender is redirected), or whose
				// sender is elsewhere and stays.
			case n.Spec.Network && n.Loc != to.ID:
				// The sending side moves: relay the input to the new process.
				relay, err := network(ir.Edge{From: src, To: id, Port: port})
				if err != nil {
					return nil, err
				}
				relay.Loc = to.ID
			case p.Spec.Network && !client(c, c.Nodes[p.Inputs[0]].Loc) && onlyFeeds(cons[src], s):
				p.Loc = to.ID // redirect
			case relays[src] != nil:
				// Another input of c2 already reads this stream at the
				// new process: read the same relay.
				n.Inputs[port] = relays[src].ID
			default:
				relay, err := network(ir.Edge{From: src, To: id, Port: port})
				if err != nil {
					return nil, err
				}
				relays[src] = relay
			}
		}
	}
	for _, id := range s.c2 {
		if c.Nodes[id].Loc != to.ID {
			continue
		}
		var back *ir.Node // the Send that carries id's output back, one per stream
		for _, e := range c.Consumers()[id] {
			n := c.Nodes[e.To]
			switch {
			case n.Spec.Network || n.Loc == to.ID:
			case back != nil:
				n.Inputs[e.Port] = back.ID
			default:
				if back, err = network(e); err != nil {
					return nil, err
				}
			}
		}
	}
	return c, nil
}

// onlyFeeds reports whether every consumer edge is into an operator of c2.
func onlyFeeds(edges []ir.Edge, s *stepState) bool {
	for _, e := range edges {
		if !s.in(e.To) {
			return false
		}
	}
	return true
}

// Bindings maps each variable of base's body to the operators it names: a
// variable assigned an operator call names the operators of that whole
// expression (an argument bound to a variable of its own aside); a
// function returned by Cycle names the operators of the expressions it is
// called with.
func Bindings(base *parse.Flow) map[string][]int {
	byCall := map[*ast.CallExpr]int{}
	for _, n := range base.Graph.Nodes {
		if call := parse.SyntaxOf(n).Call; call != nil {
			byCall[call] = n.ID
		}
	}
	// opsOf returns the operator calls of e, not entering function literals.
	opsOf := func(e ast.Expr) []int {
		var ids []int
		ast.Inspect(e, func(x ast.Node) bool {
			switch x := x.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr:
				if id, ok := byCall[x]; ok {
					ids = append(ids, id)
				}
			}
			return true
		})
		return ids
	}
	names := map[string][]int{}
	ast.Inspect(base.Decl.Body, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.AssignStmt:
			for i, lhs := range x.Lhs {
				id, ok := lhs.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				rhs := x.Rhs[0]
				if len(x.Rhs) == len(x.Lhs) {
					rhs = x.Rhs[i]
				} else if i > 0 {
					continue // the setter of a Cycle: named by its calls below
				}
				names[id.Name] = append(names[id.Name], opsOf(rhs)...)
			}
		case *ast.ExprStmt:
			if call, ok := x.X.(*ast.CallExpr); ok {
				if fn, ok := call.Fun.(*ast.Ident); ok {
					for _, arg := range call.Args {
						names[fn.Name] = append(names[fn.Name], opsOf(arg)...)
					}
				}
			}
		}
		return true
	})
	// Names bound to values that are not operators name nothing.
	for n, ids := range names {
		if len(ids) == 0 {
			delete(names, n)
		}
	}
	return names
}

// about names node id in the facts explain shows: "n3 hydro.Join (voting.go:41:12)".
func about(g *ir.Graph, id int) string {
	return fmt.Sprintf("n%d %s (%s)", id, g.Nodes[id].Spec.API, short(g.Nodes[id].Pos))
}

// short is pos with the file's base name only.
func short(pos diag.Pos) string {
	pos.File = filepath.Base(pos.File)
	return pos.String()
}

// addFunc adds an operator of element type elem at location loc.
type addFunc func(loc int, op *ops.Spec, elem types.Type, inputs []int, lts []ir.Lifetime, syn *parse.Syntax) *ir.Node

// adder returns the addFunc of rewrites that build operators into g, each
// at source position pos (the operator the rewrite stands for).
func adder(g *ir.Graph, pos diag.Pos) addFunc {
	return func(loc int, op *ops.Spec, elem types.Type, inputs []int, lts []ir.Lifetime, syn *parse.Syntax) *ir.Node {
		return g.Add(&ir.Node{Spec: op, Op: op.Name, API: op.API, Loc: loc, Inputs: inputs, Lifetimes: lts, Elem: parse.GoType(elem), Pos: pos, Syntax: syn})
	}
}

// repeatEvery adds at loc a Timer of period and a CrossJoin that emits
// every item of stream x again at each of its readings (resending, gossip),
// and returns the CrossJoin.
func repeatEvery(add addFunc, loc, x int, elem, timeT types.Type, period time.Duration) *ir.Node {
	timer := add(loc, ops.Timer, timeT, nil, nil, &parse.Syntax{})
	timer.Period = &period
	return add(loc, ops.CrossJoin, elem, []int{x, timer.ID}, []ir.Lifetime{ir.Tick, ir.Tick}, &parse.Syntax{UDFs: []*parse.UDF{
		gen(sig(elem, elem, timeT), nil, func(w parse.Writer) string {
			return fmt.Sprintf("func(s %s, _ %s) %s { return s }", w.Type(elem), w.Type(timeT), w.Type(elem))
		})}})
}
