package lattices

import "fmt"

// Conflict is the lattice of a single value that may not change: its elements
// are bottom, each value of T, and a top that records a conflict. Merging two
// different values gives the top. Its zero value is bottom.
//
// T's equality must be reflexive: a floating-point NaN conflicts with itself.
type Conflict[T comparable] struct {
	v     T
	state conflictState
}

type conflictState uint8

const (
	conflictBot conflictState = iota
	conflictValue
	conflictTop
)

// NewConflict returns the Conflict holding v.
func NewConflict[T comparable](v T) Conflict[T] {
	return Conflict[T]{v: v, state: conflictValue}
}

// Value returns the value held by c, or false if c is bottom or top.
func (c Conflict[T]) Value() (T, bool) {
	return c.v, c.state == conflictValue
}

// Merge merges other into c and reports whether c changed.
func (c *Conflict[T]) Merge(other Conflict[T]) bool {
	switch {
	case other.state == conflictBot || c.state == conflictTop:
		return false
	case c.state == conflictBot:
		*c = other
		return true
	case other.state == conflictValue && other.v == c.v:
		return false
	}
	*c = Conflict[T]{state: conflictTop}
	return true
}

// LessEq reports whether c is bottom, other is top, or both hold the same
// value.
func (c Conflict[T]) LessEq(other Conflict[T]) bool {
	switch {
	case c.state == conflictBot || other.state == conflictTop:
		return true
	case c.state == conflictTop || other.state == conflictBot:
		return false
	}
	return c.v == other.v
}

// IsBot reports whether c holds no value.
func (c Conflict[T]) IsBot() bool {
	return c.state == conflictBot
}

// IsTop reports whether c records a conflict.
func (c Conflict[T]) IsTop() bool {
	return c.state == conflictTop
}

// Clone returns a copy of c.
func (c Conflict[T]) Clone() Conflict[T] {
	return c
}

// String formats c as Conflict(v), Conflict(⊥) for bottom or Conflict(⊤) for
// top.
func (c Conflict[T]) String() string {
	switch c.state {
	case conflictBot:
		return "Conflict(⊥)"
	case conflictTop:
		return "Conflict(⊤)"
	}
	return fmt.Sprintf("Conflict(%v)", c.v)
}
