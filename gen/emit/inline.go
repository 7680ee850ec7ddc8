package emit

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/hydrogo/hydro/gen/parse"
)

// Inlining: generated code copies the body of a user function in place of
// a call where the call would cost more than the function's work. The Go
// compiler inlines small functions by itself, but not one that calls a
// function it was passed (FlatMap's yield) more than a few times, so a
// FlatMap would make an indirect call per item emitted. Copying the body
// and binding the yield parameter to a local closure lets the compiler
// inline every yield. docs/compiler.md, "Inlining", says when a body is
// copied.

// maxInlineBody is the longest body, in bytes of source, that is copied;
// a longer one is called, so that generated code stays near the size of
// the source.
const maxInlineBody = 1024

// inlineBody is a user function whose body generated code may copy.
type inlineBody struct {
	// params are the function's parameters; used says which the body reads.
	params []*types.Var
	used   []bool
	body   *ast.BlockStmt
	// returns are the body's return statements (outside function literals
	// it holds), which become jumps to the end of the copy.
	returns []*ast.ReturnStmt
	// edits replace source ranges of the body in the copy (derefEdits).
	edits []textEdit
}

// textEdit replaces the source between pos and end by text.
type textEdit struct {
	pos, end token.Pos
	text     string
}

// inlinable reports whether the body of user function u may be copied in
// place of a call: u is a function literal or a function of the flow's
// package, neither generic nor a method, with no results, a body of at
// most maxInlineBody bytes, no labels, defer or recover of its own, and no
// free name that generated code could shadow (the node's receiver nd, or a
// flow parameter, which generated code declares as a local).
func (e *emitter) inlinable(u *parse.UDF) (inlineBody, bool) {
	var ftype *ast.FuncType
	var body *ast.BlockStmt
	switch {
	case u.Gen != nil:
		return inlineBody{}, false
	case u.Lit != nil:
		ftype, body = u.Lit.Type, u.Lit.Body
	case u.Func != nil:
		sig, _ := u.Func.Type().(*types.Signature)
		if u.Func.Pkg() != e.f.Pkg.Types || sig == nil || sig.Recv() != nil || sig.TypeParams().Len() > 0 {
			return inlineBody{}, false
		}
		decl := e.funcDecl(u.Func)
		if decl == nil || decl.Body == nil {
			return inlineBody{}, false
		}
		ftype, body = decl.Type, decl.Body
	default:
		return inlineBody{}, false
	}
	if ftype.Results != nil && ftype.Results.NumFields() > 0 || ftype.TypeParams != nil {
		return inlineBody{}, false
	}
	if int(body.End()-body.Pos()) > maxInlineBody {
		return inlineBody{}, false
	}
	info := e.f.Pkg.TypesInfo
	in := inlineBody{body: body}
	for _, field := range ftype.Params.List {
		if len(field.Names) == 0 {
			return inlineBody{}, false
		}
		for _, name := range field.Names {
			v, _ := info.Defs[name].(*types.Var)
			if v == nil && name.Name != "_" {
				return inlineBody{}, false
			}
			in.params = append(in.params, v)
		}
	}
	in.used = make([]bool, len(in.params))
	shadowed := map[string]bool{"nd": true}
	for _, p := range e.f.Params {
		shadowed[p.Name] = true
	}
	captures := map[string]bool{}
	for _, p := range u.Captures {
		captures[p.Name] = true
	}
	scope := e.f.Pkg.Types.Scope()
	ok := true
	var walk func(n ast.Node, nested bool) bool
	walk = func(n ast.Node, nested bool) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			ast.Inspect(n.Body, func(m ast.Node) bool { return walk(m, true) })
			return false
		case *ast.LabeledStmt:
			ok = false
		case *ast.DeferStmt:
			if !nested {
				ok = false
			}
		case *ast.ReturnStmt:
			if !nested {
				in.returns = append(in.returns, n)
			}
		case *ast.Ident:
			obj := info.Uses[n]
			if obj == nil {
				return true
			}
			for i, p := range in.params {
				if p != nil && obj == p {
					in.used[i] = true
				}
			}
			if b, isBuiltin := obj.(*types.Builtin); isBuiltin && b.Name() == "recover" && !nested {
				ok = false
			}
			if obj.Parent() == scope && shadowed[n.Name] && !captures[n.Name] {
				ok = false
			}
		}
		return true
	}
	ast.Inspect(body, func(n ast.Node) bool { return walk(n, false) })
	return in, ok
}

// funcDecl returns the declaration of function fn in the flow's package.
func (e *emitter) funcDecl(fn *types.Func) *ast.FuncDecl {
	for _, file := range e.f.Pkg.Syntax {
		if file.Pos() > fn.Pos() || fn.Pos() >= file.End() {
			continue
		}
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Pos() == fn.Pos() {
				return fd
			}
		}
	}
	return nil
}

// inlineCall writes a copy of in's body as a block that binds its
// parameters to args (Go expressions of the generated code, evaluated
// before any parameter comes into scope) and runs the body; an empty arg
// leaves its parameter unbound, for a body whose edits replace its uses. A return
// becomes a jump past the body. It records the flow parameters the body
// captures, which the subgraph declares.
func (e *emitter) inlineCall(b *strings.Builder, u *parse.UDF, in inlineBody, args []string) {
	for _, p := range u.Captures {
		e.captures = append(e.captures, p)
	}
	var names, bound []string
	blank := true
	for i, p := range in.params {
		if args[i] == "" {
			// Replaced in the body (derefEdits).
			continue
		}
		name := "_"
		if p != nil && in.used[i] {
			name = p.Name()
			blank = false
		}
		names = append(names, name)
		bound = append(bound, args[i])
	}
	assign := ":="
	if blank {
		assign = "="
	}
	done := ""
	if len(in.returns) > 0 {
		done = e.v("done")
	}
	b.WriteString("{\n")
	if len(names) > 0 {
		fmt.Fprintf(b, "%s %s %s\n", strings.Join(names, ", "), assign, strings.Join(bound, ", "))
	}
	b.WriteString(e.bodyCode(in, done))
	b.WriteString("\n")
	if done != "" {
		fmt.Fprintf(b, "%s:\n", done)
	}
	b.WriteString("}\n")
}

// bodyCode returns the source of in's body, each return replaced by a jump
// to label done and in's edits applied, between a line directive pointing at the body and a reset
// marker, as userCode does for expressions.
func (e *emitter) bodyCode(in inlineBody, done string) string {
	fset := e.f.Fset
	start, end := fset.Position(in.body.Pos()), fset.Position(in.body.End())
	src := e.source(start.Filename)
	if src == nil || end.Offset > len(src) {
		e.errorf(in.body.Pos(), "internal error: cannot read the source of this function")
		return "{}"
	}
	e.importsOf(in.body)
	edits := append([]textEdit(nil), in.edits...)
	for _, r := range in.returns {
		edits = append(edits, textEdit{r.Pos(), r.End(), "goto " + done})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].pos < edits[j].pos })
	var text strings.Builder
	at := start.Offset
	for _, ed := range edits {
		off := fset.Position(ed.pos).Offset
		text.Write(src[at:off])
		text.WriteString(ed.text)
		at = fset.Position(ed.end).Offset
	}
	text.Write(src[at:end.Offset])
	return e.lineDirected(start, text.String())
}

// derefEdits returns in with edits that replace every use of its pointer
// parameter i by local, a variable holding what the pointer points to, so
// that the copy works on the variable, which the Go compiler can keep in a
// register, instead of through the pointer. It reports false, and in
// unchanged, unless every use dereferences the parameter (*p, or p.f
// selecting a field) and the copy could not keep a pointer into local: the
// body takes no address (&), slices nothing, calls no method on the
// parameter's value, and declares or uses no name local.
func (e *emitter) derefEdits(in inlineBody, i int, local string) (inlineBody, bool) {
	p := in.params[i]
	if p == nil {
		return in, false
	}
	if _, ok := p.Type().Underlying().(*types.Pointer); !ok {
		return in, false
	}
	info := e.f.Pkg.TypesInfo
	var edits []textEdit
	ok := true
	var stack []ast.Node
	isParam := func(x ast.Expr) bool {
		id, isID := ast.Unparen(x).(*ast.Ident)
		return isID && info.Uses[id] == p
	}
	ast.Inspect(in.body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		var parent ast.Node
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				ok = false
			}
		case *ast.SliceExpr:
			ok = false
		case *ast.SelectorExpr:
			if sel := info.Selections[n]; sel != nil && sel.Kind() != types.FieldVal {
				// A method may take the receiver's address.
				ast.Inspect(n.X, func(m ast.Node) bool {
					if x, isExpr := m.(ast.Expr); isExpr && isParam(x) {
						ok = false
					}
					return ok
				})
			}
		case *ast.Ident:
			if n.Name == local {
				ok = false
				break
			}
			if info.Uses[n] != p {
				break
			}
			switch par := parent.(type) {
			case *ast.StarExpr:
				edits = append(edits, textEdit{par.Pos(), par.End(), local})
			case *ast.SelectorExpr:
				if sel := info.Selections[par]; par.X == n && sel != nil && sel.Kind() == types.FieldVal {
					edits = append(edits, textEdit{n.Pos(), n.End(), local})
				} else {
					ok = false
				}
			default:
				ok = false
			}
		}
		return ok
	})
	if !ok {
		return in, false
	}
	in.edits = append(append([]textEdit(nil), in.edits...), edits...)
	return in, true
}
