package lattices

import "fmt"

// DomPair is the lexicographic product of the lattices K and V, in which the
// key dominates: (k1, v1) ≤ (k2, v2) if k1 < k2, or if k1 = k2 and v1 ≤ v2.
// It is the basis of last-writer-wins registers, with a timestamp as key. Its
// zero value, the pair of bottoms, is bottom.
//
// Merging (k2, v2) into (k1, v1) gives:
//
//   - (k1, v1 ⊔ v2) if the keys are equal;
//   - (k2, v2) if k1 < k2: the greater key takes its value with it;
//   - (k1, v1) if k2 < k1;
//   - (k1 ⊔ k2, ⊥) if the keys are incomparable, which K allows when its order
//     is partial.
//
// In the last case the merged key is strictly greater than both keys, so
// neither value is attached to it: the result is the least pair with that key.
// Merging the values instead would not be associative: with SetUnion keys,
// merging ({1}, x), ({2}, y) and ({1, 2}, z) from the left would give
// ({1, 2}, x ⊔ y ⊔ z), but from the right ({1, 2}, z).
// When K is totally ordered, as Max and Min are, the last case never arises.
type DomPair[K, V any, PK Lattice[K], PV Lattice[V]] struct {
	Key K
	Val V
}

// NewDomPair returns the pair (k, v). The pair takes ownership of k and v.
func NewDomPair[K, V any, PK Lattice[K], PV Lattice[V]](k K, v V) DomPair[K, V, PK, PV] {
	return DomPair[K, V, PK, PV]{Key: k, Val: v}
}

// Merge merges other into d by the rules in DomPair's documentation and
// reports whether d changed.
func (d *DomPair[K, V, PK, PV]) Merge(other DomPair[K, V, PK, PV]) bool {
	// Every comparison uses d's key as the receiver: taking the address of
	// other's fields would make other escape to the heap.
	if PK(&d.Key).LessEq(other.Key) {
		if !PK(&d.Key).Merge(other.Key) {
			// Equal keys.
			return PV(&d.Val).Merge(other.Val)
		}
		// d.Key < other.Key, and d.Key now equals other.Key.
		var bot V
		d.Val = bot
		PV(&d.Val).Merge(other.Val)
		return true
	}
	if !PK(&d.Key).Merge(other.Key) {
		// other.Key < d.Key.
		return false
	}
	// Incomparable keys: d.Key is now their join, above both.
	var bot V
	d.Val = bot
	return true
}

// LessEq reports whether d ≤ other: d's key is less than other's, or the keys
// are equal and d's value is ≤ other's.
func (d *DomPair[K, V, PK, PV]) LessEq(other DomPair[K, V, PK, PV]) bool {
	if !PK(&d.Key).LessEq(other.Key) {
		return false
	}
	if k := other.Key; !PK(&k).LessEq(d.Key) {
		return true
	}
	return PV(&d.Val).LessEq(other.Val)
}

// IsBot reports whether the key and the value of d are both bottom.
func (d *DomPair[K, V, PK, PV]) IsBot() bool {
	return PK(&d.Key).IsBot() && PV(&d.Val).IsBot()
}

// Clone returns a deep copy of d.
func (d *DomPair[K, V, PK, PV]) Clone() DomPair[K, V, PK, PV] {
	return DomPair[K, V, PK, PV]{Key: PK(&d.Key).Clone(), Val: PV(&d.Val).Clone()}
}

// String formats d as DomPair(key, val).
func (d DomPair[K, V, PK, PV]) String() string {
	return fmt.Sprintf("DomPair(%v, %v)", d.Key, d.Val)
}
