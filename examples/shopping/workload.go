package shopping

import (
	"fmt"
	"math/rand/v2"
)

// Workload is a set of shopping sessions and the class table of their clients.
type Workload struct {
	Classes  []ClientClass
	Sessions [][]Request // per client, in request order; each ends with a checkout
}

var catalogue = []string{"apple", "banana", "bread", "cheese", "coffee", "eggs", "milk", "pasta", "rice", "tea"}

// NewWorkload returns sessions for clients 1..clients with up to maxItems
// requests each (adds of 1–5 of an item, removals of something added before),
// followed by a checkout. Every client has a class. The same seed gives the
// same workload.
func NewWorkload(seed uint64, clients, maxItems int) Workload {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	w := Workload{}
	for c := 1; c <= clients; c++ {
		client := uint32(c)
		w.Classes = append(w.Classes, ClientClass{Client: client, Class: Class(r.IntN(2))})
		var s []Request
		n := 1 + r.IntN(maxItems)
		for range n {
			if len(s) > 0 && r.IntN(4) == 0 {
				prev := s[r.IntN(len(s))]
				s = append(s, Request{Client: client, LineItem: LineItem{Item: prev.Item, Qty: -1}})
				continue
			}
			item := catalogue[r.IntN(len(catalogue))]
			s = append(s, Request{Client: client, LineItem: LineItem{Item: item, Qty: int16(1 + r.IntN(5))}})
		}
		s = append(s, Request{Client: client, LineItem: LineItem{Checkout: true}})
		w.Sessions = append(w.Sessions, s)
	}
	return w
}

// Interleave returns every request of the workload in one sequence that keeps
// each session's order but interleaves sessions at random, cut into batches
// (one per tick) of 1 to maxBatch requests.
func (w Workload) Interleave(seed uint64, maxBatch int) [][]Request {
	r := rand.New(rand.NewPCG(seed, seed^0xba7c4))
	next := make([]int, len(w.Sessions))
	var live []int
	for i, s := range w.Sessions {
		if len(s) > 0 {
			live = append(live, i)
		}
	}
	var batches [][]Request
	var batch []Request
	limit := 1 + r.IntN(maxBatch)
	for len(live) > 0 {
		k := r.IntN(len(live))
		c := live[k]
		batch = append(batch, w.Sessions[c][next[c]])
		next[c]++
		if next[c] == len(w.Sessions[c]) {
			live = append(live[:k], live[k+1:]...)
		}
		if len(batch) == limit {
			batches = append(batches, batch)
			batch, limit = nil, 1+r.IntN(maxBatch)
		}
	}
	if len(batch) > 0 {
		batches = append(batches, batch)
	}
	return batches
}

// ExpectedCarts is the oracle: the checked-out cart of every session, computed
// directly from the workload, ordered by client.
func (w Workload) ExpectedCarts() []Cart {
	class := map[uint32]Class{}
	for _, c := range w.Classes {
		class[c.Client] = c.Class
	}
	var carts []Cart
	for _, s := range w.Sessions {
		if len(s) == 0 {
			continue
		}
		cl, ok := class[s[0].Client]
		if !ok {
			continue
		}
		cart := Cart{Client: s[0].Client, Class: cl}
		for _, r := range s {
			cart.Items = append(cart.Items, r.LineItem)
		}
		carts = append(carts, cart)
	}
	return carts
}

// Totals sums a cart's quantities per item, dropping items that net to zero
// or below; it is what a checkout bills.
func (c Cart) Totals() map[string]int {
	t := map[string]int{}
	for _, li := range c.Items {
		if !li.Checkout {
			t[li.Item] += int(li.Qty)
		}
	}
	for k, v := range t {
		if v <= 0 {
			delete(t, k)
		}
	}
	return t
}

// String prints a cart as "client 7 (premium): 2 apple, 1 tea".
func (c Cart) String() string {
	totals := c.Totals()
	s := fmt.Sprintf("client %d (%s):", c.Client, c.Class)
	first := true
	for _, item := range catalogue {
		if n, ok := totals[item]; ok {
			if !first {
				s += ","
			}
			s += fmt.Sprintf(" %d %s", n, item)
			first = false
		}
	}
	if first {
		s += " (empty)"
	}
	return s
}
