package emit

import (
	"bytes"
	"fmt"
	"go/types"
	"path"
	"sort"
	"strings"
)

// Imports collects the imports of a generated file, giving each package a
// distinct local name.
type Imports struct {
	self   string
	byName map[string]string
	// taken are names the file's code declares (the package's own
	// declarations, a flow's parameters): no import may use them.
	taken map[string]bool
}

// Reserve keeps names from being used for imports: the package's own
// declarations and a flow's parameters, which the generated code refers to.
func (m *Imports) Reserve(names ...string) {
	if m.taken == nil {
		m.taken = map[string]bool{}
	}
	for _, n := range names {
		m.taken[n] = true
	}
}

// NewImports returns the imports of a file of the package at path self.
func NewImports(self string) *Imports {
	return &Imports{self: self, byName: map[string]string{}}
}

// Qualify returns the name by which the file refers to package p, importing
// it; it suits types.TypeString.
func (m *Imports) Qualify(p *types.Package) string {
	if p.Path() == m.self {
		return ""
	}
	return m.Add(p.Name(), p.Path())
}

// Add imports path, preferably under name, and returns the name to use: name
// itself, or name2, name3, ... when name is taken by another package.
func (m *Imports) Add(name, path string) string {
	for i := 1; ; i++ {
		alt := name
		if i > 1 {
			alt = fmt.Sprintf("%s%d", name, i)
		}
		if m.taken[alt] {
			continue
		}
		if have, ok := m.byName[alt]; !ok || have == path {
			m.byName[alt] = path
			return alt
		}
	}
}

// Bind imports path under exactly name, as user code copied into the file
// refers to it. If name already names another package it returns that
// package's path and false.
func (m *Imports) Bind(name, path string) (string, bool) {
	if have, ok := m.byName[name]; ok && have != path {
		return have, false
	}
	m.byName[name] = path
	return path, true
}

// write writes the import block, standard library first.
func (m *Imports) write(w *bytes.Buffer) {
	if len(m.byName) == 0 {
		return
	}
	std := func(p string) bool { return !strings.Contains(strings.Split(p, "/")[0], ".") }
	names := make([]string, 0, len(m.byName))
	for n := range m.byName {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := m.byName[names[i]], m.byName[names[j]]
		if std(a) != std(b) {
			return std(a)
		}
		return a < b
	})
	w.WriteString("import (\n")
	for i, n := range names {
		p := m.byName[n]
		if i > 0 && std(m.byName[names[i-1]]) && !std(p) {
			w.WriteString("\n")
		}
		if path.Base(p) == n {
			fmt.Fprintf(w, "\t%q\n", p)
		} else {
			fmt.Fprintf(w, "\t%s %q\n", n, p)
		}
	}
	w.WriteString(")\n\n")
}
