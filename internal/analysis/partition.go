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
// are complete at start (Iter, SelfID) are replicated at every member and
// constrain nothing. An operator combining all items of a tick (Fold, Sort,
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
// fields) and why.
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
	complete := CompleteNodes(g)
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
		var entries []int
		for _, n := range g.Nodes {
			if n.Loc != loc.ID {
				continue
			}
			sp := spec(g, n.ID)
			if sp.Network || sp.Source && !sp.Complete {
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
		lp.choose = func(by []string) (Candidate, int, string) {
			return choose(g, by, entries, routed, cons, deps, fields, find)
		}
		if len(cons) == 0 {
			lp.Free = true
			continue
		}
		seen := map[pattr]bool{}
		for _, e := range routed {
			for _, f := range fields(e) {
				class := find(pattr{e, f})
				if seen[class] {
					continue
				}
				seen[class] = true
				cand, ok := candidate(class, routed, cons, deps, fields, find)
				if ok {
					lp.Candidates = append(lp.Candidates, cand)
				}
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

// choose builds the candidate that routes every entry by its fields named in
// by, and checks it: each class of attributes those fields hold must
// satisfy every constraint (a key of several attributes brings together only
// items equal in all of them). Entries that reach no constraint are routed
// by the named fields they have, and otherwise freely.
func choose(g *ir.Graph, by []string, entries, routed []int, cons []constraint, deps DepsResult, fields func(int) []string, find func(pattr) pattr) (Candidate, int, string) {
	var classes []pattr
	for _, e := range routed {
		for _, f := range by {
			if slices.Contains(fields(e), f) && !slices.Contains(classes, find(pattr{e, f})) {
				classes = append(classes, find(pattr{e, f}))
			}
		}
	}
	for _, c := range cons {
		for _, class := range classes {
			if !satisfies(c, class, deps, fields, find) {
				return nil, c.op, fmt.Sprintf("%s combines items by (%s), and items equal in it may differ in %s: they would meet at different members", describe(g, c.op), strings.Join(c.fields, ", "), strings.Join(by, ", "))
			}
		}
	}
	var cand Candidate
	for _, e := range entries {
		var in []string
		if !slices.Contains(routed, e) {
			for _, f := range by {
				if slices.Contains(fields(e), f) {
					in = append(in, f)
				}
			}
			if len(in) > 0 {
				cand = append(cand, Attrs{e, in})
			}
			continue
		}
		// A field holding each attribute: a named one if it can.
		for _, class := range classes {
			pick := ""
			for _, f := range fields(e) {
				if find(pattr{e, f}) == class && (pick == "" || slices.Contains(by, f) && !slices.Contains(by, pick)) {
					pick = f
				}
			}
			if pick != "" {
				in = append(in, pick)
			}
		}
		if len(in) != len(classes) || len(in) == 0 {
			return nil, e, fmt.Sprintf("%s (%s) has no field %s holding the partition key", describe(g, e), strings.Join(fields(e), ", "), strings.Join(by, " or "))
		}
		cand = append(cand, Attrs{e, in})
	}
	return cand, -1, ""
}

// satisfies reports whether routing by the attribute class brings together
// every set of items constraint c combines: a field of c's stream in the
// class is one of its key fields or is determined by them.
func satisfies(c constraint, class pattr, deps DepsResult, fields func(int) []string, find func(pattr) pattr) bool {
	for _, f := range fields(c.node) {
		if find(pattr{c.node, f}) == class && (slices.Contains(c.fields, f) || deps[c.node].Determines(c.fields, f)) {
			return true
		}
	}
	return false
}

// candidate checks whether routing by the attribute class satisfies every
// constraint, and names its fields in each routed entry.
func candidate(class pattr, routed []int, cons []constraint, deps DepsResult, fields func(int) []string, find func(pattr) pattr) (Candidate, bool) {
	for _, c := range cons {
		if !satisfies(c, class, deps, fields, find) {
			return nil, false
		}
	}
	var cand Candidate
	for _, e := range routed {
		var in []string
		for _, f := range fields(e) {
			if find(pattr{e, f}) == class {
				in = append(in, f)
			}
		}
		if len(in) == 0 {
			return nil, false
		}
		cand = append(cand, Attrs{e, in})
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
