package lattices

import "fmt"

// LWW is a last-writer-wins register: a DomPair of a Max timestamp and a
// Conflict value. Merging keeps the write with the later timestamp. Its zero
// value, never written, is bottom.
//
// Timestamps are uint64 values chosen by the writers, which should make them
// unique per write, for example by packing a clock reading in the high bits
// and the writer's node number in the low bits. Two different values written
// with the same timestamp are a conflict: Get reports no value until a write
// with a later timestamp replaces it.
type LWW[T comparable] struct {
	p DomPair[Max[uint64], Conflict[T], *Max[uint64], *Conflict[T]]
}

// NewLWW returns the register holding v written at timestamp ts.
func NewLWW[T comparable](ts uint64, v T) LWW[T] {
	return LWW[T]{p: NewDomPair[Max[uint64], Conflict[T], *Max[uint64], *Conflict[T]](NewMax(ts), NewConflict(v))}
}

// Set writes v at timestamp ts, unless r holds a later write, and reports
// whether r changed.
func (r *LWW[T]) Set(ts uint64, v T) bool {
	return r.Merge(NewLWW(ts, v))
}

// Get returns the value of the latest write, or false if r was never written
// or its latest timestamp holds conflicting values.
func (r LWW[T]) Get() (T, bool) {
	return r.p.Val.Value()
}

// Timestamp returns the timestamp of the latest write, or false if r was
// never written.
func (r LWW[T]) Timestamp() (uint64, bool) {
	return r.p.Key.Value()
}

// Conflicted reports whether the latest timestamp holds conflicting values.
func (r LWW[T]) Conflicted() bool {
	return r.p.Val.IsTop()
}

// Merge keeps the later of r's and other's writes, or records a conflict if
// they share a timestamp but not a value, and reports whether r changed.
func (r *LWW[T]) Merge(other LWW[T]) bool {
	return r.p.Merge(other.p)
}

// LessEq reports whether r's timestamp is earlier than other's, or the same
// with the same value, or other's latest timestamp holds a conflict.
func (r LWW[T]) LessEq(other LWW[T]) bool {
	switch {
	case !r.p.Key.LessEq(other.p.Key):
		return false
	case !other.p.Key.LessEq(r.p.Key):
		return true
	}
	return r.p.Val.LessEq(other.p.Val)
}

// IsBot reports whether r was never written.
func (r LWW[T]) IsBot() bool {
	return r.p.Key.IsBot() && r.p.Val.IsBot()
}

// Clone returns a copy of r.
func (r LWW[T]) Clone() LWW[T] {
	return r
}

// String formats r as LWW(ts: v), LWW(ts: conflict) or LWW(⊥).
func (r LWW[T]) String() string {
	ts, ok := r.Timestamp()
	if !ok {
		return "LWW(⊥)"
	}
	if r.Conflicted() {
		return fmt.Sprintf("LWW(%d: conflict)", ts)
	}
	v, _ := r.Get()
	return fmt.Sprintf("LWW(%d: %v)", ts, v)
}
