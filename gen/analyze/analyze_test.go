package analyze

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hydrogo/hydro/gen/load"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/analysis"
)

// expectation is one "// want" item: a warning on the line (kind ""), or a
// fact of an operator called on the line.
type expectation struct {
	pos  token.Position
	kind string
	re   *regexp.Regexp
}

// wants parses the "// want" comments of a file: a list of items, each a
// quoted regular expression optionally prefixed by a fact name and a colon
// (fds:, monotone:, functional:, order:).
func wants(t *testing.T, fset *token.FileSet, file *ast.File) []expectation {
	var out []expectation
	item := regexp.MustCompile(`^\s*(?:(\w+):)?("(?:[^"\\]|\\.)*")`)
	for _, cg := range file.Comments {
		for _, c := range cg.List {
			rest, ok := strings.CutPrefix(c.Text, "// want ")
			if !ok {
				continue
			}
			pos := fset.Position(c.Pos())
			for strings.TrimSpace(rest) != "" {
				m := item.FindStringSubmatch(rest)
				if m == nil {
					t.Fatalf("%s: malformed want comment at %q", pos, rest)
				}
				s, err := strconv.Unquote(m[2])
				if err != nil {
					t.Fatalf("%s: %v", pos, err)
				}
				out = append(out, expectation{pos: pos, kind: m[1], re: regexp.MustCompile(s)})
				rest = rest[len(m[0]):]
			}
		}
	}
	return out
}

// facts returns the named fact of every operator called on line, printed.
func facts(res *analysis.Results, f *parse.Flow, file string, line int, kind string) []string {
	g := f.Graph
	var out []string
	for _, n := range g.Nodes {
		if n.Pos.File != file || n.Pos.Line != line {
			continue
		}
		switch kind {
		case "fds":
			var parts []string
			for _, fd := range res.Facts[analysis.Deps].(analysis.DepsResult)[n.ID].FDs {
				parts = append(parts, fd.String())
			}
			out = append(out, strings.Join(parts, "; "))
		case "monotone":
			out = append(out, res.Facts[analysis.Monotone].(*analysis.RegionsResult).Nodes[n.ID].String())
		case "functional":
			out = append(out, res.Facts[analysis.Functional].(*analysis.FunctionalResult).Nodes[n.ID].String())
		case "order":
			out = append(out, arrival(g, res.Facts[analysis.Order].(analysis.OrderResult)[n.ID]))
		}
	}
	if kind == "partition" {
		for _, l := range g.Locations {
			if l.Pos.File == file && l.Pos.Line == line {
				out = append(out, partition(g, res.Facts[analysis.Partition].(analysis.PartitionResult)[l.ID]))
			}
		}
	}
	return out
}

// TestWant runs every analysis over the flows under testdata and checks
// the warnings and facts their // want comments expect: every warning must
// be expected, and every expectation met.
func TestWant(t *testing.T) {
	loaded, err := load.Packages("testdata/flows", ".")
	if err != nil {
		t.Fatal(err)
	}
	parsed := parse.Packages(loaded.Fset, loaded.Packages)
	if errs := parsed.All(); len(errs) > 0 {
		t.Fatal(errs)
	}
	type result struct {
		f   *parse.Flow
		res *analysis.Results
	}
	var results []result
	for _, f := range parsed.Flows {
		res, err := Run(f, analysis.All...)
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, result{f, res})
	}
	met := map[string]bool{}
	for _, pkg := range loaded.Packages {
		for _, file := range pkg.Syntax {
			for _, w := range wants(t, loaded.Fset, file) {
				ok := false
				var seen []string
				for _, r := range results {
					if w.kind == "" {
						for _, d := range r.res.Diagnostics {
							if d.Pos.File == w.pos.Filename && d.Pos.Line == w.pos.Line {
								seen = append(seen, d.Message)
								if w.re.MatchString(d.Message) {
									ok = true
									met[fmt.Sprint(d.Pos, d.Message)] = true
								}
							}
						}
						continue
					}
					for _, fact := range facts(r.res, r.f, w.pos.Filename, w.pos.Line, w.kind) {
						seen = append(seen, fact)
						ok = ok || w.re.MatchString(fact)
					}
				}
				if !ok {
					t.Errorf("%s: no %s matching %q; got %q", w.pos, or(w.kind, "warning"), w.re, seen)
				}
			}
		}
	}
	for _, r := range results {
		for _, d := range r.res.Diagnostics {
			if !met[fmt.Sprint(d.Pos, d.Message)] {
				t.Errorf("%s: unexpected warning: %s", d.Pos, d.Message)
			}
		}
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
