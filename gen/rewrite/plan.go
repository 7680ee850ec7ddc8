package rewrite

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
)

// PlanExt is the extension of plan files: hydrogen reads every file of a
// package's directory that ends in it.
const PlanExt = ".hydroplan"

// A Plan derives a new flow from a base flow of the same package by a
// sequence of rewrites. The base flow is not changed; the derived flow gets
// its own nodes, codecs and role mains like any other flow.
//
// A plan file holds one or more plans, one directive a line; '#' starts a
// comment:
//
//	derive ScalableVoting from Voting
//	decouple functional ballots to broadcaster
//	partition participant into 5
//
// A derive line starts a plan; the step lines after it belong to it. A
// decouple step names its rewrite, the operators it applies to (by the
// variables they are bound to in the base flow's body, comma-separated)
// and the new role they move to. A partition step, "partition ROLE into N
// [by FIELD,...]", names a location, the number of partitions of each of
// its members and, optionally, the fields to route by. A partial
// partitioning, "partition ROLE into N [by FIELD,...] replicating FOLD
// every DURATION", names the lattice fold whose state is replicated at
// every partition and the period at which the coordination resends what
// was not acknowledged.
// A partitioning with sealing, "partition ROLE into N [by FIELD,...]
// sealing STREAM [forgetting after DURATION] [keeping N]", names the
// network operator (by its variable) that carries a batch the location
// sends, recombined at the receiver from the partitions' parts; the
// receiver forgets a batch that is still incomplete DURATION after its
// first part arrived (SealForgetting by default) and carries at most N
// incomplete ones (SealKeeping by default), evicting the oldest.
type Plan struct {
	// Derived is the new flow's name; Base the flow it derives from.
	Derived, Base string
	// Pos is the position of the derive line.
	Pos   diag.Pos
	Steps []*Step
}

// A Step is one rewrite of a plan.
type Step struct {
	// Directive is the step's first word: "decouple", or a transformation
	// of its own (see Directives).
	Directive string
	// Rewrite names the rewrite (see Rewrites), or the variant of a
	// directive ("upgrade ssiv"), or is "partition".
	Rewrite string
	// Ops are the variables naming the operators the rewrite applies to.
	Ops []string
	// Role is the new location the operators move to, or the location a
	// partitioning partitions.
	Role string
	// Args are a directive's further options by keyword ("until" of
	// upgrade names the end marker).
	Args map[string]string
	// Partitions is the number of partitions of a partitioning.
	Partitions int
	// By names the fields a partitioning routes by, when the plan chooses
	// them.
	By []string
	// Pos is the position of the step's line.
	Pos diag.Pos
	// text is the step's line, for steps of other directives.
	text string
	// Done says, once Derive applied the step, what the step found and
	// did, one line per fact; explain prints it.
	Done []string
}

func (s *Step) String() string {
	if s.Rewrite == partialRewrite {
		return partialString(s)
	}
	if s.Rewrite == sealRewrite {
		return sealString(s)
	}
	if s.Rewrite == partitionRewrite {
		by := ""
		if len(s.By) > 0 {
			by = " by " + strings.Join(s.By, ",")
		}
		return fmt.Sprintf("partition %s into %d%s", s.Role, s.Partitions, by)
	}
	if s.Directive != "" && s.Directive != "decouple" {
		return s.text
	}
	return fmt.Sprintf("decouple %s %s to %s", s.Rewrite, strings.Join(s.Ops, ","), s.Role)
}

// directive is a plan directive other than derive and decouple: parse
// reads a step's fields (fields[0] is the directive) and returns the step
// or an error message; apply applies it; precondition says in a line what
// apply checks, for hydrogen explain.
type directive struct {
	parse        func(fields []string) (*Step, string)
	apply        func(d *derivation, s *Step) (*ir.Graph, *diag.Diagnostic)
	precondition string
}

// directives are the plan directives other than derive and decouple, by
// name; each is in the file of its transformation.
var directives = map[string]*directive{}

// Directives returns the names of every plan directive, sorted.
func Directives() []string {
	names := []string{"decouple", "derive", "partition"}
	for n := range directives {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ParsePlans reads the plans of one plan file. Every malformed line is a
// diagnostic at its position.
func ParsePlans(file string, src []byte) ([]*Plan, diag.List) {
	var plans []*Plan
	var errs diag.List
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		col := strings.Index(text, fields[0]) + 1
		pos := diag.Pos{File: file, Line: line, Col: col}
		errorf := func(format string, args ...any) {
			errs = append(errs, diag.Errorf(pos, diag.Rewrite, format, args...))
		}
		switch fields[0] {
		case "derive":
			if len(fields) != 4 || fields[2] != "from" {
				errorf("malformed plan line %q: want \"derive NEW from BASE\"", strings.TrimSpace(text))
				continue
			}
			plans = append(plans, &Plan{Derived: fields[1], Base: fields[3], Pos: pos})
		case "decouple":
			if len(fields) != 5 || fields[3] != "to" {
				errorf("malformed plan line %q: want \"decouple REWRITE op1,op2,... to ROLE\"", strings.TrimSpace(text))
				continue
			}
			if _, ok := rewrites[fields[1]]; !ok {
				errorf("unknown rewrite %q (want one of %s)", fields[1], strings.Join(Rewrites(), ", "))
				continue
			}
			if len(plans) == 0 {
				errorf("step before any \"derive NEW from BASE\" line")
				continue
			}
			ops := strings.Split(fields[2], ",")
			if slices.Contains(ops, "") {
				errorf("empty operator name in %q", fields[2])
				continue
			}
			p := plans[len(plans)-1]
			p.Steps = append(p.Steps, &Step{Directive: "decouple", Rewrite: fields[1], Ops: ops, Role: fields[4], Pos: pos})
		case "partition":
			parseStep := parsePartition
			switch {
			case slices.Contains(fields, "replicating"):
				parseStep = parsePartial
			case slices.Contains(fields, "sealing"):
				parseStep = parseSeal
			}
			step, err := parseStep(fields)
			switch {
			case err != nil:
				errorf("%v", err)
			case len(plans) == 0:
				errorf("step before any \"derive NEW from BASE\" line")
			default:
				step.Directive, step.Pos = "partition", pos
				p := plans[len(plans)-1]
				p.Steps = append(p.Steps, step)
			}
		default:
			dir, ok := directives[fields[0]]
			if !ok {
				errorf("unknown plan directive %q (want one of %s)", fields[0], strings.Join(Directives(), ", "))
				continue
			}
			step, msg := dir.parse(fields)
			if msg != "" {
				errorf("%s", msg)
				continue
			}
			if len(plans) == 0 {
				errorf("step before any \"derive NEW from BASE\" line")
				continue
			}
			step.Directive, step.Pos, step.text = fields[0], pos, strings.Join(fields, " ")
			p := plans[len(plans)-1]
			p.Steps = append(p.Steps, step)
		}
	}
	for _, p := range plans {
		if len(p.Steps) == 0 {
			errs = append(errs, diag.Errorf(p.Pos, diag.Rewrite, "plan %s has no steps", p.Derived))
		}
	}
	return plans, errs
}
