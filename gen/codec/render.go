package codec

import (
	"bytes"
	"fmt"
	"go/types"
	"strconv"
	"strings"
)

// A writer writes the functions of one node. Values are addressed by
// lvalues: Go expressions such as v.Name, (*v)[i] or *p, always addressable.
type writer struct {
	g *Generator
	n *node
	b bytes.Buffer
	// errs are the error expressions of a fixed-size decoder, declared once
	// beside it (see fixedErr).
	errs []string
	// fixed records that the decoder is a fixed-size one (decodeFixed).
	fixed bool
}

func (g *Generator) writer(n *node) *writer { return &writer{g: g, n: n} }

// netio and fmt return the names of the packages in the generated file,
// importing them: only on use, since an unused import does not compile.
func (w *writer) netio() string { return w.g.use(netioPath, "netio") }
func (w *writer) fmt() string   { return w.g.use("fmt", "fmt") }

func (w *writer) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// addr returns the address of lvalue lv.
func addr(lv string) string {
	if rest, ok := strings.CutPrefix(lv, "*"); ok {
		return rest
	}
	return "&" + lv
}

// operand returns lvalue lv as the operand of a selector or index.
func operand(lv string) string {
	if strings.HasPrefix(lv, "*") {
		return "(" + lv + ")"
	}
	return lv
}

// appendStmt writes the statement appending the value of n's type at lv.
func (w *writer) appendStmt(n *node, lv string) {
	switch n.kind {
	case basicNode:
		w.printf("dst = %s.Append%s(dst, %s)\n", w.netio(), n.helper, lv)
	case methodsNode:
		w.printf("dst = %s.Append(dst)\n", operand(lv))
	case withNode:
		w.printf("dst = %s.AppendWith(dst%s)\n", operand(lv), funcArgs(n, appendName))
	default:
		w.printf("dst = %s(dst, %s)\n", appendName(n), addr(lv))
	}
}

// funcArgs returns the codec functions a with node passes, each preceded
// by a comma.
func funcArgs(n *node, name func(*node) string) string {
	var b strings.Builder
	for _, a := range n.args {
		b.WriteString(", ")
		b.WriteString(name(a))
	}
	return b.String()
}

// decodeStmt writes the statements decoding a value of n's type from
// src[n:] into lv, adding the bytes read to n; they use the variables m and
// err. On error they return it wrapped by where, a format string of the
// generated code with arguments whereArgs, or as it is if where is empty.
func (w *writer) decodeStmt(n *node, lv, where string, whereArgs ...string) {
	switch n.kind {
	case basicNode:
		w.printf("if %s, m, err = %s.Decode%s(src[n:]); err != nil {\n", lv, w.netio(), n.helper)
	case methodsNode:
		w.printf("if m, err = %s.Decode(src[n:]); err != nil {\n", operand(lv))
	case withNode:
		w.printf("if m, err = %s.DecodeWith(src[n:]%s); err != nil {\n", operand(lv), funcArgs(n, decodeFunc))
	default:
		if w.n.scc != 0 && n.scc == w.n.scc {
			w.printf("if m, err = %s(src[n:], %s, depth+1); err != nil {\n", nestedName(n), addr(lv))
		} else {
			w.printf("if m, err = %s(src[n:], %s); err != nil {\n", decodeFunc(n), addr(lv))
		}
	}
	if where == "" {
		w.printf("return 0, err\n}\nn += m\n")
		return
	}
	w.printf("return 0, %s\n}\nn += m\n", w.wrap(where, whereArgs...))
}

// decodeFunc returns the name of n's decode function, recording that it is
// used.
func decodeFunc(n *node) string {
	n.plainUsed = true
	return decodeName(n)
}

// wrap returns the expression wrapping err with where, a format string with
// arguments args.
func (w *writer) wrap(where string, args ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s.Errorf(%s", w.fmt(), strconv.Quote(where+": %w"))
	for _, a := range args {
		b.WriteString(", ")
		b.WriteString(a)
	}
	b.WriteString(", err)")
	return b.String()
}

// ctx returns the name of n's type for the messages of the generated code:
// named types without their type arguments, which can be long.
func ctx(n *node) string {
	if t, ok := n.t.(*types.Named); ok && t.TypeArgs().Len() > 0 {
		return escapePercent(t.Obj().Pkg().Name() + "." + t.Obj().Name())
	}
	return escapePercent(errName(n.t))
}

// renderBody renders the functions of a body node: into n.src, and for a
// node of a cycle the nested decoder into n.nested.
func (g *Generator) renderBody(n *node) {
	w := g.writer(n)
	t := g.typ(n.t)
	w.printf("func %s(dst []byte, v *%s) []byte {\n", appendName(n), t)
	w.appendBody()
	w.printf("}\n\n")
	if n.scc != 0 {
		n.src = bytes.Clone(w.b.Bytes())
		w.b.Reset()
		w.printf("// %s decodes v, enclosed in depth values of recursive types.\n", nestedName(n))
		w.printf("func %s(src []byte, v *%s, depth int) (int, error) {\n", nestedName(n), t)
		w.printf("if depth >= %d {\nreturn 0, %s.Errorf(%s)\n}\n", maxDepth, w.fmt(),
			strconv.Quote(fmt.Sprintf("%s: values nested more than %d deep", ctx(n), maxDepth)))
	} else {
		w.printf("func %s(src []byte, v *%s) (int, error) {\n", decodeName(n), t)
	}
	start := w.b.Len()
	w.decodeBody()
	if w.fixed && n.scc == 0 {
		n.fixedDecode = bytes.Clone(w.b.Bytes()[start:])
	}
	w.printf("}\n\n")
	w.errDecl()
	if n.scc != 0 {
		n.nested = w.b.Bytes()
	} else {
		n.src = w.b.Bytes()
	}
}

// decodeWrapper returns the decode function of a node of a cycle, which
// starts its nested decoder at depth 0.
func (g *Generator) decodeWrapper(n *node) []byte {
	return fmt.Appendf(nil, "func %s(src []byte, v *%s) (int, error) {\nreturn %s(src, v, 0)\n}\n\n", decodeName(n), g.typ(n.t), nestedName(n))
}

// appendBody writes the statements of a body node's append function.
func (w *writer) appendBody() {
	n := w.n
	switch n.shape {
	case shapeBasic:
		if n.helper == "" {
			w.printf("return %s.AppendUvarint(dst, uint64(*v))\n", w.netio())
		} else {
			w.printf("return %s.Append%s(dst, %s(*v))\n", w.netio(), n.helper, basicName(n.t))
		}
	case shapeTime:
		w.printf("if v.IsZero() {\nreturn %[1]s.AppendInt64(dst, %[2]s.MinInt64)\n}\nreturn %[1]s.AppendInt64(dst, v.UnixNano())\n",
			w.netio(), w.g.use("math", "math"))
	case shapeStruct:
		for _, f := range n.fields {
			w.appendStmt(f.n, "v."+f.name)
		}
		w.printf("return dst\n")
	case shapeSlice:
		if isByte(n.elem) {
			w.printf("return %s.AppendBytes(dst, *v)\n", w.netio())
			return
		}
		w.printf("dst = %s.AppendLen(dst, len(*v))\nfor i := range *v {\n", w.netio())
		w.appendStmt(n.elem, "(*v)[i]")
		w.printf("}\nreturn dst\n")
	case shapeArray:
		if isByte(n.elem) {
			w.printf("return append(dst, v[:]...)\n")
			return
		}
		w.printf("for i := range v {\n")
		w.appendStmt(n.elem, "v[i]")
		w.printf("}\nreturn dst\n")
	case shapeMap:
		w.printf("dst = %s.AppendLen(dst, len(*v))\nfor k, e := range *v {\n", w.netio())
		w.appendStmt(n.key, "k")
		w.appendStmt(n.elem, "e")
		w.printf("}\nreturn dst\n")
	case shapePointer:
		w.printf("if *v == nil {\nreturn append(dst, 0)\n}\ndst = append(dst, 1)\n")
		w.appendStmt(n.elem, "**v")
		w.printf("return dst\n")
	}
}

// decodeBody writes the statements of a body node's decode function.
func (w *writer) decodeBody() {
	n := w.n
	t := w.g.typ(n.t)
	switch n.shape {
	case shapeBasic:
		helper, conv := n.helper, basicName(n.t)
		if helper == "" {
			helper = "Uvarint"
		}
		w.printf("x, n, err := %s.Decode%s(src)\nif err != nil {\nreturn 0, %s\n}\n", w.netio(), helper, w.wrap(ctx(n)))
		if n.helper == "" {
			w.printf("if uint64(uintptr(x)) != x {\nreturn 0, %s.Errorf(%s, %s.ErrOverflow)\n}\n", w.fmt(), strconv.Quote(ctx(n)+": %w"), w.netio())
		}
		if conv != t || n.helper == "" {
			w.printf("*v = %s(x)\n", t)
		} else {
			w.printf("*v = x\n")
		}
		w.printf("return n, nil\n")
	case shapeTime:
		w.printf("x, n, err := %s.DecodeInt64(src)\nif err != nil {\nreturn 0, %s\n}\n", w.netio(), w.wrap(ctx(n)))
		w.printf("if x == %s.MinInt64 {\n*v = %s{}\n} else {\n*v = %s.Unix(0, x).UTC()\n}\nreturn n, nil\n",
			w.g.use("math", "math"), t, w.g.use(timePath, "time"))
	case shapeStruct:
		if len(n.fields) == 0 {
			w.printf("return 0, nil\n")
			return
		}
		if size, ok := n.fixedSize(); ok && len(n.fields) > 1 {
			w.decodeFixed(n, size)
			return
		}
		w.printf("var (\nn, m int\nerr error\n)\n")
		for _, f := range n.fields {
			w.decodeStmt(f.n, "v."+f.name, ctx(n)+"."+f.name)
		}
		w.printf("return n, nil\n")
	case shapeSlice:
		if isByte(n.elem) {
			w.printf("b, n, err := %s.DecodeBytes(src)\nif err != nil {\nreturn 0, %s\n}\n", w.netio(), w.wrap(ctx(n)))
			w.printf("*v = nil\nif len(b) > 0 {\n*v = append(%s(nil), b...)\n}\nreturn n, nil\n", t)
			return
		}
		w.printf("count, n, err := %s.DecodeLen(src, %d)\nif err != nil {\nreturn 0, %s\n}\n", w.netio(), n.elem.minSize(), w.wrap(ctx(n)))
		w.printf("if count == 0 {\n*v = nil\nreturn n, nil\n}\ns := make(%s, count)\nvar m int\nfor i := range s {\n", t)
		w.decodeStmt(n.elem, "s[i]", ctx(n)+"[%d]", "i")
		w.printf("}\n*v = s\nreturn n, nil\n")
	case shapeArray:
		if isByte(n.elem) {
			w.printf("if len(src) < len(v) {\nreturn 0, %s.Errorf(%s, %s.ErrShort)\n}\ncopy(v[:], src)\nreturn len(v), nil\n",
				w.fmt(), strconv.Quote(ctx(n)+": %w"), w.netio())
			return
		}
		w.printf("var (\nn, m int\nerr error\n)\nfor i := range v {\n")
		w.decodeStmt(n.elem, "v[i]", ctx(n)+"[%d]", "i")
		w.printf("}\nreturn n, nil\n")
	case shapeMap:
		w.printf("count, n, err := %s.DecodeLen(src, %d)\nif err != nil {\nreturn 0, %s\n}\n",
			w.netio(), max(n.key.minSize()+n.elem.minSize(), 1), w.wrap(ctx(n)))
		w.printf("if count == 0 {\n*v = nil\nreturn n, nil\n}\nmp := make(%s, count)\nvar m int\nfor i := range count {\n", t)
		w.printf("var (\nk %s\ne %s\n)\n", w.g.typ(n.key.t), w.g.typ(n.elem.t))
		w.decodeStmt(n.key, "k", ctx(n)+" key %d", "i")
		w.decodeStmt(n.elem, "e", ctx(n)+" value %d", "i")
		w.printf("if _, dup := mp[k]; dup {\nreturn 0, %s.Errorf(%s, i)\n}\nmp[k] = e\n}\n*v = mp\nreturn n, nil\n",
			w.fmt(), strconv.Quote(ctx(n)+": key %d repeats an earlier key"))
	case shapePointer:
		w.printf("present, n, err := %s.DecodeBool(src)\nif err != nil {\nreturn 0, %s\n}\n", w.netio(), w.wrap(ctx(n)))
		w.printf("if !present {\n*v = nil\nreturn n, nil\n}\np := new(%s)\nvar m int\n", w.g.typ(n.elem.t))
		w.decodeStmt(n.elem, "*p", "")
		w.printf("*v = p\nreturn n, nil\n")
	}
}

// renderWrapper returns the functions of a basic, methods or with node,
// which wrap its inline code.
func (g *Generator) renderWrapper(n *node) []byte {
	w := g.writer(n)
	t := g.typ(n.t)
	w.printf("func %s(dst []byte, v *%s) []byte {\n", appendName(n), t)
	switch n.kind {
	case basicNode:
		w.printf("return %s.Append%s(dst, *v)\n", w.netio(), n.helper)
	case methodsNode:
		w.printf("return v.Append(dst)\n")
	case withNode:
		w.printf("return v.AppendWith(dst%s)\n", funcArgs(n, appendName))
	}
	w.printf("}\n\nfunc %s(src []byte, v *%s) (int, error) {\n", decodeName(n), t)
	switch n.kind {
	case basicNode:
		w.printf("x, n, err := %s.Decode%s(src)\nif err != nil {\nreturn 0, err\n}\n*v = x\nreturn n, nil\n", w.netio(), n.helper)
	case methodsNode:
		w.printf("return v.Decode(src)\n")
	case withNode:
		w.printf("return v.DecodeWith(src%s)\n", funcArgs(n, decodeFunc))
	}
	w.printf("}\n\n")
	return w.b.Bytes()
}

// isByte reports whether n is the node of the unnamed type byte (uint8),
// whose slices and arrays are copied as a whole.
func isByte(n *node) bool { return n.kind == basicNode && n.helper == "Uint8" }

// basicName returns the name of the basic type underlying t.
func basicName(t types.Type) string {
	return types.Typ[t.Underlying().(*types.Basic).Kind()].Name()
}
