package lattices_test

import (
	"fmt"

	"github.com/hydrogo/hydro/lattices"
)

func ExampleMax() {
	var hi lattices.Max[int] // Bottom: no value yet.
	for _, v := range []int{3, 9, 4} {
		hi.Merge(lattices.NewMax(v))
	}
	fmt.Println(hi.Value())
	// Output: 9 true
}

func ExampleGCounter() {
	// Two replicas count independently, then exchange state in both
	// directions, twice: repeated merges do not count twice.
	var east, west lattices.GCounter[string]
	east.Inc("east", 2)
	west.Inc("west", 3)
	for range 2 {
		east.Merge(west)
		west.Merge(east)
	}
	fmt.Println(east.Value(), west.Value())
	// Output: 5 5
}

func ExampleLWW() {
	var reg lattices.LWW[string]
	reg.Set(20, "second")
	reg.Set(10, "first") // Delivered late: an earlier write loses.
	fmt.Println(reg.Get())
	// Output: second true
}

func ExampleSSIV() {
	// The items of the sequence [a b c] arrive out of order and repeated;
	// the seal rides on the last item sent, at position 2.
	arrivals := []struct {
		pos int
		val string
	}{{1, "b"}, {2, "c"}, {1, "b"}, {0, "a"}}
	var cart lattices.SSIV[string]
	for _, a := range arrivals {
		var item lattices.SSIV[string]
		item.Add(a.pos, a.val)
		if a.pos == 2 {
			item.Seal(3)
		}
		cart.Merge(item)
		fmt.Println(cart, cart.Complete())
	}
	fmt.Println(cart.Values())
	// Output:
	// SSIV{1: b} false
	// SSIV{1: b, 2: c}/3 false
	// SSIV{1: b, 2: c}/3 false
	// SSIV{0: a, 1: b, 2: c}/3 true
	// [a b c] true
}

func ExampleBoundedPrefix() {
	seq := []string{"a", "b", "c"}
	var b lattices.BoundedPrefix[string]
	for _, n := range []int{2, 1, 3} {
		b.Merge(lattices.NewBoundedPrefix(seq[:n], len(seq)))
		fmt.Println(b, b.Complete())
	}
	b.Merge(lattices.NewBoundedPrefix([]string{"a", "x"}, 3))
	fmt.Println(b, b.IsTop())
	// Output:
	// BoundedPrefix([a b]/3) false
	// BoundedPrefix([a b]/3) false
	// BoundedPrefix([a b c]/3) true
	// BoundedPrefix(conflict) true
}

func ExampleDomPair() {
	// A version number dominates the set of tags attached to it.
	d := lattices.NewDomPair(lattices.NewMax(1), lattices.NewSetUnion("draft"))
	d.Merge(lattices.NewDomPair(lattices.NewMax(1), lattices.NewSetUnion("urgent")))
	fmt.Println(d)
	d.Merge(lattices.NewDomPair(lattices.NewMax(2), lattices.NewSetUnion("final")))
	fmt.Println(d)
	// Output:
	// DomPair(Max(1), SetUnion{draft, urgent})
	// DomPair(Max(2), SetUnion{final})
}
