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
// graph of a flow. "hydrogen check [packages]" reports problems and the
// analyses' warnings (where a program's outcome depends on the network and
// needs coordination) without writing code; "hydrogen explain <package>
// <Flow>" prints what the analyses know about each operator and location.
// "hydrogen run" starts a flow's nodes on this machine and "hydrogen certs"
// makes a deployment's certificates (docs/deploy.md).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/tools/go/packages"

	"github.com/hydrogo/hydro/gen/codec"
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
	if len(args) > 0 && args[0] == "run" {
		return runCmd(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "check" {
		return check(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "explain" {
		return explain(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "certs" {
		return certsCmd(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("hydrogen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hydrogen [packages]\n       hydrogen check [packages]\n       hydrogen explain <package> <Flow>\n       hydrogen graph [-format mermaid|dot] <package> <Flow>\n       hydrogen run [-flow NAME] [-n role=count,...] [-for DURATION] [-outputs N] <package> [-- node flags...]\n       hydrogen certs -o DIR [-name NAME] [-clients NAME,...] role=count ...")
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
		if src == nil {
			if rerr := os.Remove(path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
				return fmt.Errorf("removing stale generated code: %w", rerr)
			}
			if filepath.Base(path) == "main.go" {
				os.Remove(filepath.Dir(path)) // the role's directory, if nothing else is in it
			}
			continue
		}
		if old, rerr := os.ReadFile(path); rerr == nil && bytes.Equal(old, src) {
			continue
		}
		if werr := os.MkdirAll(filepath.Dir(path), 0o777); werr != nil {
			return fmt.Errorf("writing generated code: %w", werr)
		}
		if werr := os.WriteFile(path, src, 0o666); werr != nil {
			return fmt.Errorf("writing generated code: %w", werr)
		}
	}
	return err
}

// Compile returns the files generated for the packages matching patterns
// (relative to dir), by path, and every problem, sorted: the file of every
// flow without problems, each package's codecs for the types that cross the
// network, and, for packages whose flows span locations, one main package
// per role.
func Compile(dir string, patterns ...string) (map[string][]byte, error) {
	res, err := load.Packages(dir, patterns...)
	if err != nil {
		return nil, err
	}
	parsed := parse.Packages(res.Fset, res.Packages)
	marked, codecErrs := parse.Codecs(res.Fset, res.Packages)
	all := append(parsed.All(), codecErrs...)
	flows := map[*packages.Package][]*parse.Flow{}
	for _, f := range parsed.Flows {
		flows[f.Pkg] = append(flows[f.Pkg], f)
	}
	files := map[string][]byte{}
	for _, pkg := range res.Packages {
		all = append(all, compilePackage(pkg, flows[pkg], marked[pkg], parsed.Errors, files)...)
	}
	if len(all) > 0 {
		all.Sort()
		return files, all
	}
	return files, nil
}

// compilePackage adds the generated files of one package to files and
// returns its problems.
func compilePackage(pkg *packages.Package, flows []*parse.Flow, marked []*types.Named, flowErrs map[*parse.Flow]parse.ErrorList, files map[string][]byte) parse.ErrorList {
	if len(flows) == 0 && len(marked) == 0 || len(pkg.GoFiles) == 0 {
		return nil
	}
	var errs parse.ErrorList
	dir := filepath.Dir(pkg.GoFiles[0])
	imports := emit.NewImports(pkg.PkgPath)
	codecs := codec.New(pkg.Types, imports.Qualify)
	for _, t := range marked {
		if _, _, err := codecs.Need(t); err != nil {
			errs = append(errs, &parse.Error{Pos: pkg.Fset.Position(t.Obj().Pos()), Msg: "//hydro:codec: " + err.Error()})
			continue
		}
		codecs.MarkMethods(t)
	}
	var good []*parse.Flow
	network := false
	for _, f := range flows {
		if len(flowErrs[f]) == 0 {
			good = append(good, f)
			network = network || parse.UsesNetwork(f)
		}
	}
	var emitted []*parse.Flow
	for _, f := range good {
		if emit.FileName(f.Name) == emit.CodecFileName {
			errs = append(errs, &parse.Error{Pos: f.Fset.Position(f.Decl.Name.Pos()), Msg: fmt.Sprintf("flow %s would be generated into %s, which holds the package's codecs; rename it", f.Name, emit.CodecFileName)})
			continue
		}
		src, ferrs := emit.Flow(f, codecs, network)
		if len(ferrs) > 0 {
			errs = append(errs, ferrs...)
			continue
		}
		files[filepath.Join(dir, emit.FileName(f.Name))] = src
		emitted = append(emitted, f)
	}
	if network {
		mains, merrs := emit.Mains(pkg.PkgPath, pkg.Name, emitted, codecs)
		errs = append(errs, merrs...)
		for rel, src := range mains {
			files[filepath.Join(dir, filepath.FromSlash(rel))] = src
		}
	}
	if decls := codecs.Source(); len(decls) > 0 {
		src, err := emit.CodecFile(pkg.Name, imports, decls)
		if err != nil {
			errs = append(errs, &parse.Error{Pos: token.Position{Filename: dir}, Msg: err.Error()})
		} else {
			files[filepath.Join(dir, emit.CodecFileName)] = src
		}
	}
	if len(errs) == 0 && len(good) == len(flows) {
		// Only a package compiled without problems says what is stale: a
		// flow with problems keeps its previous file.
		markStale(dir, files)
	}
	return errs
}

// markStale marks, with a nil entry in files, every file in dir that hydrogen
// generated earlier and no longer generates: a removed flow's file, codecs
// no longer needed, the main of a role that is gone.
func markStale(dir string, files map[string][]byte) {
	old, _ := filepath.Glob(filepath.Join(dir, "*_hydro.go"))
	mains, _ := filepath.Glob(filepath.Join(dir, "cmd", "*", "main.go"))
	for _, path := range append(old, mains...) {
		if _, ok := files[path]; ok {
			continue
		}
		if generated(path) {
			files[path] = nil
		}
	}
}

// generated reports whether the file at path starts with hydrogen's header.
func generated(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(emit.Header))
	_, err = io.ReadFull(f, head)
	return err == nil && string(head) == emit.Header
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
