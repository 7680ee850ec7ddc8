package lattices_test

import (
	"math/rand/v2"
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

func TestLWWLaterWriteWins(t *testing.T) {
	writes := []lattices.LWW[string]{
		lattices.NewLWW(10, "a"),
		lattices.NewLWW(30, "c"),
		lattices.NewLWW(20, "b"),
		lattices.NewLWW(30, "c"),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		r.Shuffle(len(writes), func(i, j int) { writes[i], writes[j] = writes[j], writes[i] })
		var reg lattices.LWW[string]
		for _, w := range writes {
			reg.Merge(w)
		}
		v, ok := reg.Get()
		ts, _ := reg.Timestamp()
		if !ok || v != "c" || ts != 30 {
			t.Fatalf("after writes %v, register = %v, want c at 30", writes, reg)
		}
	}
}

func TestLWWSet(t *testing.T) {
	var reg lattices.LWW[int]
	if !reg.IsBot() {
		t.Error("zero LWW is not bottom")
	}
	if _, ok := reg.Get(); ok {
		t.Error("zero LWW has a value")
	}
	if _, ok := reg.Timestamp(); ok {
		t.Error("zero LWW has a timestamp")
	}
	if !reg.Set(0, 7) {
		t.Error("the first write did not change the register")
	}
	if v, ok := reg.Get(); !ok || v != 7 {
		t.Errorf("Get() = %d, %v, want 7, true", v, ok)
	}
	if reg.Set(0, 7) {
		t.Error("repeating a write changed the register")
	}
	if !reg.Set(5, 8) || reg.Set(4, 9) {
		t.Error("Set reports the wrong change")
	}
	if v, _ := reg.Get(); v != 8 {
		t.Errorf("Get() = %d, want 8", v)
	}
}

func TestLWWConflict(t *testing.T) {
	reg := lattices.NewLWW(5, "x")
	if !reg.Set(5, "y") || !reg.Conflicted() {
		t.Error("two values at one timestamp are not a conflict")
	}
	if _, ok := reg.Get(); ok {
		t.Error("a conflicted register has a value")
	}
	if got := reg.String(); got != "LWW(5: conflict)" {
		t.Errorf("String() = %q", got)
	}
	if reg.Set(5, "x") || reg.Set(3, "z") {
		t.Error("a write not later than the conflict changed the register")
	}
	if !reg.Set(6, "z") || reg.Conflicted() {
		t.Error("a later write did not replace the conflict")
	}
	if v, ok := reg.Get(); !ok || v != "z" {
		t.Errorf("Get() = %q, %v, want z, true", v, ok)
	}
	if got := reg.String(); got != "LWW(6: z)" {
		t.Errorf("String() = %q", got)
	}
}
