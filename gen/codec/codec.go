// Package codec generates the binary codecs of the types that cross the
// network. For each such type T it writes a pair of plain Go functions,
//
//	func appendHydroT(dst []byte, v *T) []byte
//	func decodeHydroT(src []byte, v *T) (int, error)
//
// built on the helpers of package netio, and on request the methods Append
// and Decode that make *T a netio.Codec. The wire format is specified in
// docs/netio.md, section "Item codecs"; hydro.AppendWire writes the same
// bytes by reflection.
//
// A type is encoded by the first rule that applies:
//
//   - a type whose method set (of *T) has Append(dst []byte) []byte and
//     Decode(src []byte) (int, error) uses them;
//   - a type with AppendWith and DecodeWith methods taking one codec function
//     per type argument (the lattice types) uses them, passing the generated
//     codecs of the arguments;
//   - time.Time is its UnixNano as an int64;
//   - any other type is encoded by its underlying type: bools and numbers by
//     the netio helpers, strings and byte slices with a length, slices and
//     maps with a count, arrays element by element, pointers with a presence
//     byte and structs field by field.
//
// Channels, functions, interfaces, unsafe pointers and complex numbers cannot
// cross the network, nor can a struct of another package with unexported
// fields, unless it has codec methods.
package codec

import (
	"bytes"
	"fmt"
	"go/format"
	"go/types"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// Import paths of the packages the generated code uses.
const (
	netioPath = "github.com/hydrogo/hydro/netio"
	timePath  = "time"
)

// maxDepth bounds the nesting of values of recursive types on decode, so that
// crafted input cannot exhaust the stack: each call of a decoder of a type
// that is part of a cycle counts one level.
const maxDepth = 10000

// Generator collects the types of one package that need codecs and writes
// their functions.
type Generator struct {
	pkg     *types.Package
	qualify func(*types.Package) string
	quals   map[string]string // import path -> name in the generated file
	nodes   typeutil.Map      // types.Type -> *node
	names   map[string]*node  // node names in use
	methods map[string][]byte // the methods of marked types, by type name

	json      typeutil.Map    // types.Type -> *jsonFunc
	jsonNames map[string]bool // names of the JSON functions
}

// New returns a generator writing code for package pkg; qualify names other
// packages as the generated file imports them. It is called for every
// foreign package a codec refers to, and returns the local name to use,
// adding the import. All calls to qualify happen during Need.
func New(pkg *types.Package, qualify func(*types.Package) string) *Generator {
	return &Generator{
		pkg:       pkg,
		qualify:   qualify,
		quals:     map[string]string{},
		names:     map[string]*node{},
		methods:   map[string][]byte{},
		jsonNames: map[string]bool{},
	}
}

// Need returns the names of the append and decode functions for t,
// generating them, and those of the types t contains, on first use. The
// functions have the signatures
//
//	func <append>(dst []byte, v *T) []byte
//	func <decode>(src []byte, v *T) (int, error)
//
// The names are derived from t alone, such as appendHydroSession for a type
// Session of the package and decodeHydroLatticesSSIVLineItem for
// lattices.SSIV[LineItem]; two types that would get the same name are told
// apart by a number, in the order in which they are first needed.
//
// Need returns an error naming the part of t that cannot cross the network,
// such as "type shopping.Cart cannot cross the network: field Fn has func
// type func()". A failed call generates nothing.
func (g *Generator) Need(t types.Type) (appendFn, decodeFn string, err error) {
	b := &builder{g: g}
	n, p := b.node(t, "")
	if p == nil {
		p = b.want(n, "")
	}
	if p == nil {
		p = b.finish()
	}
	if p != nil {
		b.rollback()
		return "", "", fmt.Errorf("type %s cannot cross the network: %s", errName(t), p)
	}
	return appendName(n), decodeFunc(n), nil
}

// MarkMethods arranges for Source to also write, for t, the exported methods
//
//	func (v *T) Append(dst []byte) []byte
//	func (v *T) Decode(src []byte) (int, error)
//
// delegating to its codec functions, so that *T implements netio.Codec for
// clients outside the flows. It calls Need for t and writes nothing for a
// type that Need rejects, so callers check Need first, or for a type that
// already has codec methods. It panics if t is not a non-generic type
// declared in the generator's package.
func (g *Generator) MarkMethods(t *types.Named) {
	obj := t.Obj()
	if obj.Pkg() == nil || obj.Pkg().Path() != g.pkg.Path() || t.TypeParams().Len() > 0 || t.TypeArgs().Len() > 0 {
		panic(fmt.Sprintf("codec: MarkMethods(%s): not a non-generic type of package %s", t, g.pkg.Path()))
	}
	if _, ok := g.methods[obj.Name()]; ok {
		return
	}
	if _, _, err := g.Need(t); err != nil {
		return
	}
	n := g.nodes.At(t).(*node)
	if n.kind != bodyNode {
		return // Append and Decode exist already.
	}
	decode := fmt.Sprintf("{ return %s(src, v) }", decodeName(n))
	if n.fixedDecode != nil {
		// A fixed-size decoder fits the inlining budget, but a method
		// calling it does not: the method repeats its statements.
		decode = fmt.Sprintf("{\n%s}", n.fixedDecode)
	}
	g.methods[obj.Name()] = fmt.Appendf(nil, `// Append appends the binary encoding of v to dst and returns the extended
// slice.
func (v *%[1]s) Append(dst []byte) []byte { return %[2]s(dst, v) }

// Decode decodes v from the start of src and returns the number of bytes it
// read.
func (v *%[1]s) Decode(src []byte) (int, error) %[3]s

`, obj.Name(), appendName(n), decode)
}

// Source returns the generated declarations, the codec functions sorted by
// name and then the methods of marked types sorted by type name, formatted,
// without package clause or imports.
func (g *Generator) Source() []byte {
	var nodes []*node
	g.nodes.Iterate(func(_ types.Type, v any) {
		if n := v.(*node); len(n.src) > 0 {
			nodes = append(nodes, n)
		}
	})
	slices.SortFunc(nodes, func(a, b *node) int { return strings.Compare(a.name, b.name) })
	var src bytes.Buffer
	for _, n := range nodes {
		src.Write(n.src)
		if n.nested != nil && n.plainUsed {
			src.Write(g.decodeWrapper(n))
		}
		src.Write(n.nested)
	}
	var jsonFuncs []*jsonFunc
	g.json.Iterate(func(_ types.Type, v any) { jsonFuncs = append(jsonFuncs, v.(*jsonFunc)) })
	slices.SortFunc(jsonFuncs, func(a, b *jsonFunc) int { return strings.Compare(a.name, b.name) })
	for _, f := range jsonFuncs {
		src.Write(f.src)
	}
	for _, name := range slices.Sorted(maps.Keys(g.methods)) {
		src.Write(g.methods[name])
	}
	if src.Len() == 0 {
		return nil
	}
	const clause = "package p\n"
	out, err := format.Source(append([]byte(clause), src.Bytes()...))
	if err != nil {
		// Unreachable for generated code; unformatted source still shows
		// the problem to whoever compiles it.
		return src.Bytes()
	}
	return bytes.TrimLeft(bytes.TrimPrefix(out, []byte(clause)), "\n")
}

// use returns the name under which the generated file refers to the package
// with the given path and name, importing it.
func (g *Generator) use(path, name string) string {
	if q, ok := g.quals[path]; ok {
		return q
	}
	q := g.qualify(types.NewPackage(path, name))
	g.quals[path] = q
	return q
}

// typ returns t as the generated code writes it.
func (g *Generator) typ(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p.Path() == g.pkg.Path() {
			return ""
		}
		if q, ok := g.quals[p.Path()]; ok {
			return q
		}
		q := g.qualify(p)
		g.quals[p.Path()] = q
		return q
	})
}

// errName returns t as messages write it, qualified by package names.
func errName(t types.Type) string {
	return types.TypeString(t, (*types.Package).Name)
}
