package lattices_test

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

// item returns the SSIV of one item of the paper's triple form (pos, val,
// optional length), with length < 0 for none.
func item(pos, val, length int) lattices.SSIV[int] {
	var s lattices.SSIV[int]
	s.Add(pos, val)
	if length >= 0 {
		s.Seal(length)
	}
	return s
}

// deliveries returns the items of seq, sealed on the last one, followed by
// repeats of random items, shuffled.
func deliveries(r *rand.Rand, seq []int) []lattices.SSIV[int] {
	var items []lattices.SSIV[int]
	for pos, v := range seq {
		length := -1
		if pos == len(seq)-1 {
			length = len(seq)
		}
		items = append(items, item(pos, v, length))
	}
	if len(seq) == 0 {
		var seal lattices.SSIV[int]
		seal.Seal(0)
		items = append(items, seal)
	}
	for range r.IntN(len(items) + 1) {
		items = append(items, items[r.IntN(len(items))].Clone())
	}
	r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	return items
}

// TestSSIVAnyDelivery checks that an SSIV reaches top exactly when every item
// of a sealed sequence has arrived, whatever their order and repetition.
func TestSSIVAnyDelivery(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for trial := range 500 {
		seq := make([]int, r.IntN(8))
		for i := range seq {
			seq[i] = r.IntN(4)
		}
		var acc lattices.SSIV[int]
		seen := map[int]bool{}
		sealed := false
		for _, d := range deliveries(r, seq) {
			acc.Merge(d)
			for pos := range d.All() {
				seen[pos] = true
			}
			if _, ok := d.Len(); ok {
				sealed = true
			}
			want := sealed && len(seen) == len(seq)
			if acc.Complete() != want || acc.IsTop() != want || acc.Conflicted() {
				t.Fatalf("trial %d, sequence %v: after %v, Complete() = %v, IsTop() = %v, Conflicted() = %v; want %v, %v, false",
					trial, seq, acc, acc.Complete(), acc.IsTop(), acc.Conflicted(), want, want)
			}
		}
		if vals, ok := acc.Values(); !ok || !slices.Equal(vals, seq) {
			t.Fatalf("trial %d: Values() = %v, %v, want %v, true", trial, vals, ok, seq)
		}
	}
}

// TestSSIVAnyGrouping merges the deliveries of a sequence in random groups,
// as partial aggregates at different nodes would be, and checks that the
// result is always the complete sequence.
func TestSSIVAnyGrouping(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for trial := range 300 {
		seq := make([]int, r.IntN(8))
		for i := range seq {
			seq[i] = r.IntN(4)
		}
		parts := deliveries(r, seq)
		for len(parts) > 1 {
			i, j := r.IntN(len(parts)), r.IntN(len(parts)-1)
			if j >= i {
				j++
			}
			parts[i].Merge(parts[j])
			parts = slices.Delete(parts, j, j+1)
		}
		if vals, ok := parts[0].Values(); !ok || !slices.Equal(vals, seq) {
			t.Fatalf("trial %d: merged %v, want the complete %v", trial, parts[0], seq)
		}
	}
}

func TestSSIV(t *testing.T) {
	var s lattices.SSIV[string]
	if !s.IsBot() || s.IsTop() || s.Complete() || s.Count() != 0 {
		t.Error("zero SSIV is not bottom")
	}
	if !s.Add(1, "b") || s.Add(1, "b") {
		t.Error("Add reports the wrong change")
	}
	if _, ok := s.Values(); ok {
		t.Error("an incomplete SSIV has values")
	}
	if !s.Seal(2) || s.Seal(2) {
		t.Error("Seal reports the wrong change")
	}
	if n, ok := s.Len(); !ok || n != 2 {
		t.Errorf("Len() = %d, %v, want 2, true", n, ok)
	}
	if got := s.String(); got != "SSIV{1: b}/2" {
		t.Errorf("String() = %q", got)
	}
	s.Add(0, "a")
	if !s.Complete() || s.Count() != 2 {
		t.Errorf("%v is not complete", s)
	}
	if v, ok := s.Get(0); !ok || v != "a" {
		t.Errorf("Get(0) = %q, %v, want a, true", v, ok)
	}
	if _, ok := s.Get(2); ok {
		t.Error("Get beyond the seal found a value")
	}
	if got := maps.Collect(s.All()); !maps.Equal(got, map[int]string{0: "a", 1: "b"}) {
		t.Errorf("All() = %v", got)
	}
	full := lattices.NewSSIV([]string{"a", "b"})
	if !full.Complete() || !full.LessEq(s) || !s.LessEq(full) {
		t.Errorf("NewSSIV([a b]) = %v, want %v", full, s)
	}
	if empty := lattices.NewSSIV[string](nil); !empty.Complete() {
		t.Error("the empty sequence is not complete")
	}
}

func TestSSIVOrder(t *testing.T) {
	unsealed := item(0, 1, -1)
	sealed := item(0, 1, 2)
	if !unsealed.LessEq(sealed) || sealed.LessEq(unsealed) {
		t.Error("the seal is not information")
	}
	other := item(1, 2, -1)
	if unsealed.LessEq(other) || other.LessEq(unsealed) {
		t.Error("SSIVs holding different positions are comparable")
	}
}

func TestSSIVConflicts(t *testing.T) {
	seal := func(n int) lattices.SSIV[int] {
		var s lattices.SSIV[int]
		s.Seal(n)
		return s
	}
	for _, tc := range []struct {
		name string
		a, b lattices.SSIV[int]
	}{
		{"different values at one position", item(0, 1, -1), item(0, 2, -1)},
		{"different seals", item(0, 1, 2), item(1, 1, 3)},
		{"position at the seal", seal(2), item(2, 1, -1)},
		{"position beyond the seal", item(5, 1, -1), seal(2)},
		{"negative position", lattices.SSIV[int]{}, item(-1, 1, -1)},
		{"negative seal", item(0, 1, -1), seal(-5)},
		{"huge position", item(math.MaxInt, 1, -1), item(0, 1, math.MaxInt)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.a.Clone()
			r.Merge(tc.b)
			if !r.Conflicted() || !r.IsTop() || r.Complete() {
				t.Fatalf("%v ⊔ %v = %v, want the conflict", tc.a, tc.b, r)
			}
			if r.Count() != 0 {
				t.Errorf("the conflict holds %d items", r.Count())
			}
			if _, ok := r.Len(); ok {
				t.Error("the conflict has a seal")
			}
			if r.Merge(tc.a) || r.Add(0, 1) || r.Seal(1) || !r.Conflicted() {
				t.Error("the conflict is not sticky")
			}
			if got := r.String(); got != "SSIV(conflict)" {
				t.Errorf("String() = %q", got)
			}
		})
	}
}
