// Package load is the first stage of hydrogen: it loads the packages named by
// patterns with go/packages, in one call, with the hydrogen build tag set so
// that previously generated files (constrained by //go:build !hydrogen) are
// left out and can never block regeneration.
package load

import (
	"fmt"
	"go/token"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/hydrogo/hydro/internal/diag"
)

// BuildTag is the tag under which hydrogen loads packages; generated files
// carry the constraint "!hydrogen".
const BuildTag = "hydrogen"

// Mode is what hydrogen needs of each package: syntax and full type
// information for the packages named by the patterns.
const Mode = packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
	packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports

// Result is the outcome of one load.
type Result struct {
	Fset     *token.FileSet
	Packages []*packages.Package
}

// Packages loads the packages matching patterns, relative to dir, and returns
// them sorted by import path. Errors in any package (syntax, types, listing)
// are returned together as a diag.List, each with its position.
func Packages(dir string, patterns ...string) (*Result, error) {
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	fset := token.NewFileSet()
	cfg := &packages.Config{
		Mode:       Mode,
		Dir:        dir,
		Fset:       fset,
		BuildFlags: []string{"-tags=" + BuildTag},
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading %v: %w", patterns, err)
	}
	var errs diag.List
	for _, p := range pkgs {
		checked := false
		for _, e := range p.Errors {
			checked = checked || e.Kind == packages.TypeError || e.Kind == packages.ParseError
		}
		for _, e := range p.Errors {
			if checked && e.Kind == packages.ListError && strings.HasPrefix(e.Msg, "# ") {
				// The go command's build output ("# pkg" and the
				// compiler's messages) repeats what type checking found.
				continue
			}
			cat := diag.Types
			if e.Kind == packages.ParseError {
				cat = diag.Syntax
			}
			errs = append(errs, diag.Errorf(diag.ParsePos(e.Pos), cat, "%s", e.Msg))
		}
	}
	if len(errs) > 0 {
		// A package's errors are reported by every package importing it;
		// sorting drops the repetitions.
		errs.Sort()
		return nil, errs
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].PkgPath < pkgs[j].PkgPath })
	return &Result{Fset: fset, Packages: pkgs}, nil
}
