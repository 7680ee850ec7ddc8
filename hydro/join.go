package hydro

import (
	"github.com/hydrogo/hydro/internal/ops"
)

// Join is the equi-join of two streams on their keys, declared by
// `hydro:"key"` tags: the key types of L and R must agree field by field.
// For every matching pair it emits merge(l, r), once, in the tick where the
// later of the two arrives. Optional lifetimes (left, right) say whether each
// side's items are kept for later ticks; both default to Tick.
func Join[L, R, O any](left Stream[L], right Stream[R], merge func(L, R) O, lifetime ...Lifetime) Stream[O] {
	pos := callerPos(2)
	f, loc, ok := inputs(ops.Join, pos, left.operand(), right.operand())
	if !ok {
		return poison[O](f)
	}
	lk, ok1 := keyOf[L](f, ops.Join, pos, "left")
	rk, ok2 := keyOf[R](f, ops.Join, pos, "right")
	if !ok1 || !ok2 || !sameKey(f, ops.Join, pos, lk, rk, "left", "right") {
		return poison[O](f)
	}
	return join2[L, R, O](f, pos, loc, left, right, lk.fn, rk.fn, merge, lifetime)
}

// JoinBy is Join with explicit key functions.
func JoinBy[L, R any, K comparable, O any](left Stream[L], right Stream[R], leftKey func(L) K, rightKey func(R) K, merge func(L, R) O, lifetime ...Lifetime) Stream[O] {
	pos := callerPos(2)
	f, loc, ok := inputs(ops.Join, pos, left.operand(), right.operand())
	if !ok {
		return poison[O](f)
	}
	return join2[L, R, O](f, pos, loc, left, right,
		func(x any) any { return leftKey(x.(L)) }, func(x any) any { return rightKey(x.(R)) }, merge, lifetime)
}

func join2[L, R, O any](f *Flow, pos Pos, loc int, left Stream[L], right Stream[R], lk, rk func(any) any, merge func(L, R) O, lt []Lifetime) Stream[O] {
	lts, ok := lifetimes(f, ops.Join, pos, lt)
	if !ok {
		return poison[O](f)
	}
	p := ops.JoinPayload{LeftKey: lk, RightKey: rk, Merge: func(l, r any) any { return merge(l.(L), r.(R)) }}
	return stream[O](f, f.addNode(ops.Join, pos, loc, []operand{left.operand(), right.operand()}, lts, elemType[O](), p), loc)
}

// CrossJoin pairs every item of left with every item of right, emitting
// merge(l, r) once per pair, with Join's lifetimes.
func CrossJoin[L, R, O any](left Stream[L], right Stream[R], merge func(L, R) O, lifetime ...Lifetime) Stream[O] {
	pos := callerPos(2)
	f, loc, ok := inputs(ops.CrossJoin, pos, left.operand(), right.operand())
	if !ok {
		return poison[O](f)
	}
	lts, ok := lifetimes(f, ops.CrossJoin, pos, lifetime)
	if !ok {
		return poison[O](f)
	}
	p := func(l, r any) any { return merge(l.(L), r.(R)) }
	return stream[O](f, f.addNode(ops.CrossJoin, pos, loc, []operand{left.operand(), right.operand()}, lts, elemType[O](), p), loc)
}

// AntiJoin passes the items of pos whose key matches no item of neg in the
// same tick (or, with Static, in any tick so far). Keys come from
// `hydro:"key"` tags and must agree field by field. neg is a blocking input:
// it is complete before any item passes.
func AntiJoin[T, N any](pos Stream[T], neg Stream[N], lifetime ...Lifetime) Stream[T] {
	at := callerPos(2)
	f, loc, ok := inputs(ops.AntiJoin, at, pos.operand(), neg.operand())
	if !ok {
		return poison[T](f)
	}
	pk, ok1 := keyOf[T](f, ops.AntiJoin, at, "positive")
	nk, ok2 := keyOf[N](f, ops.AntiJoin, at, "negative")
	if !ok1 || !ok2 || !sameKey(f, ops.AntiJoin, at, pk, nk, "positive", "negative") {
		return poison[T](f)
	}
	return negate(f, ops.AntiJoin, at, loc, pos, neg.operand(), ops.AntiJoinPayload{PosKey: pk.fn, NegKey: nk.fn}, lifetime)
}

// AntiJoinBy is AntiJoin with explicit key functions.
func AntiJoinBy[T, N any, K comparable](pos Stream[T], neg Stream[N], posKey func(T) K, negKey func(N) K, lifetime ...Lifetime) Stream[T] {
	at := callerPos(2)
	f, loc, ok := inputs(ops.AntiJoin, at, pos.operand(), neg.operand())
	if !ok {
		return poison[T](f)
	}
	p := ops.AntiJoinPayload{
		PosKey: func(x any) any { return posKey(x.(T)) },
		NegKey: func(x any) any { return negKey(x.(N)) },
	}
	return negate(f, ops.AntiJoin, at, loc, pos, neg.operand(), p, lifetime)
}

// Difference passes the items of pos equal to no item of neg in the same tick
// (or, with Static, in any tick so far). neg is a blocking input.
func Difference[T comparable](pos, neg Stream[T], lifetime ...Lifetime) Stream[T] {
	at := callerPos(2)
	f, loc, ok := inputs(ops.Difference, at, pos.operand(), neg.operand())
	if !ok {
		return poison[T](f)
	}
	return negate(f, ops.Difference, at, loc, pos, neg.operand(), nil, lifetime)
}

func negate[T any](f *Flow, spec *ops.Spec, at Pos, loc int, pos Stream[T], neg operand, payload any, lt []Lifetime) Stream[T] {
	lts, ok := lifetimes(f, spec, at, lt)
	if !ok {
		return poison[T](f)
	}
	return stream[T](f, f.addNode(spec, at, loc, []operand{pos.operand(), neg}, lts, elemType[T](), payload), loc)
}
