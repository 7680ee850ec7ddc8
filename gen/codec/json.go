package codec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/types"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// NeedJSON returns the name of a function
//
//	func <name>(dst []byte, v *T) ([]byte, error)
//
// that appends *v as JSON, byte for byte as encoding/json writes it with
// HTML escaping off, but without reflection, generating it and those of the
// types t contains on first use. Its error is netio.ErrJSONFloat for an
// infinity or a NaN, which encoding/json refuses too.
//
// It reports false, and generates nothing, for a type whose JSON depends on
// rules it does not reproduce: a type with MarshalJSON or MarshalText
// methods, maps, interfaces, json tags with options other than omitempty,
// embedded pointers or non-struct embedded types, and fields whose names
// collide after embedded structs are flattened. Runtimes print such types
// with encoding/json.
func (g *Generator) NeedJSON(t types.Type) (string, bool) {
	j := &jsonBuilder{g: g, fresh: map[types.Type]*jsonFunc{}, pkgs: map[string]string{"strconv": "strconv", netioPath: "netio"}}
	name, ok := j.fn(t)
	if !ok {
		return "", false
	}
	// The packages are imported only now, so that a type that fails
	// imports nothing.
	for t, f := range j.fresh {
		for _, path := range slices.Sorted(maps.Keys(j.pkgs)) {
			placeholder := []byte(jsonPkg(path))
			if bytes.Contains(f.src, placeholder) {
				f.src = bytes.ReplaceAll(f.src, placeholder, []byte(g.use(path, j.pkgs[path])))
			}
		}
		g.json.Set(t, f)
		g.jsonNames[f.name] = true
	}
	return name, true
}

// jsonPkg is what the functions being built write for the package with the
// given import path, replaced once they are kept.
func jsonPkg(path string) string { return "\x00" + path + "\x00" }

// jsonFunc is one generated JSON function.
type jsonFunc struct {
	name string
	src  []byte
}

// jsonBuilder generates the JSON functions of one NeedJSON call; they are
// kept only if every type they need is supported.
type jsonBuilder struct {
	g     *Generator
	fresh map[types.Type]*jsonFunc
	pkgs  map[string]string // import path -> name of the packages used
	vars  int
}

// typ returns t as the generated code writes it, with placeholders for
// the names of other packages.
func (j *jsonBuilder) typ(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p.Path() == j.g.pkg.Path() {
			return ""
		}
		j.pkgs[p.Path()] = p.Name()
		return jsonPkg(p.Path())
	})
}

// fn returns the function for t, generating it.
func (j *jsonBuilder) fn(t types.Type) (string, bool) {
	if f, ok := j.g.json.At(t).(*jsonFunc); ok {
		return f.name, true
	}
	for ft, f := range j.fresh {
		if types.Identical(ft, t) {
			return f.name, true
		}
	}
	f := &jsonFunc{name: j.nameFor(t)}
	j.fresh[t] = f // before the body: recursive types call it
	var body bytes.Buffer
	if !j.value(&body, types.Unalias(t), "v", true) {
		return "", false
	}
	f.src = fmt.Appendf(nil, `// %s appends *v as JSON, as encoding/json writes it.
func %s(dst []byte, v *%s) ([]byte, error) {
	var err error
	_ = err
%s	return dst, nil
}

`, f.name, f.name, j.typ(t), body.Bytes())
	return f.name, true
}

// nameFor returns an unused function name for t.
func (j *jsonBuilder) nameFor(t types.Type) string {
	base := "appendJSONHydro" + j.g.mangle(t)
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name += strconv.Itoa(i)
		}
		taken := j.g.jsonNames[name] || j.g.declared(name)
		for _, f := range j.fresh {
			taken = taken || f.name == name
		}
		if !taken {
			return name
		}
	}
}

// tmp returns a fresh local variable name.
func (j *jsonBuilder) tmp(prefix string) string {
	j.vars++
	return prefix + strconv.Itoa(j.vars)
}

// hasJSONMethods reports whether t or *t has methods that encoding/json
// would call instead of looking at t's structure.
func hasJSONMethods(t types.Type) bool {
	for _, typ := range []types.Type{t, types.NewPointer(t)} {
		ms := types.NewMethodSet(typ)
		for _, name := range []string{"MarshalJSON", "MarshalText"} {
			if ms.Lookup(nil, name) != nil {
				return true
			}
		}
	}
	return false
}

// value writes statements appending the value that the pointer expression
// p points to, of type t. top is true for the body of t's own function.
func (j *jsonBuilder) value(w *bytes.Buffer, t types.Type, p string, top bool) bool {
	t = types.Unalias(t)
	if hasJSONMethods(t) {
		return false
	}
	if named, ok := t.(*types.Named); ok && !top {
		if _, isBasic := named.Underlying().(*types.Basic); !isBasic {
			// A function of its own: named types may be recursive.
			name, ok := j.fn(t)
			if !ok {
				return false
			}
			fmt.Fprintf(w, "if dst, err = %s(dst, %s); err != nil {\nreturn dst, err\n}\n", name, p)
			return true
		}
	}
	netio, strconvPkg := jsonPkg(netioPath), jsonPkg("strconv")
	x := deref(p)
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Kind() == types.Bool:
			fmt.Fprintf(w, "dst = %s.AppendBool(dst, bool(%s))\n", strconvPkg, x)
		case u.Info()&types.IsInteger != 0 && u.Info()&types.IsUnsigned != 0:
			fmt.Fprintf(w, "dst = %s.AppendUint(dst, uint64(%s), 10)\n", strconvPkg, x)
		case u.Info()&types.IsInteger != 0:
			fmt.Fprintf(w, "dst = %s.AppendInt(dst, int64(%s), 10)\n", strconvPkg, x)
		case u.Kind() == types.Float32 || u.Kind() == types.Float64:
			bits := 64
			if u.Kind() == types.Float32 {
				bits = 32
			}
			fmt.Fprintf(w, "if dst, err = %s.AppendJSONFloat(dst, float64(%s), %d); err != nil {\nreturn dst, err\n}\n", netio, x, bits)
		case u.Kind() == types.String:
			fmt.Fprintf(w, "dst = %s.AppendJSONString(dst, string(%s))\n", netio, x)
		default:
			return false
		}
	case *types.Pointer:
		if _, named := t.(*types.Named); named {
			return false // its value would need a conversion
		}
		q := j.tmp("p")
		fmt.Fprintf(w, "if %s := %s; %s == nil {\ndst = append(dst, \"null\"...)\n} else {\n", q, x, q)
		if !j.value(w, u.Elem(), q, false) {
			return false
		}
		w.WriteString("}\n")
	case *types.Slice:
		if b, ok := types.Unalias(u.Elem()).Underlying().(*types.Basic); ok && b.Kind() == types.Uint8 {
			// encoding/json writes a byte slice in base64, unless its
			// element type has marshaling methods.
			if hasJSONMethods(u.Elem()) {
				return false
			}
			fmt.Fprintf(w, "dst = %s.AppendJSONBytes(dst, %s)\n", netio, x)
			return true
		}
		s := j.tmp("s")
		fmt.Fprintf(w, "if %s := %s; %s == nil {\ndst = append(dst, \"null\"...)\n} else {\n", s, x, s)
		if !j.elems(w, u.Elem(), s) {
			return false
		}
		w.WriteString("}\n")
	case *types.Array:
		if strings.HasPrefix(x, "*") {
			x = "(" + x + ")"
		}
		if !j.elems(w, u.Elem(), x) {
			return false
		}
	case *types.Struct:
		if !isIdent(p) {
			q := j.tmp("q")
			fmt.Fprintf(w, "%s := %s\n", q, p)
			p = q
		}
		return j.object(w, u, p)
	default:
		return false
	}
	return true
}

// deref returns the expression for the value pointer expression p points
// to.
func deref(p string) string {
	if rest, ok := strings.CutPrefix(p, "&"); ok {
		return rest
	}
	return "*" + p
}

// isIdent reports whether p is a plain identifier.
func isIdent(p string) bool {
	return !strings.ContainsAny(p, "&*.[]() ")
}

// elems writes statements appending the elements of the slice or array
// expression s as a JSON array.
func (j *jsonBuilder) elems(w *bytes.Buffer, elem types.Type, s string) bool {
	i, e := j.tmp("i"), j.tmp("e")
	fmt.Fprintf(w, "dst = append(dst, '[')\nfor %s := range %s {\nif %s > 0 {\ndst = append(dst, ',')\n}\n%s := &%s[%s]\n", i, s, i, e, s, i)
	if !j.value(w, elem, e, false) {
		return false
	}
	w.WriteString("}\ndst = append(dst, ']')\n")
	return true
}

// jsonField is a field of a struct as encoding/json writes it.
type jsonField struct {
	key       string // the JSON object key, quoted
	path      string // selector from the struct, such as .LineItem.Item
	typ       types.Type
	omitEmpty bool
}

// object writes statements appending struct s, which p points to, as a
// JSON object.
func (j *jsonBuilder) object(w *bytes.Buffer, s *types.Struct, p string) bool {
	fields, ok := jsonFields(j.g.pkg, s, "", 0)
	if !ok {
		return false
	}
	names := map[string]bool{}
	for _, f := range fields {
		if names[f.key] {
			return false // encoding/json's dominance rules decide
		}
		names[f.key] = true
	}
	if !slices.ContainsFunc(fields, func(f jsonField) bool { return f.omitEmpty }) {
		for i, f := range fields {
			sep := ","
			if i == 0 {
				sep = "{"
			}
			fmt.Fprintf(w, "dst = append(dst, %s...)\n", strconv.Quote(sep+f.key+":"))
			if !j.value(w, f.typ, "&"+p+f.path, false) {
				return false
			}
		}
		if len(fields) == 0 {
			w.WriteString("dst = append(dst, '{')\n")
		}
		w.WriteString("dst = append(dst, '}')\n")
		return true
	}
	next := j.tmp("next")
	fmt.Fprintf(w, "%s := byte('{')\n", next)
	for _, f := range fields {
		if f.omitEmpty {
			cond, ok := nonEmpty(f.typ, p+f.path)
			if !ok {
				return false
			}
			fmt.Fprintf(w, "if %s {\n", cond)
		}
		fmt.Fprintf(w, "dst = append(append(dst, %s), %s...)\n%s = ','\n", next, strconv.Quote(f.key+":"), next)
		if !j.value(w, f.typ, "&"+p+f.path, false) {
			return false
		}
		if f.omitEmpty {
			w.WriteString("}\n")
		}
	}
	fmt.Fprintf(w, "if %s == '{' {\ndst = append(dst, '{')\n}\ndst = append(dst, '}')\n", next)
	return true
}

// nonEmpty returns the condition under which encoding/json writes a field
// x tagged omitempty.
func nonEmpty(t types.Type, x string) (string, bool) {
	switch u := types.Unalias(t).Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Kind() == types.Bool:
			return "bool(" + x + ")", true
		case u.Kind() == types.String:
			return x + ` != ""`, true
		case u.Info()&types.IsNumeric != 0:
			return x + " != 0", true
		}
	case *types.Pointer:
		return x + " != nil", true
	case *types.Slice:
		return "len(" + x + ") != 0", true
	case *types.Array:
		return strconv.FormatBool(u.Len() != 0), true
	case *types.Struct:
		return "true", true
	}
	return "", false
}

// jsonFields lists the fields of s that encoding/json writes, in its order,
// flattening embedded structs, with path prefixed to their selectors; the
// generated code is in package pkg.
func jsonFields(pkg *types.Package, s *types.Struct, path string, depth int) ([]jsonField, bool) {
	if depth > 16 {
		return nil, false
	}
	var out []jsonField
	for i := range s.NumFields() {
		f := s.Field(i)
		tag := reflect.StructTag(s.Tag(i)).Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		omitEmpty := false
		switch opts {
		case "":
		case "omitempty":
			omitEmpty = true
		default:
			return nil, false
		}
		if !validTag(name) {
			name = ""
		}
		if f.Embedded() {
			t := types.Unalias(f.Type())
			if _, isPtr := t.(*types.Pointer); isPtr {
				return nil, false
			}
			st, isStruct := t.Underlying().(*types.Struct)
			switch {
			case !isStruct && !f.Exported():
				continue
			case !f.Exported() && (f.Pkg() != pkg || name != ""):
				// Out of the generated code's reach, or a field that
				// encoding/json reads although it is unexported.
				return nil, false
			case isStruct && name == "":
				if hasJSONMethods(t) {
					return nil, false
				}
				inner, ok := jsonFields(pkg, st, path+"."+f.Name(), depth+1)
				if !ok {
					return nil, false
				}
				out = append(out, inner...)
				continue
			}
			// Otherwise a field like any other, named after its type.
		} else if !f.Exported() {
			continue
		}
		if name == "" {
			name = f.Name()
		}
		key, err := jsonKey(name)
		if err != nil {
			return nil, false
		}
		out = append(out, jsonField{key: key, path: path + "." + f.Name(), typ: f.Type(), omitEmpty: omitEmpty})
	}
	return out, true
}

// jsonKey returns name as encoding/json quotes an object key.
func jsonKey(name string) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(name); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// validTag reports whether encoding/json accepts s as a field's name in a
// json tag (its isValidTag).
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
