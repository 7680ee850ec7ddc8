package codec

import (
	"go/types"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Function names are "appendHydro", "decodeHydro" or, for the depth-counting
// decoders of recursive types, "decodeNestedHydro", followed by the node's
// name: no two of them can be equal, whatever the names.

func appendName(n *node) string { return "appendHydro" + n.name }
func decodeName(n *node) string { return "decodeHydro" + n.name }
func nestedName(n *node) string { return "decodeNestedHydro" + n.name }
func errsName(n *node) string   { return "errsHydro" + n.name }

// nameFor returns an unused node name for t: its mangled form, numbered if
// another type or a declaration of the package has it already.
func (g *Generator) nameFor(t types.Type) string {
	base := g.mangle(t)
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name += strconv.Itoa(i)
		}
		if _, taken := g.names[name]; taken {
			continue
		}
		n := &node{name: name}
		if g.declared(appendName(n)) || g.declared(decodeName(n)) || g.declared(nestedName(n)) || g.declared(errsName(n)) {
			continue
		}
		return name
	}
}

// declared reports whether the package declares name at package level.
func (g *Generator) declared(name string) bool {
	return g.pkg.Scope().Lookup(name) != nil
}

// mangle returns a readable identifier suffix for t, such as Session,
// SliceLineItem, MapStringInt or LatticesSSIVLineItem: types of other
// packages are prefixed with the package name, and the type arguments of
// generic types follow the type's name, omitting those that are only the
// pointer types of other arguments (as in lattices.Max[int], *Max[int]).
func (g *Generator) mangle(t types.Type) string {
	var b strings.Builder
	g.mangleTo(&b, t)
	return b.String()
}

func (g *Generator) mangleTo(b *strings.Builder, t types.Type) {
	switch t := types.Unalias(t).(type) {
	case *types.Basic:
		b.WriteString(exported(types.Typ[t.Kind()].Name()))
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() != nil && obj.Pkg().Path() != g.pkg.Path() {
			b.WriteString(exported(obj.Pkg().Name()))
		}
		b.WriteString(exported(obj.Name()))
		args := t.TypeArgs()
		for i := range args.Len() {
			if !derived(t, i) {
				g.mangleTo(b, args.At(i))
			}
		}
	case *types.Pointer:
		b.WriteString("Ptr")
		g.mangleTo(b, t.Elem())
	case *types.Slice:
		b.WriteString("Slice")
		g.mangleTo(b, t.Elem())
	case *types.Array:
		b.WriteString("Array")
		b.WriteString(strconv.FormatInt(t.Len(), 10))
		g.mangleTo(b, t.Elem())
	case *types.Map:
		b.WriteString("Map")
		g.mangleTo(b, t.Key())
		g.mangleTo(b, t.Elem())
	case *types.Struct:
		b.WriteString("Struct")
		for f := range t.Fields() {
			b.WriteString(exported(f.Name()))
			g.mangleTo(b, f.Type())
		}
	default:
		// Other types have no codecs; the name is never used.
		b.WriteString("Type")
	}
}

// derived reports whether the i'th type parameter of generic type t is
// constrained to be the pointer type of another of its type parameters, as
// the PL parameters of the lattice types are: its argument follows from the
// other's, so names leave it out.
func derived(t *types.Named, i int) bool {
	tparams := t.Origin().TypeParams()
	iface, ok := tparams.At(i).Constraint().Underlying().(*types.Interface)
	if !ok {
		return false
	}
	for j := range iface.NumEmbeddeds() {
		p, ok := iface.EmbeddedType(j).(*types.Pointer)
		if !ok {
			continue
		}
		if tp, ok := p.Elem().(*types.TypeParam); ok && tp.Index() != i && tp.Index() < tparams.Len() && tparams.At(tp.Index()) == tp {
			return true
		}
	}
	return false
}

// exported returns s with its first letter in upper case.
func exported(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
