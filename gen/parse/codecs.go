package parse

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/hydrogo/hydro/internal/diag"
)

// Codecs returns, per package, the types marked with the directive
// //hydro:codec, in the order of their declarations: types that get codec
// methods even if no flow sends them, for clients outside the flows. The
// directive goes in the doc comment of a type declaration, or of the
// parenthesized group that declares it, at package level:
//
//	//hydro:codec
//	type Order struct { ... }
//
// It returns an error for every //hydro: directive on a declaration other
// than a function that is not a well-formed //hydro:codec on a type it can
// apply to: not an alias, a generic type, an interface or pointer type, a
// type declared inside a function, or one with an Append or Decode method
// that is not a codec method.
func Codecs(fset *token.FileSet, pkgs []*packages.Package) (map[*packages.Package][]*types.Named, diag.List) {
	marked := map[*packages.Package][]*types.Named{}
	var errs diag.List
	for _, pkg := range pkgs {
		for _, file := range pkg.Syntax {
			c := &codecDirectives{fset: fset, pkg: pkg}
			for _, d := range file.Decls {
				if gd, ok := d.(*ast.GenDecl); ok {
					c.decl(gd, true)
				}
			}
			// Type declarations inside functions.
			ast.Inspect(file, func(n ast.Node) bool {
				if ds, ok := n.(*ast.DeclStmt); ok {
					c.decl(ds.Decl.(*ast.GenDecl), false)
				}
				return true
			})
			marked[pkg] = append(marked[pkg], c.marked...)
			errs = append(errs, c.errs...)
		}
		if len(marked[pkg]) == 0 {
			delete(marked, pkg)
		}
	}
	errs.Sort()
	return marked, errs
}

// codecDirectives collects the //hydro:codec directives of one file.
type codecDirectives struct {
	fset   *token.FileSet
	pkg    *packages.Package
	marked []*types.Named
	errs   diag.List
}

func (c *codecDirectives) errorf(pos token.Pos, format string, args ...any) {
	c.errs = append(c.errs, diag.Errorf(diag.FromToken(c.fset.Position(pos)), diag.Codec, format, args...))
}

// decl checks the directives of gd, declared at package level or not.
func (c *codecDirectives) decl(gd *ast.GenDecl, topLevel bool) {
	group := c.directive(gd.Doc, gd.Tok)
	for _, spec := range gd.Specs {
		var doc *ast.CommentGroup
		switch s := spec.(type) {
		case *ast.TypeSpec:
			doc = s.Doc
		case *ast.ValueSpec:
			doc = s.Doc
		case *ast.ImportSpec:
			doc = s.Doc
		}
		pos := c.directive(doc, gd.Tok)
		if !pos.IsValid() {
			pos = group
		}
		ts, ok := spec.(*ast.TypeSpec)
		if !ok || !pos.IsValid() {
			continue
		}
		if !topLevel {
			c.errorf(pos, "//hydro:codec on type %s, which is declared inside a function: declare it at package level", ts.Name.Name)
			continue
		}
		c.mark(ts, pos)
	}
}

// directive checks the //hydro: directives of doc, on a declaration of
// kind tok, and returns the position of a well-formed //hydro:codec on a
// type declaration, or token.NoPos.
func (c *codecDirectives) directive(doc *ast.CommentGroup, tok token.Token) token.Pos {
	if doc == nil {
		return token.NoPos
	}
	found := token.NoPos
	for _, cm := range doc.List {
		rest, ok := strings.CutPrefix(cm.Text, "//hydro:")
		if !ok {
			continue
		}
		name := strings.TrimSpace(rest)
		word, _, _ := strings.Cut(name, " ")
		switch {
		case tok != token.TYPE:
			c.errorf(cm.Pos(), "directive //hydro:%s on a %s declaration (directives apply to functions and types)", name, tok)
		case name == "codec":
			found = cm.Pos()
		case word == "codec" || strings.HasPrefix(name, "codec("):
			c.errorf(cm.Pos(), "malformed directive //hydro:%s: //hydro:codec takes no arguments", name)
		default:
			c.errorf(cm.Pos(), "unknown directive //hydro:%s on a type (want //hydro:codec)", name)
		}
	}
	return found
}

// mark records the type declared by ts, marked at pos, if the directive can
// apply to it.
func (c *codecDirectives) mark(ts *ast.TypeSpec, pos token.Pos) {
	name := ts.Name.Name
	tn, _ := c.pkg.TypesInfo.Defs[ts.Name].(*types.TypeName)
	switch {
	case ts.Assign.IsValid():
		c.errorf(pos, "//hydro:codec on alias %s: mark the aliased type's declaration instead", name)
		return
	case ts.TypeParams != nil:
		c.errorf(pos, "//hydro:codec on generic type %s: codecs are generated for the instantiations that flows send, not for generic types", name)
		return
	case tn == nil:
		return // A type error, reported by the loader.
	}
	t, ok := tn.Type().(*types.Named)
	if !ok {
		return
	}
	switch t.Underlying().(type) {
	case *types.Interface:
		c.errorf(pos, "//hydro:codec on interface type %s: interface values cannot cross the network", name)
		return
	case *types.Pointer:
		c.errorf(pos, "//hydro:codec on pointer type %s: a pointer type cannot have methods; mark its element type", name)
		return
	}
	ms := types.NewMethodSet(types.NewPointer(t))
	var have []string
	for _, m := range []string{"Append", "Decode"} {
		sel := ms.Lookup(nil, m)
		if sel == nil {
			continue
		}
		if sig := sel.Type().(*types.Signature); !isCodecMethod(m, sig) {
			c.errorf(pos, "//hydro:codec on type %s, whose method %s has type %s, not %s", name, m, types.TypeString(sig, (*types.Package).Name), codecSignatures[m])
			return
		}
		have = append(have, m)
	}
	if len(have) == 1 {
		c.errorf(pos, "//hydro:codec on type %s, which has a method %s but not its counterpart: declare both Append and Decode, or neither", name, have[0])
		return
	}
	c.marked = append(c.marked, t)
}

var codecSignatures = map[string]string{
	"Append": "func(dst []byte) []byte",
	"Decode": "func(src []byte) (int, error)",
}

// isCodecMethod reports whether s is the signature of netio.Codec's method
// name, Append or Decode.
func isCodecMethod(name string, s *types.Signature) bool {
	bytes := types.NewSlice(types.Typ[types.Byte])
	p, r := s.Params(), s.Results()
	if s.Variadic() || p.Len() != 1 || !types.Identical(p.At(0).Type(), bytes) {
		return false
	}
	if name == "Append" {
		return r.Len() == 1 && types.Identical(r.At(0).Type(), bytes)
	}
	return r.Len() == 2 && types.Identical(r.At(0).Type(), types.Typ[types.Int]) &&
		types.Identical(r.At(1).Type(), types.Universe.Lookup("error").Type())
}
