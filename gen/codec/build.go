package codec

import (
	"fmt"
	"go/types"
	"strings"
)

// A node is a type with a codec.
type node struct {
	t    types.Type
	kind nodeKind
	name string // the suffix of its function names
	path string // where the type was first met, for problems found late

	// basicNode: the suffix of the netio helpers, such as Uint32.
	helper string
	// withNode: the codecs of the types that AppendWith takes functions
	// for.
	args []*node
	// bodyNode: how the body encodes the type, and its parts.
	shape  shape
	elem   *node // slice, array and pointer elements, map values
	key    *node // map keys
	fields []field
	min    int // the smallest encoding, or -1 until computed

	// edges are the nodes whose functions this node's functions call, or
	// pass as values.
	edges []edge
	// scc numbers the node's strongly connected component, if the node
	// is part of a cycle of calls (a recursive type), and is 0 otherwise.
	scc int
	// wrapped is set for a basic, methods or with node whose own functions
	// are needed, which wrap the inline code.
	wrapped bool
	// src holds the rendered functions; for a node of a cycle, nested
	// holds its nested decoder, and plainUsed records whether its decode
	// function, a wrapper of the nested one, is called.
	src       []byte
	nested    []byte
	plainUsed bool
	// fixedDecode holds the statements of a fixed-size struct's decoder
	// (decodeFixed), which the exported Decode method repeats so that a
	// call of either inlines.
	fixedDecode []byte
}

type nodeKind uint8

const (
	basicNode   nodeKind = iota // unnamed basic types, encoded inline by netio helpers
	methodsNode                 // types with Append and Decode methods
	withNode                    // types with AppendWith and DecodeWith methods
	bodyNode                    // types with generated functions
)

type shape uint8

const (
	shapeBasic   shape = iota // named basic types, and uintptr
	shapeTime                 // time.Time
	shapeStruct               //
	shapeSlice                //
	shapeArray                //
	shapeMap                  //
	shapePointer              //
)

// A field is a struct field that the codec encodes.
type field struct {
	name string
	n    *node
}

// An edge goes to a node whose functions are called, or passed as values to
// AppendWith and DecodeWith (viaFunc).
type edge struct {
	to      *node
	viaFunc bool
}

// A problem says why a type cannot cross the network.
type problem struct {
	path string // where in the type, as a Go selector relative to a value
	msg  string // what is wrong there, continuing a sentence about the place
}

// String phrases p as the end of a sentence.
func (p *problem) String() string {
	switch {
	case p.path == "":
		return "it " + p.msg
	case p.path[0] == '.':
		return "field " + p.path[1:] + " " + p.msg
	}
	return "element " + p.path + " " + p.msg
}

// A builder builds the nodes of one call of Need.
type builder struct {
	g       *Generator
	created []*node
	wrapped []*node // nodes whose wrapped flag this call set
}

// node returns the node of t, building it and the nodes of its parts if
// needed. path locates t in the type given to Need.
func (b *builder) node(t types.Type, path string) (*node, *problem) {
	t = types.Unalias(t)
	if n, ok := b.g.nodes.At(t).(*node); ok {
		return n, nil
	}
	if named, ok := t.(*types.Named); ok && named.TypeParams().Len() > named.TypeArgs().Len() {
		return nil, &problem{path, fmt.Sprintf("has generic type %s, which needs type arguments", errName(t))}
	}
	if m := codecMethods(t); m != nil {
		if p := b.checkPromoted(t, m, path); p != nil {
			return nil, p
		}
		if m.with == nil {
			return b.add(&node{t: t, kind: methodsNode}, path), nil
		}
		n := b.add(&node{t: t, kind: withNode}, path)
		for _, x := range m.with {
			arg, p := b.node(x, "")
			if p == nil {
				p = b.want(arg, "")
			}
			if p != nil {
				return nil, &problem{path, fmt.Sprintf("has type %s, whose type argument %s cannot cross the network: %s", errName(t), errName(x), p)}
			}
			n.args = append(n.args, arg)
			n.edges = append(n.edges, edge{arg, true})
		}
		return n, nil
	}
	if isTime(t) {
		return b.add(&node{t: t, kind: bodyNode, shape: shapeTime}, path), nil
	}
	if tp, ok := t.(*types.TypeParam); ok {
		return nil, &problem{path, fmt.Sprintf("has type %s, a type parameter", tp)}
	}
	if p := b.checkNameable(t, path); p != nil {
		return nil, p
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return b.basic(t, u, path)
	case *types.Struct:
		n := b.add(&node{t: t, kind: bodyNode, shape: shapeStruct}, path)
		for f := range u.Fields() {
			if f.Name() == "_" {
				continue
			}
			fpath := path + "." + f.Name()
			if !f.Exported() && f.Pkg().Path() != b.g.pkg.Path() {
				return nil, &problem{fpath, fmt.Sprintf("is unexported in package %s, and %s has no Append and Decode methods", f.Pkg().Name(), errName(t))}
			}
			fn, p := b.node(f.Type(), fpath)
			if p != nil {
				return nil, p
			}
			n.fields = append(n.fields, field{f.Name(), fn})
			n.edges = append(n.edges, b.callEdges(fn)...)
		}
		return n, nil
	case *types.Slice:
		return b.container(t, shapeSlice, nil, u.Elem(), path)
	case *types.Array:
		return b.container(t, shapeArray, nil, u.Elem(), path)
	case *types.Map:
		return b.container(t, shapeMap, u.Key(), u.Elem(), path)
	case *types.Pointer:
		return b.container(t, shapePointer, nil, u.Elem(), path)
	case *types.Chan:
		return nil, &problem{path, "has channel type " + errName(t)}
	case *types.Signature:
		return nil, &problem{path, "has func type " + errName(t)}
	case *types.Interface:
		return nil, &problem{path, "has interface type " + errName(t)}
	}
	return nil, &problem{path, "has type " + errName(t) + ", which has no binary encoding"}
}

// basic returns the node of t, whose underlying type is the basic type u.
func (b *builder) basic(t types.Type, u *types.Basic, path string) (*node, *problem) {
	helper := basicHelpers[u.Kind()]
	switch {
	case u.Kind() == types.UnsafePointer:
		return nil, &problem{path, "has type " + errName(t) + ", an unsafe pointer"}
	case u.Info()&types.IsComplex != 0:
		return nil, &problem{path, "has complex type " + errName(t) + ", which has no binary encoding"}
	case helper == "" && u.Kind() != types.Uintptr:
		return nil, &problem{path, "has type " + errName(t) + ", which has no binary encoding"}
	case t == types.Type(u) && helper != "":
		return b.add(&node{t: t, kind: basicNode, helper: helper}, path), nil
	}
	return b.add(&node{t: t, kind: bodyNode, shape: shapeBasic, helper: helper}, path), nil
}

// basicHelpers are the suffixes of the netio helpers of the basic types.
// The helpers of uintptr are the uvarint ones, which need a conversion.
var basicHelpers = map[types.BasicKind]string{
	types.Bool:    "Bool",
	types.Int:     "Int",
	types.Int8:    "Int8",
	types.Int16:   "Int16",
	types.Int32:   "Int32",
	types.Int64:   "Int64",
	types.Uint:    "Uint",
	types.Uint8:   "Uint8",
	types.Uint16:  "Uint16",
	types.Uint32:  "Uint32",
	types.Uint64:  "Uint64",
	types.Float32: "Float32",
	types.Float64: "Float64",
	types.String:  "String",
}

// container returns the node of t, a slice, array, map or pointer type with
// element type elem and, for maps, key type key.
func (b *builder) container(t types.Type, s shape, key, elem types.Type, path string) (*node, *problem) {
	n := b.add(&node{t: t, kind: bodyNode, shape: s}, path)
	epath := path + "[i]"
	switch s {
	case shapeMap:
		kn, p := b.node(key, path+"{key}")
		if p != nil {
			return nil, p
		}
		n.key = kn
		n.edges = append(n.edges, b.callEdges(kn)...)
		epath = path + "[k]"
	case shapePointer:
		epath = path
	}
	en, p := b.node(elem, epath)
	if p != nil {
		return nil, p
	}
	n.elem = en
	n.edges = append(n.edges, b.callEdges(en)...)
	return n, nil
}

// callEdges returns the edges of a node whose code encodes a value of n
// inline, or by calling n's functions.
func (b *builder) callEdges(n *node) []edge {
	switch n.kind {
	case bodyNode:
		return []edge{{n, false}}
	case withNode:
		out := make([]edge, len(n.args))
		for i, a := range n.args {
			out[i] = edge{a, true}
		}
		return out
	}
	return nil
}

// add registers n, which Need builds for the first time.
func (b *builder) add(n *node, path string) *node {
	n.name = b.g.nameFor(n.t)
	n.path = path
	n.min = -1
	b.g.nodes.Set(n.t, n)
	b.g.names[n.name] = n
	b.created = append(b.created, n)
	return n
}

// want records that n's own functions are needed: called by name, or passed
// as values.
func (b *builder) want(n *node, path string) *problem {
	if n.kind == bodyNode || n.wrapped {
		return nil
	}
	if p := b.checkNameable(n.t, path); p != nil {
		return p
	}
	n.wrapped = true
	b.wrapped = append(b.wrapped, n)
	return nil
}

// rollback forgets everything this call of Need built.
func (b *builder) rollback() {
	for _, n := range b.created {
		b.g.nodes.Delete(n.t)
		delete(b.g.names, n.name)
	}
	for _, n := range b.wrapped {
		n.wrapped = false
	}
}

// finish checks the nodes built by this call as a whole and renders them.
func (b *builder) finish() *problem {
	for _, n := range b.created {
		switch {
		case n.kind != bodyNode:
		case n.shape == shapeSlice && n.elem.minSize() == 0,
			n.shape == shapeMap && n.key.minSize()+n.elem.minSize() == 0:
			return &problem{n.path, fmt.Sprintf("has type %s, whose elements encode as no bytes, so that their count cannot be checked against the input", errName(n.t))}
		}
	}
	if p := b.cycles(); p != nil {
		return p
	}
	for _, n := range b.created {
		if n.kind == bodyNode {
			b.g.renderBody(n)
		}
	}
	for _, n := range b.wrapped {
		n.src = b.g.renderWrapper(n)
	}
	return nil
}

// cycles numbers the strongly connected components of the nodes built by
// this call (Tarjan's algorithm) and marks the nodes of cycles, whose
// decoders count the nesting depth. A cycle through the functions passed to
// AppendWith and DecodeWith cannot count it, and is a problem.
func (b *builder) cycles() *problem {
	index := map[*node]int{}
	low := map[*node]int{}
	onStack := map[*node]bool{}
	created := map[*node]bool{}
	for _, n := range b.created {
		created[n] = true
	}
	var stack []*node
	var p *problem
	scc := 0
	var visit func(n *node)
	visit = func(n *node) {
		index[n] = len(index) + 1
		low[n] = index[n]
		stack = append(stack, n)
		onStack[n] = true
		for _, e := range n.edges {
			switch {
			case !created[e.to]:
			case index[e.to] == 0:
				visit(e.to)
				low[n] = min(low[n], low[e.to])
			case onStack[e.to]:
				low[n] = min(low[n], index[e.to])
			}
		}
		if low[n] != index[n] {
			return
		}
		i := len(stack) - 1
		for stack[i] != n {
			i--
		}
		comp := stack[i:]
		stack = stack[:i]
		for _, m := range comp {
			onStack[m] = false
		}
		cyclic := len(comp) > 1
		for _, e := range n.edges {
			cyclic = cyclic || e.to == n
		}
		if !cyclic {
			return
		}
		scc++
		for _, m := range comp {
			m.scc = scc
		}
		for _, m := range comp {
			for _, e := range m.edges {
				if e.viaFunc && e.to.scc == scc && p == nil {
					p = &problem{m.path, fmt.Sprintf("has type %s, which contains itself through the type arguments of a type with AppendWith and DecodeWith methods; its nesting could not be bounded on decode", errName(m.t))}
				}
			}
		}
	}
	for _, n := range b.created {
		if index[n] == 0 {
			visit(n)
		}
	}
	return p
}

// minSize returns the size of the smallest encoding of n's type. Codec
// methods are assumed to write at least one byte.
func (n *node) minSize() int {
	if n.min >= 0 {
		return n.min
	}
	size := 1
	switch {
	case n.kind == basicNode:
		size = basicSizes[n.helper]
	case n.kind != bodyNode:
	case n.shape == shapeBasic:
		size = basicSizes[n.helper]
		if n.helper == "" { // uintptr
			size = 1
		}
	case n.shape == shapeTime:
		size = 8
	case n.shape == shapeStruct:
		size = 0
		for _, f := range n.fields {
			size = min(size+f.n.minSize(), maxMinSize)
		}
	case n.shape == shapeArray:
		l := n.t.Underlying().(*types.Array).Len()
		size = int(min(l*int64(n.elem.minSize()), maxMinSize))
	}
	n.min = size
	return size
}

// maxMinSize caps the computed minimum sizes, far above any frame size.
const maxMinSize = 1 << 40

var basicSizes = map[string]int{
	"Bool": 1, "Int8": 1, "Uint8": 1, "Int16": 2, "Uint16": 2,
	"Int32": 4, "Uint32": 4, "Float32": 4, "Int64": 8, "Uint64": 8, "Float64": 8,
	"Int": 1, "Uint": 1, "String": 1,
}

// checkNameable reports a problem if the generated code cannot write t: a
// type must be exported or declared in the generator's package, at package
// level.
func (b *builder) checkNameable(t types.Type, path string) *problem {
	var bad string
	var walk func(t types.Type)
	walk = func(t types.Type) {
		if bad != "" {
			return
		}
		switch t := types.Unalias(t).(type) {
		case *types.Named:
			obj := t.Obj()
			switch {
			case obj.Pkg() == nil:
			case obj.Parent() != nil && obj.Parent() != obj.Pkg().Scope():
				bad = fmt.Sprintf("has type %s, and %s.%s is declared inside a function", errName(t), obj.Pkg().Name(), obj.Name())
			case !obj.Exported() && obj.Pkg().Path() != b.g.pkg.Path():
				bad = fmt.Sprintf("has type %s, and %s.%s is not exported", errName(t), obj.Pkg().Name(), obj.Name())
			}
			for a := range t.TypeArgs().Types() {
				walk(a)
			}
		case *types.Pointer:
			walk(t.Elem())
		case *types.Slice:
			walk(t.Elem())
		case *types.Array:
			walk(t.Elem())
		case *types.Map:
			walk(t.Key())
			walk(t.Elem())
		case *types.Struct:
			for f := range t.Fields() {
				if !f.Exported() && f.Pkg().Path() != b.g.pkg.Path() {
					bad = fmt.Sprintf("has type %s, which has unexported fields of package %s", errName(t), f.Pkg().Name())
					return
				}
				walk(f.Type())
			}
		}
	}
	walk(t)
	if bad == "" {
		return nil
	}
	return &problem{path, bad}
}

// methods describes the codec methods of a type: Append and Decode, or
// AppendWith and DecodeWith with the types in with.
type methods struct {
	with   []types.Type
	append *types.Selection
}

// codecMethods returns the codec methods of t, or nil if it has none. As for
// netio.Codec, the methods may have pointer receivers and be promoted from
// embedded fields.
func codecMethods(t types.Type) *methods {
	switch t.Underlying().(type) {
	case *types.Pointer, *types.Interface:
		return nil
	}
	ms := types.NewMethodSet(types.NewPointer(t))
	lookup := func(name string) (*types.Selection, *types.Signature) {
		sel := ms.Lookup(nil, name)
		if sel == nil {
			return nil, nil
		}
		return sel, sel.Type().(*types.Signature)
	}
	app, as := lookup("Append")
	_, ds := lookup("Decode")
	if as != nil && ds != nil && isAppend(as, 1) && isDecode(ds, 1) {
		return &methods{append: app}
	}
	app, as = lookup("AppendWith")
	_, ds = lookup("DecodeWith")
	if as == nil || ds == nil || !isAppend(as, as.Params().Len()) || !isDecode(ds, as.Params().Len()) {
		return nil
	}
	m := &methods{append: app, with: []types.Type{}}
	for i := 1; i < as.Params().Len(); i++ {
		fa, _ := as.Params().At(i).Type().(*types.Signature)
		fd, _ := ds.Params().At(i).Type().(*types.Signature)
		if fa == nil || fd == nil || !isAppend(fa, 2) || !isDecode(fd, 2) {
			return nil
		}
		xa, _ := fa.Params().At(1).Type().(*types.Pointer)
		xd, _ := fd.Params().At(1).Type().(*types.Pointer)
		if xa == nil || xd == nil || !types.Identical(xa.Elem(), xd.Elem()) {
			return nil
		}
		m.with = append(m.with, xa.Elem())
	}
	return m
}

var (
	bytesType = types.NewSlice(types.Typ[types.Byte])
	errorType = types.Universe.Lookup("error").Type()
)

// isAppend reports whether s has the shape func([]byte, ...) []byte, with
// params parameters.
func isAppend(s *types.Signature, params int) bool {
	return s.Params().Len() == params && params > 0 && !s.Variadic() &&
		types.Identical(s.Params().At(0).Type(), bytesType) &&
		s.Results().Len() == 1 && types.Identical(s.Results().At(0).Type(), bytesType)
}

// isDecode reports whether s has the shape func([]byte, ...) (int, error),
// with params parameters.
func isDecode(s *types.Signature, params int) bool {
	return s.Params().Len() == params && params > 0 && !s.Variadic() &&
		types.Identical(s.Params().At(0).Type(), bytesType) &&
		s.Results().Len() == 2 && types.Identical(s.Results().At(0).Type(), types.Typ[types.Int]) &&
		types.Identical(s.Results().At(1).Type(), errorType)
}

func isPointer(t types.Type) bool {
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}

// checkPromoted reports a problem if t's codec methods are promoted from an
// embedded field and would leave other data out: they are used only if every
// struct on the way to them has that embedded field alone, embedded by value.
func (b *builder) checkPromoted(t types.Type, m *methods, path string) *problem {
	index := m.append.Index()
	cur := t
	for _, i := range index[:len(index)-1] {
		s := cur.Underlying().(*types.Struct)
		f := s.Field(i)
		fields := 0
		for g := range s.Fields() {
			if g.Name() != "_" {
				fields++
			}
		}
		names := "Append and Decode"
		if m.with != nil {
			names = "AppendWith and DecodeWith"
		}
		if fields > 1 {
			return &problem{path, fmt.Sprintf("has type %s, whose methods %s are promoted from its embedded field %s and would encode that field alone; declare them on %s, or give the field a name", errName(t), names, f.Name(), errName(t))}
		}
		if isPointer(f.Type()) {
			return &problem{path, fmt.Sprintf("has type %s, whose methods %s are promoted through the embedded pointer %s, which may be nil; declare them on %s, or give the field a name", errName(t), names, f.Name(), errName(t))}
		}
		cur = f.Type()
	}
	return nil
}

// isTime reports whether t is time.Time.
func isTime(t types.Type) bool {
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == timePath && n.Obj().Name() == "Time"
}

// escapePercent escapes the '%' of s, for use in a format string of the
// generated code.
func escapePercent(s string) string { return strings.ReplaceAll(s, "%", "%%") }
