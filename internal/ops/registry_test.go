package ops

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the registry table in docs/operators.md")

const docPath = "../../docs/operators.md"

// registryTable renders every operator's properties as a Markdown table.
func registryTable() string {
	var b strings.Builder
	b.WriteString("| operator | API | variants | inputs | ports | keyed | blocking | lifetimes | monotone | order | state | functional | lattice | network |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	yes := func(v bool) string {
		if v {
			return "yes"
		}
		return ""
	}
	for _, s := range All() {
		inputs := fmt.Sprint(s.MinInputs)
		if s.MaxInputs < 0 {
			inputs += "+"
		}
		var blocking, lts []string
		for _, p := range s.Blocking {
			blocking = append(blocking, fmt.Sprint(p))
		}
		for _, l := range s.Lifetimes {
			lts = append(lts, l.Name+"="+l.Default.String())
		}
		var variants []string
		for _, v := range s.APIs()[1:] {
			variants = append(variants, "`"+v+"`")
		}
		keyed := ""
		if s.Keyed > 0 {
			keyed = fmt.Sprint(s.Keyed)
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s.Name, s.API, strings.Join(variants, ", "), inputs,
			strings.Join(s.Ports, ", "), keyed, strings.Join(blocking, ", "), strings.Join(lts, ", "), yes(s.Monotone), yes(s.OrderSensitive), yes(s.Stateful),
			yes(s.Functional), yes(s.LatticeMerge), yes(s.Network))
	}
	return b.String()
}

func TestDocTableIsCurrent(t *testing.T) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- BEGIN registry table -->\n", "<!-- END registry table -->"
	s := string(doc)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("%s: registry table markers missing", docPath)
	}
	want := registryTable()
	if got := s[i+len(begin) : j]; got != want {
		if *update {
			if err := os.WriteFile(docPath, []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("%s: registry table is stale; run go test ./internal/ops -update\nwant:\n%s", docPath, want)
	}
}

func TestSpecsAreConsistent(t *testing.T) {
	for _, s := range All() {
		if s.API == "" || s.New == nil {
			t.Errorf("%s: missing API name or behaviour", s.Name)
		}
		if s.Source != (s.MaxInputs == 0) {
			t.Errorf("%s: sources, and only sources, have no inputs", s.Name)
		}
		for _, p := range s.Blocking {
			if p < 0 || (s.MaxInputs >= 0 && p >= s.MaxInputs) {
				t.Errorf("%s: blocking port %d out of range", s.Name, p)
			}
		}
		if s.Defer && len(s.Blocking) > 0 {
			t.Errorf("%s: a deferring operator cannot block", s.Name)
		}
		if len(s.Lifetimes) > 0 && !s.Stateful {
			t.Errorf("%s: lifetimes without state", s.Name)
		}
	}
	if Lookup("nope") != nil {
		t.Error("Lookup of an unknown operator")
	}
}
