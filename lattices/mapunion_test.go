package lattices_test

import (
	"maps"
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

type maxMap = lattices.MapUnion[string, lattices.Max[int], *lattices.Max[int]]

func TestMapUnion(t *testing.T) {
	var m maxMap
	if v, ok := m.Get("a"); ok || !v.IsBot() {
		t.Errorf("Get on an empty map = %v, %v, want bottom, false", v, ok)
	}
	if m.MergeKey("a", lattices.Max[int]{}) || m.Len() != 0 {
		t.Error("merging bottom into an absent key stored it")
	}
	if !m.MergeKey("a", lattices.NewMax(2)) || m.MergeKey("a", lattices.NewMax(1)) {
		t.Error("MergeKey reports the wrong change")
	}
	o := lattices.NewMapUnion[string, lattices.Max[int], *lattices.Max[int]](map[string]lattices.Max[int]{
		"a": lattices.NewMax(5),
		"b": lattices.NewMax(1),
		"z": {}, // Bottom: omitted.
	})
	if o.Len() != 2 {
		t.Errorf("NewMapUnion kept %d keys, want 2", o.Len())
	}
	if !m.Merge(o) || m.Merge(o) {
		t.Error("Merge reports the wrong change")
	}
	got := maps.Collect(m.All())
	want := map[string]lattices.Max[int]{"a": lattices.NewMax(5), "b": lattices.NewMax(1)}
	if !maps.Equal(got, want) {
		t.Errorf("All() = %v, want %v", got, want)
	}
	if !o.LessEq(m) || !m.LessEq(o) {
		t.Error("equal maps are not equal under LessEq")
	}
	m.MergeKey("c", lattices.NewMax(0))
	if !o.LessEq(m) || m.LessEq(o) {
		t.Error("LessEq is not pointwise")
	}
	if got := m.String(); got != "MapUnion{a: Max(5), b: Max(1), c: Max(0)}" {
		t.Errorf("String() = %q", got)
	}
}

func TestMapUnionNestedIsDeep(t *testing.T) {
	type inner = lattices.SetUnion[int]
	var a lattices.MapUnion[string, inner, *inner]
	b := lattices.NewMapUnion[string, inner, *inner](map[string]inner{"k": lattices.NewSetUnion(1)})
	a.Merge(b)
	a.MergeKey("k", lattices.NewSetUnion(2))
	if v, _ := b.Get("k"); v.Contains(2) {
		t.Error("merging into the result changed the argument's nested value")
	}
	c := a.Clone()
	c.MergeKey("k", lattices.NewSetUnion(3))
	if v, _ := a.Get("k"); v.Contains(3) {
		t.Error("merging into a clone changed the original's nested value")
	}
}
