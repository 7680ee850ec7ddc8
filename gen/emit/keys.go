package emit

import (
	"fmt"
	"go/types"

	"github.com/hydrogo/hydro/internal/ir"
)

// The sets and indexes that operators keep of their keys: a Go map in
// general, a hydro.IntSet or hydro.IntIndex where the key is of an integer
// type. Those keep small non-negative keys in a slice indexed by the key,
// growing it while the keys stay dense, and the others in a map (see
// hydro/intset.go): the same set or mapping, at the cost of a []bool or
// []int32 lookup on the keys most programs number densely (vertices,
// slots, ballots, member IDs).

// intKey reports whether keys of type t go into a hydro.IntSet or
// hydro.IntIndex: t is an integer type.
func intKey(t types.Type) bool {
	if t == nil {
		return false
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// groupKeyGoType returns the Go type of keyed operator n's key, or nil if
// the key is composite (a struct hydrogen declares, never an integer).
func (e *emitter) groupKeyGoType(n *ir.Node) types.Type {
	info := e.node(n.ID)
	if len(info.Keys) > 0 {
		if len(info.Keys[0].Fields) != 1 {
			return nil
		}
		return info.Keys[0].Fields[0].Type()
	}
	return info.UDFs[0].Sig.Results().At(0).Type()
}

// keySet is the generated set of keys held in a node field.
type keySet struct {
	field string // the field, "nd.n3Seen"
	dense bool   // a hydro.IntSet, else a map[K]struct{}
}

// setOf returns the set of keys of type kt in node field name.
func setOf(name string, kt types.Type) keySet { return keySet{field: "nd." + name, dense: intKey(kt)} }

// declareSet declares node field name, a set of keys of type kt (spelled
// ks), and writes its initialisation.
func (e *emitter) declareSet(name string, kt types.Type, ks, comment string) keySet {
	s := setOf(name, kt)
	if s.dense {
		e.addField(name, fmt.Sprintf("%s.IntSet[%s]", e.importAs("hydro", hydroPath), ks), comment)
		return s
	}
	e.addField(name, fmt.Sprintf("map[%s]struct{}", ks), comment)
	fmt.Fprintf(&e.ctor, "\t%s = map[%s]struct{}{}\n", s.field, ks)
	return s
}

// addIfNew returns the opening of the block that runs if key k is new to
// the set, after adding it; the caller closes it with a brace.
func (s keySet) addIfNew(e *emitter, k string) string {
	if s.dense {
		// AddDense inlines, Add does not (its slow path is a call, which
		// the inliner prices above its budget): a key of the dense part,
		// new or repeated, costs no call.
		a, ok := e.v("added"), e.v("ok")
		return fmt.Sprintf("if %s, %s := %s.AddDense(%s); %s || !%s && %s.Add(%s) {\n", a, ok, s.field, k, a, ok, s.field, k)
	}
	dup := e.v("dup")
	return fmt.Sprintf("if _, %s := %s[%s]; !%s {\n%s[%s] = struct{}{}\n", dup, s.field, k, dup, s.field, k)
}

// add returns the statement adding key k.
func (s keySet) add(e *emitter, k string) string {
	if s.dense {
		// As in addIfNew: a key of the dense part costs no call.
		ok := e.v("ok")
		return fmt.Sprintf("if _, %s := %s.AddDense(%s); !%s {\n%s.Add(%s)\n}\n", ok, s.field, k, ok, s.field, k)
	}
	return fmt.Sprintf("%s[%s] = struct{}{}\n", s.field, k)
}

// has returns the condition, for an if statement, that k is in the set.
func (s keySet) has(e *emitter, k string) string {
	if s.dense {
		return fmt.Sprintf("%s.Has(%s)", s.field, k)
	}
	ok := e.v("in")
	return fmt.Sprintf("_, %s := %s[%s]; %s", ok, s.field, k, ok)
}

// hasNot returns the condition, for an if statement, that k is not in the
// set.
func (s keySet) hasNot(e *emitter, k string) string {
	if s.dense {
		return fmt.Sprintf("!%s.Has(%s)", s.field, k)
	}
	ok := e.v("in")
	return fmt.Sprintf("_, %s := %s[%s]; !%s", ok, s.field, k, ok)
}

// clear returns the statement emptying the set.
func (s keySet) clear() string {
	if s.dense {
		return s.field + ".Clear()\n"
	}
	return "clear(" + s.field + ")\n"
}

// rangeKeys returns the opening of a loop binding every key to v; the
// caller closes it with a brace.
func (s keySet) rangeKeys(v string) string {
	if s.dense {
		return fmt.Sprintf("for %s := range %s.All() {\n", v, s.field)
	}
	return fmt.Sprintf("for %s := range %s {\n", v, s.field)
}

// keyIndex is the generated mapping from keys to positions (non-negative
// ints) held in a node field.
type keyIndex struct {
	field string // the field, "nd.n3Index"
	dense bool   // a hydro.IntIndex, else a map[K]int
}

// keyIndexOf returns the index of keys of type kt in node field name.
func keyIndexOf(name string, kt types.Type) keyIndex {
	return keyIndex{field: "nd." + name, dense: intKey(kt)}
}

// declareIndex declares node field name, an index of keys of type kt
// (spelled ks), and writes its initialisation.
func (e *emitter) declareIndex(name string, kt types.Type, ks, comment string) keyIndex {
	x := keyIndexOf(name, kt)
	if x.dense {
		e.addField(name, fmt.Sprintf("%s.IntIndex[%s]", e.importAs("hydro", hydroPath), ks), comment)
		return x
	}
	e.addField(name, fmt.Sprintf("map[%s]int", ks), comment)
	fmt.Fprintf(&e.ctor, "\t%s = map[%s]int{}\n", x.field, ks)
	return x
}

// get returns the expression of k's position and whether k is present,
// for an assignment to two variables.
func (x keyIndex) get(k string) string {
	if x.dense {
		return fmt.Sprintf("%s.Get(%s)", x.field, k)
	}
	return fmt.Sprintf("%s[%s]", x.field, k)
}

// put returns the statement mapping k to position v.
func (x keyIndex) put(k, v string) string {
	if x.dense {
		// PutDense inlines, Put does not: a key of the dense part costs
		// no call.
		return fmt.Sprintf("if !%s.PutDense(%s, %s) {\n%s.Put(%s, %s)\n}\n", x.field, k, v, x.field, k, v)
	}
	return fmt.Sprintf("%s[%s] = %s\n", x.field, k, v)
}

// del returns the statement removing k.
func (x keyIndex) del(k string) string {
	if x.dense {
		return fmt.Sprintf("%s.Delete(%s)\n", x.field, k)
	}
	return fmt.Sprintf("delete(%s, %s)\n", x.field, k)
}

// clear returns the statement emptying the index.
func (x keyIndex) clear() string {
	if x.dense {
		return x.field + ".Clear()\n"
	}
	return "clear(" + x.field + ")\n"
}
