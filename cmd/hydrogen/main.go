// Command hydrogen compiles the //hydro:flow functions of Go packages into
// fused Go code. Run it from a package with
//
//	//go:generate go run github.com/hydrogo/hydro/cmd/hydrogen
//
// or over a module with "hydrogen ./...". For every flow it writes
// <flow>_hydro.go beside the flow's source. Problems are printed as
// file:line:col: message, sorted, and make hydrogen exit with status 1; no
// file is written for a flow with problems.
//
// "hydrogen graph [-format mermaid|dot] <package> <Flow>" prints the scheduled
// graph of a flow.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hydrogo/hydro/gen/emit"
	"github.com/hydrogo/hydro/gen/load"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/gen/schedule"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "graph" {
		return graph(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("hydrogen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hydrogen [packages]\n       hydrogen graph [-format mermaid|dot] <package> <Flow>")
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := Generate(".", fs.Args()...); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// Generate writes the generated file of every flow in the packages matching
// patterns (relative to dir). Files whose content did not change are left
// untouched. Every problem is returned, sorted.
func Generate(dir string, patterns ...string) error {
	files, err := Compile(dir, patterns...)
	for path, src := range files {
		if old, rerr := os.ReadFile(path); rerr == nil && bytes.Equal(old, src) {
			continue
		}
		if werr := os.WriteFile(path, src, 0o666); werr != nil {
			return fmt.Errorf("writing generated code: %w", werr)
		}
	}
	return err
}

// Compile returns the generated file of every flow without problems in the
// packages matching patterns (relative to dir), by path, and every problem,
// sorted.
func Compile(dir string, patterns ...string) (map[string][]byte, error) {
	res, err := load.Packages(dir, patterns...)
	if err != nil {
		return nil, err
	}
	parsed := parse.Packages(res.Fset, res.Packages)
	all := parsed.All()
	files := map[string][]byte{}
	for _, f := range parsed.Flows {
		if len(parsed.Errors[f]) > 0 {
			continue
		}
		src, errs := emit.Flow(f)
		if len(errs) > 0 {
			all = append(all, errs...)
			continue
		}
		files[filepath.Join(filepath.Dir(f.File), emit.FileName(f.Name))] = src
	}
	if len(all) > 0 {
		all.Sort()
		return files, all
	}
	return files, nil
}

func graph(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hydrogen graph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "mermaid", "output format: mermaid or dot")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 || (*format != "mermaid" && *format != "dot") {
		fmt.Fprintln(stderr, "usage: hydrogen graph [-format mermaid|dot] <package> <Flow>")
		return 2
	}
	if err := printGraph(stdout, *format, fs.Arg(0), fs.Arg(1)); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

func printGraph(w io.Writer, format, pkg, name string) error {
	res, err := load.Packages(".", pkg)
	if err != nil {
		return err
	}
	parsed := parse.Packages(res.Fset, res.Packages)
	for _, f := range parsed.Flows {
		if f.Name != name {
			continue
		}
		if errs := parsed.Errors[f]; len(errs) > 0 {
			return errs
		}
		for loc := range f.Graph.Locations {
			s, err := schedule.Compute(f.Graph, loc)
			if err != nil {
				return err
			}
			if format == "dot" {
				err = s.Dot(w)
			} else {
				err = s.Mermaid(w)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	return errors.New("hydrogen graph: no flow " + name + " in " + pkg)
}
