package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// Partition finds, for every location, the candidate partition keys (paper
// 002 §4.1–4.2): fields of the streams entering the location (from the
// network or an Input) such that routing each entering item by them brings
// together, at one member, every set of items an operator there combines.
//
// Fields are followed through the location's dataflow: an operator that
// forwards items keeps their fields; a function that copies an input field
// into an output field (Map, Join) makes them one attribute; a keyed join
// makes its two key fields one attribute (a co-partition dependency), and a
// keyed merge keeps its key. An operator combining items by key is satisfied
// by an attribute holding one of its key fields, or a field its key fields
// determine (a functional dependency: equal keys give equal values of it);
// one combining equal items is satisfied by any of their fields. Inputs that
// are complete at start (Iter, SelfID) and readings of a member's clock
// (Timer) are replicated at every member and constrain nothing. An operator combining all items of a tick (Fold, Sort,
// Enumerate) or keyed by a function the analysis cannot see through leaves
// the location without candidates.
var Partition = &Analyzer{
	Name:     "partition",
	Doc:      "candidate partition keys of every location",
	Requires: []*Analyzer{Deps},
	Run:      runPartition,
}

// Candidate is one way to partition a location: for each entering stream,
// the fields to route it by.
type Candidate []Attrs

// LocationPartition is what Partition found for one location.
type LocationPartition struct {
	// Candidates are the partition keys that satisfy every operator.
	Candidates []Candidate
	// Free reports a location where no operator combines items: any
	// routing works.
	Free bool
	// Blocked says why no partition key exists, when none does; BlockedAt
	// is the operator that blocks.
	Blocked   string
	BlockedAt int
	// Entries are the streams entering the location that are not complete
	// at start: the network operators receiving there and its sources that
	// are not replicated.
	Entries []int

	// choose checks a partition key a user names (see Choose).
	choose func(by []string) (Candidate, int, string)
}

// Choose checks the partition key a user names by field names: the
// attributes that the named fields of the routed entries hold (one, or
// several for a key of several attributes). It returns the candidate that
// routes every entry reaching a combining operator by its named fields, or
// the operator the key does not satisfy (an entry, when it has none of the
// fields, or when a named field is carried by no entering stream and
// computed by no function of the location) and why; -1 for a location
// that nothing enters.
func (lp *LocationPartition) Choose(by []string) (Candidate, int, string) {
	if lp.choose == nil {
		return nil, lp.BlockedAt, lp.Blocked
	}
	return lp.choose(by)
}

// PartitionResult is the result of Partition, by location ID.
type PartitionResult []*LocationPartition

type pattr struct {
	node  int
	field string
}

type constraint struct {
	node   int
	fields []string
	op     int
}

func runPartition(pass *Pass) (any, error) {
	g, prog := pass.Graph, pass.Program
	deps := pass.ResultOf[Deps].(DepsResult)
	complete := replicatedNodes(g)
	fields := func(n int) []string {
		if len(deps[n].Fields) == 0 {
			return []string{""}
		}
		return deps[n].Fields
	}
	parent := map[pattr]pattr{}
	var find func(pattr) pattr
	find = func(a pattr) pattr {
		p, ok := parent[a]
		if !ok || p == a {
			return a
		}
		r := find(p)
		parent[a] = r
		return r
	}
	union := func(a, b pattr) { parent[find(a)] = find(b) }
	res := make(PartitionResult, len(g.Locations))
	for _, loc := range g.Locations {
		lp := &LocationPartition{BlockedAt: -1}
		res[loc.ID] = lp
		var cons []constraint
		var computed []Computed
		var entries []int
		for _, n := range g.Nodes {
			if n.Loc != loc.ID {
				continue
			}
			sp := spec(g, n.ID)
			if sp.Network || sp.Source && !sp.Complete && !sp.Clock {
				entries = append(entries, n.ID)
			}
			block := func(format string, args ...any) {
				if lp.Blocked == "" {
					lp.Blocked, lp.BlockedAt = fmt.Sprintf(format, args...), n.ID
				}
			}
			if sp.Network {
				continue
			}
			for port, in := range n.Inputs {
				if sp.ForwardsPort(port) {
					for _, f := range fields(n.ID) {
						if slices.Contains(fields(in), f) {
							union(pattr{in, f}, pattr{n.ID, f})
						}
					}
				}
			}
			if f := combiner(prog, n.ID); f != nil && f.Result != nil && len(deps[n.ID].Fields) > 0 {
				for _, out := range deps[n.ID].Fields {
					v := fieldOf(f.Result, out)
					if v != nil && v.Kind == ParamField && len(v.Path) == 1 && v.Param < len(n.Inputs) {
						union(pattr{n.ID, out}, pattr{n.Inputs[v.Param], v.Path[0]})
					}
					if c, ok := computedField(n, out, v); ok {
						computed = append(computed, c)
					}
				}
			}
			keys := prog.Keys(n.ID)
			keyNames := make([][]string, len(keys))
			for p, k := range keys {
				if k == nil || p >= len(n.Inputs) {
					continue
				}
				sc := prog.Schema(n.Inputs[p])
				if sc == nil {
					continue
				}
				for _, i := range k {
					keyNames[p] = append(keyNames[p], sc.Fields[i].Name)
				}
			}
			if len(keyNames) == 2 && len(keyNames[0]) == len(keyNames[1]) {
				for i := range keyNames[0] {
					union(pattr{n.Inputs[0], keyNames[0][i]}, pattr{n.Inputs[1], keyNames[1][i]})
				}
			}
			if len(keyNames) == 1 && len(n.Inputs) == 1 && deps[n.ID].Type != "" && deps[n.ID].Type == deps[n.Inputs[0]].Type {
				for _, k := range keyNames[0] {
					union(pattr{n.Inputs[0], k}, pattr{n.ID, k})
				}
			}
			open := 0
			for _, in := range n.Inputs {
				if !complete[in] {
					open++
				}
			}
			switch sp.Groups {
			case ops.ByKey:
				for port, in := range n.Inputs {
					if complete[in] {
						continue
					}
					if port >= len(keyNames) || keyNames[port] == nil {
						block("%s is keyed by a function the analysis cannot see through", describe(g, n.ID))
						continue
					}
					cons = append(cons, constraint{in, keyNames[port], n.ID})
				}
			case ops.ByItem:
				for _, in := range n.Inputs {
					if !complete[in] {
						cons = append(cons, constraint{in, fields(in), n.ID})
					}
				}
			case ops.AllItems:
				// Pairing two inputs (CrossJoin) needs only one of them
				// whole at every member; anything else needs all items.
				if open > 1 || open == 1 && len(n.Inputs) == 1 {
					block("%s combines every item of a tick", describe(g, n.ID))
				}
			}
		}
		lp.Entries = entries
		if lp.Blocked != "" {
			continue
		}
		// Entries that reach a constrained operator must be routed.
		routed := reaching(g, entries, cons)
		u := &unifier{g: g, deps: deps, fields: fields, find: find, cons: cons, computed: computed}
		lp.choose = func(by []string) (Candidate, int, string) {
			return u.choose(by, entries, routed)
		}
		if len(cons) == 0 {
			lp.Free = true
			continue
		}
		var classes []pattr
		for _, e := range routed {
			for _, f := range fields(e) {
				classes = append(classes, find(pattr{e, f}))
			}
		}
		// Fields computed from the entering streams' fields are keys too,
		// routed by computing them at the sender (§4.2).
		for _, c := range computed {
			classes = append(classes, find(pattr{c.Node, c.Field}))
		}
		seen := map[pattr]bool{}
		for _, class := range classes {
			if seen[class] {
				continue
			}
			seen[class] = true
			if cand, ok := u.candidate(class, routed); ok {
				lp.Candidates = append(lp.Candidates, cand)
			}
		}
		if len(lp.Candidates) == 0 {
			var keys []string
			for _, c := range cons {
				keys = append(keys, fmt.Sprintf("%s by (%s)", describe(g, c.op), strings.Join(c.fields, ", ")))
			}
			lp.Blocked = "no field of the entering streams reaches every grouping: " + strings.Join(keys, "; ")
			lp.BlockedAt = cons[0].op
		}
	}
	return res, nil
}

// replicatedNodes reports the streams every member of a partitioned
// location derives alike, whatever it is routed: those complete at start
// (CompleteNodes) and those derived from them and from readings of the
// member's clock (a Timer) alone. A clock's readings are no items of the
// base location's input that routing could split: each member reads its
// own clock, as each base member does, and pairing an item with them
// (a CrossJoin) relates the item to time only — which, over an
// asynchronous network, the base may relate to it at any reading.
func replicatedNodes(g *ir.Graph) []bool {
	rep := CompleteNodes(g)
	for changed := true; changed; {
		changed = false
		for _, n := range g.Nodes {
			sp := spec(g, n.ID)
			r := rep[n.ID] || sp.Clock
			if !r && !sp.Source && !sp.Network && len(n.Inputs) > 0 {
				r = true
				for _, in := range n.Inputs {
					r = r && rep[in]
				}
			}
			if r != rep[n.ID] {
				rep[n.ID], changed = r, true
			}
		}
	}
	return rep
}

// unifier checks partition keys of one location against its constraints:
// the attribute classes of its fields (find), the combining operators
// (cons) and the fields its pure functions compute (computed).
type unifier struct {
	g        *ir.Graph
	deps     DepsResult
	fields   func(int) []string
	find     func(pattr) pattr
	cons     []constraint
	computed []Computed
}

// computedField returns the field out of node n's output as a Computed, when
// v, its value, is computed by a known expression from fields of one input
// item.
func computedField(n *ir.Node, out string, v *Value) (Computed, bool) {
	if v == nil || v.Kind != Derived || v.Expr == nil || len(v.From) == 0 {
		return Computed{}, false
	}
	for _, f := range v.From {
		if f.Param != v.From[0].Param || len(f.Path) != 1 || f.Param >= len(n.Inputs) {
			return Computed{}, false
		}
	}
	return Computed{Node: n.ID, Field: out, Value: v}, true
}

// via returns a field computed from the items of entry e, holding class:
// its function reads an item of e's type whose fields it reads are, field
// for field, e's (forwarded to it unchanged).
func (u *unifier) via(e int, class pattr) *Computed {
	for i, c := range u.computed {
		if u.find(pattr{c.Node, c.Field}) != class {
			continue
		}
		in := u.g.Nodes[c.Node].Inputs[c.Value.From[0].Param]
		if u.deps[in].Type == "" || u.deps[in].Type != u.deps[e].Type {
			continue
		}
		ok := true
		for _, f := range c.Value.From {
			ok = ok && slices.Contains(u.fields(e), f.Path[0]) && u.find(pattr{in, f.Path[0]}) == u.find(pattr{e, f.Path[0]})
		}
		if ok {
			return &u.computed[i]
		}
	}
	return nil
}

// choose builds the candidate that routes every entry by its fields named in
// by, and checks it: each class of attributes those fields hold must
// satisfy every constraint (a key of several attributes brings together only
// items equal in all of them). Entries that reach no constraint are routed
// by the named fields they have, and otherwise freely.
func (u *unifier) choose(by []string, entries, routed []int) (Candidate, int, string) {
	// Every named field must be one that some entering stream carries or
	// that the location computes: a name that is nowhere would otherwise
	// route by nothing it names (the whole item, where nothing combines).
	for _, f := range by {
		known := slices.ContainsFunc(entries, func(e int) bool { return slices.Contains(u.fields(e), f) }) ||
			slices.ContainsFunc(u.computed, func(c Computed) bool { return c.Field == f })
		if known {
			continue
		}
		if len(entries) == 0 {
			return nil, -1, fmt.Sprintf("no stream enters the location, so none has a field %s", f)
		}
		at := entries[0]
		if len(routed) > 0 {
			at = routed[0]
		}
		return nil, at, fmt.Sprintf("%s (%s) has no field %s, nor does any other stream entering the location or any field its functions compute", describe(u.g, at), strings.Join(u.fields(at), ", "), f)
	}
	var classes []pattr
	add := func(c pattr) {
		if !slices.Contains(classes, c) {
			classes = append(classes, c)
		}
	}
	for _, e := range routed {
		for _, f := range by {
			if slices.Contains(u.fields(e), f) {
				add(u.find(pattr{e, f}))
			}
		}
	}
	for _, c := range u.computed {
		if slices.Contains(by, c.Field) {
			add(u.find(pattr{c.Node, c.Field}))
		}
	}
	for _, c := range u.cons {
		for _, class := range classes {
			if !u.satisfies(c, class) {
				return nil, c.op, fmt.Sprintf("%s combines items by (%s), and items equal in it may differ in %s: they would meet at different members", describe(u.g, c.op), strings.Join(c.fields, ", "), strings.Join(by, ", "))
			}
		}
	}
	var cand Candidate
	for _, e := range entries {
		var in []string
		if !slices.Contains(routed, e) {
			for _, f := range by {
				if slices.Contains(u.fields(e), f) {
					in = append(in, f)
				}
			}
			if len(in) > 0 {
				cand = append(cand, Attrs{Node: e, Fields: in})
			}
			continue
		}
		// A field holding each attribute: a named one if it can.
		for _, class := range classes {
			pick := ""
			for _, f := range u.fields(e) {
				if u.find(pattr{e, f}) == class && (pick == "" || slices.Contains(by, f) && !slices.Contains(by, pick)) {
					pick = f
				}
			}
			if pick != "" {
				in = append(in, pick)
			}
		}
		if len(in) == len(classes) && len(in) > 0 {
			cand = append(cand, Attrs{Node: e, Fields: in})
			continue
		}
		if len(classes) == 1 {
			if c := u.via(e, classes[0]); c != nil {
				cand = append(cand, Attrs{Node: e, Fields: []string{c.Field}, Via: c})
				continue
			}
		}
		return nil, e, fmt.Sprintf("%s (%s) has no field %s holding the partition key, nor computes one", describe(u.g, e), strings.Join(u.fields(e), ", "), strings.Join(by, " or "))
	}
	return cand, -1, ""
}

// satisfies reports whether routing by the attribute class brings together
// every set of items constraint c combines: a field of c's stream in the
// class is one of its key fields or is determined by them.
func (u *unifier) satisfies(c constraint, class pattr) bool {
	for _, f := range u.fields(c.node) {
		if u.find(pattr{c.node, f}) == class && (slices.Contains(c.fields, f) || u.deps[c.node].Determines(c.fields, f)) {
			return true
		}
	}
	return false
}

// candidate checks whether routing by the attribute class satisfies every
// constraint, and names its fields in each routed entry: the entry's own,
// or one a pure function computes from them.
func (u *unifier) candidate(class pattr, routed []int) (Candidate, bool) {
	for _, c := range u.cons {
		if !u.satisfies(c, class) {
			return nil, false
		}
	}
	var cand Candidate
	for _, e := range routed {
		var in []string
		for _, f := range u.fields(e) {
			if u.find(pattr{e, f}) == class {
				in = append(in, f)
			}
		}
		if len(in) > 0 {
			cand = append(cand, Attrs{Node: e, Fields: in})
			continue
		}
		c := u.via(e, class)
		if c == nil {
			return nil, false
		}
		cand = append(cand, Attrs{Node: e, Fields: []string{c.Field}, Via: c})
	}
	return cand, true
}

// reaching returns the entries from which a constrained operator is reached
// through the location's local edges.
func reaching(g *ir.Graph, entries []int, cons []constraint) []int {
	consumers := g.Consumers()
	var out []int
	for _, e := range entries {
		seen := map[int]bool{e: true}
		work := []int{e}
		hit := false
		for len(work) > 0 && !hit {
			v := work[0]
			work = work[1:]
			for _, c := range cons {
				hit = hit || c.node == v
			}
			for _, ed := range consumers[v] {
				if !seen[ed.To] && local(g, v, ed.To) {
					seen[ed.To] = true
					work = append(work, ed.To)
				}
			}
		}
		if hit {
			out = append(out, e)
		}
	}
	return out
}
