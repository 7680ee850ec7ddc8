package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hydrogo/hydro/gen/analyze"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/gen/pipeline"
	"github.com/hydrogo/hydro/gen/rewrite"
)

// check implements "hydrogen check [packages]": it reports the problems
// hydrogen would report and the analyses' warnings, without writing code.
// Errors make it exit with status 1; warnings alone exit 0.
func check(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hydrogen check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	werror := fs.Bool("Werror", false, "treat warnings as errors")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	p, err := pipeline.Load(".", fs.Args()...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if err := p.Analyze(); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	for _, f := range p.Flows {
		f.Schedules()
	}
	return report(stderr, p.Diagnostics(), *werror)
}

// explain implements "hydrogen explain [-plan FILE] <package> <Flow>": the
// analyses' facts about the flow, and per location which rewrites apply to
// which of its variables. For a derived flow, or with a plan file whose
// plan derives from or derives the flow, it shows every step of the plan,
// its precondition, and the facts it used.
func explain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hydrogen explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	planFile := fs.String("plan", "", "explain the plan in `FILE` (a "+rewrite.PlanExt+" file) that derives from or derives the flow")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 {
		fmt.Fprintln(stderr, "usage: hydrogen explain [-plan FILE] <package> <Flow>")
		return 2
	}
	p, err := pipeline.Load(".", fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	f := p.Flow(fs.Arg(1))
	if f == nil {
		fmt.Fprintf(stderr, "no flow %s in %s\n", fs.Arg(1), fs.Arg(0))
		return 1
	}
	if err := f.Diagnostics.Err(); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	plan := f.Plan
	if *planFile != "" {
		if plan, err = readPlan(*planFile, f.Name); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	if err := analyze.Explain(stdout, f.Flow); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if plan == nil {
		explainCandidates(stdout, f.Flow)
		return 0
	}
	base := p.Flow(plan.Base)
	if base == nil {
		fmt.Fprintf(stderr, "plan derives %s from %s, which is no flow of %s\n", plan.Derived, plan.Base, fs.Arg(0))
		return 1
	}
	if !explainPlan(stdout, base.Flow, plan) {
		return 1
	}
	return 0
}

// readPlan reads the plan of file that derives flow, or derives from it.
func readPlan(file, flow string) (*rewrite.Plan, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	plans, errs := rewrite.ParsePlans(file, src)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	for _, p := range plans {
		if p.Derived == flow || p.Base == flow {
			return p, nil
		}
	}
	return nil, fmt.Errorf("%s: no plan derives %s or derives from it", file, flow)
}

// explainCandidates prints, per location, what each rewrite says of
// decoupling each variable's operators alone.
func explainCandidates(w io.Writer, f *parse.Flow) {
	fmt.Fprintf(w, "\nrewrites (decoupling one variable's operators to a new location):\n")
	loc := ""
	for _, c := range rewrite.Candidates(f) {
		if c.Location != loc {
			loc = c.Location
			fmt.Fprintf(w, "  location %s\n", loc)
		}
		fmt.Fprintf(w, "    %s:\n", c.Var)
		for _, v := range c.Verdicts {
			if v.OK {
				fmt.Fprintf(w, "      %s: applies\n", v.Rewrite)
			} else {
				fmt.Fprintf(w, "      %s: no: %s\n", v.Rewrite, v.Why)
			}
		}
	}
}

// explainPlan prints every step of plan as applied to base: its
// precondition, the facts it used, and whether it applied. It reports
// whether every step applied.
func explainPlan(w io.Writer, base *parse.Flow, plan *rewrite.Plan) bool {
	fmt.Fprintf(w, "\nplan %s (%s): derive %s from %s\n", plan.Derived, plan.Pos, plan.Derived, plan.Base)
	ok := true
	for i, r := range rewrite.ExplainPlan(base, plan) {
		fmt.Fprintf(w, "  step %d (%s): %s\n", i+1, r.Step.Pos, r.Step)
		switch {
		case r.Location == "":
		case r.Step.Partitions > 0:
			fmt.Fprintf(w, "    partitions: %s\n", r.Location)
		default:
			fmt.Fprintf(w, "    decouples from: %s\n", r.Location)
		}
		fmt.Fprintf(w, "    precondition: %s\n", r.Precondition)
		for _, fact := range r.Facts {
			fmt.Fprintf(w, "    fact: %s\n", fact)
		}
		if r.Err != nil {
			fmt.Fprintf(w, "    refused: %s\n", r.Err)
			ok = false
		} else {
			fmt.Fprintf(w, "    applies\n")
		}
	}
	return ok
}
