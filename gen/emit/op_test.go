package emit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hydrogo/hydro/internal/ops"
)

// TestEveryOperatorHasAnEmitter checks the emitters against the operator
// registry, so that no operator of internal/ops is left without an op_*.go
// file here.
func TestEveryOperatorHasAnEmitter(t *testing.T) {
	for _, s := range ops.All() {
		oe := emitters[s.Name]
		if oe == nil {
			t.Errorf("%s: no emitter registered", s.API)
			continue
		}
		// Sources, deferring and network operators, and operators with a
		// blocking input start their subgraphs.
		if (s.Source || s.Defer || s.Network || len(s.Blocking) > 0) && oe.entry == nil {
			t.Errorf("%s: no entry loop", s.API)
		}
		switch {
		case s.MaxInputs != 0 && oe.push == nil:
			t.Errorf("%s: no code consuming an item", s.API)
		case s.MaxInputs == 0 && oe.push != nil:
			t.Errorf("%s: code consuming items of an operator without inputs", s.API)
		}
	}
	for name := range emitters {
		if ops.Lookup(name) == nil {
			t.Errorf("emitter registered for unknown operator %q", name)
		}
	}
}

// hydroOperators returns the exported functions of package hydro that take
// or return a stream: the operators a flow body may call.
func hydroOperators(t *testing.T) []string {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), "../../hydro", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range pkgs["hydro"].Files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() {
				continue
			}
			streams := false
			ast.Inspect(fn.Type, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && id.Name == "Stream" {
					streams = true
				}
				return !streams
			})
			if streams {
				out = append(out, fn.Name.Name)
			}
		}
	}
	slices.Sort(out)
	if len(out) < 30 {
		t.Fatalf("found only %d operators in package hydro: %v", len(out), out)
	}
	return out
}

// TestEveryHydroOperatorIsDeclared checks that every exported operator of
// package hydro has a Spec in internal/ops (as its API, By variant or alias),
// an emitter here, and a section of docs/operators.md whose heading names
// it.
func TestEveryHydroOperatorIsDeclared(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operators.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		if h, ok := strings.CutPrefix(line, "### "); ok {
			for _, name := range strings.FieldsFunc(h, func(r rune) bool { return r == ',' || r == ' ' || r == '(' || r == ')' }) {
				documented[name] = true
			}
		}
	}
	for _, name := range hydroOperators(t) {
		s := ops.ByAPI("hydro." + name)
		switch {
		case s == nil:
			t.Errorf("hydro.%s: no Spec in internal/ops names it as its API, By variant or alias", name)
		case emitters[s.Name] == nil:
			t.Errorf("hydro.%s: no emitter for operator %s", name, s.Name)
		}
		if !documented[name] {
			t.Errorf("hydro.%s: no section of docs/operators.md has it in its heading", name)
		}
	}
}
