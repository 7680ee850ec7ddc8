package lattices

import (
	"fmt"
	"iter"
	"maps"
)

// SetUnion is the lattice of finite sets ordered by inclusion and merged by
// union. Its zero value is the empty set, which is bottom.
//
// T's equality must be reflexive: a floating-point NaN is not equal to
// itself, so a set holding NaN does not obey the lattice laws.
type SetUnion[T comparable] struct {
	m map[T]struct{}
}

// NewSetUnion returns the set of items.
func NewSetUnion[T comparable](items ...T) SetUnion[T] {
	var s SetUnion[T]
	for _, v := range items {
		s.Insert(v)
	}
	return s
}

// Insert adds v to s and reports whether s changed.
func (s *SetUnion[T]) Insert(v T) bool {
	if _, ok := s.m[v]; ok {
		return false
	}
	if s.m == nil {
		s.m = make(map[T]struct{})
	}
	s.m[v] = struct{}{}
	return true
}

// Contains reports whether v is in s.
func (s SetUnion[T]) Contains(v T) bool {
	_, ok := s.m[v]
	return ok
}

// Len returns the number of elements in s.
func (s SetUnion[T]) Len() int {
	return len(s.m)
}

// All returns an iterator over the elements of s, in no particular order.
func (s SetUnion[T]) All() iter.Seq[T] {
	return maps.Keys(s.m)
}

// Merge adds the elements of other to s and reports whether s changed.
func (s *SetUnion[T]) Merge(other SetUnion[T]) bool {
	changed := false
	for v := range other.m {
		if _, ok := s.m[v]; ok {
			continue
		}
		if s.m == nil {
			s.m = make(map[T]struct{}, len(other.m))
		}
		s.m[v] = struct{}{}
		changed = true
	}
	return changed
}

// LessEq reports whether s is a subset of other.
func (s SetUnion[T]) LessEq(other SetUnion[T]) bool {
	if len(s.m) > len(other.m) {
		return false
	}
	for v := range s.m {
		if _, ok := other.m[v]; !ok {
			return false
		}
	}
	return true
}

// IsBot reports whether s is empty.
func (s SetUnion[T]) IsBot() bool {
	return len(s.m) == 0
}

// Clone returns a copy of s.
func (s SetUnion[T]) Clone() SetUnion[T] {
	return SetUnion[T]{m: maps.Clone(s.m)}
}

// String formats s as SetUnion{a, b, ...}, its elements sorted by their
// formatted text.
func (s SetUnion[T]) String() string {
	return formatSet("SetUnion{", "}", func(yield func(string)) {
		for v := range s.m {
			yield(fmt.Sprint(v))
		}
	})
}
