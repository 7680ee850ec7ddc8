package rewrite

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hydrogo/hydro/gen/analyze"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// sealRewrite is the Rewrite of a partitioning with sealing.
const sealRewrite = "seal"

// sealPrecondition is what a partitioning with sealing requires, as
// explain reports it.
const sealPrecondition = "the named stream is one hydro.Send, hydro.Broadcast or hydro.DemuxBy (whose pure function chooses the receiver from fields the trigger fills) from the location to a location that is neither a client nor partitioned, carrying items a hydro.CrossJoin builds from a trigger and a lattice fold (Static) of the location, read by nothing else; the item's one field of the fold's type is the fold's value and every other field comes from the trigger alone; the trigger comes from one hydro.Broadcast (or hydro.Send to a process), not a client's, through functional operators and cross joins with complete streams that feed nothing else; with the fold's batch sealed, the rest of the location partitions (the partition step's precondition)"

// SealForgetting is how long the receiver of a sealed stream keeps an
// incomplete batch — one some of whose parts have not arrived — unless
// the step says otherwise ("forgetting after DURATION").
const SealForgetting = 10 * time.Second

// SealKeeping is how many incomplete batches the receiver of a sealed
// stream keeps at most, evicting those whose first part arrived earliest,
// unless the step says otherwise ("keeping N").
const SealKeeping = 1024

// sealClauses strips the optional clauses that follow "sealing STREAM" —
// "forgetting after DURATION" and "keeping N", in that order — from the
// end of fields, and returns the rest and the clauses as step arguments
// ("forget", "keep").
func sealClauses(fields []string) ([]string, map[string]string, error) {
	args := map[string]string{}
	n := len(fields)
	if n >= 2 && fields[n-2] == "keeping" {
		k, err := strconv.Atoi(fields[n-1])
		if err != nil || k < 1 {
			return nil, nil, fmt.Errorf("%s: keeping %s: the bound of incomplete batches must be a positive integer (like 64)", strings.Join(fields[:n-2], " "), fields[n-1])
		}
		args["keep"], fields, n = fields[n-1], fields[:n-2], n-2
	}
	if n >= 3 && fields[n-3] == "forgetting" {
		if fields[n-2] != "after" {
			return nil, nil, fmt.Errorf("malformed plan line %q: want \"forgetting after DURATION\"", strings.Join(fields, " "))
		}
		if d, err := time.ParseDuration(fields[n-1]); err != nil || d <= 0 {
			return nil, nil, fmt.Errorf("%s: forgetting after %s: the timeout must be a positive duration (like 2s)", strings.Join(fields[:n-3], " "), fields[n-1])
		}
		args["forget"], fields = fields[n-1], fields[:n-3]
	}
	return fields, args, nil
}

// sealLimits returns the timeout after which the receiver of a sealed
// stream forgets an incomplete batch, and how many it keeps at most.
func sealLimits(s *Step) (time.Duration, int) {
	forget, keep := SealForgetting, SealKeeping
	if d, err := time.ParseDuration(s.Args["forget"]); err == nil {
		forget = d
	}
	if k, err := strconv.Atoi(s.Args["keep"]); err == nil {
		keep = k
	}
	return forget, keep
}

// sealClausesString prints the clauses sealClauses read, as written.
func sealClausesString(s *Step) string {
	out := ""
	if d := s.Args["forget"]; d != "" {
		out += " forgetting after " + d
	}
	if k := s.Args["keep"]; k != "" {
		out += " keeping " + k
	}
	return out
}

// parseSeal parses the fields of a plan line "partition ROLE into N [by
// FIELD,...] sealing STREAM [forgetting after DURATION] [keeping N]".
func parseSeal(fields []string) (*Step, error) {
	fields, args, err := sealClauses(fields)
	if err != nil {
		return nil, err
	}
	n := len(fields)
	if n != 6 && n != 8 || fields[2] != "into" || fields[n-2] != "sealing" || n == 8 && fields[4] != "by" {
		return nil, fmt.Errorf("malformed plan line %q: want \"partition ROLE into N [by FIELD,...] sealing STREAM [forgetting after DURATION] [keeping N]\"", strings.Join(fields, " "))
	}
	if strings.Contains(fields[n-1], ",") {
		return nil, fmt.Errorf("partition %s into %s sealing %s: a step seals one stream", fields[1], fields[3], fields[n-1])
	}
	step, err := parsePartition(fields[:n-2]) // the number and the fields
	if err != nil {
		return nil, err
	}
	step.Rewrite, step.Ops, step.Args = sealRewrite, []string{fields[n-1]}, args
	return step, nil
}

// sealString prints a partitioning with sealing as its plan line.
func sealString(s *Step) string {
	by := ""
	if len(s.By) > 0 {
		by = " by " + strings.Join(s.By, ",")
	}
	return fmt.Sprintf("partition %s into %d%s sealing %s%s", s.Role, s.Partitions, by, s.Ops[0], sealClausesString(s))
}

// sealing is what seal found in the base graph: the batch's network
// operator, its builder, the fold it carries and the trigger that asks for
// it.
type sealing struct {
	// name is the stream's variable.
	name                    string
	send, join, fold, entry int
	// demux is the key function of a hydro.DemuxBy send, nil otherwise;
	// reads the item's fields it chooses the receiver from.
	demux *parse.UDF
	reads []string
	// foldPort is the builder's input the fold is on; batch is the item's
	// field that holds the fold's value.
	foldPort int
	batch    string
}

// seal is partitioning with sealing (paper 002 §4, footnote 3): a location
// that, when a trigger arrives, sends one item carrying a batch — the value
// of a lattice fold of its state, like Paxos's p1b carrying an acceptor's
// log — is partitioned as by partition, and the batch, which each partition
// now holds only part of, is recombined at the receiver:
//
//   - the trigger is sent to every partition of every member
//     (parse.Syntax.Replicated), so each partition answers it with its part:
//     the same item, its batch the fold of that partition's items;
//   - each partition seals its part with its partition number (a
//     lattices.SetUnion of one number) and sends it in the item's place;
//   - the receiver merges the parts per identity (the item's other fields,
//     which come from the trigger alone and so agree across partitions):
//     the batches by their lattice, the seals by union, carried from tick
//     to tick until all N seals are in; then it releases the item, whose
//     batch is the merge of every partition's part.
//
// Merging the parts gives the base's batch because every item the base
// fold merged reaches (at least) one partition's fold, and the lattice's
// merge ignores how they are grouped, ordered or repeated.
func seal(d *derivation, step *Step) (*ir.Graph, *diag.Diagnostic) {
	base, g := d.base, d.g
	loc := g.Location(step.Role)
	if loc == nil {
		return partition(base, g, step) // its diagnostic names the locations
	}
	s, bad := findSealing(d, step, step.Ops[0], loc.ID, -1)
	if bad != nil {
		return nil, bad
	}
	// The rest partitions as by partition, with the fold's value taken as
	// complete at start (the parts are recombined, so it may differ).
	c, used, bad := partitionAround(base, g, step, step.By, s.fold)
	if bad != nil {
		return nil, stepErrorf(bad.Pos, step, "with the batch of %s sealed, %s", step.Ops[0], bad.Message)
	}
	// The trigger reaches every partition.
	x := c.Nodes[s.entry]
	syn := *parse.SyntaxOf(x)
	syn.Part, syn.PartExpr, syn.PartParam, syn.Replicated = nil, nil, nil, true
	x.Syntax = &syn
	if g.Nodes[s.entry].Spec == ops.Send {
		x.Spec, x.Op, x.API = ops.Send, ops.Send.Name, ops.Send.API
	}
	forget, keep := sealLimits(step)
	if err := sealParts(base, c, s, loc.ID, step.Partitions, forget, keep); err != nil {
		return nil, stepErrorf(step.Pos, step, "%v", err)
	}
	for _, u := range used {
		if strings.HasPrefix(u, about(g, s.entry)+":") {
			continue
		}
		d.notef("%s", u)
	}
	d.notef("%s: the trigger, sent to every partition (replicated)", about(g, s.entry))
	s.noteParts(d, step)
	return c, nil
}

// noteParts reports, for explain, how the parts of a batch reach their
// receiver and are recombined there.
func (s *sealing) noteParts(d *derivation, step *Step) {
	g, parts := d.g, step.Partitions
	forget, keep := sealLimits(step)
	if s.demux != nil {
		d.notef("%s, bound to %s, chooses the receiver from field(s) %s, which come from the trigger: every part of a batch goes to the same member", about(g, s.send), s.name, strings.Join(s.reads, ", "))
	}
	d.notef("%s, bound to %s, carries the batch %s: field %s is the value of %s, and every other field comes from the trigger (%s)", about(g, s.send), s.name, parse.TypeName(parse.Go(g.Nodes[s.fold].Elem)), s.batch, about(g, s.fold), about(g, s.join))
	d.notef("each partition seals its part with its number; %q merges the parts per identity and releases the item once it holds all %d seals", g.Locations[g.Nodes[s.send].Loc].Name, parts)
	d.notef("%q forgets an incomplete identity %s after its first part arrived (between 0.9 and 1.1 times that, by a timer of a tenth of it) and carries at most %d, evicting those whose first part arrived earliest: omissions of the base's answers", g.Locations[g.Nodes[s.send].Loc].Name, forget, keep)
}

// findSealing checks seal's precondition on stream name, but for the
// partitioning of the rest of the location, and returns what it found.
// replicated is the fold a partial partitioning of the same step
// replicates, whose values are then the trigger, or -1.
func findSealing(d *derivation, step *Step, name string, loc, replicated int) (*sealing, *diag.Diagnostic) {
	g := d.g
	ids, ok := d.names[name]
	if !ok {
		return nil, stepErrorf(step.Pos, step, "flow %s binds no operator to %s", d.base.Name, name)
	}
	s := &sealing{name: name, send: -1}
	for _, id := range ids {
		n := g.Nodes[id]
		if n.Spec.Network && n.Loc != loc && g.Nodes[n.Inputs[0]].Loc == loc {
			if s.send >= 0 {
				return nil, stepErrorf(n.Pos, step, "%s names more than one network operator sending from %q; a step seals one stream", name, g.Locations[loc].Name)
			}
			s.send = id
		}
	}
	if s.send < 0 {
		return nil, stepErrorf(g.Nodes[ids[0]].Pos, step, "%s names no network operator sending from %q to another location: sealing recombines, at the receiver, a batch the location sends", name, g.Locations[loc].Name)
	}
	send := g.Nodes[s.send]
	to := g.Locations[send.Loc]
	switch {
	case to.Partitions > 0:
		return nil, stepErrorf(send.Pos, step, "%s (bound to %s) sends to %q, which is partitioned: the parts of a batch would reach different partitions; seal before partitioning the receiver", send.Spec.API, name, to.Name)
	case send.Spec == ops.Demux && send.API != ops.Demux.By:
		return nil, stepErrorf(send.Pos, step, "%s (bound to %s) chooses its receiver by a hash of the item's key; sealing sends parts of another type, keyed by the batch's identity (use hydro.DemuxBy with a function of fields the trigger fills, or a hydro.Send or hydro.Broadcast)", send.API, name)
	case send.Spec != ops.Send && send.Spec != ops.Broadcast && send.Spec != ops.Demux:
		return nil, stepErrorf(send.Pos, step, "%s (bound to %s) is not a hydro.Send, hydro.Broadcast or hydro.DemuxBy; sealing needs every part of a batch to reach the same receivers", send.API, name)
	case client(g, send.Loc):
		return nil, stepErrorf(send.Pos, step, "%s (bound to %s) sends to %q, a client: the parts would be recombined there, and clients are outside the rewrites", send.Spec.API, name, to.Name)
	}
	cons := g.Consumers()
	j := g.Nodes[send.Inputs[0]]
	if j.Spec != ops.CrossJoin {
		return nil, stepErrorf(j.Pos, step, "%s builds the items of %s (bound to %s); sealing needs them built by a hydro.CrossJoin of a trigger with a lattice fold of %q's state, the batch", j.Spec.API, send.Spec.API, name, g.Locations[loc].Name)
	}
	s.join = j.ID
	for _, e := range cons[j.ID] {
		if e.To != s.send {
			return nil, stepErrorf(g.Nodes[e.To].Pos, step, "%s reads %s, the batch %s sends: after partitioning each partition holds only part of it", g.Nodes[e.To].Spec.API, describe(g, j.ID), describe(g, s.send))
		}
	}
	s.fold, s.foldPort = -1, -1
	for port, in := range j.Inputs {
		if n := g.Nodes[in]; n.Spec == ops.LatticeFold && n.Loc == loc && s.fold < 0 {
			s.fold, s.foldPort = in, port
		}
	}
	if s.fold < 0 {
		return nil, stepErrorf(j.Pos, step, "neither input of %s is a hydro.LatticeFold at %q: the batch is a lattice fold of the location's state, whose merge recombines the parts", describe(g, j.ID), g.Locations[loc].Name)
	}
	f := g.Nodes[s.fold]
	if !f.Lifetimes[0].Kept() {
		return nil, stepErrorf(f.Pos, step, "%s keeps its value for one tick (%s); the batch is a fold of the location's state (hydro.Static)", describe(g, s.fold), f.Lifetimes[0])
	}
	for _, e := range cons[s.fold] {
		if e.To != s.join {
			return nil, stepErrorf(g.Nodes[e.To].Pos, step, "%s reads %s, the batch's fold: after partitioning each partition holds only part of it", g.Nodes[e.To].Spec.API, describe(g, s.fold))
		}
	}
	if bad := s.checkBuilder(d, step); bad != nil {
		return nil, bad
	}
	if send.Spec == ops.Demux {
		if bad := s.checkReceiver(d, step); bad != nil {
			return nil, bad
		}
	}
	if bad := s.checkTrigger(d, step, loc, replicated, cons); bad != nil {
		return nil, bad
	}
	return s, nil
}

// checkBuilder checks that the cross join's function puts the fold's value
// whole into one field and fills every other field from the trigger alone,
// so that the parts of one batch agree on them.
func (s *sealing) checkBuilder(d *derivation, step *Step) *diag.Diagnostic {
	g := d.g
	j := g.Nodes[s.join]
	errorf := func(format string, args ...any) *diag.Diagnostic {
		return stepErrorf(j.Pos, step, "%s builds the batch's items, and %s", describe(g, s.join), fmt.Sprintf(format, args...))
	}
	funcs := analyze.Flow(d.base.WithGraph(g)).Funcs(s.join)
	if len(funcs) == 0 || funcs[0] == nil || funcs[0].Result == nil || funcs[0].Result.Kind != analysis.Struct {
		return errorf("its function's result is not known field by field (return a struct literal)")
	}
	fn := funcs[0]
	if !fn.Pure {
		return errorf("%s is not known to be pure (mark it //hydro:pure): every partition must build the same item from the same trigger", fn.Name)
	}
	st, ok := parse.Go(j.Elem).Underlying().(*types.Struct)
	if !ok {
		return errorf("its items are not structs")
	}
	foldT := parse.Go(g.Nodes[s.fold].Elem)
	for i := range st.NumFields() {
		fld := st.Field(i)
		v := fn.Result.Fields[fld.Name()]
		if v != nil && v.Kind == analysis.ParamField && v.Param == s.foldPort && len(v.Path) == 0 && types.Identical(fld.Type(), foldT) {
			if s.batch != "" {
				return errorf("%s puts the fold's value into both %s and %s; sealing recombines one batch field", fn.Name, s.batch, fld.Name())
			}
			s.batch = fld.Name()
			continue
		}
		switch {
		case v == nil || v.Kind == analysis.Opaque:
			return errorf("%s computes field %s in a way the analysis cannot follow: the parts of a batch must agree on every field but the batch", fn.Name, fld.Name())
		case fromPort(v, s.foldPort):
			return errorf("%s computes field %s from the fold: the parts of a batch would differ in it, and only the batch field is merged", fn.Name, fld.Name())
		case !types.Comparable(fld.Type()):
			return errorf("field %s, of type %s, is not comparable: the receiver recombines the parts keyed by every field but the batch", fld.Name(), parse.TypeName(fld.Type()))
		case !fld.Exported() && fld.Pkg() != d.base.Pkg.Types:
			return errorf("field %s is unexported in another package", fld.Name())
		}
	}
	if s.batch == "" {
		return errorf("%s puts the fold's value (%s) whole into no field: sealing recombines a batch field that is the fold's value", fn.Name, parse.TypeName(foldT))
	}
	return nil
}

// checkReceiver checks the function with which a hydro.DemuxBy chooses
// the receiver of the batch's items: pure, and reading only fields of the
// item other than the batch, which checkBuilder found filled from the
// trigger alone — so that every part of one batch goes to the same member.
func (s *sealing) checkReceiver(d *derivation, step *Step) *diag.Diagnostic {
	g := d.g
	send := g.Nodes[s.send]
	fs := analyze.KeyFuncs(d.base.WithGraph(g), s.send)
	errorf := func(format string, args ...any) *diag.Diagnostic {
		return stepErrorf(send.Pos, step, "%s (bound to %s) chooses the receiver of each item, and %s: every part of a batch must reach the member the base sends the batch to", send.API, s.name, fmt.Sprintf(format, args...))
	}
	if len(fs) != 1 || fs[0] == nil {
		return errorf("nothing is known of its function")
	}
	fn := fs[0]
	if !fn.Pure {
		return errorf("%s is not known to be pure (mark it //hydro:pure)", fn.Name)
	}
	var from []*analysis.Value
	switch v := fn.Result; {
	case v == nil || v.Kind == analysis.Opaque || v.Kind == analysis.Struct:
		return errorf("%s computes the receiver in a way the analysis cannot follow (return a field of the item, or a pure function of its fields)", fn.Name)
	case v.Kind == analysis.ParamField:
		from = []*analysis.Value{v}
	default:
		from = v.From
	}
	reads := map[string]bool{}
	for _, v := range from {
		switch {
		case v.Kind != analysis.ParamField || v.Param != 0:
			return errorf("%s computes the receiver from something other than the item's fields", fn.Name)
		case len(v.Path) == 0:
			return errorf("%s reads the whole item, batch included: the parts of a batch differ in it (read only fields the trigger fills)", fn.Name)
		case v.Path[0] == s.batch:
			return errorf("%s reads field %s, the batch: the parts of a batch differ in it", fn.Name, s.batch)
		}
		reads[v.Path[0]] = true
	}
	s.demux = parse.SyntaxOf(send).UDFs[0]
	for f := range reads {
		s.reads = append(s.reads, f)
	}
	slices.Sort(s.reads)
	return nil
}

// fromPort reports whether value v reads parameter port.
func fromPort(v *analysis.Value, port int) bool {
	switch v.Kind {
	case analysis.ParamField:
		return v.Param == port
	case analysis.Derived:
		return slices.ContainsFunc(v.From, func(f *analysis.Value) bool { return f.Param == port })
	case analysis.Struct:
		for _, f := range v.Fields {
			if fromPort(f, port) {
				return true
			}
		}
	}
	return false
}

// checkTrigger checks the cross join's other input: from one network
// operator entering the location through functional operators and cross
// joins with complete streams, none of which feeds anything else — so that
// sent to every partition, the trigger makes each build the same item and
// changes nothing else. With a fold replicated by the same step
// (replicated ≥ 0), the trigger comes from that fold instead, through
// hydro.Unique too (each value once): every partition's copy takes its
// values from the same publications, so each partition builds the same
// items from the values its copy takes.
func (s *sealing) checkTrigger(d *derivation, step *Step, loc, replicated int, cons [][]ir.Edge) *diag.Diagnostic {
	g := d.g
	facts, err := analyze.Run(d.base.WithGraph(g), analysis.Functional)
	if err != nil {
		return stepErrorf(step.Pos, step, "%v", err)
	}
	functional := facts.Facts[analysis.Functional].(*analysis.FunctionalResult)
	s.entry = -1
	chain := map[int]bool{}
	todo := []int{g.Nodes[s.join].Inputs[1-s.foldPort]}
	for len(todo) > 0 {
		id := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		m := g.Nodes[id]
		if chain[id] || m.Spec.Complete {
			continue
		}
		if id == replicated {
			if s.entry >= 0 && s.entry != id {
				return stepErrorf(m.Pos, step, "the trigger of %s comes from %s and from %s: a batch answers one trigger", describe(g, s.join), describe(g, s.entry), describe(g, id))
			}
			s.entry = id
			continue
		}
		chain[id] = true
		switch p := functional.Nodes[id]; {
		case m.Loc != loc:
			return stepErrorf(m.Pos, step, "%s is at %q and reaches the trigger of %s", m.Spec.API, g.Locations[m.Loc].Name, describe(g, s.join))
		case m.Spec.Network && replicated >= 0:
			return stepErrorf(m.Pos, step, "%s brings the trigger of %s from the network; with %s replicated, the trigger is the replicated fold's values, which every partition's copy takes from the same publications", m.Spec.API, describe(g, s.join), describe(g, replicated))
		case m.Spec.Network:
			if s.entry >= 0 {
				return stepErrorf(m.Pos, step, "the trigger of %s comes from two network operators, %s and %s: a batch answers one trigger", describe(g, s.join), describe(g, s.entry), describe(g, id))
			}
			s.entry = id
			from := g.Nodes[m.Inputs[0]].Loc
			switch {
			case m.Spec != ops.Broadcast && (m.Spec != ops.Send || g.Locations[loc].Kind != ir.ProcessLoc):
				return stepErrorf(m.Pos, step, "%s brings the trigger; sealing sends it to every partition, which needs it to reach every member (a hydro.Broadcast, or a hydro.Send to a process)", m.Spec.API)
			case client(g, from):
				return stepErrorf(m.Pos, step, "%s brings the trigger from %q, a client: sealing sends it to every partition, and clients are outside the rewrites", m.Spec.API, g.Locations[from].Name)
			}
		case m.Spec == ops.CrossJoin:
			todo = append(todo, m.Inputs...)
		case replicated >= 0 && m.Spec == ops.Unique:
			// Each value of the replicated fold once: every copy takes
			// its values from the same publications.
			todo = append(todo, m.Inputs...)
		case !p.Yes && m.Spec == ops.LatticeFold && m.Lifetimes[0].Kept():
			return stepErrorf(m.Pos, step, "%s%s is state of %q that the trigger is joined with before %s: partitioned, each partition would hold only part of it and the parts of a batch would disagree on the fields it fills; it must be the same at every partition, replicated (partial partitioning, \"replicating\"), which sealing does not do", m.Spec.API, boundTo(d.names, id), g.Locations[loc].Name, describe(g, s.join))
		case !p.Yes:
			return stepErrorf(m.Pos, step, "%s lies between the trigger and %s and is not functional (%s): every partition must build the same item from the same trigger", m.Spec.API, describe(g, s.join), p.Reason)
		default:
			todo = append(todo, m.Inputs...)
		}
	}
	if s.entry < 0 {
		if replicated >= 0 {
			return stepErrorf(g.Nodes[s.join].Pos, step, "the trigger of %s comes not from %s, the replicated fold: nothing else is the same at every partition", describe(g, s.join), describe(g, replicated))
		}
		return stepErrorf(g.Nodes[s.join].Pos, step, "the trigger of %s comes from no network operator: nothing asks the location for its batch", describe(g, s.join))
	}
	for id := range chain {
		for _, e := range cons[id] {
			if e.To != s.join && !chain[e.To] {
				return stepErrorf(g.Nodes[e.To].Pos, step, "%s reads %s, which carries the trigger: sent to every partition, it would see each trigger once per partition", g.Nodes[e.To].Spec.API, describe(g, id))
			}
		}
	}
	return nil
}

// boundTo returns " (bound to NAME)" for the variable that names
// operator id, the first by name if several do, or "".
func boundTo(names map[string][]int, id int) string {
	var found []string
	for name, ids := range names {
		if slices.Contains(ids, id) {
			found = append(found, name)
		}
	}
	if len(found) == 0 {
		return ""
	}
	slices.Sort(found)
	return " (bound to " + found[0] + ")"
}

// sealParts adds to c the sealing of s's batch: each partition of loc seals
// the item it sends with its partition number, and the receiver merges the
// parts per identity until all of them are in.
func sealParts(base *parse.Flow, c *ir.Graph, s *sealing, loc, parts int, forget time.Duration, keep int) error {
	pkg := base.Pkg.Types
	lat, hyd := importedPkg(pkg, "github.com/hydrogo/hydro/lattices"), importedPkg(pkg, "github.com/hydrogo/hydro/hydro")
	if lat == nil || hyd == nil {
		return fmt.Errorf("package %s does not import github.com/hydrogo/hydro/lattices, whose SetUnion holds the seals; import it", base.Pkg.PkgPath)
	}
	send := c.Nodes[s.send]
	to := send.Loc
	itemT := parse.Go(send.Elem)
	st := itemT.Underlying().(*types.Struct)
	u32, boolT := types.Typ[types.Uint32], types.Typ[types.Bool]
	memberT := hyd.Scope().Lookup("MemberID").Type()
	sealsT, err := types.Instantiate(nil, lat.Scope().Lookup("SetUnion").Type(), []types.Type{u32}, true)
	if err != nil {
		return err
	}
	// The sealed part: the item's fields, keyed by all but the batch, the
	// batch and the seals merged by their lattices.
	var fields []*types.Var
	var tags []string
	key := &parse.Key{}
	sealsName := "Seals"
	for i := range st.NumFields() {
		fld := st.Field(i)
		nf := types.NewField(token.NoPos, fld.Pkg(), fld.Name(), fld.Type(), fld.Embedded())
		fields = append(fields, nf)
		if fld.Name() == s.batch {
			tags = append(tags, `hydro:"lattice"`)
			continue
		}
		tags = append(tags, `hydro:"key"`)
		key.Fields = append(key.Fields, nf)
	}
	for taken(fields, sealsName) {
		sealsName += "_"
	}
	fields = append(fields, types.NewField(token.NoPos, pkg, sealsName, sealsT, false))
	tags = append(tags, `hydro:"lattice"`)
	partT := types.NewStruct(fields, tags)
	key.Elem = partT
	copyFields := func(from string) string {
		var b strings.Builder
		for i := range st.NumFields() {
			fmt.Fprintf(&b, "%[1]s: %[2]s.%[1]s, ", st.Field(i).Name(), from)
		}
		return b.String()
	}
	clone := ""
	if m, _, _ := types.LookupFieldOrMethod(parse.Go(c.Nodes[s.fold].Elem), true, nil, "Clone"); m != nil {
		clone = ".Clone()" // the merge's state, cleared at the end of the tick
	}

	add := adder(c, send.Pos)
	udf := func(result types.Type, params []types.Type, code func(w parse.Writer) string) *parse.Syntax {
		return &parse.Syntax{UDFs: []*parse.UDF{gen(sig(result, params...), nil, code)}}
	}
	// At every partition: seal the part with the partition's number.
	self := add(loc, ops.SelfID, memberT, nil, nil, &parse.Syntax{OwnMember: true})
	sealer := add(loc, ops.CrossJoin, partT, []int{s.join, self.ID}, []ir.Lifetime{ir.Tick, ir.Static}, udf(partT, []types.Type{itemT, memberT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(x %s, m %s) %s {\nreturn %s{%s%s: %sNewSetUnion(uint32(m) %% %d)}\n}",
			w.Type(itemT), w.Type(memberT), w.Type(partT), w.Type(partT), copyFields("x"), sealsName, strings.TrimSuffix(w.Type(sealsT), "SetUnion[uint32]"), parts)
	}))
	consumers := c.Consumers()[s.send]
	send.Inputs[0], send.Elem = sealer.ID, parse.GoType(partT)
	if s.demux != nil {
		// The DemuxBy chooses a part's receiver as the base chooses the
		// item's: its function, on the item the part carries.
		syn := *parse.SyntaxOf(send)
		syn.UDFs = []*parse.UDF{gen(sig(memberT, partT), []*parse.UDF{s.demux}, func(w parse.Writer) string {
			return fmt.Sprintf("func(p %s) %s {\nreturn %s(%s{%s})\n}", w.Type(partT), w.Type(memberT), w.Call(s.demux), w.Type(itemT), copyFields("p"))
		})}
		send.Syntax = &syn
	}

	// At the receiver: merge the parts per identity, carry the incomplete
	// ones to the next tick, release the complete ones. An incomplete
	// identity is stamped, the tick its first part arrives, with the
	// receiver's clock and an arrival number; it is forgotten once the
	// clock is forget past its stamp, and at most keep are carried, those
	// whose first part arrived last.
	i64, u64, intT := types.Typ[types.Int64], types.Typ[types.Uint64], types.Typ[types.Int]
	minOf := func(t types.Type) (types.Type, error) {
		return types.Instantiate(nil, lat.Scope().Lookup("Min").Type(), []types.Type{t}, true)
	}
	sinceT, err := minOf(i64)
	if err != nil {
		return err
	}
	firstT, err := minOf(u64)
	if err != nil {
		return err
	}
	clockT, err := types.Instantiate(nil, lat.Scope().Lookup("Max").Type(), []types.Type{i64}, true)
	if err != nil {
		return err
	}
	timeT := timerElem(hyd)
	if timeT == nil {
		return fmt.Errorf("package github.com/hydrogo/hydro/hydro has no Timer returning a stream of time.Time")
	}
	// The part as the receiver holds it: the part's fields, and the
	// stamps.
	var held []*types.Var
	heldKey := &parse.Key{}
	for _, f := range fields {
		nf := types.NewField(token.NoPos, f.Pkg(), f.Name(), f.Type(), f.Embedded())
		held = append(held, nf)
		if slices.Contains(key.Fields, f) {
			heldKey.Fields = append(heldKey.Fields, nf)
		}
	}
	sinceName, firstName := "Since", "First"
	for taken(held, sinceName) {
		sinceName += "_"
	}
	held = append(held, types.NewField(token.NoPos, pkg, sinceName, sinceT, false))
	for taken(held, firstName) {
		firstName += "_"
	}
	held = append(held, types.NewField(token.NoPos, pkg, firstName, firstT, false))
	heldT := types.NewStruct(held, append(slices.Clone(tags), `hydro:"lattice"`, `hydro:"lattice"`))
	heldKey.Elem = heldT
	indexedT, err := types.Instantiate(nil, hyd.Scope().Lookup("Indexed").Type(), []types.Type{heldT}, true)
	if err != nil {
		return err
	}
	latPkg := func(w parse.Writer) string { return strings.TrimSuffix(w.Type(sealsT), "SetUnion[uint32]") }
	arrived := add(to, ops.Map, heldT, []int{send.ID}, nil, udf(heldT, []types.Type{partT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(p %s) %s {\nreturn %s{%s%s: p.%s}\n}", w.Type(partT), w.Type(heldT), w.Type(heldT), copyFields("p"), sealsName, sealsName)
	}))
	pool := add(to, ops.Union, heldT, []int{arrived.ID, -1}, nil, &parse.Syntax{})
	merged := add(to, ops.MergeKeyed, heldT, []int{pool.ID}, []ir.Lifetime{ir.Tick}, &parse.Syntax{Keys: []*parse.Key{heldKey}})
	complete := func(want bool) *ir.Node {
		op := ">="
		if !want {
			op = "<"
		}
		return add(to, ops.Filter, heldT, []int{merged.ID}, nil, udf(boolT, []types.Type{heldT}, func(w parse.Writer) string {
			return fmt.Sprintf("func(p %s) bool { return p.%s.Len() %s %d }", w.Type(heldT), sealsName, op, parts)
		}))
	}
	whole, open := complete(true), complete(false)
	// The clock: the reading of a timer of a tenth of the timeout, so an
	// identity is forgotten between 0.9 and 1.1 times the timeout after
	// its first part arrived.
	period := max(forget/10, time.Millisecond)
	timer := add(to, ops.Timer, timeT, nil, nil, &parse.Syntax{})
	timer.Period = &period
	readings := add(to, ops.Map, clockT, []int{timer.ID}, nil, udf(clockT, []types.Type{timeT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(t %s) %s { return %sNewMax(t.UnixNano()) }", w.Type(timeT), w.Type(clockT), latPkg(w))
	}))
	clock := add(to, ops.LatticeFold, clockT, []int{readings.ID}, []ir.Lifetime{ir.Static}, &parse.Syntax{})
	numbered := add(to, ops.Enumerate, indexedT, []int{open.ID}, []ir.Lifetime{ir.Static}, &parse.Syntax{})
	aged := add(to, ops.CrossJoin, indexedT, []int{numbered.ID, clock.ID}, []ir.Lifetime{ir.Tick, ir.Tick}, udf(indexedT, []types.Type{indexedT, clockT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(x %s, clock %s) %s {\nnow, _ := clock.Value()\nx.Value.%s.Merge(%sNewMin(now))\nx.Value.%s.Merge(%sNewMin(uint64(x.Index)))\nif since, _ := x.Value.%s.Value(); now-since >= %d {\nx.Index = -1\n}\nreturn x\n}",
			w.Type(indexedT), w.Type(clockT), w.Type(indexedT), sinceName, latPkg(w), firstName, latPkg(w), sinceName, int64(forget))
	}))
	live := add(to, ops.Filter, indexedT, []int{aged.ID}, nil, udf(boolT, []types.Type{indexedT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(x %s) bool { return x.Index >= 0 }", w.Type(indexedT))
	}))
	unwrapped := add(to, ops.Map, heldT, []int{live.ID}, nil, udf(heldT, []types.Type{indexedT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(x %s) %s { return x.Value }", w.Type(indexedT), w.Type(heldT))
	}))
	youngest := add(to, ops.Sort, heldT, []int{unwrapped.ID}, nil, udf(intT, []types.Type{heldT, heldT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(a, b %s) int {\nx, _ := a.%s.Value()\ny, _ := b.%s.Value()\nswitch {\ncase x > y:\nreturn -1\ncase x < y:\nreturn 1\n}\nreturn 0\n}", w.Type(heldT), firstName, firstName)
	}))
	ranked := add(to, ops.Enumerate, indexedT, []int{youngest.ID}, []ir.Lifetime{ir.Tick}, &parse.Syntax{})
	within := add(to, ops.Filter, indexedT, []int{ranked.ID}, nil, udf(boolT, []types.Type{indexedT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(x %s) bool { return x.Index < %d }", w.Type(indexedT), keep)
	}))
	kept := add(to, ops.Map, heldT, []int{within.ID}, nil, udf(heldT, []types.Type{indexedT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(x %s) %s {\np := x.Value\np.%s, p.%s = p.%s%s, p.%s.Clone()\nreturn p\n}", w.Type(indexedT), w.Type(heldT), s.batch, sealsName, s.batch, clone, sealsName)
	}))
	pool.Inputs[1] = add(to, ops.DeferTickLazy, heldT, []int{kept.ID}, nil, &parse.Syntax{}).ID
	released := add(to, ops.Map, itemT, []int{whole.ID}, nil, udf(itemT, []types.Type{heldT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(p %s) %s {\nx := %s{%s}\nx.%s = p.%s%s\nreturn x\n}", w.Type(heldT), w.Type(itemT), w.Type(itemT), copyFields("p"), s.batch, s.batch, clone)
	}))
	for _, e := range consumers {
		c.Nodes[e.To].Inputs[e.Port] = released.ID
	}
	return nil
}

// timerElem returns the element type of hydro.Timer's stream, time.Time,
// or nil.
func timerElem(hyd *types.Package) types.Type {
	fn, ok := hyd.Scope().Lookup("Timer").(*types.Func)
	if !ok {
		return nil
	}
	res := fn.Type().(*types.Signature).Results()
	if res.Len() != 1 {
		return nil
	}
	named, ok := res.At(0).Type().(*types.Named)
	if !ok || named.TypeArgs().Len() != 1 {
		return nil
	}
	return named.TypeArgs().At(0)
}
