package lattices_test

import (
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

type (
	maxWithBot = lattices.WithBot[lattices.Max[int], *lattices.Max[int]]
	maxWithTop = lattices.WithTop[lattices.Max[int], *lattices.Max[int]]
)

func TestWithBot(t *testing.T) {
	var w maxWithBot
	if !w.IsBot() {
		t.Error("zero WithBot is not bottom")
	}
	if _, ok := w.Value(); ok {
		t.Error("zero WithBot has a value")
	}
	inner := lattices.NewWithBot(lattices.Max[int]{})
	if inner.IsBot() {
		t.Error("WithBot holding the inner bottom is bottom")
	}
	if !w.LessEq(inner) || inner.LessEq(w) {
		t.Error("the new bottom is not strictly below the inner bottom")
	}
	if !w.Merge(inner) {
		t.Error("merging the inner bottom into bottom did not change it")
	}
	if v, ok := w.Value(); !ok || !v.IsBot() {
		t.Errorf("Value() = %v, %v, want Max(⊥), true", v, ok)
	}
	if !w.Merge(lattices.NewWithBot(lattices.NewMax(4))) || w.Merge(lattices.NewWithBot(lattices.NewMax(3))) {
		t.Error("Merge reports the wrong change")
	}
	if got := w.String(); got != "WithBot(Max(4))" {
		t.Errorf("String() = %q", got)
	}
	if w.IsTop() {
		t.Error("WithBot of a lattice without top is top")
	}
	c := lattices.NewWithBot(lattices.NewConflict("x"))
	c.Merge(lattices.NewWithBot(lattices.NewConflict("y")))
	if !c.IsTop() {
		t.Errorf("%v is not top", c)
	}
}

func TestWithTop(t *testing.T) {
	var w maxWithTop
	if !w.IsBot() || w.IsTop() {
		t.Error("zero WithTop is not bottom")
	}
	if !w.Merge(lattices.NewWithTop(lattices.NewMax(2))) {
		t.Error("merging a value into bottom did not change it")
	}
	if v, ok := w.Value(); !ok || v != lattices.NewMax(2) {
		t.Errorf("Value() = %v, %v, want Max(2), true", v, ok)
	}
	top := lattices.NewTop[lattices.Max[int]]()
	if !w.LessEq(top) || top.LessEq(w) {
		t.Error("top is not above every value")
	}
	if !w.Merge(top) || !w.IsTop() {
		t.Error("merging top did not give top")
	}
	if w.Merge(lattices.NewWithTop(lattices.NewMax(9))) || !w.IsTop() {
		t.Error("merging a value into top changed it")
	}
	if _, ok := w.Value(); ok {
		t.Error("top has a value")
	}
	if got := w.String(); got != "WithTop(⊤)" {
		t.Errorf("String() = %q", got)
	}
}
