package lattices_test

import (
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

func TestConflict(t *testing.T) {
	var c lattices.Conflict[string]
	if !c.IsBot() || c.IsTop() {
		t.Error("zero Conflict is not bottom")
	}
	if !c.Merge(lattices.NewConflict("a")) || c.Merge(lattices.NewConflict("a")) {
		t.Error("Merge reports the wrong change")
	}
	if v, ok := c.Value(); !ok || v != "a" {
		t.Errorf("Value() = %q, %v, want a, true", v, ok)
	}
	if got := c.String(); got != "Conflict(a)" {
		t.Errorf("String() = %q", got)
	}
	if !c.Merge(lattices.NewConflict("b")) || !c.IsTop() {
		t.Error("merging a different value did not give top")
	}
	if _, ok := c.Value(); ok {
		t.Error("top has a value")
	}
	if c.Merge(lattices.NewConflict("a")) || !c.IsTop() {
		t.Error("top is not sticky")
	}
	if !lattices.NewConflict("a").LessEq(c) || c.LessEq(lattices.NewConflict("a")) {
		t.Error("top is not above every value")
	}
	if lattices.NewConflict("a").LessEq(lattices.NewConflict("b")) {
		t.Error("different values are comparable")
	}
	if got := c.String(); got != "Conflict(⊤)" {
		t.Errorf("String() = %q", got)
	}
}
