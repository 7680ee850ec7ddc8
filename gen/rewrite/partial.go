package rewrite

import (
	"fmt"
	"go/token"
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

// partialRewrite is the Rewrite of a partial partitioning step.
const partialRewrite = "partial"

// partialPrecondition is what a partial partitioning step requires, as
// explain reports it.
const partialPrecondition = "the named operator is a lattice fold (Static) at the location, fed through functional operators that feed nothing else by network operators from neither a client nor the location; one Broadcast (or Send) from one process coordinates, otherwise every member's partition 0 coordinates its partitions; the location reads no Timer; with the fold replicated, the rest of the location partitions (the partition step's precondition)"

// partialSealPrecondition is what a partial partitioning that also seals
// a stream requires, as explain reports it.
const partialSealPrecondition = partialPrecondition + "; and the sealed stream is a hydro.Send, hydro.Broadcast or hydro.DemuxBy from the location to one neither a client nor partitioned, built by a hydro.CrossJoin of a trigger with a second lattice fold of the location, the batch, read by nothing else, every other field filled from the trigger alone; the trigger comes from the replicated fold (through hydro.Unique, functional operators and cross joins with complete streams that feed nothing else), so every partition answers the values its copy takes, which all copies take from the same publications"

// parsePartial parses the fields of a plan line "partition ROLE into N
// [by FIELD,...] replicating FOLD every DURATION [sealing STREAM]".
func parsePartial(fields []string) (*Step, error) {
	sealing := ""
	fields, args, err := sealClauses(fields)
	if err != nil {
		return nil, err
	}
	if n := len(fields); n >= 2 && fields[n-2] == "sealing" {
		sealing, fields = fields[n-1], fields[:n-2]
		if strings.Contains(sealing, ",") {
			return nil, fmt.Errorf("partition %s sealing %s: a step seals one stream", fields[1], sealing)
		}
	}
	n := len(fields)
	if n != 8 && n != 10 || fields[2] != "into" || fields[n-4] != "replicating" || fields[n-2] != "every" || n == 10 && fields[4] != "by" {
		return nil, fmt.Errorf("malformed plan line %q: want \"partition ROLE into N [by FIELD,...] replicating FOLD every DURATION [sealing STREAM [forgetting after DURATION] [keeping N]]\"", strings.Join(fields, " "))
	}
	step, err := parsePartition(fields[:n-4]) // the number and the fields
	if err != nil {
		return nil, err
	}
	fold, every := fields[n-3], fields[n-1]
	if strings.Contains(fold, ",") {
		return nil, fmt.Errorf("partition %s into %s replicating %s: partial partitioning replicates one lattice fold", fields[1], fields[3], fold)
	}
	if d, err := time.ParseDuration(every); err != nil || d <= 0 {
		return nil, fmt.Errorf("partition %s into %s replicating %s: every %s: the resend period must be a positive duration (like 100ms)", fields[1], fields[3], fold, every)
	}
	if sealing == "" && len(args) > 0 {
		return nil, fmt.Errorf("partition %s into %s replicating %s: forgetting and keeping bound the batches of a sealed stream; the step seals none", fields[1], fields[3], fold)
	}
	args["every"] = every
	step.Rewrite, step.Ops, step.Args = partialRewrite, []string{fold}, args
	if sealing != "" {
		step.Args["sealing"] = sealing
	}
	return step, nil
}

// partialString prints a partial partitioning step as its plan line.
func partialString(s *Step) string {
	by := ""
	if len(s.By) > 0 {
		by = " by " + strings.Join(s.By, ",")
	}
	sealing := ""
	if x := s.Args["sealing"]; x != "" {
		sealing = " sealing " + x + sealClausesString(s)
	}
	return fmt.Sprintf("partition %s into %d%s replicating %s every %s%s", s.Role, s.Partitions, by, s.Ops[0], s.Args["every"], sealing)
}

// partial is partial partitioning (paper 002 §4.3): a location whose
// operators partition but for one piece of state that combines every item
// — the lattice fold the step names, fed by one replicated input R — is
// partitioned with that state replicated at every partition. The rest of
// the location is partitioned as by partition; R's updates are sent to
// every partition of every member and ordered against the other inputs by
// coordination through R's sender, a process, as coordinator:
//
//   - the coordinator merges R's items into a fold of its own (the
//     functional operators between R and the fold, evaluated there), and
//     every period in which that value grew publishes it, numbered (Seq,
//     one above the highest number issued; both the fold and that number
//     are durable, so a restarted coordinator never issues a number
//     twice), to every partition; the latest uncommitted publication is
//     sent again every period;
//   - a partition merges every publication into its replicated fold, in
//     place of R's items, and votes for its number, naming itself (its
//     own member number);
//   - the coordinator merges the votes per number; the highest number
//     every partition of every member voted for is the committed
//     watermark, sent to every partition when it grows and every period;
//   - a partition holds every other input (a cycle through
//     hydro.DeferTickLazy) in every tick in which the highest number it
//     has is above the watermark it knows.
//
// A publication holds every item before it (the lattice merges them), so
// a partition that processes an input with publication k merged knows
// that every partition has merged k or a later one.
//
// With "sealing STREAM", the step also seals a stream whose trigger is
// the replicated fold's values (through hydro.Unique, functional
// operators and cross joins with complete streams): a Paxos acceptor's
// P1b answering each raise of its replicated promise with its log. Every
// partition answers the values its copy takes, all copies take them from
// the same publications, one at a time, and a partition holds its inputs
// from merging a publication to its commit, so its part is its batch at
// the commit; the receiver recombines the parts (sealParts).
//
// When the updates come from a cluster, or through several network
// operators (unioned), no one sender can order them: every base member's
// partition 0 coordinates that member's partitions instead
// (coordinateMembers), numbering its publications durably. The network operators stay, routed to partition 0
// of every member they address; the publications and watermarks go to
// the partitions of the coordinator's own base member, the votes back to
// its partition 0, and a publication commits with the votes of the
// member's partitions.
//
// The precondition: the named operator is a hydro.LatticeFold keeping its
// value (Static) at the location, reached from network operators through
// functional operators (analysis.Functional) that feed nothing else; no
// sender is a client or the location itself; with one sender process
// coordinating, its one network operator is a Broadcast or a Send to a
// process; the location reads no Timer (an input the coordination does
// not order); and with the fold's value taken as replicated, the location
// satisfies partition's precondition.
func partial(d *derivation, step *Step) (*ir.Graph, *diag.Diagnostic) {
	base, g := d.base, d.g
	loc := g.Location(step.Role)
	if loc == nil {
		return partition(base, g, step) // its diagnostic names the locations
	}
	period, _ := time.ParseDuration(step.Args["every"])
	name := step.Ops[0]
	ids, ok := d.names[name]
	if !ok {
		return nil, stepErrorf(step.Pos, step, "flow %s binds no operator to %s", base.Name, name)
	}
	fold := -1
	for _, id := range ids {
		if g.Nodes[id].Spec == ops.LatticeFold {
			fold = id
		}
	}
	if fold < 0 {
		n := g.Nodes[ids[0]]
		return nil, stepErrorf(n.Pos, step, "%s (bound to %s) is not a hydro.LatticeFold: partial partitioning replicates lattice state, whose merge makes the order and repetition of the replicated updates immaterial", n.Spec.API, name)
	}
	f := g.Nodes[fold]
	switch {
	case f.Loc != loc.ID:
		return nil, stepErrorf(f.Pos, step, "%s (bound to %s) is at location %q, not %q", f.Spec.API, name, g.Locations[f.Loc].Name, loc.Name)
	case !f.Lifetimes[0].Kept():
		return nil, stepErrorf(f.Pos, step, "%s (bound to %s) keeps its value for one tick (%s); the replicated state is a fold that keeps it (hydro.Static)", f.Spec.API, name, f.Lifetimes[0])
	}
	facts, err := analyze.Run(base.WithGraph(g), analysis.Functional)
	if err != nil {
		return nil, stepErrorf(step.Pos, step, "%v", err)
	}
	functional := facts.Facts[analysis.Functional].(*analysis.FunctionalResult)
	// The cone: the operators from the network operators R to the fold,
	// fold first (the order of a depth-first walk up its inputs).
	var cone, nets []int
	seen := map[int]bool{}
	var walk func(id int) *diag.Diagnostic
	walk = func(id int) *diag.Diagnostic {
		if seen[id] {
			return nil
		}
		seen[id] = true
		m := g.Nodes[id]
		switch p := functional.Nodes[id]; {
		case m.Spec.Network && m.Loc == loc.ID:
			nets = append(nets, id)
			return nil
		case m.Loc != loc.ID || !p.Yes:
			why := "it is at another location"
			if m.Loc == loc.ID {
				why = p.Reason
			}
			return stepErrorf(m.Pos, step, "%s feeds %s (bound to %s) and is not functional (%s): the coordinator evaluates what lies between the replicated input and the fold", m.Spec.API, f.Spec.API, name, why)
		}
		cone = append(cone, id)
		for _, in := range m.Inputs {
			if bad := walk(in); bad != nil {
				return bad
			}
		}
		return nil
	}
	if bad := walk(f.Inputs[0]); bad != nil {
		return nil, bad
	}
	slices.Sort(nets)
	// One process other than the location sending through a chain of
	// functional operators coordinates; otherwise (a cluster, several
	// network operators) every base member's partition 0 coordinates its
	// own partitions (docs/rewrites.md, "Fed by a cluster").
	chain := len(nets) == 1
	for _, id := range cone {
		chain = chain && len(g.Nodes[id].Inputs) == 1
	}
	for _, id := range nets {
		r := g.Nodes[id]
		sender := g.Nodes[r.Inputs[0]].Loc
		switch {
		case client(g, sender):
			return nil, stepErrorf(r.Pos, step, "%s sends the replicated input from %q, a client: the updates are ordered by coordination the rewrite adds, and clients are outside the rewrites", r.Spec.API, g.Locations[sender].Name)
		case sender == loc.ID:
			return nil, stepErrorf(r.Pos, step, "%s sends the replicated input from %q to itself: the replicated state would be fed by the partitions it is replicated at", r.Spec.API, loc.Name)
		}
		chain = chain && g.Locations[sender].Kind == ir.ProcessLoc && g.Locations[sender].Partitions == 0
	}
	byMember := !chain
	net := nets[0]
	r := g.Nodes[net]
	coord := g.Nodes[r.Inputs[0]].Loc
	if !byMember && r.Spec != ops.Broadcast && r.Spec != ops.Send {
		return nil, stepErrorf(r.Pos, step, "%s brings the replicated input from one process, which coordinates; it sends its updates to every partition, which needs it to reach every member (a hydro.Broadcast, or a hydro.Send to a process)", r.Spec.API)
	}
	consumers := g.Consumers()
	for _, id := range append(slices.Clone(nets), cone...) {
		for _, e := range consumers[id] {
			if e.To != fold && !slices.Contains(cone, e.To) {
				return nil, stepErrorf(g.Nodes[e.To].Pos, step, "%s reads %s, which feeds the replicated state: the replicated input must feed nothing else", g.Nodes[e.To].Spec.API, describe(g, id))
			}
		}
	}
	for _, n := range g.Nodes {
		if n.Loc == loc.ID && n.Spec == ops.Timer {
			return nil, stepErrorf(n.Pos, step, "location %q reads hydro.Timer, an input the coordination does not order against the replicated updates", loc.Name)
		}
	}

	// With a stream sealed, its batch is a second fold the partitions
	// hold part of, and its trigger the replicated fold's values.
	var s *sealing
	keep := []int{fold}
	if stream := step.Args["sealing"]; stream != "" {
		var bad *diag.Diagnostic
		if s, bad = findSealing(d, step, stream, loc.ID, fold); bad != nil {
			return nil, bad
		}
		keep = append(keep, s.fold)
	}

	// The rest partitions as by partition, with the fold's value taken as
	// complete at start (replicated, like SelfID's).
	c, _, bad := partitionAround(base, g, step, step.By, keep...)
	if bad != nil {
		what := name + " replicated"
		if s != nil {
			what += " and the batch of " + step.Args["sealing"] + " sealed"
		}
		return nil, stepErrorf(bad.Pos, step, "with %s, %s", what, bad.Message)
	}
	if s != nil {
		// Each partition seals its part; the receiver recombines. The
		// trigger is local to every partition (its copy of the replicated
		// fold), so no network operator changes for it.
		forget, keep := sealLimits(step)
		if err := sealParts(base, c, s, loc.ID, step.Partitions, forget, keep); err != nil {
			return nil, stepErrorf(step.Pos, step, "%v", err)
		}
		d.notef("the trigger is %s, bound to %s, replicated: each partition answers each value its copy takes, and every copy takes its values from the same publications", about(g, fold), name)
		s.noteParts(d, step)
	}
	if byMember {
		// The updates stay, routed to partition 0 of every member they
		// address, whose coordination folds them.
		for _, id := range nets {
			syn := *parse.SyntaxOf(c.Nodes[id])
			syn.Part, syn.PartExpr, syn.PartParam, syn.Replicated, syn.FixedPart = nil, nil, nil, false, true
			c.Nodes[id].Syntax = &syn
		}
		if err := coordinateMembers(base, c, step, loc.ID, fold, nets, period); err != nil {
			return nil, stepErrorf(step.Pos, step, "%v", err)
		}
		var from []string
		for _, id := range nets {
			from = append(from, fmt.Sprintf("%s from %q", describe(g, id), g.Locations[g.Nodes[g.Nodes[id].Inputs[0]].Loc].Name))
		}
		d.notef("%s (%s), bound to %s, is replicated at every partition of %q: a lattice fold fed by %s through functional operators", f.Spec.API, f.Pos, name, loc.Name, strings.Join(from, " and "))
		d.notef("with it replicated, %q partitions into %d (partition's precondition)", loc.Name, step.Partitions)
		d.notef("the updates go to partition 0 of every member they address, which coordinates its member's partitions: it publishes its fold of the updates every %s when it grew, numbered (both durably, so a restart numbers above every number issued); its partitions vote; the highest number all %d voted for is committed, and a partition holds its other inputs while it has a higher one", period, step.Partitions)
		return c, nil
	}
	if err := coordinate(base, c, step, loc.ID, coord, fold, net, cone, period); err != nil {
		return nil, stepErrorf(step.Pos, step, "%v", err)
	}
	// R and the cone, replaced at the partitions by the publications, go.
	dead := append([]int{net}, cone...)
	slices.Sort(dead)
	old := make([]int, len(c.Nodes))
	for i := range old {
		old[i] = i
	}
	for i := len(dead) - 1; i >= 0; i-- {
		if err := c.Remove(dead[i]); err != nil {
			return nil, stepErrorf(step.Pos, step, "%v", err)
		}
		for j := range old {
			switch {
			case old[j] == dead[i]:
				old[j] = -1
			case old[j] > dead[i]:
				old[j]--
			}
		}
	}
	d.renumber(old)
	d.notef("%s (%s), bound to %s, is replicated at every partition of %q: a lattice fold fed by %s from %q through functional operators", f.Spec.API, f.Pos, name, loc.Name, describe(g, net), g.Locations[coord].Name)
	d.notef("with it replicated, %q partitions into %d (partition's precondition)", loc.Name, step.Partitions)
	d.notef("%q publishes its own fold of the replicated input every %s when it grew, numbered (both durably, so a restart numbers above every number issued); partitions vote; the highest number all voted for is committed, and a partition holds its other inputs while it has a higher one", g.Locations[coord].Name, period)
	return c, nil
}

// coordinate adds to c the coordination of partial: coord folds the
// replicated input of network operator net (through copies of the cone's
// operators) and publishes it, numbered, to every partition of location
// loc, whose fold merges the publications; the partitions hold their other
// inputs until every partition has the publications they have.
func coordinate(base *parse.Flow, c *ir.Graph, step *Step, loc, coord, fold, net int, cone []int, period time.Duration) error {
	return coordination(base, c, step, loc, coord, fold, []int{net}, cone, period, false)
}

// coordinateMembers adds to c the coordination of partial fed by a
// cluster (or by several network operators): partition 0 of every base
// member of loc folds the updates that nets route to it (through the
// cone, left in place) and publishes that fold, numbered, to the
// partitions of its own base member, which merge the publications into
// fold, vote back to it, and hold their other inputs until all of them
// have the publications they have. The coordination's timer passes
// nothing at the other partitions, so they publish nothing.
func coordinateMembers(base *parse.Flow, c *ir.Graph, step *Step, loc, fold int, nets []int, period time.Duration) error {
	return coordination(base, c, step, loc, loc, fold, nets, nil, period, true)
}

// coordination is coordinate and coordinateMembers: byMember says every
// base member's partition 0 coordinates its own partitions.
func coordination(base *parse.Flow, c *ir.Graph, step *Step, loc, coord, fold int, nets, cone []int, period time.Duration, byMember bool) error {
	net := nets[0]
	pkg := base.Pkg.Types
	lat, hyd, tm := importedPkg(pkg, "github.com/hydrogo/hydro/lattices"), importedPkg(pkg, "github.com/hydrogo/hydro/hydro"), importedPkg(pkg, "time")
	if lat == nil || hyd == nil || tm == nil {
		return fmt.Errorf("package %s does not import github.com/hydrogo/hydro/lattices and time, whose types the coordination uses; import them", base.Pkg.PkgPath)
	}
	r := c.Nodes[net]
	value := parse.Go(c.Nodes[fold].Elem)
	u64, boolT, intT := types.Typ[types.Uint64], types.Typ[types.Bool], types.Typ[types.Int]
	memberT := hyd.Scope().Lookup("MemberID").Type()
	timeT := tm.Scope().Lookup("Time").Type()
	maxT, err := types.Instantiate(nil, lat.Scope().Lookup("Max").Type(), []types.Type{u64}, true)
	if err != nil {
		return err
	}
	votersT, err := types.Instantiate(nil, lat.Scope().Lookup("SetUnion").Type(), []types.Type{memberT}, true)
	if err != nil {
		return err
	}
	indexedT, err := types.Instantiate(nil, hyd.Scope().Lookup("Indexed").Type(), []types.Type{value}, true)
	if err != nil {
		return err
	}
	field := func(name string, t types.Type) *types.Var { return types.NewField(token.NoPos, pkg, name, t, false) }
	// A publication: the coordinator's fold, numbered; and a vote: the
	// partitions that have a publication.
	pubT := types.NewStruct([]*types.Var{field("Seq", u64), field("Value", value)}, []string{`hydro:"key"`, ""})
	voteT := types.NewStruct([]*types.Var{field("Seq", u64), field("Voters", votersT)}, []string{`hydro:"key"`, `hydro:"lattice"`})
	voteKey := &parse.Key{Elem: voteT, Fields: []*types.Var{voteT.Field(0)}}
	// newMax spells lattices.NewMax(x) as the file refers to the package.
	newMax := func(w parse.Writer, x string) string {
		return strings.TrimSuffix(w.Type(maxT), "Max[uint64]") + "NewMax(" + x + ")"
	}
	clone := ""
	if m, _, _ := types.LookupFieldOrMethod(value, true, nil, "Clone"); m != nil {
		clone = ".Clone()" // the fold's value shares state the fold goes on merging into
	}

	add := adder(c, r.Pos)
	udf := func(result types.Type, params []types.Type, code func(w parse.Writer) string) *parse.Syntax {
		return &parse.Syntax{UDFs: []*parse.UDF{gen(sig(result, params...), nil, code)}}
	}
	tt := []ir.Lifetime{ir.Tick, ir.Tick}
	toLoc := ops.Send
	if c.Locations[loc].Kind == ir.ClusterLoc {
		toLoc = ops.Broadcast
	}
	var others []int
	for _, n := range c.Nodes {
		if n.Loc == loc && n.Spec.Network && !slices.Contains(nets, n.ID) {
			others = append(others, n.ID)
		}
	}
	consumers := c.Consumers()

	// At the coordinator: its own fold of the replicated input, through
	// copies of the cone's operators (by member: through the cone itself,
	// which the updates reach at partition 0 only).
	in := c.Nodes[fold].Inputs[0]
	if !byMember {
		in = r.Inputs[0]
		for i := len(cone) - 1; i >= 0; i-- {
			m := *c.Nodes[cone[i]]
			m.Loc, m.Inputs, m.Lifetimes = coord, []int{in}, slices.Clone(m.Lifetimes)
			in = c.Add(&m).ID
		}
	}
	// The coordinator's fold of the updates is durable, as its numbering:
	// restarted, it publishes what it had merged again, under a new
	// number.
	own := add(coord, ops.LatticeFold, value, []int{in}, []ir.Lifetime{ir.Durable}, &parse.Syntax{})
	timer := add(coord, ops.Timer, timeT, nil, nil, &parse.Syntax{})
	timer.Period = &period
	if byMember {
		// The coordination runs at partition 0 alone: the timer that
		// publishes, resends and repeats the watermark passes nothing at
		// the other partitions (which receive no updates, so their fold
		// never grows), and nothing they send is sent every period.
		ownID := add(coord, ops.SelfID, memberT, nil, nil, &parse.Syntax{OwnMember: true})
		first := add(coord, ops.Filter, memberT, []int{ownID.ID}, nil, udf(boolT, []types.Type{memberT}, func(w parse.Writer) string {
			return fmt.Sprintf("func(m %s) bool { return m%%%d == 0 }", w.Type(memberT), step.Partitions)
		}))
		timer = add(coord, ops.CrossJoin, timeT, []int{timer.ID, first.ID}, []ir.Lifetime{ir.Tick, ir.Static}, udf(timeT, []types.Type{timeT, memberT}, func(w parse.Writer) string {
			return fmt.Sprintf("func(t %s, _ %s) %s { return t }", w.Type(timeT), w.Type(memberT), w.Type(timeT))
		}))
	}
	// Every period, publish the fold if it grew since the last
	// publication.
	published := add(coord, ops.LatticeFold, value, []int{-1}, []ir.Lifetime{ir.Static}, &parse.Syntax{})
	due := add(coord, ops.CrossJoin, value, []int{own.ID, timer.ID}, tt, udf(value, []types.Type{value, timeT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(v %s, _ %s) %s { return v%s }", w.Type(value), w.Type(timeT), w.Type(value), clone)
	}))
	// One publication at a time: a new one waits until the last is
	// committed, so the partitions' holds are as short as one round. The
	// last is the one carried uncommitted, which a crash of the
	// coordinator loses with the tally: so its restart publishes again at
	// once, under a new number, and the partitions' holds end.
	pending := add(coord, ops.LatticeFold, maxT, []int{-1}, []ir.Lifetime{ir.Tick}, &parse.Syntax{})
	idle := add(coord, ops.Map, boolT, []int{pending.ID}, nil, udf(boolT, []types.Type{maxT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(m %s) bool { _, open := m.Value(); return !open }", w.Type(maxT))
	}))
	idleNow := add(coord, ops.Filter, boolT, []int{idle.ID}, nil, udf(boolT, []types.Type{boolT}, func(parse.Writer) string {
		return "func(ok bool) bool { return ok }"
	}))
	ready := add(coord, ops.CrossJoin, value, []int{due.ID, idleNow.ID}, tt, udf(value, []types.Type{value, boolT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(v %s, _ bool) %s { return v }", w.Type(value), w.Type(value))
	}))
	grown := add(coord, ops.CrossJoin, indexedT, []int{ready.ID, published.ID}, tt, udf(indexedT, []types.Type{value, value}, func(w parse.Writer) string {
		return fmt.Sprintf("func(v, last %s) (x %s) {\nx.Value = v\nif v.LessEq(last) {\nx.Index = -1\n}\nreturn x\n}", w.Type(value), w.Type(indexedT))
	}))
	fresh := add(coord, ops.Filter, indexedT, []int{grown.ID}, nil, udf(boolT, []types.Type{indexedT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(x %s) bool { return x.Index == 0 }", w.Type(indexedT))
	}))
	values := add(coord, ops.Map, value, []int{fresh.ID}, nil, udf(value, []types.Type{indexedT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(x %s) %s { return x.Value }", w.Type(indexedT), w.Type(value))
	}))
	// Durable numbering: the highest number issued is durable in the tick
	// its publication is sent (before it leaves), and the next is one
	// above it, across crashes of the coordinator too, so a number is
	// never issued twice.
	issued := add(coord, ops.LatticeFold, maxT, []int{-1}, []ir.Lifetime{ir.Durable}, &parse.Syntax{})
	prev := add(coord, ops.DeferTickLazy, maxT, []int{issued.ID}, nil, &parse.Syntax{})
	pubs := add(coord, ops.CrossJoin, pubT, []int{values.ID, prev.ID}, tt, udf(pubT, []types.Type{value, maxT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(v %s, last %s) (p %s) {\nn, _ := last.Value()\np.Seq, p.Value = n+1, v\nreturn p\n}", w.Type(value), w.Type(maxT), w.Type(pubT))
	}))
	issued.Inputs[0] = add(coord, ops.Map, maxT, []int{pubs.ID}, nil, udf(maxT, []types.Type{pubT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(p %s) %s { return %s }", w.Type(pubT), w.Type(maxT), newMax(w, "p.Seq"))
	})).ID
	// What is published is what was numbered: in the first tick after a
	// restart, before the highest number issued is read back, nothing is.
	sentValues := add(coord, ops.Map, value, []int{pubs.ID}, nil, udf(value, []types.Type{pubT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(p %s) %s { return p.Value }", w.Type(pubT), w.Type(value))
	}))
	published.Inputs[0] = add(coord, ops.DeferTickLazy, value, []int{sentValues.ID}, nil, &parse.Syntax{}).ID

	// Votes are merged per number and carried until committed; the
	// committed watermark is the highest number every partition voted for.
	// By member, the votes go back to partition 0 of the voter's own base
	// member, and the publications and watermarks to its partitions only.
	toOwn, own0 := ops.Send, &parse.Syntax{}
	ownAll := func() *parse.Syntax { return &parse.Syntax{Replicated: true} }
	if byMember {
		toOwn = toLoc
		if toOwn == ops.Broadcast {
			toOwn = ops.Demux
		}
		own0 = &parse.Syntax{OwnBase: true, FixedPart: true}
		ownAll = func() *parse.Syntax { return &parse.Syntax{OwnBase: true, AllParts: true} }
	}
	votesIn := add(coord, toOwn, voteT, []int{-1}, nil, own0)
	pool := add(coord, ops.Union, voteT, []int{votesIn.ID, -1}, nil, &parse.Syntax{})
	tally := add(coord, ops.MergeKeyed, voteT, []int{pool.ID}, []ir.Lifetime{ir.Tick}, &parse.Syntax{Keys: []*parse.Key{voteKey}})
	parts := step.Partitions
	var full *ir.Node
	if c.Locations[loc].Kind == ir.ClusterLoc && !byMember {
		size := add(coord, ops.ClusterSize, intT, nil, nil, &parse.Syntax{})
		size.Target = c.Locations[loc].Name
		full = add(coord, ops.CrossJoin, maxT, []int{tally.ID, size.ID}, []ir.Lifetime{ir.Tick, ir.Static}, udf(maxT, []types.Type{voteT, intT}, func(w parse.Writer) string {
			return fmt.Sprintf("func(v %s, members int) (m %s) {\nif v.Voters.Len() >= members*%d {\nm = %s\n}\nreturn m\n}", w.Type(voteT), w.Type(maxT), parts, newMax(w, "v.Seq"))
		}))
	} else {
		full = add(coord, ops.Map, maxT, []int{tally.ID}, nil, udf(maxT, []types.Type{voteT}, func(w parse.Writer) string {
			return fmt.Sprintf("func(v %s) (m %s) {\nif v.Voters.Len() >= %d {\nm = %s\n}\nreturn m\n}", w.Type(voteT), w.Type(maxT), parts, newMax(w, "v.Seq"))
		}))
	}
	committed := add(coord, ops.LatticeFold, maxT, []int{full.ID}, []ir.Lifetime{ir.Static}, &parse.Syntax{})
	// above keeps the items of a stream of type t with a Seq field above
	// the watermark, copied by copy, for the next tick.
	above := func(from int, t types.Type, copy string) *ir.Node {
		marked := add(coord, ops.CrossJoin, t, []int{from, committed.ID}, tt, udf(t, []types.Type{t, maxT}, func(w parse.Writer) string {
			return fmt.Sprintf("func(x %s, done %s) %s {\nif w, ok := done.Value(); ok && x.Seq <= w {\nx.Seq = 0\n}\n%sreturn x\n}", w.Type(t), w.Type(maxT), w.Type(t), copy)
		}))
		return add(coord, ops.Filter, t, []int{marked.ID}, nil, udf(boolT, []types.Type{t}, func(w parse.Writer) string {
			return fmt.Sprintf("func(x %s) bool { return x.Seq != 0 }", w.Type(t))
		}))
	}
	// Only the latest publication above the watermark is carried and
	// resent: it holds every earlier one.
	outstanding := add(coord, ops.Union, pubT, []int{pubs.ID, -1}, nil, &parse.Syntax{})
	latest := add(coord, ops.Reduce, pubT, []int{outstanding.ID}, []ir.Lifetime{ir.Tick}, &parse.Syntax{UDFs: []*parse.UDF{
		gen(types.NewSignatureType(nil, nil, nil, types.NewTuple(types.NewParam(token.NoPos, nil, "", types.NewPointer(pubT)), types.NewParam(token.NoPos, nil, "", pubT)), nil, false), nil,
			func(w parse.Writer) string {
				return fmt.Sprintf("func(acc *%s, p %s) {\nif p.Seq > acc.Seq {\n*acc = p\n}\n}", w.Type(pubT), w.Type(pubT))
			})}})
	open := above(latest.ID, pubT, "")
	carried := add(coord, ops.DeferTickLazy, pubT, []int{open.ID}, nil, &parse.Syntax{})
	outstanding.Inputs[1] = carried.ID
	// Idle: no publication carried is still above the watermark.
	pending.Inputs[0] = add(coord, ops.Map, maxT, []int{above(carried.ID, pubT, "").ID}, nil, udf(maxT, []types.Type{pubT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(p %s) %s { return %s }", w.Type(pubT), w.Type(maxT), newMax(w, "p.Seq"))
	})).ID
	pool.Inputs[1] = add(coord, ops.DeferTickLazy, voteT, []int{above(tally.ID, voteT, "x.Voters = x.Voters.Clone()\n").ID}, nil, &parse.Syntax{}).ID
	resent := add(coord, ops.CrossJoin, pubT, []int{carried.ID, timer.ID}, tt, udf(pubT, []types.Type{pubT, timeT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(p %s, _ %s) %s { return p }", w.Type(pubT), w.Type(timeT), w.Type(pubT))
	}))
	sent := add(coord, ops.Union, pubT, []int{pubs.ID, resent.ID}, nil, &parse.Syntax{})
	grew := add(coord, ops.Filter, maxT, []int{full.ID}, nil, udf(boolT, []types.Type{maxT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(m %s) bool { _, ok := m.Value(); return ok }", w.Type(maxT))
	}))
	again := add(coord, ops.CrossJoin, maxT, []int{committed.ID, timer.ID}, tt, udf(maxT, []types.Type{maxT, timeT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(m %s, _ %s) %s { return m }", w.Type(maxT), w.Type(timeT), w.Type(maxT))
	}))
	marks := add(coord, ops.Union, maxT, []int{grew.ID, again.ID}, nil, &parse.Syntax{})

	// At every partition: merge each publication into the replicated
	// fold, vote for it, and hold the other inputs while a publication it
	// has is above the watermark it knows.
	if byMember {
		toLoc = toOwn
	}
	arrived := add(loc, toLoc, pubT, []int{sent.ID}, nil, ownAll())
	merged := add(loc, ops.Map, value, []int{arrived.ID}, nil, udf(value, []types.Type{pubT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(p %s) %s { return p.Value }", w.Type(pubT), w.Type(value))
	}))
	c.Nodes[fold].Inputs[0] = merged.ID
	self := add(loc, ops.SelfID, memberT, nil, nil, &parse.Syntax{OwnMember: true})
	votes := add(loc, ops.CrossJoin, voteT, []int{arrived.ID, self.ID}, []ir.Lifetime{ir.Tick, ir.Static}, udf(voteT, []types.Type{pubT, memberT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(p %s, m %s) (v %s) {\nv.Seq = p.Seq\nv.Voters.Insert(m)\nreturn v\n}", w.Type(pubT), w.Type(memberT), w.Type(voteT))
	}))
	votesIn.Inputs[0] = votes.ID
	seqs := add(loc, ops.Map, maxT, []int{arrived.ID}, nil, udf(maxT, []types.Type{pubT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(p %s) %s { return %s }", w.Type(pubT), w.Type(maxT), newMax(w, "p.Seq"))
	}))
	// A partition whose replicated fold is durable keeps the highest
	// number it merged durably too: restarted with a publication merged
	// but not yet committed, it holds its inputs until the watermark
	// passes it, as it did before the crash.
	haveLife := ir.Static
	if c.Nodes[fold].Lifetimes[0] == ir.Durable {
		haveLife = ir.Durable
	}
	have := add(loc, ops.LatticeFold, maxT, []int{seqs.ID}, []ir.Lifetime{haveLife}, &parse.Syntax{})
	heard := add(loc, toLoc, maxT, []int{marks.ID}, nil, ownAll())
	known := add(loc, ops.LatticeFold, maxT, []int{heard.ID}, []ir.Lifetime{ir.Static}, &parse.Syntax{})
	gate := add(loc, ops.CrossJoin, boolT, []int{have.ID, known.ID}, tt, udf(boolT, []types.Type{maxT, maxT}, func(w parse.Writer) string {
		return fmt.Sprintf("func(have, done %s) bool { return have.LessEq(done) }", w.Type(maxT))
	}))
	when := func(b bool) *ir.Node {
		not := "!"
		if b {
			not = ""
		}
		return add(loc, ops.Filter, boolT, []int{gate.ID}, nil, udf(boolT, []types.Type{boolT}, func(parse.Writer) string {
			return fmt.Sprintf("func(ok bool) bool { return %sok }", not)
		}))
	}
	released, held := when(true), when(false)
	for _, id := range others {
		t := parse.Go(c.Nodes[id].Elem)
		pass := func(w parse.Writer) string {
			return fmt.Sprintf("func(x %s, _ bool) %s { return x }", w.Type(t), w.Type(t))
		}
		waiting := add(loc, ops.Union, t, []int{id, -1}, nil, &parse.Syntax{})
		out := add(loc, ops.CrossJoin, t, []int{waiting.ID, released.ID}, tt, udf(t, []types.Type{t, boolT}, pass))
		keep := add(loc, ops.CrossJoin, t, []int{waiting.ID, held.ID}, tt, udf(t, []types.Type{t, boolT}, pass))
		waiting.Inputs[1] = add(loc, ops.DeferTickLazy, t, []int{keep.ID}, nil, &parse.Syntax{}).ID
		for _, e := range consumers[id] {
			c.Nodes[e.To].Inputs[e.Port] = out.ID
		}
	}
	return nil
}
