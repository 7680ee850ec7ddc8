package lattices_test

import (
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

type (
	maxSetDom = lattices.DomPair[lattices.Max[int], lattices.SetUnion[string], *lattices.Max[int], *lattices.SetUnion[string]]
	setMaxDom = lattices.DomPair[lattices.SetUnion[int], lattices.Max[int], *lattices.SetUnion[int], *lattices.Max[int]]
)

func dom(k int, vals ...string) maxSetDom {
	return lattices.NewDomPair(lattices.NewMax(k), lattices.NewSetUnion(vals...))
}

func TestDomPair(t *testing.T) {
	for _, tc := range []struct {
		name        string
		d, other    maxSetDom
		wantChanged bool
		want        maxSetDom
	}{
		{"greater key wins", dom(1, "a", "b"), dom(2, "c"), true, dom(2, "c")},
		{"smaller key loses", dom(2, "a"), dom(1, "b", "c"), false, dom(2, "a")},
		{"equal keys merge values", dom(1, "a"), dom(1, "b"), true, dom(1, "a", "b")},
		{"equal pairs", dom(1, "a"), dom(1, "a"), false, dom(1, "a")},
		{"bottom key loses", dom(0, "a"), maxSetDom{Val: lattices.NewSetUnion("z")}, false, dom(0, "a")},
		{"into bottom", maxSetDom{}, dom(3, "a"), true, dom(3, "a")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.d
			changed := d.Merge(tc.other)
			if changed != tc.wantChanged || !d.LessEq(tc.want) || !tc.want.LessEq(d) {
				t.Errorf("%v ⊔ %v = %v, changed = %v; want %v, changed = %v",
					tc.d, tc.other, d, changed, tc.want, tc.wantChanged)
			}
		})
	}
}

func TestDomPairOrder(t *testing.T) {
	lessEq := func(a, b maxSetDom) bool { return a.LessEq(b) }
	if !lessEq(dom(1, "a", "b", "c"), dom(2)) || lessEq(dom(2), dom(1, "a", "b", "c")) {
		t.Error("a pair with a smaller key is not below")
	}
	if lessEq(dom(1, "a"), dom(1, "b")) {
		t.Error("pairs with equal keys and incomparable values are comparable")
	}
	if !lessEq(dom(1, "a"), dom(1, "a", "b")) {
		t.Error("pairs with equal keys are not ordered by value")
	}
}

func TestDomPairIncomparableKeys(t *testing.T) {
	set := lattices.NewSetUnion[int]
	d := lattices.NewDomPair(set(1), lattices.NewMax(5))
	if !d.Merge(lattices.NewDomPair(set(2), lattices.NewMax(6))) {
		t.Error("merging an incomparable key did not change the pair")
	}
	if d.Key.Len() != 2 || !d.Val.IsBot() {
		t.Errorf("({1}, 5) ⊔ ({2}, 6) = %v, want (SetUnion{1, 2}, ⊥)", d)
	}

	// The rule keeps Merge associative: the value of key {1, 2} is z from
	// either grouping.
	a := lattices.NewDomPair(set(1), lattices.NewMax(5))
	b := lattices.NewDomPair(set(2), lattices.NewMax(6))
	c := lattices.NewDomPair(set(1, 2), lattices.NewMax(1))
	left := a.Clone()
	left.Merge(b)
	left.Merge(c)
	bc := b.Clone()
	bc.Merge(c)
	right := a.Clone()
	right.Merge(bc)
	if !left.LessEq(right) || !right.LessEq(left) {
		t.Errorf("(a ⊔ b) ⊔ c = %v, a ⊔ (b ⊔ c) = %v", left, right)
	}
	if v, _ := left.Val.Value(); v != 1 {
		t.Errorf("(a ⊔ b) ⊔ c = %v, want value Max(1)", left)
	}
	var _ setMaxDom = left
}
