package rewrite

import (
	"fmt"
	"slices"
	"sort"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
)

// A StepReport says how one step of a plan was checked: its precondition,
// the facts of the analyses it used, and the diagnostic that refused it
// (nil if it applied).
type StepReport struct {
	Step         *Step
	Precondition string
	// Location is the location the step decouples operators from, or the
	// location it partitions ("" if the step could not be located).
	Location string
	Facts    []string
	Err      *diag.Diagnostic
}

// ExplainPlan applies plan to base as Derive does and reports every step
// it checked; it stops after the first step whose precondition fails.
func ExplainPlan(base *parse.Flow, plan *Plan) []StepReport {
	d := &derivation{base: base, names: Bindings(base), g: base.Graph.Clone(), sealed: map[int]*sealed{}}
	d.g.Name = plan.Derived
	var reports []StepReport
	for _, step := range plan.Steps {
		g, names := d.g, d.names
		if dir := directives[step.Directive]; dir != nil {
			next, bad := dir.apply(d, step)
			r := StepReport{Step: step, Precondition: dir.precondition, Facts: d.done, Err: bad}
			d.done = nil
			reports = append(reports, r)
			if bad != nil {
				break
			}
			d.g = next
			continue
		}
		if step.Rewrite == partialRewrite || step.Rewrite == sealRewrite {
			apply, pre := partial, partialPrecondition
			switch {
			case step.Rewrite == sealRewrite:
				apply, pre = seal, sealPrecondition
			case step.Args["sealing"] != "":
				pre = partialSealPrecondition
			}
			next, bad := apply(d, step)
			reports = append(reports, StepReport{Step: step, Precondition: pre, Location: step.Role, Facts: d.done, Err: bad})
			d.done = nil
			if bad != nil {
				break
			}
			d.g = next
			continue
		}
		if step.Rewrite == partitionRewrite {
			next, used, bad := partitionExplained(base, g, step)
			reports = append(reports, StepReport{Step: step, Precondition: partitionPrecondition, Location: step.Role, Facts: used, Err: bad})
			if bad != nil {
				break
			}
			d.g = next
			continue
		}
		s, bad := check(base, g, names, step)
		r := StepReport{Step: step, Precondition: rewrites[step.Rewrite].precondition, Err: bad}
		if s != nil {
			r.Facts = s.used
			if s.from >= 0 && s.from < len(g.Locations) {
				r.Location = g.Locations[s.from].Name
				if l := g.Locations[s.from]; l.Kind == ir.ClusterLoc {
					r.Facts = append(r.Facts, pairedFact(l.Name, step.Role))
				}
			}
		}
		if bad == nil {
			next, err := decouple(g, s)
			if err != nil {
				r.Err = diag.Errorf(step.Pos, diag.Rewrite, "%s: %v", step, err)
			}
			d.g = next
		}
		reports = append(reports, r)
		if r.Err != nil {
			break
		}
	}
	return reports
}

// A Candidate is a variable of a flow's body whose operators are at one
// location, and what each rewrite says of decoupling them alone.
type Candidate struct {
	// Location is the location the variable's operators are at; Var the
	// variable.
	Location, Var string
	// Verdicts has one entry per rewrite, in the order of Rewrites.
	Verdicts []Verdict
}

// A Verdict is whether a rewrite applies to a candidate, and if not why.
type Verdict struct {
	Rewrite string
	OK      bool
	// Why is the refusal's message, without its step prefix.
	Why string
}

// candidateRole names the new location of a candidate's trial steps: no
// flow can have declared it, as locations are named by identifiers.
const candidateRole = "explained"

// Candidates checks, for every variable of base's body that names
// operators of one non-client location (a process, or a cluster, which a
// decoupling pairs with a cluster of proxies), the precondition of every rewrite
// for decoupling that variable's operators alone, and returns the results
// by location and variable.
func Candidates(base *parse.Flow) []Candidate {
	names := Bindings(base)
	vars := make([]string, 0, len(names))
	for v := range names {
		vars = append(vars, v)
	}
	sort.Strings(vars)
	g := base.Graph
	var out []Candidate
	for _, v := range vars {
		c := Candidate{Var: v}
		for _, rw := range Rewrites() {
			step := &Step{Rewrite: rw, Ops: []string{v}, Role: candidateRole, Pos: diag.Pos{File: "explain"}}
			s, d := check(base, g, names, step)
			if s == nil || s.from < 0 || client(g, s.from) {
				c = Candidate{}
				break // not a candidate: not at one location, or at a client
			}
			c.Location = g.Locations[s.from].Name
			verdict := Verdict{Rewrite: rw, OK: d == nil}
			if d != nil {
				verdict.Why = d.Message[len(step.String())+2:]
				if d.Pos.File != step.Pos.File {
					verdict.Why = fmt.Sprintf("%s: %s", short(d.Pos), verdict.Why)
				}
			}
			c.Verdicts = append(c.Verdicts, verdict)
		}
		if c.Var != "" {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b Candidate) int {
		if a.Location != b.Location {
			return g.Location(a.Location).ID - g.Location(b.Location).ID
		}
		return 0
	})
	return out
}

// pairedFact says what decoupling off cluster from to role makes of role.
func pairedFact(from, role string) string {
	return fmt.Sprintf("%s is a cluster: %s is a cluster paired with it, one proxy per member of %s (its SelfID the member's), sized as %s; what the step relays goes from each member to its own proxy and back", from, role, from, from)
}
