package lattices_test

import (
	"slices"
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

func TestSetUnion(t *testing.T) {
	var s lattices.SetUnion[string]
	if !s.IsBot() || s.Len() != 0 || s.Contains("a") {
		t.Error("zero SetUnion is not empty")
	}
	if !s.Insert("a") || s.Insert("a") {
		t.Error("Insert reports the wrong change")
	}
	o := lattices.NewSetUnion("b", "c", "b")
	if o.Len() != 2 {
		t.Errorf("NewSetUnion(b, c, b).Len() = %d, want 2", o.Len())
	}
	if !s.Merge(o) || s.Merge(o) {
		t.Error("Merge reports the wrong change")
	}
	if got := slices.Sorted(s.All()); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("All() = %v", got)
	}
	if !o.LessEq(s) || s.LessEq(o) {
		t.Error("LessEq is not inclusion")
	}
	s.Insert("d")
	if o.Contains("d") {
		t.Error("Insert into the result of Merge changed the argument")
	}
	if got := s.String(); got != "SetUnion{a, b, c, d}" {
		t.Errorf("String() = %q", got)
	}
}

func TestSetUnionMergeIntoBottomCopies(t *testing.T) {
	o := lattices.NewSetUnion(1, 2)
	var s lattices.SetUnion[int]
	s.Merge(o)
	o.Insert(3)
	if s.Contains(3) {
		t.Error("the result of merging into bottom shares the argument's storage")
	}
}
