package sim

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestWireMatchesASlice runs random pushes, removals by position and
// removals by receiver on a wire and on a plain slice: the k-th message, the
// number in flight and the order of the messages a removal by receiver
// visits must agree throughout, across many rebuilds.
func TestWireMatchesASlice(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var w wire
	var ref []flight
	next := 0
	for op := range 200_000 {
		switch r := rng.IntN(100); {
		case r < 50 || len(ref) == 0:
			// Bursts of sends, as a tick that broadcasts.
			for range 1 + rng.IntN(4) {
				f := flight{to: rng.IntN(5), msg: message{tag: next}}
				next++
				w.push(f)
				ref = append(ref, f)
			}
		case r < 98:
			k := rng.IntN(len(ref))
			i := w.at(k)
			if w.slots[i].to != ref[k].to || w.slots[i].msg.tag != ref[k].msg.tag {
				t.Fatalf("op %d: message %d of %d is %+v, want %+v", op, k, len(ref), w.slots[i], ref[k])
			}
			if rng.IntN(5) != 0 {
				w.remove(i)
				ref = slices.Delete(ref, k, k+1)
			}
		default:
			to := rng.IntN(5)
			var got, want []int
			w.removeFunc(func(f flight) bool { got = append(got, f.msg.tag); return f.to == to })
			ref = slices.DeleteFunc(ref, func(f flight) bool { want = append(want, f.msg.tag); return f.to == to })
			if !slices.Equal(got, want) {
				t.Fatalf("op %d: removal by receiver visited %v, want %v", op, got, want)
			}
		}
		if w.Len() != len(ref) {
			t.Fatalf("op %d: %d in flight, want %d", op, w.Len(), len(ref))
		}
	}
	if next < 100_000 {
		t.Fatalf("only %d messages sent", next)
	}
}
