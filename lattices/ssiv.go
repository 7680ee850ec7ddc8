package lattices

import (
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
)

// SSIV is the sealed set of indexed values lattice of sequences of T. A
// sequence is a set of (position, value) items merged by union, plus an
// optional seal giving its length, which producers attach to any item, for
// instance the last one they send. Once the seal is known and every position
// below it holds a value, the SSIV is complete: it recognises in isolation
// that it holds the whole sequence, whatever the order in which the items
// arrived and however often they were repeated.
//
// Items that cannot belong to one sequence put the SSIV in a sticky conflict
// state, above all others, which keeps Merge total: two different values at
// one position, a negative position, a position at or beyond the seal, and a
// negative seal or two different seals are conflicts.
//
// The zero value is bottom: no items and no seal. Both the complete SSIVs and
// the conflict are top: no merge can add information to them, though merging
// items of a different sequence into a complete SSIV gives the conflict.
//
// T's equality must be reflexive: a floating-point NaN conflicts with itself.
type SSIV[T comparable] struct {
	vals   map[int]T
	last   int // the largest position in vals, if any
	length int // the seal, if sealed
	state  ssivState
}

type ssivState uint8

const (
	ssivSealed ssivState = 1 << iota
	ssivConflict
)

// NewSSIV returns the complete SSIV of vals: each value at its index, sealed
// at len(vals).
func NewSSIV[T comparable](vals []T) SSIV[T] {
	s := SSIV[T]{length: len(vals), state: ssivSealed}
	if len(vals) > 0 {
		s.last = len(vals) - 1
		s.vals = make(map[int]T, len(vals))
		for i, v := range vals {
			s.vals[i] = v
		}
	}
	return s
}

// Add adds the item (pos, val) to s and reports whether s changed.
func (s *SSIV[T]) Add(pos int, val T) bool {
	switch {
	case s.state&ssivConflict != 0:
		return false
	case pos < 0 || s.state&ssivSealed != 0 && pos >= s.length:
		s.conflict()
		return true
	}
	if cur, ok := s.vals[pos]; ok {
		if cur == val {
			return false
		}
		s.conflict()
		return true
	}
	if s.vals == nil {
		s.vals = make(map[int]T)
	}
	if len(s.vals) == 0 || pos > s.last {
		s.last = pos
	}
	s.vals[pos] = val
	return true
}

// Seal records that the sequence has the given length and reports whether s
// changed.
func (s *SSIV[T]) Seal(length int) bool {
	switch {
	case s.state&ssivConflict != 0:
		return false
	case s.state&ssivSealed != 0:
		if s.length == length {
			return false
		}
		s.conflict()
		return true
	case length < 0 || len(s.vals) > 0 && s.last >= length:
		s.conflict()
		return true
	}
	s.length = length
	s.state |= ssivSealed
	return true
}

func (s *SSIV[T]) conflict() {
	*s = SSIV[T]{state: ssivConflict}
}

// Get returns the value at position pos, or false if s holds none.
func (s SSIV[T]) Get(pos int) (T, bool) {
	v, ok := s.vals[pos]
	return v, ok
}

// Count returns the number of positions holding a value.
func (s SSIV[T]) Count() int {
	return len(s.vals)
}

// Len returns the seal, or false if s is not sealed or is the conflict.
func (s SSIV[T]) Len() (int, bool) {
	return s.length, s.state == ssivSealed
}

// All returns an iterator over the positions and values of s, in no
// particular order.
func (s SSIV[T]) All() iter.Seq2[int, T] {
	return maps.All(s.vals)
}

// Values returns the sequence in order if s is complete, or false otherwise.
func (s SSIV[T]) Values() ([]T, bool) {
	if !s.Complete() {
		return nil, false
	}
	vals := make([]T, s.length)
	for pos, v := range s.vals {
		vals[pos] = v
	}
	return vals, true
}

// Complete reports whether s is sealed and holds a value at every position
// below the seal.
func (s SSIV[T]) Complete() bool {
	return s.state == ssivSealed && len(s.vals) == s.length
}

// Conflicted reports whether s is the conflict element.
func (s SSIV[T]) Conflicted() bool {
	return s.state&ssivConflict != 0
}

// Merge adds other's items and seal to s and reports whether s changed.
func (s *SSIV[T]) Merge(other SSIV[T]) bool {
	switch {
	case s.state&ssivConflict != 0:
		return false
	case other.state&ssivConflict != 0:
		s.conflict()
		return true
	}
	changed := false
	if other.state&ssivSealed != 0 && s.Seal(other.length) {
		if s.state&ssivConflict != 0 {
			return true
		}
		changed = true
	}
	if s.vals == nil && len(other.vals) > 0 {
		s.vals = make(map[int]T, len(other.vals))
	}
	for pos, v := range other.vals {
		if s.Add(pos, v) {
			if s.state&ssivConflict != 0 {
				return true
			}
			changed = true
		}
	}
	return changed
}

// LessEq reports whether s is bottom, other is the conflict, or other holds
// every item of s and s's seal, if any.
func (s SSIV[T]) LessEq(other SSIV[T]) bool {
	switch {
	case other.state&ssivConflict != 0:
		return true
	case s.state&ssivConflict != 0:
		return false
	case s.state&ssivSealed != 0 && (other.state&ssivSealed == 0 || s.length != other.length):
		return false
	case len(s.vals) > len(other.vals):
		return false
	}
	for pos, v := range s.vals {
		if ov, ok := other.vals[pos]; !ok || ov != v {
			return false
		}
	}
	return true
}

// IsBot reports whether s has neither items nor a seal.
func (s SSIV[T]) IsBot() bool {
	return s.state == 0 && len(s.vals) == 0
}

// IsTop reports whether s is complete or the conflict.
func (s SSIV[T]) IsTop() bool {
	return s.Complete() || s.Conflicted()
}

// Clone returns a copy of s.
func (s SSIV[T]) Clone() SSIV[T] {
	s.vals = maps.Clone(s.vals)
	return s
}

// String formats s as SSIV{pos: val, ...}, followed by /length if sealed, or
// as SSIV(conflict).
func (s SSIV[T]) String() string {
	if s.Conflicted() {
		return "SSIV(conflict)"
	}
	var b strings.Builder
	b.WriteString("SSIV{")
	for i, pos := range slices.Sorted(maps.Keys(s.vals)) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d: %v", pos, s.vals[pos])
	}
	b.WriteString("}")
	if s.state&ssivSealed != 0 {
		fmt.Fprintf(&b, "/%d", s.length)
	}
	return b.String()
}
