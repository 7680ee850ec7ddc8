package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/hydrogo/hydro/gen/analyze"
	"github.com/hydrogo/hydro/gen/pipeline"
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

// explain implements "hydrogen explain <package> <Flow>".
func explain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hydrogen explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 {
		fmt.Fprintln(stderr, "usage: hydrogen explain <package> <Flow>")
		return 2
	}
	f, err := pipeline.LoadFlow(".", fs.Arg(0), fs.Arg(1))
	if err == nil {
		err = analyze.Explain(stdout, f.Flow)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
