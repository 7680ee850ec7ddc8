package lattices

import (
	"fmt"
	"iter"
	"slices"
	"strings"
)

// VecUnion is the lattice of vectors of L, merged position by position; the
// merged vector is as long as the longer of the two. Its zero value, the
// empty vector, is bottom.
//
// The length is part of the value: v ≤ o if v is no longer than o and each
// element of v is ≤ o's element at the same position, so a vector of bottoms
// is above the empty vector.
type VecUnion[L any, PL Lattice[L]] struct {
	s []L
}

// NewVecUnion returns the vector of elems. The vector copies the slice and
// takes ownership of the elements.
func NewVecUnion[L any, PL Lattice[L]](elems ...L) VecUnion[L, PL] {
	return VecUnion[L, PL]{s: slices.Clone(elems)}
}

// Len returns the length of v.
func (v VecUnion[L, PL]) Len() int {
	return len(v.s)
}

// At returns the element at position i, or L's bottom if i is out of range.
// The result shares storage with v: Clone it before merging into it.
func (v VecUnion[L, PL]) At(i int) L {
	if i < 0 || i >= len(v.s) {
		var bot L
		return bot
	}
	return v.s[i]
}

// All returns an iterator over the positions and elements of v, in order.
// The elements share storage with v.
func (v VecUnion[L, PL]) All() iter.Seq2[int, L] {
	return slices.All(v.s)
}

// Merge merges other into v position by position, extending v to other's
// length, and reports whether v changed.
func (v *VecUnion[L, PL]) Merge(other VecUnion[L, PL]) bool {
	changed := false
	if n := len(v.s); len(other.s) > n {
		v.s = slices.Grow(v.s, len(other.s)-n)[:len(other.s)]
		clear(v.s[n:])
		changed = true
	}
	for i := range other.s {
		if PL(&v.s[i]).Merge(other.s[i]) {
			changed = true
		}
	}
	return changed
}

// LessEq reports whether v is no longer than other and each element of v is
// ≤ the element of other at the same position.
func (v VecUnion[L, PL]) LessEq(other VecUnion[L, PL]) bool {
	if len(v.s) > len(other.s) {
		return false
	}
	for i := range v.s {
		if !PL(&v.s[i]).LessEq(other.s[i]) {
			return false
		}
	}
	return true
}

// IsBot reports whether v is empty.
func (v VecUnion[L, PL]) IsBot() bool {
	return len(v.s) == 0
}

// Clone returns a deep copy of v.
func (v VecUnion[L, PL]) Clone() VecUnion[L, PL] {
	if v.s == nil {
		return VecUnion[L, PL]{}
	}
	s := make([]L, len(v.s))
	for i := range v.s {
		s[i] = PL(&v.s[i]).Clone()
	}
	return VecUnion[L, PL]{s: s}
}

// String formats v as VecUnion[e0, e1, ...].
func (v VecUnion[L, PL]) String() string {
	var b strings.Builder
	b.WriteString("VecUnion[")
	for i, e := range v.s {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, e)
	}
	b.WriteString("]")
	return b.String()
}
