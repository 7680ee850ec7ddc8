package lattices_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

func TestBoundedPrefixTopInIsolation(t *testing.T) {
	seq := []string{"a", "b", "c"}
	for i := range len(seq) + 1 {
		b := lattices.NewBoundedPrefix(seq[:i], len(seq))
		complete := i == len(seq)
		if b.Complete() != complete || b.IsTop() != complete || b.Conflicted() {
			t.Errorf("%v: Complete() = %v, IsTop() = %v, Conflicted() = %v; want %v, %v, false",
				b, b.Complete(), b.IsTop(), b.Conflicted(), complete, complete)
		}
		if n, ok := b.Len(); !ok || n != 3 {
			t.Errorf("%v: Len() = %d, %v, want 3, true", b, n, ok)
		}
	}
	if empty := lattices.NewBoundedPrefix[int](nil, 0); !empty.Complete() {
		t.Error("the empty sequence of length 0 is not complete")
	}
	var bot lattices.BoundedPrefix[int]
	if !bot.IsBot() || bot.IsTop() || bot.Complete() {
		t.Error("zero BoundedPrefix is not bottom")
	}
	if _, ok := bot.Len(); ok {
		t.Error("bottom knows a length")
	}
}

func TestBoundedPrefixMerge(t *testing.T) {
	b := lattices.NewBoundedPrefix([]int{1}, 3)
	if !b.Merge(lattices.NewBoundedPrefix([]int{1, 2}, 3)) {
		t.Error("merging a longer prefix did not change b")
	}
	if b.Merge(lattices.NewBoundedPrefix([]int{1}, 3)) || b.Merge(lattices.NewBoundedPrefix([]int{}, 3)) {
		t.Error("merging a shorter prefix changed b")
	}
	if got := b.Items(); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("Items() = %v, want [1 2]", got)
	}
	if got := b.String(); got != "BoundedPrefix([1 2]/3)" {
		t.Errorf("String() = %q", got)
	}
	b.Merge(lattices.NewBoundedPrefix([]int{1, 2, 3}, 3))
	if !b.Complete() {
		t.Errorf("%v is not complete", b)
	}
	if b.Merge(lattices.NewBoundedPrefix([]int{1, 2}, 3)) || !b.Complete() {
		t.Error("a complete prefix changed")
	}
}

func TestBoundedPrefixConflicts(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b lattices.BoundedPrefix[int]
	}{
		{"diverging prefixes", lattices.NewBoundedPrefix([]int{1, 2}, 4), lattices.NewBoundedPrefix([]int{1, 3}, 4)},
		{"different lengths", lattices.NewBoundedPrefix([]int{1}, 3), lattices.NewBoundedPrefix([]int{1, 2}, 4)},
		{"different complete sequences", lattices.NewBoundedPrefix([]int{1}, 1), lattices.NewBoundedPrefix([]int{2}, 1)},
		{"prefix longer than length", lattices.NewBoundedPrefix([]int{1}, 2), lattices.NewBoundedPrefix([]int{1, 2, 3}, 2)},
		{"negative length", lattices.BoundedPrefix[int]{}, lattices.NewBoundedPrefix[int](nil, -1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.b.Conflicted() && (tc.a.LessEq(tc.b) || tc.b.LessEq(tc.a)) {
				t.Errorf("%v and %v are comparable", tc.a, tc.b)
			}
			r := tc.a.Clone()
			if !r.Merge(tc.b) || !r.Conflicted() || !r.IsTop() {
				t.Fatalf("%v ⊔ %v = %v, want the conflict", tc.a, tc.b, r)
			}
			if r.Items() != nil {
				t.Errorf("the conflict has items %v", r.Items())
			}
			if _, ok := r.Len(); ok {
				t.Error("the conflict has a length")
			}
			if r.Merge(tc.a) || r.Merge(lattices.NewBoundedPrefix([]int{1, 2, 3, 4}, 4)) || !r.Conflicted() {
				t.Error("the conflict is not sticky")
			}
			if got := r.String(); got != "BoundedPrefix(conflict)" {
				t.Errorf("String() = %q", got)
			}
		})
	}
}

func TestBoundedPrefixHugeLength(t *testing.T) {
	b := lattices.NewBoundedPrefix([]int{1}, math.MaxInt)
	b.Merge(lattices.NewBoundedPrefix([]int{1, 2}, math.MaxInt))
	if b.Complete() || b.Conflicted() {
		t.Errorf("%v is complete or conflicted", b)
	}
}

func TestBoundedPrefixNoSharedStorage(t *testing.T) {
	items := []int{1, 2}
	b := lattices.NewBoundedPrefix(items, 6)
	items[0] = 9
	if b.Items()[0] != 1 {
		t.Error("NewBoundedPrefix keeps the caller's slice")
	}

	// Extending both the result of a merge and its argument, in different
	// directions, must not let one overwrite the other.
	b.Merge(lattices.NewBoundedPrefix([]int{1, 2, 3}, 6))
	var r lattices.BoundedPrefix[int]
	r.Merge(b)
	b.Merge(lattices.NewBoundedPrefix([]int{1, 2, 3, 4}, 6))
	r.Merge(lattices.NewBoundedPrefix([]int{1, 2, 3, 7}, 6))
	if got := b.Items(); !slices.Equal(got, []int{1, 2, 3, 4}) {
		t.Errorf("b.Items() = %v, want [1 2 3 4]", got)
	}
	if got := r.Items(); !slices.Equal(got, []int{1, 2, 3, 7}) {
		t.Errorf("r.Items() = %v, want [1 2 3 7]", got)
	}
	// Appending to Items must not write into b.
	_ = append(b.Items(), 99)
	b.Merge(lattices.NewBoundedPrefix([]int{1, 2, 3, 4, 5}, 6))
	if got := b.Items(); !slices.Equal(got, []int{1, 2, 3, 4, 5}) {
		t.Errorf("b.Items() = %v, want [1 2 3 4 5]", got)
	}
}

// TestBoundedPrefixAnyDelivery delivers the prefixes of a sequence in random
// order with repeats, as a network would, and checks that the merged value is
// always the longest prefix delivered, complete once the whole sequence is.
func TestBoundedPrefixAnyDelivery(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for trial := range 300 {
		seq := make([]int, r.IntN(6))
		for i := range seq {
			seq[i] = r.IntN(3)
		}
		var acc lattices.BoundedPrefix[int]
		longest := -1
		for range r.IntN(12) {
			n := r.IntN(len(seq) + 1)
			acc.Merge(lattices.NewBoundedPrefix(seq[:n], len(seq)))
			longest = max(longest, n)
			if !slices.Equal(acc.Items(), seq[:longest]) || acc.Complete() != (longest == len(seq)) || acc.Conflicted() {
				t.Fatalf("trial %d: after delivering prefixes up to %d of %v, got %v", trial, longest, seq, acc)
			}
		}
	}
}
