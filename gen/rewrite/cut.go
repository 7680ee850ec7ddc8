package rewrite

import (
	"fmt"
	"go/types"
	"slices"
	"strings"
	"time"

	"github.com/hydrogo/hydro/gen/analyze"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// Decoupling an upgraded program across the network at a cut (paper 001
// §5.2). After the type upgrade every operator from the lattice merge to
// the output is monotone, so the program can be cut in two there and the
// downstream part run at a new process: before the merge (the cart state
// on the new process, Figure 6) or after the merge's top test (the state
// stays, and only complete values cross, Figure 7). Over a network that
// loses messages the stream crossing the cut is resent until the new
// process acknowledges it; nothing else is added.
//
//	cut before carts to server as client resend 50ms
//
// names the upgraded fold, the side of its state the cut is on, the new
// process, optionally a new name for the location that stays, and the
// resend period. docs/rewrites.md has the proof sketch.
func init() {
	directives["cut"] = &directive{parse: parseCut, apply: applyCut,
		precondition: "everything from the cut to the output is monotone and at the fold's process, and reads from the rest of the program only the cut's stream and tables"}
}

func parseCut(f []string) (*Step, string) {
	want := fmt.Sprintf("malformed plan line %q: want \"cut before|after FOLD to ROLE [as NAME] resend PERIOD\"", strings.Join(f, " "))
	if len(f) != 7 && len(f) != 9 || f[3] != "to" || (f[1] != "before" && f[1] != "after") {
		return nil, want
	}
	s := &Step{Rewrite: f[1], Ops: []string{f[2]}, Role: f[4], Args: map[string]string{}}
	rest := f[5:]
	if len(rest) == 4 {
		if rest[0] != "as" {
			return nil, want
		}
		s.Args["as"] = rest[1]
		rest = rest[2:]
	}
	if rest[0] != "resend" {
		return nil, want
	}
	if p, err := time.ParseDuration(rest[1]); err != nil || p <= 0 {
		return nil, fmt.Sprintf("resend period %q is not a positive duration", rest[1])
	}
	s.Args["resend"] = rest[1]
	return s, ""
}

func applyCut(d *derivation, step *Step) (*ir.Graph, *diag.Diagnostic) {
	s, bad := d.sealedBy(step, step.Ops[0])
	if bad != nil {
		return nil, bad
	}
	g := d.g
	from := g.Nodes[s.merge].Loc
	loc := g.Locations[from]
	if loc.Kind != ir.ProcessLoc {
		return nil, stepErrorf(g.Nodes[s.merge].Pos, step, "the fold is at cluster %q; a cut splits a process", loc.Name)
	}
	renamed := step.Args["as"] != "" && step.Role == loc.Name
	if !ir.ValidLocationName(step.Role) || g.Location(step.Role) != nil && !renamed {
		return nil, stepErrorf(step.Pos, step, "role %q must be a new location (or the one the cut renames), named by a lower-case identifier", step.Role)
	}
	if as := step.Args["as"]; as != "" && (!ir.ValidLocationName(as) || g.Location(as) != nil || as == step.Role) {
		return nil, stepErrorf(step.Pos, step, "%q must be a new location name, named by a lower-case identifier", as)
	}
	// The stream that crosses, and the operators that read it.
	x, starts := s.seal, []int{s.merge}
	if step.Rewrite == "after" {
		x, starts = s.complete, []int{s.key, s.release}
	}
	down := downstream(g, starts)
	// Tables only the downstream part reads move with it.
	cons := g.Consumers()
	for _, id := range slices.Clone(down) {
		for _, in := range g.Nodes[id].Inputs {
			if p := g.Nodes[in]; p.Spec.Complete && !slices.Contains(down, in) && onlyInto(cons[in], down) {
				down = append(down, in)
			}
		}
	}
	slices.Sort(down)
	facts, err := analyze.Run(d.base.WithGraph(g), analysis.Monotone)
	if err != nil {
		return nil, stepErrorf(step.Pos, step, "%v", err)
	}
	mono := facts.Facts[analysis.Monotone].(*analysis.RegionsResult)
	for _, id := range down {
		n := g.Nodes[id]
		if n.Loc != from {
			return nil, stepErrorf(n.Pos, step, "%s, downstream of the cut, is at %q, not %q", describe(g, id), g.Locations[n.Loc].Name, loc.Name)
		}
		if p := mono.Nodes[id]; !p.Yes && !n.Spec.Sink {
			return nil, stepErrorf(n.Pos, step, "%s, downstream of the cut, is not monotone (%s): across the network it could see the cut's stream in any order and batching and emit what the program does not", describe(g, id), p.Reason)
		}
		for _, in := range n.Inputs {
			if !slices.Contains(down, in) && in != x {
				return nil, stepErrorf(n.Pos, step, "%s, downstream of the cut, reads %s, which stays at %q: only the cut's stream may cross", describe(g, id), describe(g, in), loc.Name)
			}
		}
	}
	for _, id := range down {
		for _, e := range cons[id] {
			if !slices.Contains(down, e.To) {
				return nil, stepErrorf(g.Nodes[e.To].Pos, step, "%s reads %s, downstream of the cut: the cut must split the program in two", describe(g, e.To), describe(g, id))
			}
		}
	}
	period, _ := time.ParseDuration(step.Args["resend"])
	timeT := importedPkg(d.base.Pkg.Types, "time")
	if timeT == nil {
		return nil, stepErrorf(step.Pos, step, "package %s does not import package time, whose Time the resend timer emits", d.base.Pkg.PkgPath)
	}
	out, err := cut(g, s, step, from, x, down, period, timeT.Scope().Lookup("Time").Type())
	if err != nil {
		return nil, stepErrorf(step.Pos, step, "%v", err)
	}
	var moved []string
	for _, id := range down {
		moved = append(moved, fmt.Sprintf("n%d %s", id, g.Nodes[id].Spec.API))
	}
	d.notef("the cut's stream is n%d %s; downstream of it, all monotone, move to %q: %s", x, g.Nodes[x].Spec.API, step.Role, strings.Join(moved, ", "))
	d.notef("%q keeps the stream until acknowledged and resends it every %s; %q acknowledges each key it holds at top", out.Locations[from].Name, period, step.Role)
	return out, nil
}

// downstream returns the operators reachable from starts.
func downstream(g *ir.Graph, starts []int) []int {
	cons := g.Consumers()
	seen := map[int]bool{}
	var out []int
	work := slices.Clone(starts)
	for len(work) > 0 {
		id := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
		for _, e := range cons[id] {
			work = append(work, e.To)
		}
	}
	return out
}

func onlyInto(edges []ir.Edge, ids []int) bool {
	for _, e := range edges {
		if !slices.Contains(ids, e.To) {
			return false
		}
	}
	return true
}

// cut moves the operators down to a new process and carries stream x to
// them, resent until acknowledged.
func cut(g *ir.Graph, s *sealed, step *Step, from, x int, down []int, period time.Duration, timeT types.Type) (*ir.Graph, error) {
	c := g.Clone()
	if as := step.Args["as"]; as != "" {
		c.Locations[from].Name = as
	}
	to, err := c.AddLocation(step.Role, ir.ProcessLoc)
	if err != nil {
		return nil, err
	}
	for _, id := range down {
		c.Nodes[id].Loc = to.ID
	}
	add := adder(c, c.Nodes[x].Pos)
	elemKey := &parse.Key{Elem: s.elem, Fields: s.fields[:len(s.keys)]}
	var keyFields []*types.Var
	st := s.keyT.(*types.Struct)
	for i := range st.NumFields() {
		keyFields = append(keyFields, st.Field(i))
	}
	keyKey := &parse.Key{Elem: s.keyT, Fields: keyFields}
	keyOf := func() *parse.UDF {
		return gen(sig(s.keyT, s.elem), nil, func(w parse.Writer) string {
			var b strings.Builder
			for _, f := range s.keys {
				fmt.Fprintf(&b, "k.%s = s.%s\n", f.Name(), f.Name())
			}
			return fmt.Sprintf("func(s %s) (k %s) {\n%sreturn k\n}", w.Type(s.elem), w.Type(s.keyT), b.String())
		})
	}

	// At the location that stays: keep what crosses until acknowledged.
	// A per-item stream is persisted; the complete values of a merge are
	// emitted again every tick by the merge itself.
	kept := x
	if step.Rewrite == "before" {
		kept = add(from, ops.Persist, s.elem, []int{x}, nil, &parse.Syntax{}).ID
	}
	unacked := add(from, ops.AntiJoin, s.elem, []int{kept, -1}, []ir.Lifetime{ir.Static}, &parse.Syntax{Keys: []*parse.Key{elemKey, keyKey}})
	resend := repeatEvery(add, from, unacked.ID, s.elem, timeT, period)
	sent := resend.ID
	if step.Rewrite == "before" {
		sent = add(from, ops.Union, s.elem, []int{x, resend.ID}, nil, &parse.Syntax{}).ID
	}
	arrived := add(to.ID, ops.Send, s.elem, []int{sent}, nil, &parse.Syntax{})

	// At the new process: the arrivals take the stream's place, and the
	// keys the new process holds complete are acknowledged.
	var ack *ir.Node
	switch step.Rewrite {
	case "before":
		c.Nodes[s.merge].Inputs[0] = arrived.ID
		keys := add(to.ID, ops.Map, s.keyT, []int{arrived.ID}, nil, &parse.Syntax{UDFs: []*parse.UDF{keyOf()}})
		ack = add(to.ID, ops.Join, s.keyT, []int{keys.ID, s.complete}, []ir.Lifetime{ir.Tick, ir.Tick}, &parse.Syntax{Keys: []*parse.Key{keyKey, elemKey}, UDFs: []*parse.UDF{
			gen(sig(s.keyT, s.keyT, s.elem), nil, func(w parse.Writer) string {
				return fmt.Sprintf("func(k %s, _ %s) %s { return k }", w.Type(s.keyT), w.Type(s.elem), w.Type(s.keyT))
			})}})
	case "after":
		// Copies of one value that arrive in one tick are merged into one,
		// so that the release joins it once.
		once := add(to.ID, ops.MergeKeyed, s.elem, []int{arrived.ID}, []ir.Lifetime{ir.Tick}, &parse.Syntax{Keys: []*parse.Key{elemKey}})
		c.Nodes[s.key].Inputs[0] = once.ID
		c.Nodes[s.release].Inputs[1] = once.ID
		ack = add(to.ID, ops.Map, s.keyT, []int{once.ID}, nil, &parse.Syntax{UDFs: []*parse.UDF{keyOf()}})
	}
	acked := add(from, ops.Send, s.keyT, []int{ack.ID}, nil, &parse.Syntax{})
	unacked.Inputs[1] = acked.ID
	return c, nil
}
