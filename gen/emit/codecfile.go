package emit

import (
	"bytes"
	"fmt"
	"go/format"
	"go/types"
	"path"
	"sort"
	"strings"
)

// CodecFileName is the file, one per package, holding the codecs of the
// types that cross the network.
const CodecFileName = "codecs_hydro.go"

// Imports collects the imports of a generated file, giving each package a
// distinct local name.
type Imports struct {
	self   string
	byName map[string]string
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
	for i := 1; ; i++ {
		name := p.Name()
		if i > 1 {
			name = fmt.Sprintf("%s%d", p.Name(), i)
		}
		if have, ok := m.byName[name]; !ok || have == p.Path() {
			m.byName[name] = p.Path()
			return name
		}
	}
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

// CodecFile assembles the codec file of package pkgName from the codec
// generator's declarations and the imports they use.
func CodecFile(pkgName string, imports *Imports, decls []byte) ([]byte, error) {
	var file bytes.Buffer
	fmt.Fprintf(&file, "%s\n\n//go:build !hydrogen\n\npackage %s\n\n", Header, pkgName)
	imports.write(&file)
	file.Write(decls)
	src, err := format.Source(file.Bytes())
	if err != nil {
		return nil, fmt.Errorf("internal error: the generated codecs of package %s do not parse: %v", pkgName, err)
	}
	return src, nil
}
