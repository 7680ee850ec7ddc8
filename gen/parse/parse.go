// Package parse is hydrogen's front end: it finds the //hydro:flow functions
// of loaded packages and builds, from their syntax and types alone (user code
// is never executed), the same ir.Graph that the reference interpreter records
// when it calls the function. Alongside the graph it keeps what the emitter
// needs: element types, the user functions (closures and named functions)
// passed to each operator, the key fields derived from hydro tags and the
// flow's parameters.
package parse

import (
	"go/ast"
	goparser "go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
)

// HydroPath is the import path of the user-facing API.
const HydroPath = "github.com/hydrogo/hydro/hydro"

// Directives that may mark a function.
var knownDirectives = map[string]bool{"flow": true, "pure": true, "commutative": true, "monotone": true}

// Flow is one parsed //hydro:flow function: its graph, and where it was
// declared.
type Flow struct {
	Name  string
	Pkg   *packages.Package
	Fset  *token.FileSet
	Decl  *ast.FuncDecl
	File  string
	Graph *ir.Graph
	// Params are the flow's parameters after the *hydro.Flow, in order.
	Params []*Param
}

// WithGraph returns a copy of f with graph g, for emitting a graph a pass
// derived from f's.
func (f *Flow) WithGraph(g *ir.Graph) *Flow {
	c := *f
	c.Graph = g
	return &c
}

// Result is every flow of the loaded packages, with the problems found.
type Result struct {
	Flows []*Flow
	// Errors maps a flow to its problems; a flow with problems must not be
	// emitted. Problems outside any flow (bad directives) have a nil key.
	Errors map[*Flow]diag.List
}

// All returns every error of the result, sorted.
func (r *Result) All() diag.List {
	var all diag.List
	for _, l := range r.Errors {
		all = append(all, l...)
	}
	all.Sort()
	return all
}

// decl is a flow function found in a package.
type decl struct {
	pkg  *packages.Package
	file *ast.File
	fn   *ast.FuncDecl
	obj  *types.Func
}

// Packages parses every //hydro:flow function of pkgs.
func Packages(fset *token.FileSet, pkgs []*packages.Package) *Result {
	res := &Result{Errors: map[*Flow]diag.List{}}
	flows := map[*types.Func]*decl{}
	var order []*decl
	var loose diag.List
	for _, pkg := range pkgs {
		loose = append(loose, testFlows(fset, pkg)...)
		for _, file := range pkg.Syntax {
			loose = append(loose, strayDirectives(fset, file)...)
			for _, d := range file.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				isFlow, errs := directives(fset, fn)
				loose = append(loose, errs...)
				if !isFlow {
					continue
				}
				obj, _ := pkg.TypesInfo.Defs[fn.Name].(*types.Func)
				if obj == nil {
					continue
				}
				dd := &decl{pkg: pkg, file: file, fn: fn, obj: obj}
				flows[obj] = dd
				order = append(order, dd)
			}
		}
	}
	if len(loose) > 0 {
		res.Errors[nil] = loose
	}
	for _, d := range order {
		// Flows returning streams are sub-flows: they are inlined into the
		// flows that call them and have no code of their own.
		if d.obj.Type().(*types.Signature).Results().Len() > 0 {
			continue
		}
		p := &parser{fset: fset, flows: flows}
		f := p.flowOf(d)
		if d.pkg.Name == "main" && len(p.errs) == 0 && UsesNetwork(f) {
			p.errorf(d.fn.Name.Pos(), "flow %s spans locations but is in package main: hydrogen generates a main package per location that imports the flow's package, and a main package cannot be imported; move the flow to a package of its own", f.Name)
		}
		if len(p.errs) == 0 {
			// A graph the parser built must keep the IR's invariants; one
			// that does not is hydrogen's bug, reported at the operator.
			for _, d := range ir.Verify(f.Graph) {
				if d.Category == diag.Verify {
					d.Message = "internal error: " + d.Message
				}
				p.errs = append(p.errs, d)
			}
		}
		res.Flows = append(res.Flows, f)
		if len(p.errs) > 0 {
			p.errs.Sort()
			res.Errors[f] = p.errs
		}
	}
	return res
}

// directives reports whether fn is marked //hydro:flow and checks every
// //hydro: directive of its doc comment.
func directives(fset *token.FileSet, fn *ast.FuncDecl) (bool, diag.List) {
	if fn.Doc == nil {
		return false, nil
	}
	var errs diag.List
	flow := false
	for _, c := range fn.Doc.List {
		rest, ok := strings.CutPrefix(c.Text, "//hydro:")
		if !ok {
			continue
		}
		name := strings.TrimSpace(rest)
		switch {
		case name == "flow":
			flow = true
		case knownDirectives[name]:
		default:
			errs = append(errs, diag.Errorf(diag.FromToken(fset.Position(c.Pos())), diag.Syntax,
				"unknown directive //hydro:%s (want one of //hydro:flow, //hydro:pure, //hydro:commutative, //hydro:monotone)", name))
		}
	}
	return flow, errs
}

// strayDirectives reports //hydro: directives that mark nothing: written
// with a space after // (an ordinary comment to Go), or separated from the
// declaration they were meant for by a blank line (so not part of its doc
// comment). Either way hydrogen would silently skip the declaration.
func strayDirectives(fset *token.FileSet, file *ast.File) diag.List {
	attached := map[*ast.CommentGroup]bool{}
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			attached[d.Doc] = true
		case *ast.GenDecl:
			attached[d.Doc] = true
			for _, s := range d.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok {
					attached[ts.Doc] = true
				}
			}
		}
	}
	var errs diag.List
	for _, cg := range file.Comments {
		for _, c := range cg.List {
			if name, ok := strings.CutPrefix(c.Text, "//hydro:"); ok {
				if !attached[cg] {
					errs = append(errs, diag.Errorf(diag.FromToken(fset.Position(c.Pos())), diag.Syntax,
						"//hydro:%s is not part of a declaration's doc comment, so it marks nothing: remove the blank line between it and the declaration it is for", strings.TrimSpace(name)))
				}
				continue
			}
			rest := strings.TrimLeft(strings.TrimPrefix(c.Text, "//"), " \t")
			if name, ok := strings.CutPrefix(rest, "hydro:"); ok && rest != strings.TrimPrefix(c.Text, "//") {
				name = strings.TrimSpace(name)
				if knownDirectives[name] || name == "codec" {
					errs = append(errs, diag.Errorf(diag.FromToken(fset.Position(c.Pos())), diag.Syntax,
						"directive written with a space after //, which makes it an ordinary comment: write //hydro:%s", name))
				}
			}
		}
	}
	return errs
}

// testFlows reports flows declared in the package's test files, which
// hydrogen does not compile.
func testFlows(fset *token.FileSet, pkg *packages.Package) diag.List {
	if len(pkg.GoFiles) == 0 {
		return nil
	}
	names, _ := filepath.Glob(filepath.Join(filepath.Dir(pkg.GoFiles[0]), "*_test.go"))
	var errs diag.List
	for _, name := range names {
		file, err := goparser.ParseFile(fset, name, nil, goparser.ParseComments|goparser.SkipObjectResolution)
		if err != nil {
			continue // the go command reports it
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Doc == nil {
				continue
			}
			for _, c := range fn.Doc.List {
				if strings.TrimSpace(strings.TrimPrefix(c.Text, "//hydro:")) == "flow" && strings.HasPrefix(c.Text, "//hydro:") {
					errs = append(errs, diag.Errorf(diag.FromToken(fset.Position(fn.Name.Pos())), diag.Syntax,
						"flow %s is in a test file: hydrogen compiles only a package's non-test files, so it would generate nothing for it; move the flow to a file not ending in _test.go", fn.Name.Name))
				}
			}
		}
	}
	return errs
}
