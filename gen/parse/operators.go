package parse

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"time"

	"github.com/hydrogo/hydro/internal/check"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
	"github.com/hydrogo/hydro/internal/tags"
)

// operator adds the node for a call of a hydro operator.
func (p *parser) operator(fr *frame, call *ast.CallExpr, fn *types.Func) value {
	info := p.info(fr)
	api := "hydro." + fn.Name()
	spec := ops.ByAPI(api)
	if spec == nil {
		p.errorf(call.Lparen, "hydrogen does not know %s; a flow body may call the operators of package hydro", api)
		return nil
	}
	if call.Ellipsis.IsValid() {
		p.errorf(call.Ellipsis, "%s: hydrogen needs every argument written out; spreading a slice with ... hides the graph's shape", api)
		return nil
	}
	generic := fn.Origin().Type().(*types.Signature)
	ni := &Syntax{Call: call}
	var period *time.Duration
	var (
		streams []streamVal
		locID   = -1
		locs    []int
		lts     []ir.Lifetime
		ltGiven bool
		bad     bool
	)
	params := generic.Params()
	for i, arg := range call.Args {
		pi := min(i, params.Len()-1)
		pt := params.At(pi).Type()
		variadic := generic.Variadic() && pi == params.Len()-1
		if variadic {
			pt = pt.(*types.Slice).Elem()
		}
		switch {
		case isHydro(pt, "Stream", false):
			v := p.expr(fr, arg)
			s, ok := v.(streamVal)
			if !ok {
				if !isPoison(v) {
					p.errorf(arg.Pos(), "%s: argument %d is not a stream", api, i+1)
				}
				bad = true
				continue
			}
			streams = append(streams, s)
		case isHydro(pt, "Location", false), isHydro(pt, "Process", true), isHydro(pt, "Cluster", true):
			v := p.expr(fr, arg)
			l, ok := v.(locVal)
			if !ok {
				if !isPoison(v) {
					p.errorf(arg.Pos(), "%s: argument %d is not a location; declare one with Flow.Process or Flow.Cluster", api, i+1)
				}
				bad = true
				continue
			}
			locID = l.id
			locs = append(locs, l.id)
		case isHydro(pt, "Input", false), isHydro(pt, "Output", false):
			kind, what := InputParam, "input"
			if isHydro(pt, "Output", false) {
				kind, what = OutputParam, "output"
			}
			id, ok := ast.Unparen(arg).(*ast.Ident)
			var pv paramVal
			if ok {
				pv, ok = fr.env[info.Uses[id]].(paramVal)
			}
			if !ok || pv.p.Kind != kind {
				p.errorf(arg.Pos(), "%s: the %s must be a parameter of the flow, so that the generated node takes it in its constructor", api, what)
				bad = true
				continue
			}
			ni.Param = pv.p
		case isLifetime(pt):
			ltGiven = true
			tv := info.Types[arg]
			if tv.Value == nil {
				p.errorf(arg.Pos(), "%s: a lifetime must be a constant, hydro.Tick, hydro.Static or hydro.Durable", api)
				bad = true
				continue
			}
			l, _ := constant.Int64Val(tv.Value)
			lts = append(lts, ir.Lifetime(l))
		case isFunc(pt):
			u := p.udf(fr, api, arg)
			if u == nil {
				bad = true
				continue
			}
			ni.UDFs = append(ni.UDFs, u)
		default:
			// Iter's items, Timer's period: plain expressions evaluated when
			// the node is built.
			caps, ok := p.captures(fr, api, arg, "argument")
			if !ok {
				bad = true
				continue
			}
			ni.Expr, ni.ExprCaptures = arg, caps
			if spec == ops.Timer {
				period = constPeriod(info, arg)
			}
		}
	}
	if bad {
		return poisonFor(fn, info, call)
	}
	pos := call.Lparen
	loc := locID
	target := ""
	if spec.Target && len(locs) == 2 {
		// ClusterSize(at, cluster): it lives at its first location and
		// reads the size of the second.
		loc = locs[0]
		c := p.flow.Graph.Locations[locs[1]]
		if c.Kind != ir.ClusterLoc {
			p.errorf(call.Args[1].Pos(), "%s: %q is a process; only a cluster has a size to read", api, c.Name)
			return poisonFor(fn, info, call)
		}
		target = c.Name
	}
	if len(streams) > 0 && !spec.Network {
		loc = streams[0].loc
		g := p.flow.Graph
		for i, s := range streams {
			if s.loc != loc {
				p.errorf(pos, "%s: %s lives at %q but %s lives at %q; move one with a network operator first",
					api, spec.InputName(i, len(streams)), g.Locations[s.loc].Name, spec.InputName(0, len(streams)), g.Locations[loc].Name)
				return poisonFor(fn, info, call)
			}
		}
	}
	if loc < 0 {
		return poisonFor(fn, info, call)
	}
	// Lifetimes: none given means the defaults.
	if len(spec.Lifetimes) > 0 || ltGiven {
		resolved, err := check.Lifetimes(spec, lts)
		if err != nil {
			p.errorf(pos, "%v", err)
			return poisonFor(fn, info, call)
		}
		lts = resolved
	} else if hasLifetimeParam(generic) {
		lts = []ir.Lifetime{}
	}
	// Keys from tags, for keyed operators called without key functions.
	if n := spec.Keyed; n > 0 && api != spec.By {
		roles := make([]string, n)
		for i := range n {
			roles[i] = spec.Port(i, len(streams))
			k, ok := p.key(spec, call.Lparen, streams[i].elem, roles[i])
			if !ok {
				return poisonFor(fn, info, call)
			}
			ni.Keys = append(ni.Keys, k)
		}
		if n == 2 && !p.sameKey(spec, call.Lparen, ni.Keys[0], ni.Keys[1], roles[0], roles[1]) {
			return poisonFor(fn, info, call)
		}
		if spec.LatticeMerge && !p.mergeable(spec, call.Lparen, streams[0].elem) {
			return poisonFor(fn, info, call)
		}
	}
	// Output element type.
	res := info.Types[call].Type
	var elem types.Type
	var cycle bool
	switch r := res.(type) {
	case *types.Tuple:
		if r.Len() > 0 {
			elem = streamElem(r.At(0).Type())
			cycle = true
		}
	case nil:
	default:
		elem = streamElem(r)
	}
	if elem == nil && len(streams) > 0 {
		elem = streams[0].elem
	}
	if elem == nil {
		p.errorf(pos, "%s: hydrogen cannot tell the element type", api)
		return nil
	}
	inputs := make([]int, len(streams))
	for i, s := range streams {
		inputs[i] = s.node
	}
	id := p.newNode(spec, pos, loc, inputs, lts, elem, &ir.Node{API: api, Syntax: ni, Port: ni.Param.irPort(), Period: period})
	p.flow.Graph.Nodes[id].Target = target
	out := streamVal{node: id, loc: loc, elem: elem}
	if cycle {
		c := &completeVal{node: id, loc: loc, pos: pos}
		p.cycles = append(p.cycles, c)
		return []value{out, c}
	}
	if spec.Sink {
		return nil
	}
	return out
}

// poisonFor returns the value a failed operator call yields, so that the
// statements using it report nothing more.
func poisonFor(fn *types.Func, info *types.Info, call *ast.CallExpr) value {
	if t, ok := info.Types[call].Type.(*types.Tuple); ok {
		out := make([]value, t.Len())
		for i := range out {
			out[i] = poisonVal{}
		}
		return out
	}
	return poisonVal{}
}

func hasLifetimeParam(sig *types.Signature) bool {
	if !sig.Variadic() {
		return false
	}
	last := sig.Params().At(sig.Params().Len() - 1).Type().(*types.Slice).Elem()
	return isLifetime(last)
}

func isLifetime(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named) // hydro.Lifetime is an alias of ops.Lifetime
	if !ok {
		return false
	}
	o := n.Obj()
	return o.Pkg() != nil && o.Pkg().Path() == "github.com/hydrogo/hydro/internal/ops" && o.Name() == "Lifetime"
}

func isFunc(t types.Type) bool {
	_, ok := t.Underlying().(*types.Signature)
	return ok
}

func streamElem(t types.Type) types.Type {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || !isHydro(n, "Stream", false) || n.TypeArgs().Len() != 1 {
		return nil
	}
	return n.TypeArgs().At(0)
}

// udf checks a function argument: a literal whose free variables are flow
// parameters or package-level names, or a named package-level function.
func (p *parser) udf(fr *frame, api string, e ast.Expr) *UDF {
	info := p.info(fr)
	sig, _ := info.Types[e].Type.Underlying().(*types.Signature)
	switch x := ast.Unparen(e).(type) {
	case *ast.FuncLit:
		caps, ok := p.captures(fr, api, x, "closure")
		if !ok {
			return nil
		}
		return &UDF{Lit: x, Expr: x, Sig: sig, Captures: caps}
	case *ast.Ident, *ast.SelectorExpr, *ast.IndexExpr, *ast.IndexListExpr:
		if fn, ok := p.callee(fr, x).(*types.Func); ok && fn.Type().(*types.Signature).Recv() == nil && fn.Parent() == fn.Pkg().Scope() {
			return &UDF{Func: fn, Expr: x, Sig: sig}
		}
	}
	p.errorf(e.Pos(), "%s: pass a function literal or a named function; hydrogen inlines it into the generated node and cannot call function values", api)
	return nil
}

// captures checks the free variables of n: flow parameters and package-level
// names are fine, anything else declared in a flow body is an error.
func (p *parser) captures(fr *frame, api string, n ast.Node, what string) ([]*Param, bool) {
	info := p.info(fr)
	var caps []*Param
	seen := map[*Param]bool{}
	ok := true
	ast.Inspect(n, func(x ast.Node) bool {
		id, isID := x.(*ast.Ident)
		if !isID {
			return true
		}
		obj := info.Uses[id]
		if obj == nil || obj.Pkg() == nil || obj.Parent() == nil {
			return true // universe, fields, methods
		}
		if obj.Parent() == obj.Pkg().Scope() || obj.Parent() == types.Universe {
			return true
		}
		if obj.Pos() >= n.Pos() && obj.Pos() < n.End() {
			return true // declared inside
		}
		if _, isPkg := obj.(*types.PkgName); isPkg {
			return true
		}
		if prm, isParam := p.params[obj]; isParam && fr.top {
			if prm.Kind != OtherParam {
				p.errorf(id.Pos(), "%s: the %s uses %s, a hydro port; ports are wired with hydro.Source and hydro.Sink, not used directly", api, what, id.Name)
				ok = false
				return true
			}
			if !seen[prm] {
				seen[prm] = true
				caps = append(caps, prm)
			}
			return true
		}
		if _, isFlow := fr.env[obj].(flowVal); isFlow {
			p.errorf(id.Pos(), "%s: the %s uses the *hydro.Flow %s; only the flow body may wire operators", api, what, id.Name)
			ok = false
			return true
		}
		where := "in the flow body"
		if !fr.top {
			where = "in sub-flow " + fr.d.fn.Name.Name
		}
		p.errorf(id.Pos(), "%s: the %s uses %s, a variable declared %s at %s; hydrogen moves the %s into the generated node, where %s does not exist: make %s a parameter of the flow (or a package-level name)",
			api, what, id.Name, where, p.fset.Position(obj.Pos()), what, id.Name, id.Name)
		ok = false
		return true
	})
	return caps, ok
}

// schemaOf derives the tag schema of t through go/types, exactly as
// hydro.SchemaOf does through reflect.
func schemaOf(t types.Type) (*tags.Schema, *types.Struct, error) {
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return &tags.Schema{Type: TypeName(t)}, nil, nil
	}
	s, err := tags.Parse(TypeName(t), fieldsOf(st))
	return s, st, err
}

// fieldsOf describes the fields of st for package tags, as the interpreter
// does through reflect.
func fieldsOf(st *types.Struct) []tags.Field {
	fields := make([]tags.Field, st.NumFields())
	for i := range fields {
		f := st.Field(i)
		_, ptr := f.Type().Underlying().(*types.Pointer)
		fields[i] = tags.Field{
			Name:       f.Name(),
			Type:       TypeName(f.Type()),
			Tag:        st.Tag(i),
			Comparable: types.Comparable(f.Type()),
			Mergeable:  mergeableType(f.Type()),
			ValueMerge: valueMergeType(f.Type()),
			Pointer:    ptr,
			Index:      []int{i},
		}
		if inner, ok := f.Type().Underlying().(*types.Struct); ok && f.Embedded() {
			fields[i].Embedded = fieldsOf(inner)
		}
	}
	return fields
}

// fieldVar returns the field of st at index path.
func fieldVar(st *types.Struct, path []int) *types.Var {
	var f *types.Var
	for _, i := range path {
		f = st.Field(i)
		st, _ = f.Type().Underlying().(*types.Struct)
	}
	return f
}

// valueMergeType reports whether t has a method Merge with a value
// receiver, which merges into a copy.
func valueMergeType(t types.Type) bool {
	if _, ok := t.Underlying().(*types.Pointer); ok {
		return false
	}
	if types.IsInterface(t) {
		return false
	}
	ms := types.NewMethodSet(t)
	for i := range ms.Len() {
		if ms.At(i).Obj().Name() == "Merge" {
			return true
		}
	}
	return false
}

// mergeableType reports whether *t has a method Merge(t) bool.
func mergeableType(t types.Type) bool {
	ms := types.NewMethodSet(types.NewPointer(t))
	sel := ms.Lookup(nil, "Merge")
	if sel == nil {
		// Exported methods of other packages are found without a package.
		for i := range ms.Len() {
			if ms.At(i).Obj().Name() == "Merge" {
				sel = ms.At(i)
			}
		}
	}
	if sel == nil {
		return false
	}
	sig := sel.Type().(*types.Signature)
	return sig.Params().Len() == 1 && types.Identical(sig.Params().At(0).Type(), t) &&
		sig.Results().Len() == 1 && types.Identical(sig.Results().At(0).Type(), types.Typ[types.Bool])
}

func (p *parser) key(spec *ops.Spec, pos token.Pos, t types.Type, role string) (*Key, bool) {
	s, st, err := schemaOf(t)
	if err := check.Key(spec, role, TypeName(t), s, err); err != nil {
		p.errorf(pos, "%v", err)
		return nil, false
	}
	k := &Key{Elem: t}
	for _, i := range s.Key {
		k.Fields = append(k.Fields, fieldVar(st, s.Fields[i].Index))
	}
	return k, true
}

func (p *parser) sameKey(spec *ops.Spec, pos token.Pos, a, b *Key, roleA, roleB string) bool {
	match := len(a.Fields) == len(b.Fields)
	for i := 0; match && i < len(a.Fields); i++ {
		match = types.Identical(a.Fields[i].Type(), b.Fields[i].Type())
	}
	if !match {
		sa, _, _ := schemaOf(a.Elem)
		sb, _, _ := schemaOf(b.Elem)
		p.errorf(pos, "%v", check.KeysDiffer(spec, roleA, sa, roleB, sb))
	}
	return match
}

func (p *parser) mergeable(spec *ops.Spec, pos token.Pos, t types.Type) bool {
	sc, _, _ := schemaOf(t)
	if err := check.Mergeable(spec, sc); err != nil {
		p.errorf(pos, "%v", err)
		return false
	}
	return true
}

// LatticeFields returns the `hydro:"lattice"` fields of struct type t, in
// declaration order (nil when t is no struct or has none).
func LatticeFields(t types.Type) []*types.Var {
	s, st, err := schemaOf(t)
	if err != nil || st == nil {
		return nil
	}
	var out []*types.Var
	for _, i := range s.Lattice {
		out = append(out, fieldVar(st, s.Fields[i].Index))
	}
	return out
}

// SchemaOf returns the keys, functional dependencies and lattice fields the
// hydro tags of t declare, as hydro.SchemaOf does through reflect. A
// non-struct type has an empty schema.
func SchemaOf(t types.Type) (*tags.Schema, error) {
	s, _, err := schemaOf(t)
	return s, err
}

// constPeriod returns a Timer period given as a constant, or nil: a period
// from a parameter is checked when the node starts.
func constPeriod(info *types.Info, arg ast.Expr) *time.Duration {
	tv := info.Types[arg]
	if tv.Value == nil {
		return nil
	}
	d, _ := constant.Int64Val(constant.ToInt(tv.Value))
	period := time.Duration(d)
	return &period
}
