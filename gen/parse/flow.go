package parse

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// Values a flow body computes.
type (
	flowVal   struct{}
	locVal    struct{ id int }
	streamVal struct {
		node, loc int
		elem      types.Type
	}
	completeVal struct {
		node, loc int
		done      bool
		pos       token.Pos
	}
	paramVal struct{ p *Param }
	// poisonVal is the result of an operator that could not be added; using
	// it reports nothing more, the cause being reported already.
	poisonVal struct{}
)

func isPoison(v value) bool {
	_, ok := v.(poisonVal)
	return v == nil || ok
}

// value is one of the types above.
type value any

// parser builds one flow's graph.
type parser struct {
	fset   *token.FileSet
	flows  map[*types.Func]*decl
	errs   diag.List
	flow   *Flow
	params map[types.Object]*Param
	cycles []*completeVal
	active []*types.Func // sub-flows being inlined, to reject recursion
}

// frame is the evaluation state of one (sub-)flow body.
type frame struct {
	d      *decl
	env    map[types.Object]value
	result []value
	top    bool
}

func (p *parser) errorf(pos token.Pos, format string, args ...any) {
	p.errs = append(p.errs, diag.Errorf(diag.FromToken(p.fset.Position(pos)), diag.Graph, format, args...))
}

func (p *parser) irPos(pos token.Pos) ir.Pos {
	ps := p.fset.Position(pos)
	return ir.Pos{File: ps.Filename, Line: ps.Line, Col: ps.Column}
}

func (p *parser) flowOf(d *decl) *Flow {
	f := &Flow{Name: d.fn.Name.Name, Pkg: d.pkg, Fset: p.fset, Decl: d.fn,
		File: p.fset.Position(d.fn.Pos()).Filename, Graph: &ir.Graph{Name: d.fn.Name.Name}}
	f.Graph.Pos = p.irPos(d.fn.Name.Pos())
	p.flow = f
	p.params = map[types.Object]*Param{}
	fr := &frame{d: d, env: map[types.Object]value{}, top: true}
	sig := d.obj.Type().(*types.Signature)
	if sig.Params().Len() == 0 || !isHydro(sig.Params().At(0).Type(), "Flow", true) {
		p.errorf(d.fn.Name.Pos(), "flow %s: the first parameter must be a *hydro.Flow", f.Name)
		return f
	}
	if sig.Variadic() {
		p.errorf(d.fn.Name.Pos(), "flow %s: a flow function cannot be variadic", f.Name)
	}
	fr.env[sig.Params().At(0)] = flowVal{}
	for i := 1; i < sig.Params().Len(); i++ {
		v := sig.Params().At(i)
		if v.Name() == "" || v.Name() == "_" {
			p.errorf(v.Pos(), "flow %s: parameter %d needs a name; generated constructors take the flow's parameters by name", f.Name, i)
			continue
		}
		prm := &Param{Name: v.Name(), Type: v.Type(), Obj: v}
		switch {
		case isHydro(v.Type(), "Input", false):
			prm.Kind = InputParam
		case isHydro(v.Type(), "Output", false):
			prm.Kind = OutputParam
		}
		if prm.Kind != OtherParam {
			prm.Port = &ir.Port{Name: prm.Name, Output: prm.Kind == OutputParam, Pos: p.irPos(v.Pos())}
			f.Graph.Ports = append(f.Graph.Ports, prm.Port)
		}
		f.Params = append(f.Params, prm)
		p.params[v] = prm
		fr.env[v] = paramVal{prm}
	}
	if d.fn.Type.TypeParams != nil {
		p.errorf(d.fn.Name.Pos(), "flow %s has type parameters; hydrogen generates one node type per flow and cannot instantiate a generic flow: give the flow concrete types (a generic sub-flow called by it is not supported either)", f.Name)
		return f
	}
	p.body(fr, d.fn.Body)
	for _, c := range p.cycles {
		if !c.done {
			p.errorf(c.pos, "hydro.Cycle: the cycle is never completed; call the function Cycle returned with the stream that feeds it")
		}
	}
	return f
}

// isHydro reports whether t is the hydro type name (or a pointer to it when
// ptr is set).
func isHydro(t types.Type, name string, ptr bool) bool {
	if ptr {
		pt, ok := t.(*types.Pointer)
		if !ok {
			return false
		}
		t = pt.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	o := n.Obj()
	return o.Pkg() != nil && o.Pkg().Path() == HydroPath && o.Name() == name
}

func (p *parser) info(fr *frame) *types.Info { return fr.d.pkg.TypesInfo }

func (p *parser) body(fr *frame, b *ast.BlockStmt) {
	for _, st := range b.List {
		p.stmt(fr, st)
	}
}

func (p *parser) stmt(fr *frame, st ast.Stmt) {
	switch st := st.(type) {
	case *ast.ExprStmt:
		call, ok := ast.Unparen(st.X).(*ast.CallExpr)
		if !ok {
			p.errorf(st.Pos(), "a flow body wires operators: this expression statement is not a call")
			return
		}
		p.call(fr, call)
	case *ast.AssignStmt:
		p.assign(fr, st)
	case *ast.DeclStmt:
		gd, ok := st.Decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			p.errorf(st.Pos(), "hydrogen cannot compile this declaration in a flow body; a flow body wires operators only")
			return
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if len(vs.Values) == 0 {
				p.errorf(vs.Pos(), "a variable in a flow body must be initialized with a stream, a location or a cycle")
				continue
			}
			lhs := make([]ast.Expr, len(vs.Names))
			for i, n := range vs.Names {
				lhs[i] = n
			}
			p.bind(fr, vs.Pos(), lhs, vs.Values)
		}
	case *ast.ReturnStmt:
		if fr.top {
			if len(st.Results) > 0 {
				p.errorf(st.Pos(), "a flow returns nothing")
			}
			return
		}
		for _, r := range st.Results {
			fr.result = append(fr.result, p.expr(fr, r))
		}
	case *ast.EmptyStmt:
	default:
		p.errorf(st.Pos(), "hydrogen cannot compile a %s in a flow body; a flow body wires operators only (move control flow into the functions passed to operators)", stmtName(st))
	}
}

func stmtName(st ast.Stmt) string {
	name := fmt.Sprintf("%T", st)
	name = strings.TrimPrefix(name, "*ast.")
	name = strings.TrimSuffix(name, "Stmt")
	return strings.ToLower(name) + " statement"
}

func (p *parser) assign(fr *frame, st *ast.AssignStmt) {
	if st.Tok != token.DEFINE && st.Tok != token.ASSIGN {
		p.errorf(st.Pos(), "hydrogen cannot compile %s in a flow body", st.Tok)
		return
	}
	p.bind(fr, st.Pos(), st.Lhs, st.Rhs)
}

func (p *parser) bind(fr *frame, pos token.Pos, lhs, rhs []ast.Expr) {
	if len(rhs) == len(lhs) {
		for i, r := range rhs {
			switch ast.Unparen(r).(type) {
			case *ast.CallExpr, *ast.Ident:
				continue
			}
			name := "it"
			if id, ok := lhs[i].(*ast.Ident); ok {
				name = id.Name
			}
			p.errorf(r.Pos(), "a flow body binds only streams, locations and cycles; to use this value in the functions passed to operators, make %s a parameter of the flow (or a package-level constant)", name)
			return
		}
	}
	var vals []value
	if len(rhs) == 1 && len(lhs) > 1 {
		vals = p.multi(fr, rhs[0], len(lhs))
	} else {
		for _, r := range rhs {
			vals = append(vals, p.expr(fr, r))
		}
	}
	if len(vals) != len(lhs) {
		return // reported
	}
	for i, l := range lhs {
		id, ok := l.(*ast.Ident)
		if !ok {
			p.errorf(l.Pos(), "hydrogen can only assign to plain variables in a flow body")
			continue
		}
		if id.Name == "_" {
			continue
		}
		obj := p.info(fr).Defs[id]
		if obj == nil {
			obj = p.info(fr).Uses[id]
		}
		if obj != nil {
			fr.env[obj] = vals[i]
		}
	}
}

// multi evaluates a call returning n values (hydro.Cycle, sub-flows).
func (p *parser) multi(fr *frame, e ast.Expr, n int) []value {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		p.errorf(e.Pos(), "hydrogen cannot compile this expression in a flow body")
		return nil
	}
	v := p.call(fr, call)
	if vs, ok := v.([]value); ok && len(vs) == n {
		return vs
	}
	if isPoison(v) {
		out := make([]value, n)
		for i := range out {
			out[i] = poisonVal{}
		}
		return out
	}
	if v != nil {
		p.errorf(e.Pos(), "expected %d values", n)
	}
	return nil
}

// expr evaluates an expression of a flow body to a value, or nil after
// reporting.
func (p *parser) expr(fr *frame, e ast.Expr) value {
	e = ast.Unparen(e)
	switch e := e.(type) {
	case *ast.Ident:
		obj := p.info(fr).Uses[e]
		if v, ok := fr.env[obj]; ok {
			return v
		}
		p.errorf(e.Pos(), "%s is not a stream, location, cycle or parameter of the flow", e.Name)
		return nil
	case *ast.CallExpr:
		v := p.call(fr, e)
		if vs, ok := v.([]value); ok {
			if len(vs) == 1 {
				return vs[0]
			}
			p.errorf(e.Pos(), "this call returns %d values", len(vs))
			return nil
		}
		return v
	}
	p.errorf(e.Pos(), "hydrogen cannot compile this expression in a flow body; a flow body wires streams, locations and parameters")
	return nil
}

// callee resolves the function a call names.
func (p *parser) callee(fr *frame, fun ast.Expr) types.Object {
	fun = ast.Unparen(fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		return p.callee(fr, f.X)
	case *ast.IndexListExpr:
		return p.callee(fr, f.X)
	case *ast.Ident:
		return p.info(fr).Uses[f]
	case *ast.SelectorExpr:
		if sel := p.info(fr).Selections[f]; sel != nil {
			return sel.Obj()
		}
		return p.info(fr).Uses[f.Sel]
	}
	return nil
}

func (p *parser) call(fr *frame, call *ast.CallExpr) value {
	info := p.info(fr)
	// Calls through a variable: completing a cycle.
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if v, ok := fr.env[info.Uses[id]]; ok {
			c, isCycle := v.(*completeVal)
			if !isCycle {
				p.errorf(call.Pos(), "%s is not a function", id.Name)
				return nil
			}
			p.complete(fr, call, c)
			return nil
		}
	}
	obj := p.callee(fr, call.Fun)
	fn, _ := obj.(*types.Func)
	if fn == nil {
		p.errorf(call.Pos(), "hydrogen cannot compile this call in a flow body; call hydro operators, Flow methods or //hydro:flow sub-flows")
		return nil
	}
	sig := fn.Type().(*types.Signature)
	if recv := sig.Recv(); recv != nil {
		if isHydro(recv.Type(), "Flow", true) && (fn.Name() == "Process" || fn.Name() == "Cluster") {
			return p.location(fr, call, fn.Name())
		}
		p.errorf(call.Pos(), "hydrogen cannot compile a call of method %s in a flow body", fn.Name())
		return nil
	}
	if fn.Pkg() != nil && fn.Pkg().Path() == HydroPath {
		return p.operator(fr, call, fn)
	}
	if d, ok := p.flows[fn.Origin()]; ok {
		return p.subflow(fr, call, d)
	}
	p.errorf(call.Pos(), "hydrogen cannot compile a call of %s in a flow body; only hydro operators and //hydro:flow sub-flows wire a flow", fn.Name())
	return nil
}

func (p *parser) location(fr *frame, call *ast.CallExpr, method string) value {
	kind := ir.ProcessLoc
	if method == "Cluster" {
		kind = ir.ClusterLoc
	}
	if len(call.Args) != 1 {
		return nil
	}
	tv := p.info(fr).Types[call.Args[0]]
	if tv.Value == nil || tv.Value.Kind() != constant.String {
		p.errorf(call.Args[0].Pos(), "hydro.Flow.%s: the location name must be a constant string; it names a binary", method)
		return nil
	}
	name := constant.StringVal(tv.Value)
	pos := p.irPos(call.Lparen)
	g := p.flow.Graph
	switch {
	case name == "":
		p.errorf(call.Lparen, "hydro.Flow.%s: a location needs a name", method)
	case !ir.ValidLocationName(name):
		p.errorf(call.Lparen, "hydro.Flow.%s: location name %q must be a lower-case identifier (letters, digits, '-', '_'), it names a binary", method, name)
	}
	for _, l := range g.Locations {
		if l.Name == name && name != "" {
			p.errorf(call.Lparen, "hydro.Flow.%s: location %q is already declared at %s", method, name, l.Pos)
		}
	}
	id := len(g.Locations)
	g.Locations = append(g.Locations, &ir.Location{ID: id, Name: name, Kind: kind, Pos: pos})
	return locVal{id}
}

func (p *parser) complete(fr *frame, call *ast.CallExpr, c *completeVal) {
	if len(call.Args) != 1 {
		return
	}
	v := p.expr(fr, call.Args[0])
	if c.done {
		p.errorf(call.Lparen, "hydro.Cycle: the cycle declared at %s is already completed", p.irPos(c.pos))
		return
	}
	c.done = true
	s, ok := v.(streamVal)
	if !ok {
		if !isPoison(v) {
			p.errorf(call.Args[0].Pos(), "hydro.Cycle: completed with something that is not a stream")
		}
		return
	}
	if s.loc != c.loc {
		g := p.flow.Graph
		p.errorf(call.Lparen, "hydro.Cycle: declared at %q but completed with a stream at %q", g.Locations[c.loc].Name, g.Locations[s.loc].Name)
		return
	}
	p.flow.Graph.Nodes[c.node].Inputs = []int{s.node}
}

// subflow inlines a call of a //hydro:flow function returning streams.
func (p *parser) subflow(fr *frame, call *ast.CallExpr, d *decl) value {
	for _, a := range p.active {
		if a == d.obj {
			p.errorf(call.Lparen, "sub-flow %s calls itself; a flow's graph must be finite", d.obj.Name())
			return nil
		}
	}
	sig := d.obj.Type().(*types.Signature)
	if sig.Variadic() || call.Ellipsis.IsValid() {
		p.errorf(call.Lparen, "hydrogen does not yet inline variadic sub-flows")
		return nil
	}
	if d.fn.Type.TypeParams != nil {
		p.errorf(call.Lparen, "hydrogen does not yet inline generic sub-flows")
		return nil
	}
	sub := &frame{d: d, env: map[types.Object]value{}}
	for i, a := range call.Args {
		v := p.expr(fr, a)
		if isPoison(v) {
			return poisonVal{}
		}
		if pv, ok := v.(paramVal); ok {
			// A flow parameter passed down keeps its identity, so sinks and
			// sources find their port; closures of the sub-flow cannot capture
			// it (they capture only the top flow's parameters by name).
			sub.env[sig.Params().At(i)] = pv
			continue
		}
		sub.env[sig.Params().At(i)] = v
	}
	p.active = append(p.active, d.obj)
	p.body(sub, d.fn.Body)
	p.active = p.active[:len(p.active)-1]
	if sig.Results().Len() == 0 {
		return nil
	}
	if len(sub.result) != sig.Results().Len() {
		p.errorf(call.Lparen, "sub-flow %s must end with a single return of its streams", d.obj.Name())
		return nil
	}
	if len(sub.result) == 1 {
		return sub.result[0]
	}
	return sub.result
}

// newNode completes n, the node of an operator call, and adds it to the
// graph.
func (p *parser) newNode(spec *ops.Spec, pos token.Pos, loc int, inputs []int, lts []ir.Lifetime, elem types.Type, n *ir.Node) int {
	n.Op, n.Spec, n.Loc, n.Inputs, n.Lifetimes = spec.Name, spec, loc, inputs, lts
	n.Elem, n.Pos = GoType(elem), p.irPos(pos)
	return p.flow.Graph.Add(n).ID
}
