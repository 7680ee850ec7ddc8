package lattices_test

import (
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

func TestPair(t *testing.T) {
	p := lattices.NewPair(lattices.NewMax(1), lattices.NewSetUnion("a"))
	if p.IsBot() {
		t.Error("a pair of non-bottom values is bottom")
	}
	if !p.Merge(lattices.NewPair(lattices.NewMax(0), lattices.NewSetUnion("b"))) {
		t.Error("merging a new set element did not change the pair")
	}
	if p.Merge(lattices.NewPair(lattices.NewMax(1), lattices.NewSetUnion("b"))) {
		t.Error("merging a smaller pair changed the pair")
	}
	if v, _ := p.First.Value(); v != 1 || p.Second.Len() != 2 {
		t.Errorf("p = %v, want Pair(Max(1), SetUnion{a, b})", p)
	}
	if p.IsTop() {
		t.Error("a pair of lattices without top is top")
	}
	q := lattices.NewPair(lattices.NewMax(2), lattices.NewSetUnion[string]())
	if p.LessEq(q) || q.LessEq(p) {
		t.Error("pairs ordered differently by their components are comparable")
	}
	if got := p.String(); got != "Pair(Max(1), SetUnion{a, b})" {
		t.Errorf("String() = %q", got)
	}
}

func TestPairIsTop(t *testing.T) {
	p := lattices.NewPair(lattices.NewConflict(1), lattices.NewBoundedPrefix([]int{1}, 1))
	if p.IsTop() {
		t.Error("pair with a non-top component is top")
	}
	p.Merge(lattices.NewPair(lattices.NewConflict(2), lattices.BoundedPrefix[int]{}))
	if !p.IsTop() {
		t.Errorf("%v is not top", p)
	}
}
