package lattices

import (
	"iter"
)

// MapUnion is the lattice of finite maps from keys to values of the lattice
// V, merged key by key: a key present on one side only is copied, and the
// values of a key present on both sides are merged. Its zero value is the
// empty map, which is bottom.
//
// A key whose value is bottom is the same as an absent key: MapUnion never
// stores a bottom value, and Get reports an absent key with V's bottom. The
// order is pointwise: m ≤ o if every value of m is ≤ o's value for its key.
//
// Values are stored behind pointers and merged in place, so merging into a
// key that is already present allocates nothing beyond what V's Merge does.
type MapUnion[K comparable, V any, PV Lattice[V]] struct {
	m map[K]*V
}

// NewMapUnion returns the MapUnion holding a copy of each value of m, made
// with Clone, omitting keys whose value is bottom.
func NewMapUnion[K comparable, V any, PV Lattice[V]](m map[K]V) MapUnion[K, V, PV] {
	var u MapUnion[K, V, PV]
	for k, v := range m {
		u.MergeKey(k, v)
	}
	return u
}

// Get returns the value of k, or V's bottom and false if k is absent. The
// result shares storage with u: Clone it before merging into it.
func (u MapUnion[K, V, PV]) Get(k K) (V, bool) {
	if p, ok := u.m[k]; ok {
		return *p, true
	}
	var zero V
	return zero, false
}

// Len returns the number of keys in u.
func (u MapUnion[K, V, PV]) Len() int {
	return len(u.m)
}

// All returns an iterator over the keys and values of u, in no particular
// order. The values share storage with u.
func (u MapUnion[K, V, PV]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for k, p := range u.m {
			if !yield(k, *p) {
				return
			}
		}
	}
}

// MergeKey merges v into the value of k and reports whether u changed.
// Merging bottom changes nothing.
func (u *MapUnion[K, V, PV]) MergeKey(k K, v V) bool {
	if p, ok := u.m[k]; ok {
		return PV(p).Merge(v)
	}
	p := new(V)
	if !PV(p).Merge(v) {
		return false // v is bottom.
	}
	if u.m == nil {
		u.m = make(map[K]*V)
	}
	u.m[k] = p
	return true
}

// Merge merges other into u key by key and reports whether u changed.
func (u *MapUnion[K, V, PV]) Merge(other MapUnion[K, V, PV]) bool {
	changed := false
	for k, op := range other.m {
		if p, ok := u.m[k]; ok {
			if PV(p).Merge(*op) {
				changed = true
			}
			continue
		}
		p := new(V)
		if !PV(p).Merge(*op) {
			continue
		}
		if u.m == nil {
			u.m = make(map[K]*V, len(other.m))
		}
		u.m[k] = p
		changed = true
	}
	return changed
}

// LessEq reports whether every key of u is in other with a value at least
// u's.
func (u MapUnion[K, V, PV]) LessEq(other MapUnion[K, V, PV]) bool {
	if len(u.m) > len(other.m) {
		return false
	}
	for k, p := range u.m {
		op, ok := other.m[k]
		if !ok || !PV(p).LessEq(*op) {
			return false
		}
	}
	return true
}

// IsBot reports whether u has no keys.
func (u MapUnion[K, V, PV]) IsBot() bool {
	return len(u.m) == 0
}

// Clone returns a deep copy of u, cloning every value.
func (u MapUnion[K, V, PV]) Clone() MapUnion[K, V, PV] {
	if u.m == nil {
		return MapUnion[K, V, PV]{}
	}
	m := make(map[K]*V, len(u.m))
	for k, p := range u.m {
		v := PV(p).Clone()
		m[k] = &v
	}
	return MapUnion[K, V, PV]{m: m}
}

// String formats u as MapUnion{k: v, ...}, its entries sorted by their
// formatted text.
func (u MapUnion[K, V, PV]) String() string {
	return formatSet("MapUnion{", "}", func(yield func(string)) {
		for k, p := range u.m {
			yield(formatEntry(k, *p))
		}
	})
}
