package rewrite

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/hydrogo/hydro/internal/diag"
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
//
// A derive line starts a plan; the step lines after it belong to it. A
// step names its rewrite, the operators it applies to (by the variables
// they are bound to in the base flow's body, comma-separated) and the new
// role they move to.
type Plan struct {
	// Derived is the new flow's name; Base the flow it derives from.
	Derived, Base string
	// Pos is the position of the derive line.
	Pos   diag.Pos
	Steps []*Step
}

// A Step is one rewrite of a plan.
type Step struct {
	// Rewrite names the rewrite (see Rewrites).
	Rewrite string
	// Ops are the variables naming the operators the rewrite applies to.
	Ops []string
	// Role is the new location the operators move to.
	Role string
	// Pos is the position of the step's line.
	Pos diag.Pos
}

func (s *Step) String() string {
	return fmt.Sprintf("decouple %s %s to %s", s.Rewrite, strings.Join(s.Ops, ","), s.Role)
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
			p.Steps = append(p.Steps, &Step{Rewrite: fields[1], Ops: ops, Role: fields[4], Pos: pos})
		default:
			errorf("unknown plan directive %q (want derive or decouple)", fields[0])
		}
	}
	for _, p := range plans {
		if len(p.Steps) == 0 {
			errs = append(errs, diag.Errorf(p.Pos, diag.Rewrite, "plan %s has no steps", p.Derived))
		}
	}
	return plans, errs
}
