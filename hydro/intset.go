package hydro

import "iter"

// Integer is the constraint on the keys of IntSet and IntIndex: the
// integer types.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// The dense part of an IntSet or IntIndex covers the keys in [0, len): it
// grows to cover a new key only while the keys it would cover stay dense,
// that is, while its length stays below denseLimit of the keys held.
const (
	// denseMin is the length the dense part may reach whatever the number
	// of keys (1 KiB of an IntSet's flags, 4 KiB of an IntIndex's slots).
	denseMin = 1024
	// denseRatio is the number of slots per key held beyond denseMin: at 8
	// an IntSet's dense part takes no more memory than a map of its keys.
	denseRatio = 8
	// denseFirst is the length of the first dense part.
	denseFirst = 64
)

// denseLimit is the longest dense part for n keys.
func denseLimit(n int) int { return max(denseMin, denseRatio*n) }

// denseGrow returns the length to which a dense part of length have grows
// to cover key u (u ≥ have) once it holds n keys, or 0 if u stays outside:
// at least double, covering u, never beyond denseLimit(n).
func denseGrow(have int, u uint64, n int) int {
	limit := denseLimit(n)
	if u >= uint64(limit) {
		return 0
	}
	l := max(2*have, denseFirst)
	for uint64(l) <= u {
		l *= 2
	}
	return min(l, limit)
}

// IntSet is a set of integers, for generated code (Unique, the negative
// keys of AntiJoin). Keys in [0, n) for a dense enough n are flags in a
// slice indexed by the key, the others in a map: it costs what a []bool
// costs on small non-negative keys, without knowing in advance that the
// keys are small, and what a map costs on the others. The zero value is
// an empty set.
type IntSet[K Integer] struct {
	// dense[u] reports whether key u is held, for u < len(dense); dense
	// is false from hi on.
	dense []bool
	hi    int
	// over holds the keys outside the dense part.
	over map[K]struct{}
	n    int
}

// Has reports whether k is in the set.
func (s *IntSet[K]) Has(k K) bool {
	if d, u := s.dense, uint64(k); u < uint64(len(d)) {
		return d[u]
	}
	return s.hasOver(k)
}

func (s *IntSet[K]) hasOver(k K) bool {
	_, ok := s.over[k]
	return ok
}

// Add adds k to the set and reports whether it was new.
func (s *IntSet[K]) Add(k K) bool {
	d, u := s.dense, uint64(k)
	if u >= uint64(len(d)) {
		return s.addOutside(k)
	}
	if d[u] {
		return false
	}
	d[u] = true
	s.n++
	s.hi = max(s.hi, int(u)+1)
	return true
}

// AddDense adds k if the dense part covers it: ok reports whether it did,
// and added whether k was new. If not (ok false), the set is unchanged and
// the caller calls Add. AddDense inlines where Add, whose slow path is a
// call, costs more than the inliner's budget, so generated code adds with
// `if a, ok := s.AddDense(k); a || !ok && s.Add(k)`: a key of the dense
// part costs no call.
func (s *IntSet[K]) AddDense(k K) (added, ok bool) {
	if d, u := s.dense, uint64(k); u < uint64(len(d)) {
		if d[u] {
			return false, true
		}
		d[u] = true
		s.n++
		s.hi = max(s.hi, int(u)+1)
		return true, true
	}
	return false, false
}

// addOutside adds k, which the dense part does not cover: to the dense
// part grown to cover it if the keys stay dense, else to the map.
func (s *IntSet[K]) addOutside(k K) bool {
	if _, ok := s.over[k]; ok {
		return false
	}
	u := uint64(k)
	if l := denseGrow(len(s.dense), u, s.n+1); l > 0 {
		s.grow(l)
		s.dense[u] = true
		s.hi = max(s.hi, int(u)+1)
		s.n++
		return true
	}
	if s.over == nil {
		s.over = map[K]struct{}{}
	}
	s.over[k] = struct{}{}
	s.n++
	return true
}

// grow lengthens the dense part to l and moves the keys it now covers out
// of the map.
func (s *IntSet[K]) grow(l int) {
	d := make([]bool, l)
	copy(d, s.dense[:s.hi])
	s.dense = d
	for k := range s.over {
		if u := uint64(k); u < uint64(l) {
			d[u] = true
			s.hi = max(s.hi, int(u)+1)
			delete(s.over, k)
		}
	}
}

// Len returns the number of keys in the set.
func (s *IntSet[K]) Len() int { return s.n }

// Clear empties the set, keeping its memory for the keys to come, unless
// the keys since the last Clear were too sparse for its dense part, which
// it then drops: clearing costs no more than holding the keys did.
func (s *IntSet[K]) Clear() {
	if s.hi > denseLimit(s.n) {
		s.dense = nil
	} else {
		clear(s.dense[:s.hi])
	}
	s.hi = 0
	clear(s.over)
	s.n = 0
}

// All returns the keys in the set: those of the dense part in increasing
// order, then the others in no particular order. The set must not change
// during the iteration.
func (s *IntSet[K]) All() iter.Seq[K] {
	return func(yield func(K) bool) {
		for u, ok := range s.dense[:s.hi] {
			if ok && !yield(K(u)) {
				return
			}
		}
		for k := range s.over {
			if !yield(k) {
				return
			}
		}
	}
}

// IntIndex maps integers to non-negative ints (positions in the slices of
// a generated node's state: a join side's chains or groups, a keyed
// aggregation's accumulators), for generated code. Like IntSet it keeps
// keys in [0, n) for a dense enough n in a slice indexed by the key, and
// the others in a map. The zero value is an empty index.
type IntIndex[K Integer] struct {
	// dense[u] is 0 if key u is absent, v+1 if it maps to v, or -1 if it
	// maps to a value too large for an int32, which over then holds; for
	// u < len(dense). dense is 0 from hi on.
	dense []int32
	hi    int
	// over holds the keys outside the dense part and those of large values.
	over map[K]int
	n    int
}

// slotMax is the largest value a dense slot holds in place.
const slotMax = 1<<31 - 2

// Get returns the value of k and whether k is in the index; the value is
// meaningful only if it is.
func (x *IntIndex[K]) Get(k K) (int, bool) {
	if d, u := x.dense, uint64(k); u < uint64(len(d)) && d[u] >= 0 {
		return int(d[u]) - 1, d[u] != 0
	}
	return x.getOver(k)
}

func (x *IntIndex[K]) getOver(k K) (int, bool) {
	v, ok := x.over[k]
	return v, ok
}

// Put maps k to v, which must not be negative.
func (x *IntIndex[K]) Put(k K, v int) {
	if d, u := x.dense, uint64(k); u < uint64(len(d)) && d[u] > 0 && uint(v) <= slotMax {
		d[u] = int32(v + 1)
		return
	}
	x.putSlow(k, v)
}

// PutDense maps k to v, which must not be negative, if the dense part
// covers k and v fits a dense slot, and reports whether it did; if not, the
// index is unchanged and the caller calls Put. PutDense inlines where Put,
// whose slow path is a call, costs more than the inliner's budget, so
// generated code puts with `if !x.PutDense(k, v) { x.Put(k, v) }`: a key of
// the dense part, new or present, costs no call.
func (x *IntIndex[K]) PutDense(k K, v int) bool {
	if d, u := x.dense, uint64(k); u < uint64(len(d)) && d[u] >= 0 && uint(v) <= slotMax {
		if d[u] == 0 {
			x.n++
			x.hi = max(x.hi, int(u)+1)
		}
		d[u] = int32(v + 1)
		return true
	}
	return false
}

// Reserve readies the index for n keys to come: if its dense part has
// fewer than min(n, 1024) slots, it grows to that many at once, rather than
// doubling from 64 as the keys arrive. A caller that knows how many keys
// it will put (a join's table, built from a slice of as many items) saves
// the growing; the slots reserved are never more than the keys announced,
// nor more than the dense part may hold for any number of keys.
func (x *IntIndex[K]) Reserve(n int) {
	if l := min(n, denseMin); l > len(x.dense) {
		x.grow(l)
	}
}

// Swap maps k to v, which must not be negative, and returns k's previous
// value and whether k was in the index.
func (x *IntIndex[K]) Swap(k K, v int) (int, bool) {
	if d, u := x.dense, uint64(k); u < uint64(len(d)) && d[u] > 0 && uint(v) <= slotMax {
		old := int(d[u]) - 1
		d[u] = int32(v + 1)
		return old, true
	}
	old, ok := x.Get(k)
	x.putSlow(k, v)
	return old, ok
}

// putSlow maps k to v where k is new, or outside the dense part, or its
// value was or becomes too large for a dense slot.
func (x *IntIndex[K]) putSlow(k K, v int) {
	if v < 0 {
		panic("hydro: IntIndex.Put of a negative value")
	}
	u := uint64(k)
	if u >= uint64(len(x.dense)) {
		if _, ok := x.over[k]; ok {
			x.over[k] = v
			return
		}
		l := denseGrow(len(x.dense), u, x.n+1)
		if l == 0 {
			x.putOver(k, v)
			x.n++
			return
		}
		x.grow(l)
	}
	s := &x.dense[u]
	switch {
	case *s == 0:
		x.n++
		x.hi = max(x.hi, int(u)+1)
	case *s < 0:
		delete(x.over, k)
	}
	if v <= slotMax {
		*s = int32(v + 1)
	} else {
		*s = -1
		x.putOver(k, v)
	}
}

func (x *IntIndex[K]) putOver(k K, v int) {
	if x.over == nil {
		x.over = map[K]int{}
	}
	x.over[k] = v
}

// grow lengthens the dense part to l and moves the keys it now covers out
// of the map, but for those of large values.
func (x *IntIndex[K]) grow(l int) {
	d := make([]int32, l)
	copy(d, x.dense[:x.hi])
	x.dense = d
	for k, v := range x.over {
		if u := uint64(k); u < uint64(l) && d[u] == 0 {
			x.hi = max(x.hi, int(u)+1)
			if v <= slotMax {
				d[u] = int32(v + 1)
				delete(x.over, k)
			} else {
				d[u] = -1
			}
		}
	}
}

// Delete removes k from the index.
func (x *IntIndex[K]) Delete(k K) {
	if u := uint64(k); u < uint64(len(x.dense)) {
		s := &x.dense[u]
		if *s == 0 {
			return
		}
		if *s < 0 {
			delete(x.over, k)
		}
		*s = 0
		x.n--
		return
	}
	if _, ok := x.over[k]; ok {
		delete(x.over, k)
		x.n--
	}
}

// Len returns the number of keys in the index.
func (x *IntIndex[K]) Len() int { return x.n }

// Clear empties the index, keeping its memory for the keys to come, unless
// the keys since the last Clear were too sparse for its dense part, which
// it then drops: clearing costs no more than holding the keys did.
func (x *IntIndex[K]) Clear() {
	if x.hi > denseLimit(x.n) {
		x.dense = nil
	} else {
		clear(x.dense[:x.hi])
	}
	x.hi = 0
	clear(x.over)
	x.n = 0
}

// All returns the keys in the index and their values: those of the dense
// part in increasing order of key, then the others in no particular order.
// The index must not change during the iteration.
func (x *IntIndex[K]) All() iter.Seq2[K, int] {
	return func(yield func(K, int) bool) {
		for u, s := range x.dense[:x.hi] {
			if s > 0 && !yield(K(u), int(s)-1) {
				return
			}
		}
		for k, v := range x.over {
			if !yield(k, v) {
				return
			}
		}
	}
}
