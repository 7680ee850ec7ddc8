package lattices

import "fmt"

// WithBot adds a new bottom element below the lattice L, like an optional
// value: a WithBot holding L's bottom is above WithBot's bottom. Its zero
// value is the new bottom.
type WithBot[L any, PL Lattice[L]] struct {
	v  L // L's bottom unless ok
	ok bool
}

// NewWithBot returns the WithBot holding v, which is not bottom even if v is
// L's bottom. The result takes ownership of v.
func NewWithBot[L any, PL Lattice[L]](v L) WithBot[L, PL] {
	return WithBot[L, PL]{v: v, ok: true}
}

// Value returns the value held by w, or false if w is bottom. The result
// shares storage with w: Clone it before merging into it.
func (w WithBot[L, PL]) Value() (L, bool) {
	return w.v, w.ok
}

// Merge merges other into w and reports whether w changed.
func (w *WithBot[L, PL]) Merge(other WithBot[L, PL]) bool {
	if !other.ok {
		return false
	}
	if !w.ok {
		// w.v is L's bottom, so merging copies other.v.
		PL(&w.v).Merge(other.v)
		w.ok = true
		return true
	}
	return PL(&w.v).Merge(other.v)
}

// LessEq reports whether w is bottom, or both w and other hold values and
// w's is ≤ other's.
func (w *WithBot[L, PL]) LessEq(other WithBot[L, PL]) bool {
	if !w.ok {
		return true
	}
	return other.ok && PL(&w.v).LessEq(other.v)
}

// IsBot reports whether w is bottom, holding no value.
func (w *WithBot[L, PL]) IsBot() bool {
	return !w.ok
}

// IsTop reports whether w holds a value that is top in L. It is always false
// when L has no IsTop method.
func (w *WithBot[L, PL]) IsTop() bool {
	return w.ok && isTop(PL(&w.v))
}

// Clone returns a deep copy of w.
func (w *WithBot[L, PL]) Clone() WithBot[L, PL] {
	return WithBot[L, PL]{v: PL(&w.v).Clone(), ok: w.ok}
}

// String formats w as WithBot(v), or WithBot(⊥) for bottom.
func (w WithBot[L, PL]) String() string {
	if !w.ok {
		return "WithBot(⊥)"
	}
	return fmt.Sprintf("WithBot(%v)", w.v)
}
