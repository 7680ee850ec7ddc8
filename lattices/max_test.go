package lattices_test

import (
	"math"
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

func TestMax(t *testing.T) {
	var m lattices.Max[int]
	if !m.IsBot() {
		t.Error("zero Max is not bottom")
	}
	if _, ok := m.Value(); ok {
		t.Error("zero Max has a value")
	}
	for _, step := range []struct {
		merge       int
		wantChanged bool
		want        int
	}{
		{3, true, 3},
		{1, false, 3},
		{3, false, 3},
		{7, true, 7},
		{-2, false, 7},
	} {
		if changed := m.Merge(lattices.NewMax(step.merge)); changed != step.wantChanged {
			t.Errorf("Merge(%d) changed = %v, want %v", step.merge, changed, step.wantChanged)
		}
		if v, ok := m.Value(); !ok || v != step.want {
			t.Errorf("after Merge(%d), Value() = %d, %v, want %d, true", step.merge, v, ok, step.want)
		}
	}
	if m.Merge(lattices.Max[int]{}) {
		t.Error("merging bottom changed m")
	}
	if !lattices.NewMax(2).LessEq(m) || m.LessEq(lattices.NewMax(2)) {
		t.Error("LessEq disagrees with the order of int")
	}
	if got := m.String(); got != "Max(7)" {
		t.Errorf("String() = %q", got)
	}
	if got := (lattices.Max[int]{}).String(); got != "Max(⊥)" {
		t.Errorf("String() of bottom = %q", got)
	}
}

func TestMin(t *testing.T) {
	var m lattices.Min[string]
	m.Merge(lattices.NewMin("b"))
	if m.Merge(lattices.NewMin("c")) {
		t.Error("merging a larger value changed Min")
	}
	if !m.Merge(lattices.NewMin("a")) {
		t.Error("merging a smaller value did not change Min")
	}
	if v, ok := m.Value(); !ok || v != "a" {
		t.Errorf("Value() = %q, %v, want a, true", v, ok)
	}
	if !lattices.NewMin("b").LessEq(m) || m.LessEq(lattices.NewMin("b")) {
		t.Error("Min's order is not the reverse of string's")
	}
	if got := m.String(); got != "Min(a)" {
		t.Errorf("String() = %q", got)
	}
}

func TestMaxFloat(t *testing.T) {
	m := lattices.NewMax(math.NaN())
	if !m.Merge(lattices.NewMax(math.Inf(-1))) {
		t.Error("NaN is not below -Inf")
	}
	m = lattices.NewMax(math.Copysign(0, -1))
	if m.Merge(lattices.NewMax(0.0)) {
		t.Error("+0 is above -0")
	}
	if v, _ := m.Value(); !math.Signbit(v) {
		t.Error("merging an equal value replaced the value held")
	}
	n := lattices.NewMin(1.0)
	if !n.Merge(lattices.NewMin(math.NaN())) {
		t.Error("NaN is not the smallest value for Min")
	}
}
