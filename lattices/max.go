package lattices

import (
	"cmp"
	"fmt"
)

// Max is the lattice of values of an ordered type merged by keeping the
// larger. Its zero value is bottom, which holds no value and lies below every
// value.
//
// Values are compared with [cmp.Compare]: a floating-point NaN is below every
// other value, and values that compare equal, such as -0 and +0, are the same
// element; Merge keeps the one already held.
type Max[T cmp.Ordered] struct {
	v  T
	ok bool
}

// NewMax returns the Max holding v.
func NewMax[T cmp.Ordered](v T) Max[T] {
	return Max[T]{v: v, ok: true}
}

// Value returns the value held by m, or false if m is bottom.
func (m Max[T]) Value() (T, bool) {
	return m.v, m.ok
}

// Merge sets m to the larger of m and other and reports whether m changed.
func (m *Max[T]) Merge(other Max[T]) bool {
	if !other.ok || m.ok && cmp.Compare(other.v, m.v) <= 0 {
		return false
	}
	*m = other
	return true
}

// LessEq reports whether m is bottom or other holds a value at least m's.
func (m Max[T]) LessEq(other Max[T]) bool {
	return !m.ok || other.ok && cmp.Compare(m.v, other.v) <= 0
}

// IsBot reports whether m holds no value.
func (m Max[T]) IsBot() bool {
	return !m.ok
}

// Clone returns a copy of m.
func (m Max[T]) Clone() Max[T] {
	return m
}

// String formats m as Max(v), or Max(⊥) for bottom.
func (m Max[T]) String() string {
	if !m.ok {
		return "Max(⊥)"
	}
	return fmt.Sprintf("Max(%v)", m.v)
}

// Min is the lattice of values of an ordered type merged by keeping the
// smaller: its order is the reverse of T's. Its zero value is bottom, which
// holds no value and lies below every value.
//
// Values are compared with [cmp.Compare]: a floating-point NaN is smaller
// than every other value, and values that compare equal, such as -0 and +0,
// are the same element; Merge keeps the one already held.
type Min[T cmp.Ordered] struct {
	v  T
	ok bool
}

// NewMin returns the Min holding v.
func NewMin[T cmp.Ordered](v T) Min[T] {
	return Min[T]{v: v, ok: true}
}

// Value returns the value held by m, or false if m is bottom.
func (m Min[T]) Value() (T, bool) {
	return m.v, m.ok
}

// Merge sets m to the smaller of m and other and reports whether m changed.
func (m *Min[T]) Merge(other Min[T]) bool {
	if !other.ok || m.ok && cmp.Compare(other.v, m.v) >= 0 {
		return false
	}
	*m = other
	return true
}

// LessEq reports whether m is bottom or other holds a value at most m's.
func (m Min[T]) LessEq(other Min[T]) bool {
	return !m.ok || other.ok && cmp.Compare(m.v, other.v) >= 0
}

// IsBot reports whether m holds no value.
func (m Min[T]) IsBot() bool {
	return !m.ok
}

// Clone returns a copy of m.
func (m Min[T]) Clone() Min[T] {
	return m
}

// String formats m as Min(v), or Min(⊥) for bottom.
func (m Min[T]) String() string {
	if !m.ok {
		return "Min(⊥)"
	}
	return fmt.Sprintf("Min(%v)", m.v)
}
