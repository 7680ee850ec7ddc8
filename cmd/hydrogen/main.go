// Command hydrogen compiles the //hydro:flow functions of Go packages into
// fused Go code. Run it from a package with
//
//	//go:generate go run github.com/hydrogo/hydro/cmd/hydrogen
//
// or over a module with "hydrogen ./...". For every flow it writes
// <flow>_hydro.go beside the flow's source. Problems and warnings are
// printed as file:line:col: message (warnings as file:line:col: warning:
// message), sorted. Problems make hydrogen exit with status 1 and no file is
// written for a flow with problems; warnings alone exit 0, or 1 with -Werror.
//
// The compiler itself is package gen/pipeline; this command parses flags,
// calls it and prints what it returns.
//
// "hydrogen graph [-format mermaid|dot] [-color fact] <package> <Flow>" prints
// the scheduled graph of a flow, its operators coloured by a fact of the
// analyses if asked. "hydrogen check [packages]" reports problems and the
// analyses' warnings (where a program's outcome depends on the network and
// needs coordination) without writing code; "hydrogen explain <package>
// <Flow>" prints what the analyses know about each operator and location.
// "hydrogen run" starts a flow's nodes on this machine and "hydrogen certs"
// makes a deployment's certificates; "hydrogen manifests" writes a flow's
// Kubernetes manifests and compose file (docs/deploy.md).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hydrogo/hydro/gen/analyze"
	"github.com/hydrogo/hydro/gen/pipeline"
	"github.com/hydrogo/hydro/gen/schedule"
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/diag"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: hydrogen [-Werror] [packages]
       hydrogen check [-Werror] [packages]
       hydrogen explain <package> <Flow>
       hydrogen graph [-format mermaid|dot] [-color monotone|functional|order] <package> <Flow>
       hydrogen run [-flow NAME] [-n role=count,...] [-for DURATION] [-outputs N] <package> [-- node flags...]
       hydrogen certs -o DIR [-name NAME] [-clients NAME,...] role=count ...
       hydrogen manifests [-flow NAME] [-n role=count,...] [-app NAME] [-image-prefix PREFIX] [-tag TAG] -o DIR <package> [-- node flags...]`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "graph":
			return graph(args[1:], stdout, stderr)
		case "run":
			return runCmd(args[1:], stdout, stderr)
		case "check":
			return check(args[1:], stdout, stderr)
		case "explain":
			return explain(args[1:], stdout, stderr)
		case "certs":
			return certsCmd(args[1:], stdout, stderr)
		case "manifests":
			return manifestsCmd(args[1:], stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("hydrogen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	werror := fs.Bool("Werror", false, "treat warnings as errors")
	fs.Usage = func() { fmt.Fprintln(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ds, err := pipeline.Generate(".", fs.Args()...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return report(stderr, ds, *werror)
}

// report prints ds, sorted, and returns the exit status they call for: 1
// for an error, or for a warning under -Werror; 0 otherwise.
func report(w io.Writer, ds diag.List, werror bool) int {
	ds.Sort()
	for _, d := range ds {
		fmt.Fprintln(w, d)
	}
	if ds.HasErrors() || werror && len(ds) > 0 {
		return 1
	}
	return 0
}

func graph(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hydrogen graph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "mermaid", "output format: mermaid or dot")
	color := fs.String("color", "", "colour operators by what the analyses found: "+strings.Join(analyze.Colorings, ", "))
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 || (*format != "mermaid" && *format != "dot") {
		fmt.Fprintln(stderr, "usage: hydrogen graph [-format mermaid|dot] [-color monotone|functional|order] <package> <Flow>")
		return 2
	}
	if err := printGraph(stdout, *format, *color, fs.Arg(0), fs.Arg(1)); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

func printGraph(w io.Writer, format, color, pkg, name string) error {
	f, err := pipeline.LoadFlow(".", pkg, name)
	if err != nil {
		return err
	}
	scheds := f.Schedules()
	if err := f.Diagnostics.Err(); err != nil {
		return err
	}
	var h *schedule.Highlight
	if color != "" {
		res, err := analyze.Run(f.Flow, analysis.All...)
		if err != nil {
			return err
		}
		if h, err = analyze.Highlight(res, color); err != nil {
			return err
		}
	}
	for _, s := range scheds {
		if format == "dot" {
			err = s.DotHighlight(w, h)
		} else {
			err = s.MermaidHighlight(w, h)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
