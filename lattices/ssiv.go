package lattices

import (
	"cmp"
	"fmt"
	"iter"
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
//
// Items are kept in one slice in order of position. A copy of an SSIV shares
// them, as a copy of a map would: Clone before changing a copy that another
// holder keeps.
type SSIV[T comparable] struct {
	items  []ssivItem[T] // by position, each position once
	length int           // the seal, if sealed
	state  ssivState
}

// ssivItem is one value of an SSIV at its position.
type ssivItem[T any] struct {
	pos int
	val T
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
		s.items = make([]ssivItem[T], len(vals))
		for i, v := range vals {
			s.items[i] = ssivItem[T]{i, v}
		}
	}
	return s
}

// find returns the index in s.items of position pos, or where it would go,
// and whether it is there.
func (s *SSIV[T]) find(pos int) (int, bool) {
	if n := len(s.items); n == 0 || s.items[n-1].pos < pos {
		return n, false // the common case: positions arrive in order
	}
	i, ok := slices.BinarySearchFunc(s.items, pos, func(it ssivItem[T], p int) int { return cmp.Compare(it.pos, p) })
	return i, ok
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
	i, ok := s.find(pos)
	if ok {
		if s.items[i].val == val {
			return false
		}
		s.conflict()
		return true
	}
	if i == len(s.items) {
		s.items = append(s.items, ssivItem[T]{pos, val})
		return true
	}
	// An item before others: build a new slice rather than shift the
	// shared one, so that a copy of s sharing its items keeps its own.
	items := make([]ssivItem[T], 0, len(s.items)+1)
	items = append(append(append(items, s.items[:i]...), ssivItem[T]{pos, val}), s.items[i:]...)
	s.items = items
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
	case length < 0 || len(s.items) > 0 && s.items[len(s.items)-1].pos >= length:
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
	if i, ok := s.find(pos); ok {
		return s.items[i].val, true
	}
	var zero T
	return zero, false
}

// Count returns the number of positions holding a value.
func (s SSIV[T]) Count() int {
	return len(s.items)
}

// Len returns the seal, or false if s is not sealed or is the conflict.
func (s SSIV[T]) Len() (int, bool) {
	return s.length, s.state == ssivSealed
}

// All returns an iterator over the positions and values of s, in order of
// position.
func (s SSIV[T]) All() iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		for _, it := range s.items {
			if !yield(it.pos, it.val) {
				return
			}
		}
	}
}

// Values returns the sequence in order if s is complete, or false otherwise.
func (s SSIV[T]) Values() ([]T, bool) {
	if !s.Complete() {
		return nil, false
	}
	vals := make([]T, s.length)
	for i, it := range s.items {
		vals[i] = it.val // complete: positions 0..length-1, in order
	}
	return vals, true
}

// Complete reports whether s is sealed and holds a value at every position
// below the seal.
func (s SSIV[T]) Complete() bool {
	return s.state == ssivSealed && len(s.items) == s.length
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
	if len(other.items) == 0 {
		return changed
	}
	if s.state&ssivSealed != 0 && other.items[len(other.items)-1].pos >= s.length {
		s.conflict()
		return true
	}
	// Both lists are in order of position: walk them together into a new
	// list (or append, when all of other's items come after s's).
	if n := len(s.items); n == 0 || s.items[n-1].pos < other.items[0].pos {
		s.items = append(s.items, other.items...)
		return true
	}
	// A first walk finds conflicts and whether other adds anything, so
	// that merging what s already holds allocates nothing.
	added, i := 0, 0
	for _, b := range other.items {
		for i < len(s.items) && s.items[i].pos < b.pos {
			i++
		}
		switch {
		case i == len(s.items) || s.items[i].pos != b.pos:
			added++
		case s.items[i].val != b.val:
			s.conflict()
			return true
		}
	}
	if added == 0 {
		return changed
	}
	merged := make([]ssivItem[T], 0, len(s.items)+added)
	i, j := 0, 0
	for i < len(s.items) && j < len(other.items) {
		a, b := s.items[i], other.items[j]
		switch {
		case a.pos < b.pos:
			merged = append(merged, a)
			i++
		case b.pos < a.pos:
			merged = append(merged, b)
			j++
		default:
			merged = append(merged, a)
			i, j = i+1, j+1
		}
	}
	s.items = append(append(merged, s.items[i:]...), other.items[j:]...)
	return true
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
	case len(s.items) > len(other.items):
		return false
	}
	j := 0
	for _, it := range s.items {
		for j < len(other.items) && other.items[j].pos < it.pos {
			j++
		}
		if j == len(other.items) || other.items[j].pos != it.pos || other.items[j].val != it.val {
			return false
		}
	}
	return true
}

// IsBot reports whether s has neither items nor a seal.
func (s SSIV[T]) IsBot() bool {
	return s.state == 0 && len(s.items) == 0
}

// IsTop reports whether s is complete or the conflict.
func (s SSIV[T]) IsTop() bool {
	return s.Complete() || s.Conflicted()
}

// Clone returns a copy of s.
func (s SSIV[T]) Clone() SSIV[T] {
	s.items = slices.Clone(s.items)
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
	for i, it := range s.items {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d: %v", it.pos, it.val)
	}
	b.WriteString("}")
	if s.state&ssivSealed != 0 {
		fmt.Fprintf(&b, "/%d", s.length)
	}
	return b.String()
}
