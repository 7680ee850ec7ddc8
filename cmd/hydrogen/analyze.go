package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/hydrogo/hydro/gen/analyze"
	"github.com/hydrogo/hydro/gen/load"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/analysis"
)

// check implements "hydrogen check [packages]": it reports the problems
// hydrogen would report and the analyses' warnings, without writing code.
// Errors make it exit with status 1; warnings alone exit 0.
func check(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hydrogen check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	res, err := load.Packages(".", fs.Args()...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	parsed := parse.Packages(res.Fset, res.Packages)
	_, codecErrs := parse.Codecs(res.Fset, res.Packages)
	errs := append(parsed.All(), codecErrs...)
	errs.Sort()
	for _, e := range errs {
		fmt.Fprintln(stderr, e)
	}
	for _, f := range parsed.Flows {
		if len(parsed.Errors[f]) > 0 {
			continue
		}
		r, err := analyze.Run(f, analysis.All...)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		for _, d := range r.Diagnostics {
			fmt.Fprintf(stderr, "%s: warning: %s\n", d.Pos, d.Message)
		}
	}
	if len(errs) > 0 {
		return 1
	}
	return 0
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
	f, err := loadFlow(fs.Arg(0), fs.Arg(1))
	if err == nil {
		err = analyze.Explain(stdout, f)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// loadFlow parses the flow called name in package pkg.
func loadFlow(pkg, name string) (*parse.Flow, error) {
	res, err := load.Packages(".", pkg)
	if err != nil {
		return nil, err
	}
	parsed := parse.Packages(res.Fset, res.Packages)
	for _, f := range parsed.Flows {
		if f.Name != name {
			continue
		}
		if errs := parsed.Errors[f]; len(errs) > 0 {
			return nil, errs
		}
		return f, nil
	}
	return nil, errors.New("no flow " + name + " in " + pkg)
}
