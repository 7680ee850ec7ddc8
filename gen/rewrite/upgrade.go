package rewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/hydrogo/hydro/gen/analyze"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// The type upgrade (paper 001 §4.2): a keyed fold that appends the items of
// an ordered per-key stream, whose last item per key is marked, becomes a
// lattice. Where the fold's input is still local and ordered, each item is
// numbered within its key and the marked one seals the key's sealed set of
// indexed values (lattices.SSIV) with the count; the fold becomes a keyed
// lattice merge, whose top — sealed, every position present — is
// recognised in isolation, and each key's value is released once, at top,
// by replaying the fold's own functions over the sealed items in order.
//
//	upgrade ssiv carts until Checkout
//
// names the fold (by its variable) and the end marker, a bool field of the
// fold's items.
//
//	upgrade prefix carts until Checkout
//
// upgrades the fold to a bounded prefix (lattices.BoundedPrefix, §4.1) with
// the local-edge optimisation (§4.1.1): on the local, ordered edge the items
// are the prefixes' ordered diffs, an append buffer reassembles them, and at
// the marker the whole prefix, bounded by its length, is the lattice's top.
// docs/rewrites.md has the proof sketches.
func init() {
	directives["upgrade"] = &directive{parse: parseUpgrade, apply: applyUpgrade,
		precondition: "the fold appends each item of a local, ordered stream (no network operator reaches it) and keeps its groups; the end marker is a bool field of the items"}
}

func parseUpgrade(f []string) (*Step, string) {
	if len(f) != 5 || f[3] != "until" {
		return nil, fmt.Sprintf("malformed plan line %q: want \"upgrade ssiv|prefix FOLD until FIELD\"", strings.Join(f, " "))
	}
	if f[1] != ssivLattice && f[1] != prefixLattice {
		return nil, fmt.Sprintf("unknown lattice %q for upgrade (want ssiv or prefix)", f[1])
	}
	return &Step{Rewrite: f[1], Ops: []string{f[2]}, Args: map[string]string{"until": f[4]}}, ""
}

// The lattices a fold can be upgraded to: the sealed set of indexed values
// (lattices.SSIV, §4.2) and the bounded prefix (lattices.BoundedPrefix,
// §4.1).
const (
	ssivLattice   = "ssiv"
	prefixLattice = "prefix"
)

// sealed is what an upgrade built in place of one fold, for the steps
// after it: the operators, by ID, and the types.
type sealed struct {
	// lattice is the lattice of the upgrade, ssivLattice or prefixLattice.
	lattice string
	// producer is the operator whose items are numbered; enum numbers
	// them, seal makes each a sealed-set element, merge is the lattice
	// merge, complete keeps the keys at top, key and unique pass each
	// key once, and release (the fold's ID) replays the fold.
	producer, enum, seal, merge, complete, key, unique, release int
	// item is the numbered items' type, elem the lattice element's, keyT
	// the key's, acc the fold's accumulator's.
	item, elem, keyT, acc types.Type
	// keys are the key fields of item (and of elem and keyT, by name);
	// fields are elem's fields, the key fields then the SSIV, called items.
	keys   []*types.Var
	fields []*types.Var
	items  string
	// joined is the join of the released values with a table that took
	// the fold's place when the group-by was pushed through it, or -1.
	joined int
	// init and add are the fold's functions, which append to field
	// appends of the accumulator; marker is the end marker.
	init, add *parse.UDF
	appends   string
	marker    string
	lifetime  ir.Lifetime
}

func (s *sealed) renumber(old []int) {
	for _, p := range []*int{&s.producer, &s.enum, &s.seal, &s.merge, &s.complete, &s.key, &s.unique, &s.release, &s.joined} {
		if *p >= 0 {
			*p = old[*p]
		}
	}
}

func (s *sealed) itemsField() string { return s.items }

// itemsOf returns the statement that sets items to the sequence the
// lattice element x holds, in order.
func (s *sealed) itemsOf(x string) string {
	if s.lattice == prefixLattice {
		return fmt.Sprintf("items := %s.%s.Items()\n", x, s.items)
	}
	return fmt.Sprintf("items, _ := %s.%s.Values()\n", x, s.items)
}

// grow returns the statement that makes room in acc's appended field for n
// more items, so that replaying the fold appends without growing it again.
func (s *sealed) grow(w parse.Writer, acc, n string) string {
	f := fieldOf(s.acc, s.appends)
	if f == nil {
		return ""
	}
	return fmt.Sprintf("%s.%s = append(make(%s, 0, len(%s.%s)+%s), %s.%s...)\n", acc, s.appends, w.Type(f.Type()), acc, s.appends, n, acc, s.appends)
}

// elemFields returns the fields of elem named like keys.
func (s *sealed) elemFields(keys []*types.Var) []*types.Var {
	var out []*types.Var
	for _, k := range keys {
		for _, f := range s.fields {
			if f.Name() == k.Name() {
				out = append(out, f)
			}
		}
	}
	return out
}

// nodes returns the operators the upgrade added, the release included.
func (s *sealed) nodes() []int {
	return []int{s.enum, s.seal, s.merge, s.complete, s.key, s.unique, s.release}
}

// sealedBy returns what the upgrade of the fold bound to name built.
func (d *derivation) sealedBy(step *Step, name string) (*sealed, *diag.Diagnostic) {
	ids, ok := d.names[name]
	if !ok {
		return nil, stepErrorf(step.Pos, step, "flow %s binds no operator to %s", d.base.Name, name)
	}
	for _, id := range ids {
		for at, s := range d.sealed {
			if id == at {
				return s, nil
			}
		}
	}
	return nil, stepErrorf(step.Pos, step, "%s names no upgraded fold; upgrade it first (\"upgrade ssiv %s until FIELD\")", name, name)
}

// stepErrorf returns a diagnostic of step at pos.
func stepErrorf(pos diag.Pos, step *Step, format string, args ...any) *diag.Diagnostic {
	return diag.Errorf(pos, diag.Rewrite, "%s: %s", step, fmt.Sprintf(format, args...))
}

// named returns the one operator with spec among those step's variable
// names.
func (d *derivation) named(step *Step, name string, want ...*ops.Spec) (*ir.Node, *diag.Diagnostic) {
	ids, ok := d.names[name]
	if !ok {
		return nil, stepErrorf(step.Pos, step, "flow %s binds no operator to %s", d.base.Name, name)
	}
	var found []*ir.Node
	for _, id := range ids {
		for _, w := range want {
			if d.g.Nodes[id].Spec == w {
				found = append(found, d.g.Nodes[id])
			}
		}
	}
	var apis []string
	for _, w := range want {
		apis = append(apis, w.API)
	}
	switch {
	case len(found) == 0:
		return nil, stepErrorf(step.Pos, step, "%s names no %s", name, strings.Join(apis, " or "))
	case len(found) > 1:
		return nil, stepErrorf(found[1].Pos, step, "%s names more than one %s", name, strings.Join(apis, " or "))
	}
	return found[0], nil
}

func applyUpgrade(d *derivation, step *Step) (*ir.Graph, *diag.Diagnostic) {
	fold, bad := d.named(step, step.Ops[0], ops.FoldKeyed)
	if bad != nil {
		return nil, bad
	}
	errorf := func(format string, args ...any) *diag.Diagnostic {
		return stepErrorf(fold.Pos, step, format, args...)
	}
	syn := parse.SyntaxOf(fold)
	if len(syn.Keys) == 0 || len(syn.UDFs) != 2 {
		return nil, errorf("%s (bound to %s) groups by a key function; the upgrade needs the key from hydro:\"key\" tags, to key the lattice by it", fold.Spec.API, step.Ops[0])
	}
	if !fold.Lifetimes[0].Kept() {
		return nil, errorf("%s (bound to %s) keeps its groups for one tick; the upgrade replaces a fold whose groups accumulate (Static), so that each key has one final value", fold.Spec.API, step.Ops[0])
	}
	facts, err := analyze.Run(d.base.WithGraph(d.g), analysis.Order)
	if err != nil {
		return nil, stepErrorf(step.Pos, step, "%v", err)
	}
	order := facts.Facts[analysis.Order].(analysis.OrderResult)
	producer := fold.Inputs[0]
	if a := order[producer]; a.Unordered >= 0 || a.Repeats >= 0 {
		net := max(a.Unordered, a.Repeats)
		return nil, errorf("%s (bound to %s) reads items that crossed the network at %s, which may reorder or repeat them: numbering them would not give each item its position in its key's stream; upgrade before decoupling", fold.Spec.API, step.Ops[0], describe(d.g, net))
	}
	why, at, field := onlyAppends(d.base, syn.UDFs[1])
	if why != "" {
		pos := fold.Pos
		if at.IsValid() {
			pos = diag.FromToken(d.base.Fset.Position(at))
		}
		return nil, stepErrorf(pos, step, "%s (bound to %s): %s; the upgrade replaces a fold that only appends each item", fold.Spec.API, step.Ops[0], why)
	}
	item := parse.Go(d.g.Nodes[producer].Elem)
	marker := step.Args["until"]
	if f := markerField(item, marker); f != "" {
		return nil, stepErrorf(step.Pos, step, "%s", f)
	}
	if !types.Comparable(item) {
		return nil, errorf("%s (bound to %s) folds items of type %s, which is not comparable; the lattice holds comparable items", fold.Spec.API, step.Ops[0], parse.TypeName(item))
	}
	lat, hyd := importedPkg(d.base.Pkg.Types, "github.com/hydrogo/hydro/lattices"), importedPkg(d.base.Pkg.Types, "github.com/hydrogo/hydro/hydro")
	if lat == nil || hyd == nil {
		return nil, stepErrorf(step.Pos, step, "package %s does not import github.com/hydrogo/hydro/lattices, whose SSIV the upgraded flow holds; import it", d.base.Pkg.PkgPath)
	}
	s := &sealed{lattice: step.Rewrite, producer: producer, item: item, acc: parse.Go(d.g.Nodes[fold.ID].Elem), keys: syn.Keys[0].Fields,
		init: syn.UDFs[0], add: syn.UDFs[1], appends: field, marker: marker, lifetime: fold.Lifetimes[0], joined: -1}
	g := d.g.Clone()
	release := gen(nil, []*parse.UDF{s.init, s.add}, func(w parse.Writer) string {
		return fmt.Sprintf("func(_ %s, s %s) %s {\n%sacc := %s(items[0])\n%sfor _, x := range items {\n%s(&acc, x)\n}\nreturn acc\n}",
			w.Type(s.keyT), w.Type(s.elem), w.Type(s.acc), s.itemsOf("s"), w.Call(s.init), s.grow(w, "acc", "len(items)"), w.Call(s.add))
	})
	if err := s.build(g, lat, hyd, fold.ID, fold.Pos, release); err != nil {
		return nil, stepErrorf(step.Pos, step, "%v", err)
	}
	d.sealed[fold.ID] = s
	d.names[step.Ops[0]] = unionIDs(d.names[step.Ops[0]], s.nodes())
	d.notef("%s (%s) keys by (%s), keeps its groups (%s), and only appends to %s", fold.Spec.API, fold.Pos, fieldNames(s.keys), s.lifetime, s.appends)
	d.notef("its input, from %s, is ordered and unrepeated (no network operator reaches it); the end marker %s is a bool field of %s", describe(d.g, producer), marker, parse.TypeName(item))
	if s.lattice == prefixLattice {
		d.notef("the local, ordered edge carries each key's ordered diffs (odiff: each item is the suffix its prefix adds); a keyed append buffer (hydro.FoldKeyed) reassembles them, and at the marker, where the bound becomes known, emits the whole prefix with its length (hydro.FilterMap) as %s, at top", parse.TypeName(s.elem))
	} else {
		d.notef("its items are numbered per key (hydro.EnumerateKeyed) and sealed at the marker (hydro.Map) into %s", parse.TypeName(s.elem))
	}
	d.notef("the fold becomes a lattice merge (hydro.MergeKeyed); hydro.Filter keeps the keys at top, hydro.Unique passes each key once, and hydro.Join releases the fold's value, replayed over the lattice's items")
	return g, nil
}

// build adds the upgraded operators to g, reading the items of s.producer,
// and puts the release in the place of node at (the fold): a join of each
// fresh key with its complete element that calls release, or, when
// release is nil, passes the element on.
func (s *sealed) build(g *ir.Graph, lat, hyd *types.Package, at int, pos diag.Pos, release *parse.UDF) error {
	latName := "SSIV"
	if s.lattice == prefixLattice {
		latName = "BoundedPrefix"
	}
	ssiv, err := types.Instantiate(nil, lat.Scope().Lookup(latName).Type(), []types.Type{s.item}, true)
	if err != nil {
		return err
	}
	indexed, err := types.Instantiate(nil, hyd.Scope().Lookup("Indexed").Type(), []types.Type{s.item}, true)
	if err != nil {
		return err
	}
	var keyFields, elemFields []*types.Var
	var keyTags, elemTags []string
	for _, f := range s.keys {
		keyFields = append(keyFields, types.NewField(token.NoPos, f.Pkg(), f.Name(), f.Type(), false))
		keyTags = append(keyTags, `hydro:"key"`)
		elemFields = append(elemFields, types.NewField(token.NoPos, f.Pkg(), f.Name(), f.Type(), false))
		elemTags = append(elemTags, `hydro:"key"`)
	}
	items := "Items"
	for taken(s.keys, items) {
		items += "_"
	}
	elemFields = append(elemFields, types.NewField(token.NoPos, lat, items, ssiv, false))
	elemTags = append(elemTags, `hydro:"lattice"`)
	s.keyT = types.NewStruct(keyFields, keyTags)
	s.elem = types.NewStruct(elemFields, elemTags)
	s.fields, s.items = elemFields, items
	elemKey := &parse.Key{Elem: s.elem, Fields: elemFields[:len(keyFields)]}

	copyKeys := func(to, from string) string {
		var b strings.Builder
		for _, f := range s.keys {
			fmt.Fprintf(&b, "%s.%s = %s.%s\n", to, f.Name(), from, f.Name())
		}
		return b.String()
	}
	add := func(op *ops.Spec, elem types.Type, inputs []int, lts []ir.Lifetime, syn *parse.Syntax) int {
		n := g.Add(&ir.Node{Spec: op, Op: op.Name, API: op.API, Loc: g.Nodes[at].Loc, Inputs: inputs, Lifetimes: lts,
			Elem: parse.GoType(elem), Pos: pos, Syntax: syn})
		return n.ID
	}
	if s.lattice == prefixLattice {
		s.prefixes(g, add, ssiv, copyKeys)
	} else {
		s.enum = add(ops.EnumerateKeyed, indexed, []int{s.producer}, []ir.Lifetime{s.lifetime},
			&parse.Syntax{Keys: []*parse.Key{{Elem: s.item, Fields: s.keys}}})
		s.seal = add(ops.Map, s.elem, []int{s.enum}, nil, &parse.Syntax{UDFs: []*parse.UDF{gen(sig(s.elem, indexed), nil, func(w parse.Writer) string {
			return fmt.Sprintf("func(x %s) %s {\nvar s %s\n%ss.%s.Add(x.Index, x.Value)\nif x.Value.%s {\ns.%s.Seal(x.Index + 1)\n}\nreturn s\n}",
				w.Type(indexed), w.Type(s.elem), w.Type(s.elem), copyKeys("s", "x.Value"), items, s.marker, items)
		})}})
	}
	s.merge = add(ops.MergeKeyed, s.elem, []int{s.seal}, []ir.Lifetime{s.lifetime}, &parse.Syntax{Keys: []*parse.Key{elemKey}})
	s.complete = add(ops.Filter, s.elem, []int{s.merge}, nil, &parse.Syntax{UDFs: []*parse.UDF{gen(sig(types.Typ[types.Bool], s.elem), nil, func(w parse.Writer) string {
		return fmt.Sprintf("func(s %s) bool { return s.%s.Complete() }", w.Type(s.elem), items)
	})}})
	s.key = add(ops.Map, s.keyT, []int{s.complete}, nil, &parse.Syntax{UDFs: []*parse.UDF{gen(sig(s.keyT, s.elem), nil, func(w parse.Writer) string {
		return fmt.Sprintf("func(s %s) (k %s) {\n%sreturn k\n}", w.Type(s.elem), w.Type(s.keyT), copyKeys("k", "s"))
	})}})
	s.unique = add(ops.Unique, s.keyT, []int{s.key}, []ir.Lifetime{s.lifetime}, &parse.Syntax{})
	out := s.acc
	if release == nil {
		out = s.elem
		release = gen(nil, nil, func(w parse.Writer) string {
			return fmt.Sprintf("func(_ %s, s %s) %s { return s }", w.Type(s.keyT), w.Type(s.elem), w.Type(s.elem))
		})
	}
	release.Sig = sig(out, s.keyT, s.elem)
	keyKey := &parse.Key{Elem: s.keyT, Fields: keyFields}
	s.release = at
	return g.Replace(at, &ir.Node{Spec: ops.Join, Op: ops.Join.Name, API: ops.Join.API, Loc: g.Nodes[at].Loc, Inputs: []int{s.unique, s.complete},
		Lifetimes: []ir.Lifetime{ir.Tick, ir.Tick}, Elem: parse.GoType(out), Pos: pos,
		Syntax: &parse.Syntax{Keys: []*parse.Key{keyKey, elemKey}, UDFs: []*parse.UDF{release}}})
}

// prefixes builds the bounded-prefix producer with the local-edge
// optimisation of paper 001 §4.1.1: the producer's items, on a local and
// ordered edge, are the ordered diffs (odiff) of the prefixes the
// unoptimised lattice would carry, and a keyed append buffer (a FoldKeyed
// appending each item) reassembles them. The bound, the sequence's length,
// is known only at the marker, so the buffer's prefix becomes a lattice
// element there (a FilterMap): the whole sequence with its length, top.
func (s *sealed) prefixes(g *ir.Graph, add func(*ops.Spec, types.Type, []int, []ir.Lifetime, *parse.Syntax) int, bp types.Type, copyKeys func(to, from string) string) {
	var fields []*types.Var
	var tags []string
	for _, f := range s.keys {
		fields = append(fields, types.NewField(token.NoPos, f.Pkg(), f.Name(), f.Type(), false))
		tags = append(tags, `hydro:"key"`)
	}
	fields = append(fields, types.NewField(token.NoPos, nil, s.items, types.NewSlice(s.item), false))
	tags = append(tags, "")
	buf := types.NewStruct(fields, tags)
	init := gen(sig(buf, s.item), nil, func(w parse.Writer) string {
		return fmt.Sprintf("func(x %s) (b %s) {\n%sreturn b\n}", w.Type(s.item), w.Type(buf), copyKeys("b", "x"))
	})
	appendItem := gen(types.NewSignatureType(nil, nil, nil, types.NewTuple(types.NewParam(token.NoPos, nil, "", types.NewPointer(buf)), types.NewParam(token.NoPos, nil, "", s.item)), nil, false), nil,
		func(w parse.Writer) string {
			return fmt.Sprintf("func(b *%s, x %s) { b.%s = append(b.%s, x) }", w.Type(buf), w.Type(s.item), s.items, s.items)
		})
	s.enum = add(ops.FoldKeyed, buf, []int{s.producer}, []ir.Lifetime{s.lifetime},
		&parse.Syntax{Keys: []*parse.Key{{Elem: s.item, Fields: s.keys}}, UDFs: []*parse.UDF{init, appendItem}})
	top := types.NewSignatureType(nil, nil, nil, types.NewTuple(types.NewParam(token.NoPos, nil, "", buf)),
		types.NewTuple(types.NewParam(token.NoPos, nil, "", s.elem), types.NewParam(token.NoPos, nil, "", types.Typ[types.Bool])), false)
	s.seal = add(ops.FilterMap, s.elem, []int{s.enum}, nil, &parse.Syntax{UDFs: []*parse.UDF{gen(top, nil, func(w parse.Writer) string {
		// The lattices package as the file names it: the qualifier of
		// the element's BoundedPrefix type.
		lat, _, _ := strings.Cut(w.Type(bp), "BoundedPrefix[")
		return fmt.Sprintf("func(b %s) (s %s, ok bool) {\nn := len(b.%s)\nif n == 0 || !b.%s[n-1].%s {\nreturn s, false\n}\n%ss.%s = %sNewBoundedPrefix(b.%s, n)\nreturn s, true\n}",
			w.Type(buf), w.Type(s.elem), s.items, s.items, s.marker, copyKeys("s", "b"), s.items, lat, s.items)
	})}})
}

// gen returns a function the compiler writes, of signature sg, calling the
// user functions calls.
func gen(sg *types.Signature, calls []*parse.UDF, code func(parse.Writer) string) *parse.UDF {
	return &parse.UDF{Sig: sg, Gen: code, Calls: calls}
}

// sig returns the signature func(params...) result.
func sig(result types.Type, params ...types.Type) *types.Signature {
	var ps []*types.Var
	for _, p := range params {
		ps = append(ps, types.NewParam(token.NoPos, nil, "", p))
	}
	return types.NewSignatureType(nil, nil, nil, types.NewTuple(ps...), types.NewTuple(types.NewParam(token.NoPos, nil, "", result)), false)
}

func taken(fields []*types.Var, name string) bool {
	for _, f := range fields {
		if f.Name() == name {
			return true
		}
	}
	return false
}

// unionIDs returns a with the IDs of b it lacks.
func unionIDs(a, b []int) []int {
	out := append([]int(nil), a...)
	for _, id := range b {
		found := false
		for _, x := range out {
			found = found || x == id
		}
		if !found {
			out = append(out, id)
		}
	}
	return out
}

// importedPkg returns the package path that pkg imports, directly or
// through its imports, or nil.
func importedPkg(pkg *types.Package, path string) *types.Package {
	seen := map[*types.Package]bool{}
	var walk func(p *types.Package) *types.Package
	walk = func(p *types.Package) *types.Package {
		if seen[p] {
			return nil
		}
		seen[p] = true
		if p.Path() == path {
			return p
		}
		for _, q := range p.Imports() {
			if r := walk(q); r != nil {
				return r
			}
		}
		return nil
	}
	return walk(pkg)
}

// markerField checks that name is a bool field of items of type t (its
// own or promoted) and returns why not, or "".
func markerField(t types.Type, name string) string {
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, name)
	v, ok := obj.(*types.Var)
	if !ok || !v.IsField() {
		return fmt.Sprintf("the end marker %s is not a field of %s, the folded items", name, parse.TypeName(t))
	}
	if b, ok := v.Type().Underlying().(*types.Basic); !ok || b.Kind() != types.Bool {
		return fmt.Sprintf("the end marker %s of %s is a %s, not a bool", name, parse.TypeName(t), parse.TypeName(v.Type()))
	}
	if !v.Exported() {
		return fmt.Sprintf("the end marker %s of %s is unexported", name, parse.TypeName(t))
	}
	return ""
}

// onlyAppends checks that the fold's add function u appends its item to
// one field of the accumulator and does nothing else: its body is the one
// statement acc.F = append(acc.F, ...). It returns why not, or "", and
// where in the function; or the field F.
func onlyAppends(base *parse.Flow, u *parse.UDF) (string, token.Pos, string) {
	var ft *ast.FuncType
	var body *ast.BlockStmt
	switch {
	case u.Lit != nil:
		ft, body = u.Lit.Type, u.Lit.Body
	case u.Func != nil:
		for _, file := range base.Pkg.Syntax {
			for _, decl := range file.Decls {
				if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil && base.Pkg.TypesInfo.Defs[fd.Name] == u.Func.Origin() {
					ft, body = fd.Type, fd.Body
				}
			}
		}
	}
	if body == nil {
		return "its add function's body is not in the package, so it cannot be shown to only append", token.NoPos, ""
	}
	if len(ft.Params.List) == 0 || len(ft.Params.List[0].Names) == 0 {
		return "its add function does not name its accumulator", ft.Pos(), ""
	}
	acc := ft.Params.List[0].Names[0].Name
	if len(body.List) != 1 {
		return "its add function has more than one statement", body.Pos(), ""
	}
	as, ok := body.List[0].(*ast.AssignStmt)
	if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return "its add function is not one assignment acc.F = append(acc.F, item)", body.List[0].Pos(), ""
	}
	lhs, ok := as.Lhs[0].(*ast.SelectorExpr)
	call, ok2 := as.Rhs[0].(*ast.CallExpr)
	if !ok || !ok2 || len(call.Args) != 2 || call.Ellipsis.IsValid() {
		return "its add function is not one assignment acc.F = append(acc.F, item)", body.List[0].Pos(), ""
	}
	if fn, ok := call.Fun.(*ast.Ident); !ok || fn.Name != "append" || base.Pkg.TypesInfo.Uses[fn] != types.Universe.Lookup("append") {
		return "its add function does not append", body.List[0].Pos(), ""
	}
	first, ok := call.Args[0].(*ast.SelectorExpr)
	if !ok || types.ExprString(first) != types.ExprString(lhs) {
		return "its add function does not append to the field it assigns", body.List[0].Pos(), ""
	}
	if x, ok := lhs.X.(*ast.Ident); !ok || x.Name != acc {
		return "its add function assigns something other than a field of its accumulator", body.List[0].Pos(), ""
	}
	return "", token.NoPos, lhs.Sel.Name
}
