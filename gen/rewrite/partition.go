package rewrite

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"github.com/hydrogo/hydro/gen/analyze"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// partitionRewrite is the Rewrite of a partition step.
const partitionRewrite = "partition"

// partitionPrecondition is what a partition step requires, as explain
// reports it.
const partitionPrecondition = "the location is not a client and not yet partitioned, and a partition key (analysis.Partition, or the plan's by) brings together every set of items its operators combine"

// parsePartition parses the fields of a plan line "partition ROLE into N
// [by FIELD,...]".
func parsePartition(fields []string) (*Step, error) {
	if len(fields) != 4 && len(fields) != 6 || fields[2] != "into" || len(fields) == 6 && fields[4] != "by" {
		return nil, fmt.Errorf("malformed plan line %q: want \"partition ROLE into N [by FIELD,...]\"", strings.Join(fields, " "))
	}
	n, err := strconv.Atoi(fields[3])
	if err != nil || n < 2 {
		return nil, fmt.Errorf("partition %s into %s: the number of partitions must be an integer of at least 2", fields[1], fields[3])
	}
	step := &Step{Rewrite: partitionRewrite, Role: fields[1], Partitions: n}
	if len(fields) == 6 {
		step.By = strings.Split(fields[5], ",")
		if slices.Contains(step.By, "") {
			return nil, fmt.Errorf("empty field name in %q", fields[5])
		}
	}
	return step, nil
}

// partition is partitioning by co-hashing (paper 002 §4.1), widened by
// functional and co-partition dependencies (§4.2): every member of a
// location becomes Partitions members, each running all of the location's
// operators, and every network operator that sends into the location routes
// each item to one partition by the hash of its partition key — fields that
// analysis.Partition found (or the plan names) such that every operator of
// the location combining items (a join, a grouping, a negation, a
// deduplication) combines only items equal in them. Each partition then
// sees, of every group it derives, all the items the base location saw of
// it, and derives it alike; outputs leave from every partition; replies to
// clients reach them as before.
//
// The precondition: the location is not a client and is not yet
// partitioned, and a key exists — no operator combines every item of a tick
// or groups by a key the analysis cannot relate to the entering streams'
// fields. A key the plan names must satisfy every combining operator; the
// first one it does not is the diagnostic's position.
func partition(base *parse.Flow, g *ir.Graph, step *Step) (*ir.Graph, *diag.Diagnostic) {
	out, _, d := partitionExplained(base, g, step)
	return out, d
}

// partitionExplained is partition, and also returns the facts it used for
// hydrogen explain: how each stream entering the location is routed.
func partitionExplained(base *parse.Flow, g *ir.Graph, step *Step) (c *ir.Graph, used []string, d *diag.Diagnostic) {
	errorf := func(pos diag.Pos, format string, args ...any) *diag.Diagnostic {
		return diag.Errorf(pos, diag.Rewrite, "%s: %s", step, fmt.Sprintf(format, args...))
	}
	loc := g.Location(step.Role)
	if loc == nil {
		var names []string
		for _, l := range g.Locations {
			names = append(names, l.Name)
		}
		return nil, used, errorf(step.Pos, "flow %s has no location %q (locations: %s)", base.Name, step.Role, strings.Join(names, ", "))
	}
	for _, n := range g.Nodes {
		if n.Loc == loc.ID && n.Spec.Source && n.Port != nil && !n.Port.Output {
			return nil, used, errorf(n.Pos, "location %q reads the flow's input %s, so it is a client; clients are outside the rewrites", loc.Name, n.Port.Name)
		}
	}
	if loc.Partitions > 0 {
		return nil, used, errorf(step.Pos, "location %q is already partitioned into %d", loc.Name, loc.Partitions)
	}
	facts, err := analyze.Run(base.WithGraph(g), analysis.Partition)
	if err != nil {
		return nil, used, errorf(step.Pos, "%v", err)
	}
	lp := facts.Facts[analysis.Partition].(analysis.PartitionResult)[loc.ID]
	if lp.Blocked != "" {
		return nil, used, errorf(g.Nodes[lp.BlockedAt].Pos, "location %q cannot be partitioned: %s", loc.Name, lp.Blocked)
	}
	var cand analysis.Candidate
	switch {
	case len(step.By) > 0:
		c, at, why := lp.Choose(step.By)
		if why != "" {
			pos := step.Pos
			if at >= 0 {
				pos = g.Nodes[at].Pos
			}
			return nil, used, errorf(pos, "location %q cannot be partitioned by %s: %s", loc.Name, strings.Join(step.By, ","), why)
		}
		cand = c
	case !lp.Free:
		// One attribute: each entry's first field holding it.
		for _, a := range lp.Candidates[0] {
			cand = append(cand, analysis.Attrs{Node: a.Node, Fields: a.Fields[:1], Via: a.Via})
		}
	}
	c = g.Clone()
	c.Locations[loc.ID].Partitions = step.Partitions
	route := map[int]*analysis.Attrs{}
	for i, a := range cand {
		route[a.Node] = &cand[i]
	}
	for _, id := range lp.Entries {
		n := c.Nodes[id]
		if !n.Spec.Network {
			continue // a source that is not replicated: a Timer ticks at every member
		}
		syn := *parse.SyntaxOf(n)
		switch a := route[id]; {
		case a == nil:
			used = append(used, fmt.Sprintf("%s: routes by the hash of the whole item (no operator at %q combines its items by a key)", about(g, id), loc.Name))
		case a.Via != nil:
			used = append(used, fmt.Sprintf("%s: routes by (%s), which %s computes from its items (a dependency, §4.2)", about(g, id), strings.Join(a.Fields, ","), about(g, a.Via.Node)))
			expr, param, err := computedAt(base, g, a.Via)
			if err != nil {
				return nil, used, errorf(g.Nodes[a.Via.Node].Pos, "%s is routed by %s, which %v", describe(g, id), a.Fields[0], err)
			}
			syn.PartExpr, syn.PartParam = expr, param
		default:
			used = append(used, fmt.Sprintf("%s: routes by its fields (%s)", about(g, id), strings.Join(a.Fields, ",")))
			key, err := fieldsOf(parse.Go(n.Elem), a.Fields)
			if err != nil {
				return nil, used, errorf(n.Pos, "%v", err)
			}
			syn.Part = key
		}
		if n.Spec == ops.Send {
			// A Send to the process is a Demux to its partitions.
			n.Spec, n.Op, n.API = ops.Demux, ops.Demux.Name, ops.Demux.API
		}
		n.Syntax = &syn
	}
	return c, used, nil
}

// computedAt returns the expression computing field c.Field in c.Node's
// function and the function's parameter it reads, for a sender to evaluate
// on its items: it must name nothing but the parameter and package-level
// declarations (no closure variable, no flow parameter).
func computedAt(base *parse.Flow, g *ir.Graph, c *analysis.Computed) (ast.Expr, *types.Var, error) {
	expr, ok := c.Value.Expr.(ast.Expr)
	udfs := parse.SyntaxOf(g.Nodes[c.Node]).UDFs
	if !ok || len(udfs) == 0 || udfs[len(udfs)-1].Sig == nil {
		return nil, nil, fmt.Errorf("the analysis cannot spell")
	}
	sig := udfs[len(udfs)-1].Sig
	if c.Value.From[0].Param >= sig.Params().Len() {
		return nil, nil, fmt.Errorf("the analysis cannot spell")
	}
	param := sig.Params().At(c.Value.From[0].Param)
	info := base.Pkg.TypesInfo
	var bad error
	ast.Inspect(expr, func(x ast.Node) bool {
		id, ok := x.(*ast.Ident)
		if !ok || bad != nil {
			return bad == nil
		}
		obj := info.Uses[id]
		switch {
		case obj == nil, obj == types.Object(param), obj.Parent() == types.Universe:
		case obj.Pkg() != nil && obj.Parent() == obj.Pkg().Scope():
		default:
			if _, pkgName := obj.(*types.PkgName); pkgName {
				break
			}
			if v, field := obj.(*types.Var); field && v.IsField() {
				break
			}
			if _, method := obj.(*types.Func); method {
				break
			}
			bad = fmt.Errorf("computes with %s, which a sender does not have", id.Name)
		}
		return true
	})
	if bad != nil {
		return nil, nil, bad
	}
	return expr, param, nil
}

// fieldsOf returns the key of element type t made of the named fields
// (promoted ones included).
func fieldsOf(t types.Type, names []string) (*parse.Key, error) {
	if t == nil {
		return nil, fmt.Errorf("the element type is unknown")
	}
	key := &parse.Key{Elem: t}
	for _, name := range names {
		var pkg *types.Package
		if nt, ok := types.Unalias(t).(*types.Named); ok {
			pkg = nt.Obj().Pkg()
		}
		obj, _, _ := types.LookupFieldOrMethod(t, true, pkg, name)
		v, ok := obj.(*types.Var)
		if !ok || !v.IsField() {
			return nil, fmt.Errorf("%s has no field %s", parse.TypeName(t), name)
		}
		key.Fields = append(key.Fields, v)
	}
	return key, nil
}

// partitionAround partitions location step.Role of g as by partition (with
// the fields by to route by, if any), taking the value of every node of
// keep, a fold of the location that the calling rewrite handles itself, as
// complete at start (like SelfID's: it combines nothing the routing must
// bring together). It returns the partitioned graph with keep as it was,
// the facts partition used, and partition's refusal with its message less
// the step, for the caller to prefix.
func partitionAround(base *parse.Flow, g *ir.Graph, step *Step, by []string, keep ...int) (*ir.Graph, []string, *diag.Diagnostic) {
	probe := g.Clone()
	for _, k := range keep {
		f := g.Nodes[k]
		if err := probe.Replace(k, &ir.Node{Spec: ops.SelfID, Loc: f.Loc, Inputs: []int{}, Elem: f.Elem, Pos: f.Pos, Syntax: &parse.Syntax{}}); err != nil {
			return nil, nil, diag.Errorf(step.Pos, diag.Rewrite, "%v", err)
		}
	}
	ps := &Step{Directive: "partition", Rewrite: partitionRewrite, Role: step.Role, Partitions: step.Partitions, By: by, Pos: step.Pos}
	c, used, bad := partitionExplained(base, probe, ps)
	if bad != nil {
		bad.Message = strings.TrimPrefix(bad.Message, ps.String()+": ")
		return nil, used, bad
	}
	for _, k := range keep {
		f := g.Nodes[k]
		restored := *f
		restored.Inputs, restored.Lifetimes = slices.Clone(f.Inputs), slices.Clone(f.Lifetimes)
		if err := c.Replace(k, &restored); err != nil {
			return nil, used, diag.Errorf(step.Pos, diag.Rewrite, "%v", err)
		}
	}
	return c, used, nil
}
