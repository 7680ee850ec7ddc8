package rewrite

import (
	"fmt"
	"go/types"
	"slices"
	"strings"

	"github.com/hydrogo/hydro/gen/analyze"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// Pushing the group-by through the join (paper 001 §5.1): an upgraded fold
// (see upgrade.go) that groups the output of a join with a static table by
// a key whose fields the stream side of the join carries, and whose other
// fields that key determines (a functional dependency, such as client →
// class from `hydro:"key,fd=Class"`), groups the stream side's items
// before the join instead: each group's sealed value is complete when the
// same items are, and the join runs once per released group rather than
// once per item, applying the join's function to each item as the fold
// replays them.
//
//	pushdown carts
//
// names the upgraded fold. docs/rewrites.md has the proof sketch.
func init() {
	directives["pushdown"] = &directive{parse: parsePushdown, apply: applyPushdown,
		precondition: "the fold's key holds the join key and determines the table's attributes on the join's output, and the join joins a stream with a table complete from the start"}
}

func parsePushdown(f []string) (*Step, string) {
	if len(f) != 2 {
		return nil, fmt.Sprintf("malformed plan line %q: want \"pushdown FOLD\"", strings.Join(f, " "))
	}
	return &Step{Ops: []string{f[1]}}, ""
}

func applyPushdown(d *derivation, step *Step) (*ir.Graph, *diag.Diagnostic) {
	name := step.Ops[0]
	s, bad := d.sealedBy(step, name)
	if bad != nil {
		return nil, bad
	}
	if s.joined >= 0 {
		return nil, stepErrorf(step.Pos, step, "the group-by of %s is already pushed through the join", name)
	}
	if s.lattice != ssivLattice {
		return nil, stepErrorf(step.Pos, step, "%s is upgraded to a %s lattice; the group-by is pushed through the join of a sealed set of indexed values (\"upgrade ssiv %s until FIELD\")", name, s.lattice, name)
	}
	g := d.g
	join := g.Nodes[s.producer]
	errorf := func(format string, args ...any) *diag.Diagnostic {
		return stepErrorf(join.Pos, step, format, args...)
	}
	if join.Spec != ops.Join || len(parse.SyntaxOf(join).Keys) != 2 {
		return nil, stepErrorf(g.Nodes[s.producer].Pos, step, "the fold groups the output of %s, not of a join keyed by hydro:\"key\" tags", describe(g, s.producer))
	}
	if cs := g.Consumers()[join.ID]; len(cs) != 1 {
		return nil, errorf("the output of %s is read by %d operators besides the fold; the join cannot move after the fold", describe(g, join.ID), len(cs)-1)
	}
	facts, err := analyze.Run(d.base.WithGraph(g), analysis.Deps)
	if err != nil {
		return nil, stepErrorf(step.Pos, step, "%v", err)
	}
	deps := facts.Facts[analysis.Deps].(analysis.DepsResult)[join.ID]
	// The stream side: the one whose items carry the fold key's fields
	// that the table side does not determine; the table side must be
	// complete when the node starts and stored for good, so that a group
	// released late meets the rows an item would have met.
	var why []string
	for p := range 2 {
		table := g.Nodes[join.Inputs[1-p]]
		if !table.Spec.Complete || !join.Lifetimes[1-p].Kept() {
			why = append(why, fmt.Sprintf("its %s input, %s, is not a table complete from the start and kept", join.Spec.Port(1-p, 2), describe(g, table.ID)))
			continue
		}
		item := parse.Go(g.Nodes[join.Inputs[p]].Elem)
		var keys, rest []string
		var fields []*types.Var
		for _, f := range s.keys {
			if v := fieldOf(item, f.Name()); v != nil && types.Identical(v.Type(), f.Type()) {
				keys = append(keys, f.Name())
				fields = append(fields, v)
			} else {
				rest = append(rest, f.Name())
			}
		}
		joinKey := parse.SyntaxOf(join).Keys[p]
		for _, f := range joinKey.Fields {
			if !slices.Contains(keys, f.Name()) {
				return nil, errorf("the fold's key (%s) does not hold the join key %s of the %s input, so a group would meet more than one set of rows", fieldNames(s.keys), f.Name(), join.Spec.Port(p, 2))
			}
		}
		for _, f := range rest {
			if !deps.Determines(keys, f) {
				return nil, errorf("the fold groups by (%s), and (%s) does not determine %s on the output of %s (no functional dependency, such as `hydro:\"key,fd=%s\"`, says so): grouping by (%s) before the join would merge groups the fold keeps apart",
					fieldNames(s.keys), strings.Join(keys, ", "), f, describe(g, join.ID), f, strings.Join(keys, ", "))
			}
		}
		if m := markerField(item, s.marker); m != "" {
			return nil, errorf("%s", m)
		}
		if !types.Comparable(item) {
			return nil, errorf("the %s input's items, of type %s, are not comparable; a sealed set of indexed values holds comparable items", join.Spec.Port(p, 2), parse.TypeName(item))
		}
		d.notef("the fold groups the output of %s by (%s); its %s input carries (%s), which holds the join key and determines %s (deps: %s)",
			describe(g, join.ID), fieldNames(s.keys), join.Spec.Port(p, 2), strings.Join(keys, ", "), strings.Join(rest, ", "), fdsOf(deps, keys, rest))
		d.notef("its %s input, %s, is a table complete from the start and kept", join.Spec.Port(1-p, 2), describe(g, table.ID))
		return pushdown(d, step, s, join, p, fields)
	}
	return nil, errorf("%s joins no stream with a table: %s", describe(g, join.ID), strings.Join(why, "; "))
}

// pushdown builds the sealed aggregation over port p of join, keyed by
// fields, and the join of its released values with the table in the
// place of the fold; the old join and aggregation go.
func pushdown(d *derivation, step *Step, s *sealed, join *ir.Node, p int, fields []*types.Var) (*ir.Graph, *diag.Diagnostic) {
	g := d.g.Clone()
	lat, hyd := importedPkg(d.base.Pkg.Types, "github.com/hydrogo/hydro/lattices"), importedPkg(d.base.Pkg.Types, "github.com/hydrogo/hydro/hydro")
	at := s.release
	n := &sealed{lattice: s.lattice, producer: join.Inputs[p], item: parse.Go(g.Nodes[join.Inputs[p]].Elem), acc: s.acc, keys: fields,
		init: s.init, add: s.add, appends: s.appends, marker: s.marker, lifetime: s.lifetime, joined: -1}
	// The released group passes on as it is, from a new node; the join
	// with the table takes the fold's place.
	pos := g.Nodes[at].Pos
	released := g.Add(&ir.Node{Spec: ops.Union, Loc: join.Loc, Pos: pos})
	if err := n.build(g, lat, hyd, released.ID, pos, nil); err != nil {
		return nil, stepErrorf(step.Pos, step, "%v", err)
	}
	syn := parse.SyntaxOf(join)
	tagUDF := syn.UDFs[0]
	table := parse.Go(g.Nodes[join.Inputs[1-p]].Elem)
	items := n.itemsField()
	final := gen(sig(s.acc, n.elem, table), []*parse.UDF{tagUDF, s.init, s.add}, func(w parse.Writer) string {
		tag := func(x string) string {
			if p == 0 {
				return fmt.Sprintf("%s(%s, r)", w.Call(tagUDF), x)
			}
			return fmt.Sprintf("%s(r, %s)", w.Call(tagUDF), x)
		}
		return fmt.Sprintf("func(s %s, r %s) %s {\nitems, _ := s.%s.Values()\nacc := %s(%s)\n%sfor _, x := range items {\n%s(&acc, %s)\n}\nreturn acc\n}",
			w.Type(n.elem), w.Type(table), w.Type(s.acc), items, w.Call(s.init), tag("items[0]"), n.grow(w, "acc", "len(items)"), w.Call(s.add), tag("x"))
	})
	elemKey := &parse.Key{Elem: n.elem, Fields: n.elemFields(syn.Keys[p].Fields)}
	lts := []ir.Lifetime{ir.Tick, join.Lifetimes[1-p]}
	inputs := []int{released.ID, join.Inputs[1-p]}
	keys := []*parse.Key{elemKey, syn.Keys[1-p]}
	if err := g.Replace(at, &ir.Node{Spec: ops.Join, Op: ops.Join.Name, API: ops.Join.API, Loc: join.Loc, Inputs: inputs,
		Lifetimes: lts, Elem: parse.GoType(s.acc), Pos: pos,
		Syntax: &parse.Syntax{Keys: keys, UDFs: []*parse.UDF{final}}}); err != nil {
		return nil, stepErrorf(step.Pos, step, "%v", err)
	}
	dead := []int{join.ID, s.enum, s.seal, s.merge, s.complete, s.key, s.unique}
	old, err := removeAll(g, dead)
	if err != nil {
		return nil, stepErrorf(step.Pos, step, "%v", err)
	}
	name := step.Ops[0]
	delete(d.sealed, at)
	n.joined = at
	d.sealed[at] = n
	d.names[name] = unionIDs(d.names[name], append(n.nodes(), at))
	d.renumber(old)
	d.notef("grouped before the join by (%s); a hydro.Join of each released group with the table takes the fold's place and replays it", fieldNames(fields))
	return g, nil
}

// fdsOf prints the dependencies of deps that bring keys to rest.
func fdsOf(deps *analysis.StreamDeps, keys, rest []string) string {
	var out []string
	for _, fd := range deps.FDs {
		if slices.Contains(rest, fd.To) {
			out = append(out, fd.String())
		}
	}
	return strings.Join(out, ", ")
}

// removeAll removes the nodes ids, which no remaining node reads, and
// returns the map from old IDs to new ones (-1 for a removed node).
func removeAll(g *ir.Graph, ids []int) ([]int, error) {
	old := make([]int, len(g.Nodes))
	for i := range old {
		old[i] = i
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	for i := len(sorted) - 1; i >= 0; i-- {
		id := sorted[i]
		if cs := g.Consumers()[id]; len(cs) > 0 {
			return nil, fmt.Errorf("internal error: node %d (%s) is still read", id, g.Nodes[id].Spec.API)
		}
		if err := g.Remove(id); err != nil {
			return nil, err
		}
		for j := range old {
			switch {
			case old[j] == id:
				old[j] = -1
			case old[j] > id:
				old[j]--
			}
		}
	}
	return old, nil
}

// fieldOf returns the field name of t, its own or promoted, or nil.
func fieldOf(t types.Type, name string) *types.Var {
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, name)
	if v, ok := obj.(*types.Var); ok && v.IsField() {
		return v
	}
	return nil
}

func fieldNames(fs []*types.Var) string {
	var names []string
	for _, f := range fs {
		names = append(names, f.Name())
	}
	return strings.Join(names, ", ")
}
