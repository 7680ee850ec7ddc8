package lattices_test

import (
	"math"
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

func TestGCounter(t *testing.T) {
	var a, b lattices.GCounter[string]
	if !a.IsBot() || a.Value() != 0 {
		t.Error("zero GCounter is not bottom")
	}
	a.Inc("a", 0)
	if !a.IsBot() {
		t.Error("Inc by 0 changed the counter")
	}
	a.Inc("a", 2)
	a.Inc("a", 1)
	b.Inc("b", 5)
	if a.Value() != 3 || b.Value() != 5 {
		t.Errorf("values %d and %d, want 3 and 5", a.Value(), b.Value())
	}

	// Replicas converge whatever the order and repetition of merges.
	ab, ba := a.Clone(), b.Clone()
	ab.Merge(b)
	ba.Merge(a)
	ba.Merge(a)
	ba.Merge(b)
	if ab.Value() != 8 || ba.Value() != 8 {
		t.Errorf("merged values %d and %d, want 8", ab.Value(), ba.Value())
	}
	if ab.Count("a") != 3 || ab.Count("b") != 5 || ab.Count("c") != 0 {
		t.Errorf("counts %d, %d, %d, want 3, 5, 0", ab.Count("a"), ab.Count("b"), ab.Count("c"))
	}

	// A stale replica does not lower the count.
	ab.Inc("a", 10)
	if ab.Merge(a) || ab.Value() != 18 {
		t.Errorf("merging a stale replica changed the counter to %d", ab.Value())
	}
	if !a.LessEq(ab) || ab.LessEq(a) {
		t.Error("LessEq disagrees with the counts")
	}
	if got := ab.String(); got != "GCounter{a: 13, b: 5}" {
		t.Errorf("String() = %q", got)
	}
}

func TestGCounterSaturates(t *testing.T) {
	var c lattices.GCounter[int]
	c.Inc(1, math.MaxUint64-1)
	c.Inc(1, 5)
	if c.Count(1) != math.MaxUint64 {
		t.Errorf("count %d, want the largest uint64", c.Count(1))
	}
	c.Inc(2, 7)
	if c.Value() != math.MaxUint64 {
		t.Errorf("value %d, want the largest uint64", c.Value())
	}
}
