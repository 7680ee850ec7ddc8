package lattices_test

import (
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

func TestVecUnion(t *testing.T) {
	var v lattices.VecUnion[lattices.Max[int], *lattices.Max[int]]
	if !v.IsBot() || v.Len() != 0 {
		t.Error("zero VecUnion is not empty")
	}
	o := lattices.NewVecUnion(lattices.NewMax(1), lattices.Max[int]{}, lattices.NewMax(3))
	if !v.Merge(o) || v.Merge(o) {
		t.Error("Merge reports the wrong change")
	}
	if !v.Merge(lattices.NewVecUnion(lattices.NewMax(0), lattices.NewMax(2))) {
		t.Error("merging a larger element did not change the vector")
	}
	if got := v.String(); got != "VecUnion[Max(1), Max(2), Max(3)]" {
		t.Errorf("String() = %q", got)
	}
	if got := v.At(5); !got.IsBot() {
		t.Errorf("At(5) = %v, want bottom", got)
	}
	if got := v.At(-1); !got.IsBot() {
		t.Errorf("At(-1) = %v, want bottom", got)
	}
	n := 0
	for i, e := range v.All() {
		if e != v.At(i) {
			t.Errorf("All yields %v at %d, At gives %v", e, i, v.At(i))
		}
		n++
	}
	if n != 3 {
		t.Errorf("All yielded %d elements, want 3", n)
	}
}

func TestVecUnionLength(t *testing.T) {
	empty := lattices.NewVecUnion[lattices.Max[int]]()
	bots := lattices.NewVecUnion(lattices.Max[int]{}, lattices.Max[int]{})
	if bots.IsBot() {
		t.Error("a vector of bottoms is bottom")
	}
	if !empty.LessEq(bots) || bots.LessEq(empty) {
		t.Error("a vector of bottoms is not strictly above the empty vector")
	}
	if !empty.Merge(bots) || empty.Len() != 2 {
		t.Error("merging a vector of bottoms did not lengthen the empty vector")
	}
}
