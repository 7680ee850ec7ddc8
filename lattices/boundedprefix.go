package lattices

import (
	"fmt"
	"slices"
)

// BoundedPrefix is the bounded prefix lattice of sequences of T. Its elements
// pair a prefix of a sequence S with the length of S; merging keeps the
// longer prefix. The complete prefix, S itself, is recognisable in isolation:
// it is the only element whose prefix is as long as the length it carries.
//
// Two elements belong to one sequence only if they carry the same length and
// one prefix extends the other. Elements of different sequences have no upper
// bound in the prefix order, so BoundedPrefix adds a conflict element above
// all others, which keeps Merge total: merging elements of different
// sequences gives the conflict, and nothing changes it afterwards.
//
// The zero value is bottom: nothing is known, not even the length. Both the
// complete prefixes and the conflict are top: no merge can add information
// to them, though merging a different sequence into a complete prefix gives
// the conflict.
//
// T's equality must be reflexive: a floating-point NaN conflicts with itself.
type BoundedPrefix[T comparable] struct {
	items  []T
	length int
	state  prefixState
}

type prefixState uint8

const (
	prefixBot prefixState = iota
	prefixKnown
	prefixConflict
)

// NewBoundedPrefix returns the element holding a copy of items as a prefix of
// a sequence of the given length. It returns the conflict element if length
// is negative or shorter than items.
func NewBoundedPrefix[T comparable](items []T, length int) BoundedPrefix[T] {
	if length < 0 || len(items) > length {
		return BoundedPrefix[T]{state: prefixConflict}
	}
	return BoundedPrefix[T]{items: slices.Clone(items), length: length, state: prefixKnown}
}

// Items returns the prefix held by b, or nil if b is bottom or the conflict.
// The result shares storage with b and must not be modified.
func (b BoundedPrefix[T]) Items() []T {
	return b.items[:len(b.items):len(b.items)]
}

// Len returns the length of the whole sequence, or false if b is bottom or
// the conflict.
func (b BoundedPrefix[T]) Len() (int, bool) {
	return b.length, b.state == prefixKnown
}

// Complete reports whether b holds the whole sequence.
func (b BoundedPrefix[T]) Complete() bool {
	return b.state == prefixKnown && len(b.items) == b.length
}

// Conflicted reports whether b is the conflict element.
func (b BoundedPrefix[T]) Conflicted() bool {
	return b.state == prefixConflict
}

// Merge merges other into b and reports whether b changed. The result is the
// longer prefix if both are prefixes of one sequence, and the conflict
// otherwise.
func (b *BoundedPrefix[T]) Merge(other BoundedPrefix[T]) bool {
	switch {
	case other.state == prefixBot || b.state == prefixConflict:
		return false
	case other.state == prefixConflict:
		b.conflict()
		return true
	case b.state == prefixBot:
		*b = BoundedPrefix[T]{items: slices.Clone(other.items), length: other.length, state: prefixKnown}
		return true
	case b.length != other.length:
		b.conflict()
		return true
	}
	n := min(len(b.items), len(other.items))
	if !slices.Equal(b.items[:n], other.items[:n]) {
		b.conflict()
		return true
	}
	if len(other.items) == n {
		return false
	}
	b.items = append(b.items, other.items[n:]...)
	return true
}

func (b *BoundedPrefix[T]) conflict() {
	*b = BoundedPrefix[T]{state: prefixConflict}
}

// LessEq reports whether b is bottom, other is the conflict, or both belong to
// one sequence and b's prefix is no longer than other's.
func (b BoundedPrefix[T]) LessEq(other BoundedPrefix[T]) bool {
	switch {
	case b.state == prefixBot || other.state == prefixConflict:
		return true
	case b.state == prefixConflict || other.state == prefixBot:
		return false
	}
	return b.length == other.length && len(b.items) <= len(other.items) &&
		slices.Equal(b.items, other.items[:len(b.items)])
}

// IsBot reports whether b is bottom.
func (b BoundedPrefix[T]) IsBot() bool {
	return b.state == prefixBot
}

// IsTop reports whether b is complete or the conflict.
func (b BoundedPrefix[T]) IsTop() bool {
	return b.Complete() || b.Conflicted()
}

// Clone returns a copy of b.
func (b BoundedPrefix[T]) Clone() BoundedPrefix[T] {
	b.items = slices.Clone(b.items)
	return b
}

// String formats b as BoundedPrefix([items]/length), BoundedPrefix(⊥) or
// BoundedPrefix(conflict).
func (b BoundedPrefix[T]) String() string {
	switch b.state {
	case prefixBot:
		return "BoundedPrefix(⊥)"
	case prefixConflict:
		return "BoundedPrefix(conflict)"
	}
	return fmt.Sprintf("BoundedPrefix(%v/%d)", b.items, b.length)
}
