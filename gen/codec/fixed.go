package codec

import (
	"fmt"
	"strconv"
)

// Fixed-size types: a struct whose fields all encode in a fixed number of
// bytes (fixed-width numbers, bools, arrays and structs of them) decodes
// with one bounds check for the whole value, as a hand-written decoder
// would, instead of one per field.

// fixedSizes are the encoded sizes of the fixed-width netio helpers.
var fixedSizes = map[string]int{
	"Bool": 1, "Int8": 1, "Uint8": 1, "Int16": 2, "Uint16": 2,
	"Int32": 4, "Uint32": 4, "Float32": 4, "Int64": 8, "Uint64": 8, "Float64": 8,
}

// fixedSize returns the size of every encoding of n's type, if they all
// have one size.
func (n *node) fixedSize() (int, bool) {
	switch {
	case n.kind == basicNode || n.kind == bodyNode && n.shape == shapeBasic:
		size, ok := fixedSizes[n.helper]
		return size, ok
	case n.kind != bodyNode:
		return 0, false
	case n.shape == shapeStruct:
		size := 0
		for _, f := range n.fields {
			s, ok := f.n.fixedSize()
			if !ok || size+s > maxFixed {
				return 0, false
			}
			size += s
		}
		return size, true
	case n.shape == shapeArray:
		s, ok := n.elem.fixedSize()
		l := n.t.Underlying().(interface{ Len() int64 }).Len()
		if !ok || int64(s)*l > maxFixed {
			return 0, false
		}
		return s * int(l), true
	}
	return 0, false
}

// maxFixed bounds the fixed sizes the generator inlines; larger values
// decode field by field.
const maxFixed = 1 << 12

// decodeFixed writes the decode body of struct node n, of fixed size size:
// one bounds check, then every field read at its offset in b.
func (w *writer) decodeFixed(n *node, size int) {
	w.fixed = true
	w.printf("if len(src) < %d {\nreturn 0, %s\n}\nb := src[:%d]\n",
		size, w.fixedErr(ctx(n), "ErrShort"), size)
	w.boolChecks(n, ctx(n), "0")
	off := 0
	for _, f := range n.fields {
		off = w.fixedField(f.n, "v."+f.name, ctx(n)+"."+f.name, strconv.Itoa(off))
	}
	w.printf("return %d, nil\n", size)
}

// boolChecks writes, before any field is read, the checks that every bool
// of n (at offset off of b) is encoded as 0 or 1, as a hand-written
// decoder checks them up front: a value that does not decode leaves v
// untouched, and the fields then read with no branch.
func (w *writer) boolChecks(n *node, where, off string) {
	if !n.hasBool() {
		return
	}
	switch {
	case n.kind == bodyNode && n.shape == shapeStruct:
		o := off
		for _, f := range n.fields {
			s, _ := f.n.fixedSize()
			w.boolChecks(f.n, where+"."+f.name, o)
			o = plus(o, s)
		}
	case n.kind == bodyNode && n.shape == shapeArray:
		es, _ := n.elem.fixedSize()
		l := n.t.Underlying().(interface{ Len() int64 }).Len()
		i := fmt.Sprintf("i%d", len(off))
		w.printf("for %s := range %d {\n", i, l)
		w.boolChecks(n.elem, where, plus(off, 0)+fmt.Sprintf("+%s*%d", i, es))
		w.printf("}\n")
	default:
		w.printf("if b[%s] > 1 {\nreturn 0, %s\n}\n", off, w.fixedErr(where, "ErrBool"))
	}
}

// hasBool reports whether a fixed-size node holds a bool.
func (n *node) hasBool() bool {
	switch {
	case n.kind == bodyNode && n.shape == shapeStruct:
		for _, f := range n.fields {
			if f.n.hasBool() {
				return true
			}
		}
		return false
	case n.kind == bodyNode && n.shape == shapeArray:
		return n.elem.hasBool()
	}
	return n.helper == "Bool"
}

// fixedField writes the statements reading lv, of fixed-size node n, from
// b at offset off (an expression), and returns the offset after it when
// off is a constant; where names lv in errors.
func (w *writer) fixedField(n *node, lv, where, off string) int {
	size, _ := n.fixedSize()
	switch {
	case n.kind == bodyNode && n.shape == shapeStruct:
		o := off
		for _, f := range n.fields {
			s, _ := f.n.fixedSize()
			w.fixedField(f.n, lv+"."+f.name, where+"."+f.name, o)
			o = plus(o, s)
		}
	case n.kind == bodyNode && n.shape == shapeArray:
		es, _ := n.elem.fixedSize()
		if isByte(n.elem) {
			w.printf("copy(%s[:], b[%s:%s])\n", lv, off, plus(off, size))
			break
		}
		i := fmt.Sprintf("i%d", len(lv))
		w.printf("for %s := range %s {\n", i, lv)
		w.fixedField(n.elem, lv+"["+i+"]", where, plus(off, 0)+fmt.Sprintf("+%s*%d", i, es))
		w.printf("}\n")
	default:
		w.fixedBasic(n, lv, where, off)
	}
	o, err := strconv.Atoi(off)
	if err != nil {
		return 0
	}
	return o + size
}

// fixedBasic writes the statement reading a fixed-width number or bool.
func (w *writer) fixedBasic(n *node, lv, where, off string) {
	conv := ""
	if n.kind == bodyNode { // a named basic type
		conv = w.g.typ(n.t)
	}
	le := w.g.use("encoding/binary", "binary") + ".LittleEndian"
	var x string
	switch n.helper {
	case "Bool":
		// Checked up front (boolChecks).
		x = "b[" + off + "] == 1"
	case "Uint8":
		x = "b[" + off + "]"
	case "Int8":
		x = "int8(b[" + off + "])"
	case "Uint16", "Uint32", "Uint64":
		x = fmt.Sprintf("%s.%s(b[%s:])", le, n.helper, off)
	case "Int16", "Int32", "Int64":
		x = fmt.Sprintf("int%s(%s.Uint%s(b[%s:]))", n.helper[3:], le, n.helper[3:], off)
	case "Float32", "Float64":
		x = fmt.Sprintf("%s.Float%sfrombits(%s.Uint%s(b[%s:]))", w.g.use("math", "math"), n.helper[5:], le, n.helper[5:], off)
	}
	if conv != "" {
		x = conv + "(" + x + ")"
	}
	w.printf("%s = %s\n", lv, x)
}

// fixedErr returns an expression for the error that wraps netio's sentinel
// with where. The errors of a fixed-size decoder are made once, in a
// package-level array beside it (errDecl), rather than with fmt.Errorf on
// the failing path: that keeps the decoder within the compiler's inlining
// budget, like a hand-written one that returns sentinel errors.
func (w *writer) fixedErr(where, sentinel string) string {
	w.errs = append(w.errs, fmt.Sprintf("%s.Errorf(%s, %s.%s)", w.fmt(), strconv.Quote(where+": %w"), w.netio(), sentinel))
	return fmt.Sprintf("%s[%d]", errsName(w.n), len(w.errs)-1)
}

// errDecl writes the array of the errors fixedErr handed out, if any.
func (w *writer) errDecl() {
	if len(w.errs) == 0 {
		return
	}
	w.printf("// %s holds %s's errors, made once so that the decoder stays small\n// enough to inline.\n", errsName(w.n), decodeName(w.n))
	w.printf("var %s = [...]error{\n", errsName(w.n))
	for _, e := range w.errs {
		w.printf("%s,\n", e)
	}
	w.printf("}\n\n")
}

// plus returns the expression off+k, folded when off is a constant.
func plus(off string, k int) string {
	if o, err := strconv.Atoi(off); err == nil {
		return strconv.Itoa(o + k)
	}
	if k == 0 {
		return off
	}
	return fmt.Sprintf("%s+%d", off, k)
}
