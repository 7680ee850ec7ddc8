package analyze

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/ir"
)

// pureStd are the standard packages whose functions compute their result
// from their arguments alone.
var pureStd = map[string]bool{
	"strings": true, "strconv": true, "math": true, "math/bits": true, "math/cmplx": true,
	"unicode": true, "unicode/utf8": true, "unicode/utf16": true, "cmp": true,
}

// pureBuiltins are the builtins without effects.
var pureBuiltins = map[string]bool{
	"len": true, "cap": true, "min": true, "max": true, "complex": true, "real": true, "imag": true,
	"make": true, "new": true, "panic": true,
}

// summarizer summarizes the user functions of one flow's package.
type summarizer struct {
	f     *parse.Flow
	info  *types.Info
	decls map[*types.Func]*ast.FuncDecl
	pure  map[*types.Func]purity
	cache map[*parse.UDF]*analysis.Func
}

type purity uint8

const (
	unknown purity = iota
	proving
	pure
	impure
)

func newSummarizer(f *parse.Flow) *summarizer {
	s := &summarizer{f: f, info: f.Pkg.TypesInfo, decls: map[*types.Func]*ast.FuncDecl{},
		pure: map[*types.Func]purity{}, cache: map[*parse.UDF]*analysis.Func{}}
	for _, file := range f.Pkg.Syntax {
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if obj, ok := s.info.Defs[fd.Name].(*types.Func); ok {
					s.decls[obj] = fd
				}
			}
		}
	}
	return s
}

func (s *summarizer) pos(p token.Pos) ir.Pos {
	ps := s.f.Fset.Position(p)
	return ir.Pos{File: ps.Filename, Line: ps.Line, Col: ps.Column}
}

// udf summarizes a user function passed to an operator.
func (s *summarizer) udf(u *parse.UDF) *analysis.Func {
	if fn, ok := s.cache[u]; ok {
		return fn
	}
	var fn *analysis.Func
	switch {
	case u.Gen != nil:
		// Written by a rewrite: it calls only the user functions in Calls.
		pure := true
		for _, c := range u.Calls {
			pure = pure && s.udf(c).Pure
		}
		fn = &analysis.Func{Name: "function written by a rewrite", Pure: pure}
	case u.Lit != nil:
		fn = &analysis.Func{Name: "func literal", Pos: s.pos(u.Lit.Pos()),
			Pure:   s.provePure(u.Lit.Type, u.Lit.Body),
			Result: s.result(u.Lit.Type, u.Lit.Body)}
	default:
		obj := u.Func.Origin()
		d := s.decls[obj]
		if d == nil {
			fn = &analysis.Func{Name: obj.Name(), Pos: s.pos(obj.Pos()), Pure: pureStd[pkgPath(obj)]}
			break
		}
		dirs := directives(d.Doc)
		fn = &analysis.Func{Name: obj.Name(), Pos: s.pos(d.Name.Pos()),
			Pure: s.funcPure(obj), Commutative: dirs["commutative"], Monotone: dirs["monotone"],
			Result: s.result(d.Type, d.Body)}
	}
	s.cache[u] = fn
	return fn
}

func pkgPath(obj types.Object) string {
	if obj.Pkg() == nil {
		return ""
	}
	return obj.Pkg().Path()
}

// funcPure reports whether the package-level function or method obj is
// marked //hydro:pure or proven pure. Recursion is assumed impure.
func (s *summarizer) funcPure(obj *types.Func) bool {
	obj = obj.Origin()
	switch s.pure[obj] {
	case pure:
		return true
	case impure, proving:
		return false
	}
	if pureStd[pkgPath(obj)] {
		return true
	}
	d := s.decls[obj]
	if d == nil {
		return false
	}
	if directives(d.Doc)["pure"] {
		s.pure[obj] = pure
		return true
	}
	s.pure[obj] = proving
	ok := s.provePure(d.Type, d.Body)
	if d.Recv != nil && ok {
		// A pointer receiver may be written through.
		for _, f := range d.Recv.List {
			if _, ptr := s.info.TypeOf(f.Type).(*types.Pointer); ptr {
				ok = false
			}
		}
	}
	s.pure[obj] = impure
	if ok {
		s.pure[obj] = pure
	}
	return ok
}

// provePure reports whether a function body has no effect and reads no
// mutable state beyond its parameters: it assigns only to its own
// variables (not through pointers, slices or maps), does not send,
// receive, spawn or defer, reads no package-level variable, and calls only
// pure functions.
func (s *summarizer) provePure(ftype *ast.FuncType, body *ast.BlockStmt) bool {
	inside := func(obj types.Object) bool { return obj.Pos() >= ftype.Pos() && obj.Pos() < body.End() }
	ok := true
	writable := func(lhs ast.Expr) bool {
		root, direct := rootIdent(lhs)
		if root == nil {
			return false
		}
		if root.Name == "_" {
			return true
		}
		obj := s.info.ObjectOf(root)
		if obj == nil || !inside(obj) {
			return false
		}
		if !direct {
			switch obj.Type().Underlying().(type) {
			case *types.Pointer, *types.Slice, *types.Map:
				return false
			}
		}
		return true
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.GoStmt, *ast.DeferStmt, *ast.SendStmt, *ast.SelectStmt:
			ok = false
		case *ast.UnaryExpr:
			ok = n.Op != token.ARROW
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				ok = ok && writable(l)
			}
		case *ast.IncDecStmt:
			ok = writable(n.X)
		case *ast.StarExpr:
			// Reading through a pointer reads state others may change.
			ok = s.info.Types[n].IsType()
		case *ast.Ident:
			if v, isVar := s.info.Uses[n].(*types.Var); isVar && !v.IsField() && v.Parent() != nil && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
				ok = false // a package-level variable
			}
		case *ast.CallExpr:
			ok = s.callPure(n)
		}
		return ok
	})
	return ok
}

// rootIdent returns the variable an assignment target writes into, and
// whether it is written directly (x = ...) rather than through a field or
// element (x.f = ..., x[i] = ...).
func rootIdent(e ast.Expr) (*ast.Ident, bool) {
	direct := true
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return x, direct
		case *ast.SelectorExpr:
			e, direct = x.X, false
		case *ast.IndexExpr:
			e, direct = x.X, false
		default:
			return nil, false
		}
	}
}

// callPure reports whether a call has no effect and depends only on its
// arguments (and receiver).
func (s *summarizer) callPure(call *ast.CallExpr) bool {
	if tv, ok := s.info.Types[call.Fun]; ok && tv.IsType() {
		return true // a conversion
	}
	fun := ast.Unparen(call.Fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = f.X
	case *ast.IndexListExpr:
		fun = f.X
	}
	var obj types.Object
	switch f := fun.(type) {
	case *ast.Ident:
		obj = s.info.Uses[f]
	case *ast.SelectorExpr:
		obj = s.info.Uses[f.Sel]
	}
	switch o := obj.(type) {
	case *types.Builtin:
		return pureBuiltins[o.Name()]
	case *types.Func:
		return s.funcPure(o)
	}
	return false
}

// result describes what a function returns in terms of its parameters, or
// nil: its one result, or the first of two (the item of an (item, ok)
// result, as FilterMap's function returns).
func (s *summarizer) result(ftype *ast.FuncType, body *ast.BlockStmt) *analysis.Value {
	if ftype.Results == nil || ftype.Results.NumFields() != 1 && ftype.Results.NumFields() != 2 || body == nil {
		return nil
	}
	results := ftype.Results.NumFields()
	r := &reader{s: s, params: map[types.Object]int{}, defs: map[types.Object]ast.Expr{}, mutated: map[types.Object]bool{}}
	i := 0
	for _, f := range ftype.Params.List {
		if len(f.Names) == 0 {
			i++
		}
		for _, n := range f.Names {
			if obj := s.info.Defs[n]; obj != nil {
				r.params[obj] = i
			}
			i++
		}
	}
	var returns []ast.Expr
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(n.Results) == results {
				returns = append(returns, n.Results[0])
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				root, direct := rootIdent(l)
				if root == nil {
					continue
				}
				obj := s.info.ObjectOf(root)
				if n.Tok == token.DEFINE && direct && len(n.Lhs) == len(n.Rhs) && s.info.Defs[root] != nil {
					r.defs[obj] = n.Rhs[i]
					continue
				}
				r.mutated[obj] = true
			}
		case *ast.IncDecStmt:
			if root, _ := rootIdent(n.X); root != nil {
				r.mutated[s.info.ObjectOf(root)] = true
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if root, _ := rootIdent(n.X); root != nil {
					r.mutated[s.info.ObjectOf(root)] = true
				}
			}
		case *ast.SelectorExpr:
			// A method with a pointer receiver may change its receiver.
			if sel := s.info.Selections[n]; sel != nil && sel.Kind() == types.MethodVal {
				if sig, ok := sel.Obj().Type().(*types.Signature); ok && sig.Recv() != nil {
					if _, ptr := sig.Recv().Type().(*types.Pointer); ptr {
						if root, _ := rootIdent(n.X); root != nil {
							r.mutated[s.info.ObjectOf(root)] = true
						}
					}
				}
			}
		}
		return true
	})
	if len(returns) == 0 {
		return nil
	}
	v := r.value(returns[0], 0)
	for _, e := range returns[1:] {
		v = meet(v, r.value(e, 0))
	}
	if v.Kind == analysis.Opaque {
		return nil
	}
	return v
}

// meet keeps what two return values agree on.
func meet(a, b *analysis.Value) *analysis.Value {
	if a.String() == b.String() {
		return a
	}
	if a.Kind == analysis.Struct && b.Kind == analysis.Struct {
		out := &analysis.Value{Kind: analysis.Struct, Fields: map[string]*analysis.Value{}}
		for n, v := range a.Fields {
			if w, ok := b.Fields[n]; ok {
				out.Fields[n] = meet(v, w)
			}
		}
		return out
	}
	return opaque
}

var opaque = &analysis.Value{Kind: analysis.Opaque}

// reader evaluates the expressions of one function symbolically.
type reader struct {
	s       *summarizer
	params  map[types.Object]int
	defs    map[types.Object]ast.Expr
	mutated map[types.Object]bool
}

func constant() *analysis.Value { return &analysis.Value{Kind: analysis.Derived} }

func (r *reader) value(e ast.Expr, depth int) *analysis.Value {
	if depth > 16 {
		return opaque
	}
	info := r.s.info
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		return constant()
	}
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		obj := info.Uses[e]
		if i, ok := r.params[obj]; ok && !r.mutated[obj] {
			return &analysis.Value{Kind: analysis.ParamField, Param: i}
		}
		if def, ok := r.defs[obj]; ok && !r.mutated[obj] {
			return r.value(def, depth+1)
		}
		if _, isNil := obj.(*types.Nil); isNil {
			return constant()
		}
	case *ast.SelectorExpr:
		sel := info.Selections[e]
		if sel == nil || sel.Kind() != types.FieldVal {
			return opaque
		}
		base := r.value(e.X, depth+1)
		for _, name := range fieldPath(sel) {
			base = field(base, name)
		}
		return base
	case *ast.CompositeLit:
		st, ok := info.TypeOf(e).Underlying().(*types.Struct)
		if !ok {
			return opaque
		}
		v := &analysis.Value{Kind: analysis.Struct, Fields: map[string]*analysis.Value{}}
		for i := range st.NumFields() {
			v.Fields[st.Field(i).Name()] = constant() // the zero value
		}
		for i, el := range e.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok {
					v.Fields[id.Name] = r.value(kv.Value, depth+1)
				}
				continue
			}
			if i < st.NumFields() {
				v.Fields[st.Field(i).Name()] = r.value(el, depth+1)
			}
		}
		return v
	case *ast.UnaryExpr:
		if e.Op == token.AND || e.Op == token.ARROW {
			return opaque
		}
		return withExpr(derived(r.value(e.X, depth+1)), e)
	case *ast.BinaryExpr:
		return withExpr(derived(r.value(e.X, depth+1), r.value(e.Y, depth+1)), e)
	case *ast.IndexExpr:
		return withExpr(derived(r.value(e.X, depth+1), r.value(e.Index, depth+1)), e)
	case *ast.CallExpr:
		if !r.s.callPure(e) {
			return opaque
		}
		var vs []*analysis.Value
		if sel, ok := ast.Unparen(e.Fun).(*ast.SelectorExpr); ok {
			if s := info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
				vs = append(vs, r.value(sel.X, depth+1))
			}
		}
		for _, a := range e.Args {
			vs = append(vs, r.value(a, depth+1))
		}
		return withExpr(derived(vs...), e)
	}
	return opaque
}

// withExpr records e as the expression computing v, a Derived value.
func withExpr(v *analysis.Value, e ast.Expr) *analysis.Value {
	if v.Kind == analysis.Derived {
		v.Expr = e
	}
	return v
}

// field returns field name of v.
func field(v *analysis.Value, name string) *analysis.Value {
	switch v.Kind {
	case analysis.ParamField:
		return &analysis.Value{Kind: analysis.ParamField, Param: v.Param, Path: append(append([]string(nil), v.Path...), name)}
	case analysis.Struct:
		if f, ok := v.Fields[name]; ok {
			return f
		}
	case analysis.Derived:
		return v
	}
	return opaque
}

// derived is a value computed from vs by pure code.
func derived(vs ...*analysis.Value) *analysis.Value {
	out := &analysis.Value{Kind: analysis.Derived}
	var add func(v *analysis.Value) bool
	add = func(v *analysis.Value) bool {
		switch v.Kind {
		case analysis.ParamField:
			out.From = append(out.From, v)
		case analysis.Derived:
			out.From = append(out.From, v.From...)
		case analysis.Struct:
			for _, f := range v.Fields {
				if !add(f) {
					return false
				}
			}
		default:
			return false
		}
		return true
	}
	for _, v := range vs {
		if !add(v) {
			return opaque
		}
	}
	return out
}

// fieldPath names the fields a selection goes through, embedded ones
// included.
func fieldPath(sel *types.Selection) []string {
	t := sel.Recv()
	var names []string
	for _, i := range sel.Index() {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok {
			return names
		}
		f := st.Field(i)
		names = append(names, f.Name())
		t = f.Type()
	}
	return names
}
