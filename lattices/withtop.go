package lattices

import "fmt"

// WithTop adds a new top element above the lattice L: merging the top into
// any value gives the top, and nothing changes it afterwards. Its zero value
// is L's bottom.
type WithTop[L any, PL Lattice[L]] struct {
	v   L // L's bottom if top
	top bool
}

// NewWithTop returns the WithTop holding v. The result takes ownership of v.
func NewWithTop[L any, PL Lattice[L]](v L) WithTop[L, PL] {
	return WithTop[L, PL]{v: v}
}

// NewTop returns the top element of WithTop[L, PL].
func NewTop[L any, PL Lattice[L]]() WithTop[L, PL] {
	return WithTop[L, PL]{top: true}
}

// Value returns the value held by w, or false if w is top. The result shares
// storage with w: Clone it before merging into it.
func (w WithTop[L, PL]) Value() (L, bool) {
	return w.v, !w.top
}

// Merge merges other into w and reports whether w changed.
func (w *WithTop[L, PL]) Merge(other WithTop[L, PL]) bool {
	switch {
	case w.top:
		return false
	case other.top:
		*w = WithTop[L, PL]{top: true}
		return true
	}
	return PL(&w.v).Merge(other.v)
}

// LessEq reports whether other is top, or neither is and w's value is ≤
// other's.
func (w *WithTop[L, PL]) LessEq(other WithTop[L, PL]) bool {
	switch {
	case other.top:
		return true
	case w.top:
		return false
	}
	return PL(&w.v).LessEq(other.v)
}

// IsBot reports whether w holds L's bottom.
func (w *WithTop[L, PL]) IsBot() bool {
	return !w.top && PL(&w.v).IsBot()
}

// IsTop reports whether w is the top element.
func (w *WithTop[L, PL]) IsTop() bool {
	return w.top
}

// Clone returns a deep copy of w.
func (w *WithTop[L, PL]) Clone() WithTop[L, PL] {
	return WithTop[L, PL]{v: PL(&w.v).Clone(), top: w.top}
}

// String formats w as WithTop(v), or WithTop(⊤) for top.
func (w WithTop[L, PL]) String() string {
	if w.top {
		return "WithTop(⊤)"
	}
	return fmt.Sprintf("WithTop(%v)", w.v)
}
