// Package pipeline is hydrogen as a library: the stages that turn the
// //hydro:flow functions of Go packages into generated Go code, in order,
// each reading and writing the IR (package internal/ir):
//
//	load      go/packages, one call for all patterns          (gen/load)
//	build     flow bodies into graphs, Verify                  (gen/parse)
//	check     the checks the interpreter runs too, on the IR   (internal/check)
//	derive    flows derived by rewrite plans                   (gen/rewrite)
//	analyze   facts and coordination warnings                  (gen/analyze)
//	rewrite   passes that edit graphs (none by default)        (Pass)
//	schedule  strata, subgraphs, handoffs, once per location   (gen/schedule)
//	emit      Go code, codecs, per-role mains                  (gen/emit)
//
// Every stage reports through one diagnostic type (internal/diag). A flow
// with an error is not scheduled or emitted; warnings never stop a flow.
// cmd/hydrogen parses flags, calls this package and prints what it returns.
package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/hydrogo/hydro/gen/analyze"
	"github.com/hydrogo/hydro/gen/codec"
	"github.com/hydrogo/hydro/gen/emit"
	"github.com/hydrogo/hydro/gen/load"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/gen/rewrite"
	"github.com/hydrogo/hydro/gen/schedule"
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/check"
	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
)

// Program is the loaded packages and their flows, carried through the
// stages.
type Program struct {
	Fset     *token.FileSet
	Packages []*packages.Package
	// Flows are the packages' flows in package order, then source order.
	Flows []*Flow
	// diags are the diagnostics that belong to no flow (directives, codec
	// markers, generated mains).
	diags diag.List
	// marked holds, per package, the types marked //hydro:codec.
	marked map[*packages.Package][]*types.Named
}

// Flow is one flow in the pipeline.
type Flow struct {
	*parse.Flow
	// Diagnostics are the flow's problems and warnings so far.
	Diagnostics diag.List
	// Plan is the rewrite plan that derived the flow from a base flow of its
	// package, or nil for a flow the package declares.
	Plan *rewrite.Plan
	// Facts are the analyses' results, once Analyze ran.
	Facts *analysis.Results
	// schedules are the flow's location schedules, computed once.
	schedules []*schedule.Schedule
}

// OK reports whether the flow has no errors (warnings allowed).
func (f *Flow) OK() bool { return !f.Diagnostics.HasErrors() }

// Load runs the front of the pipeline over the packages matching patterns
// (relative to dir): it loads them, builds every flow's graph and checks it.
// It fails only when the packages cannot be loaded (the error is then a
// diag.List when go/packages reported positioned problems); problems in
// flows are in the program's diagnostics.
func Load(dir string, patterns ...string) (*Program, error) {
	res, err := load.Packages(dir, patterns...)
	if err != nil {
		return nil, err
	}
	parsed := parse.Packages(res.Fset, res.Packages)
	p := &Program{Fset: res.Fset, Packages: res.Packages, diags: parsed.Errors[nil]}
	for _, pf := range parsed.Flows {
		f := &Flow{Flow: pf, Diagnostics: parsed.Errors[pf]}
		p.Flows = append(p.Flows, f)
		if f.OK() {
			f.Diagnostics = append(f.Diagnostics, Check(f.Flow)...)
		}
	}
	var codecErrs diag.List
	p.marked, codecErrs = parse.Codecs(res.Fset, res.Packages)
	p.diags = append(p.diags, codecErrs...)
	p.derive()
	return p, nil
}

// Check runs the checks of a built flow that the interpreter runs too,
// internal/check.Graph, with the code generator's rules for the types that
// cross the network, and Verify, which every graph must pass.
func Check(f *parse.Flow) diag.List {
	codecs := codec.New(f.Pkg.Types, (*types.Package).Name)
	crosses := func(t ir.Type) error {
		_, _, err := codecs.Need(parse.Go(t))
		return err
	}
	return append(check.Graph(f.Graph, crosses), ir.Verify(f.Graph)...)
}

// Flow returns the flow called name, or nil.
func (p *Program) Flow(name string) *Flow {
	for _, f := range p.Flows {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Analyze runs analyzers (every analysis and check of gen/analyze when none
// is given) over every flow without errors, keeping their facts and adding
// their findings as warnings.
func (p *Program) Analyze(analyzers ...*analysis.Analyzer) error {
	if len(analyzers) == 0 {
		analyzers = analyze.Analyzers()
	}
	for _, f := range p.Flows {
		if !f.OK() {
			continue
		}
		res, err := analyze.Run(f.Flow, analyzers...)
		if err != nil {
			return fmt.Errorf("flow %s: %w", f.Name, err)
		}
		f.Facts = res
		for i := range res.Diagnostics {
			f.Diagnostics = append(f.Diagnostics, &res.Diagnostics[i])
		}
	}
	return nil
}

// A Pass rewrites a flow's graph. It must not change the graph it is given
// (edit a Clone) and returns the graph to go on with.
type Pass func(g *ir.Graph) (*ir.Graph, error)

// Rewrite runs pass over the flow's graph and goes on with the graph it
// returns, which must verify. A failing pass leaves the flow unchanged.
func (f *Flow) Rewrite(pass Pass) error {
	g, err := pass(f.Graph)
	if err != nil {
		return fmt.Errorf("flow %s: %w", f.Name, err)
	}
	if ds := ir.Verify(g); len(ds) > 0 {
		return fmt.Errorf("flow %s: the rewritten graph does not verify:\n%w", f.Name, ds)
	}
	f.Flow = f.Flow.WithGraph(g)
	f.schedules = nil
	return nil
}

// Schedules returns the schedule of each of the flow's locations, in
// location order, computing them once. A graph that cannot be scheduled adds
// an error to the flow's diagnostics and returns nil.
func (f *Flow) Schedules() []*schedule.Schedule {
	if f.schedules != nil || !f.OK() {
		return f.schedules
	}
	var out []*schedule.Schedule
	for loc := range f.Graph.Locations {
		s, err := schedule.Compute(f.Graph, loc)
		if err != nil {
			f.Diagnostics = append(f.Diagnostics, scheduleDiag(f, err))
			return nil
		}
		out = append(out, s)
	}
	f.schedules = out
	return out
}

// scheduleDiag turns a scheduling error into a diagnostic at the operator it
// is about.
func scheduleDiag(f *Flow, err error) *diag.Diagnostic {
	var ce *ir.CycleError
	if errors.As(err, &ce) {
		return diag.Errorf(ce.Blocking.Pos, diag.Schedule, "%s", ce.Message())
	}
	var d *diag.Diagnostic
	if errors.As(err, &d) {
		return d
	}
	return diag.Errorf(diag.FromToken(f.Fset.Position(f.Decl.Name.Pos())), diag.Schedule, "%v", err)
}

// Diagnostics returns every diagnostic of the program, sorted.
func (p *Program) Diagnostics() diag.List {
	all := append(diag.List(nil), p.diags...)
	for _, f := range p.Flows {
		all = append(all, f.Diagnostics...)
	}
	all.Sort()
	return all
}

// Generate schedules and emits every flow without errors and returns the
// generated files by path: each flow's file, each package's codecs and, for
// packages whose flows cross the network, one main package per role. A nil
// entry marks a file hydrogen generated earlier and no longer generates
// (only for packages without problems). Problems go to the diagnostics.
func (p *Program) Generate() map[string][]byte {
	byPkg := map[*packages.Package][]*Flow{}
	for _, f := range p.Flows {
		byPkg[f.Pkg] = append(byPkg[f.Pkg], f)
	}
	files := map[string][]byte{}
	for _, pkg := range p.Packages {
		p.diags = append(p.diags, p.generatePackage(pkg, byPkg[pkg], files)...)
	}
	return files
}

// generatePackage adds the generated files of one package to files and
// returns the problems that belong to no flow.
func (p *Program) generatePackage(pkg *packages.Package, flows []*Flow, files map[string][]byte) diag.List {
	marked := p.marked[pkg]
	if len(flows) == 0 && len(marked) == 0 || len(pkg.GoFiles) == 0 {
		return nil
	}
	var errs diag.List
	dir := filepath.Dir(pkg.GoFiles[0])
	imports := emit.NewImports(pkg.PkgPath)
	codecs := codec.New(pkg.Types, imports.Qualify)
	for _, t := range marked {
		if _, _, err := codecs.Need(t); err != nil {
			errs = append(errs, diag.Errorf(diag.FromToken(pkg.Fset.Position(t.Obj().Pos())), diag.Codec, "//hydro:codec: %v", err))
			continue
		}
		codecs.MarkMethods(t)
	}
	var good []*Flow
	network := false
	for _, f := range flows {
		if f.OK() {
			good = append(good, f)
			network = network || parse.UsesNetwork(f.Flow)
		}
	}
	var emitted []*parse.Flow
	byFile := map[string]*Flow{}
	for _, f := range good {
		// Flows whose names differ only in case would share a file (and
		// FileName lowers case anyway).
		file := strings.ToLower(emit.FileName(f.Name))
		if other, taken := byFile[file]; taken {
			f.Diagnostics = append(f.Diagnostics, diag.Errorf(diag.FromToken(f.Fset.Position(f.Decl.Name.Pos())), diag.Emit,
				"flows %s and %s would both be generated into %s; rename one", other.Name, f.Name, emit.FileName(f.Name)))
			continue
		}
		byFile[file] = f
		if emit.FileName(f.Name) == emit.CodecFileName {
			f.Diagnostics = append(f.Diagnostics, diag.Errorf(diag.FromToken(f.Fset.Position(f.Decl.Name.Pos())), diag.Emit,
				"flow %s would be generated into %s, which holds the package's codecs; rename it", f.Name, emit.CodecFileName))
			continue
		}
		scheds := f.Schedules()
		if !f.OK() {
			continue
		}
		src, ferrs := emit.Flow(f.Flow, scheds, codecs, network)
		if len(ferrs) > 0 {
			f.Diagnostics = append(f.Diagnostics, ferrs...)
			continue
		}
		files[filepath.Join(dir, emit.FileName(f.Name))] = src
		emitted = append(emitted, f.Flow)
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
			errs = append(errs, diag.Errorf(diag.Pos{File: dir}, diag.Emit, "%v", err))
		} else {
			files[filepath.Join(dir, emit.CodecFileName)] = src
		}
	}
	clean := len(errs) == 0
	for _, f := range flows {
		clean = clean && f.OK()
	}
	if clean {
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

// Compile runs the whole pipeline over the packages matching patterns
// (relative to dir) and returns the generated files (see Generate) and every
// diagnostic, sorted. err is set only when the packages cannot be loaded.
func Compile(dir string, patterns ...string) (files map[string][]byte, ds diag.List, err error) {
	p, err := Load(dir, patterns...)
	if err != nil {
		return nil, nil, err
	}
	if err := p.Analyze(); err != nil {
		return nil, nil, err
	}
	files = p.Generate()
	return files, p.Diagnostics(), nil
}

// Generate runs Compile and writes the files it returns (see Write). It
// returns every diagnostic; err is set when the packages cannot be loaded or
// a file cannot be written.
func Generate(dir string, patterns ...string) (diag.List, error) {
	files, ds, err := Compile(dir, patterns...)
	if err != nil {
		return nil, err
	}
	return ds, Write(files)
}

// LoadFlow loads package pkg (relative to dir) and returns its flow called
// name, checked; it fails if the flow has errors.
func LoadFlow(dir, pkg, name string) (*Flow, error) {
	p, err := Load(dir, pkg)
	if err != nil {
		return nil, err
	}
	f := p.Flow(name)
	if f == nil {
		return nil, fmt.Errorf("no flow %s in %s", name, pkg)
	}
	if err := f.Diagnostics.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// Write writes files as Generate returns them: a nil entry removes the file
// (and the directory of a role's main, if it is left empty); a file whose
// content did not change is left untouched.
func Write(files map[string][]byte) error {
	for path, src := range files {
		if src == nil {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("removing stale generated code: %w", err)
			}
			if filepath.Base(path) == "main.go" {
				os.Remove(filepath.Dir(path)) // the role's directory, if nothing else is in it
			}
			continue
		}
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, src) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
			return fmt.Errorf("writing generated code: %w", err)
		}
		if err := os.WriteFile(path, src, 0o666); err != nil {
			return fmt.Errorf("writing generated code: %w", err)
		}
	}
	return nil
}
