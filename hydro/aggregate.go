package hydro

import (
	"reflect"

	"github.com/hydrogo/hydro/internal/check"
	"github.com/hydrogo/hydro/internal/ops"
)

// Fold aggregates the input into an accumulator: init makes it, add folds one
// item in place. It emits the accumulator once per tick after the tick's
// input is complete. With Tick (the default) it restarts every tick; with
// Static it accumulates over all ticks.
func Fold[T, A any](s Stream[T], init func() A, add func(acc *A, item T), lifetime ...Lifetime) Stream[A] {
	pos := callerPos(2)
	p := ops.FoldPayload{
		Init: func() any { return init() },
		Add: func(acc, x any) any {
			a := acc.(A)
			add(&a, x.(T))
			return a
		},
	}
	return unaryLT[T, A](ops.Fold, pos, s, lifetime, p)
}

// Reduce combines the input items in place with combine and emits the result
// once per tick after the input is complete, if any item arrived within the
// lifetime (Tick by default, or Static).
func Reduce[T any](s Stream[T], combine func(acc *T, item T), lifetime ...Lifetime) Stream[T] {
	pos := callerPos(2)
	return unaryLT[T, T](ops.Reduce, pos, s, lifetime, combiner(combine))
}

func combiner[T any](combine func(*T, T)) func(acc, x any) any {
	return func(acc, x any) any {
		a := acc.(T)
		combine(&a, x.(T))
		return a
	}
}

// FoldKeyed groups the input by its key (declared by `hydro:"key"` tags on T)
// and folds each group: init builds a group's accumulator from its first item
// and add folds every item of the group, the first included, in place. Once
// per tick, after the input is complete, it emits the accumulator of every
// group it holds in order of first appearance: this tick's groups with Tick
// (the default), all groups with Static.
func FoldKeyed[T, A any](s Stream[T], init func(first T) A, add func(acc *A, item T), lifetime ...Lifetime) Stream[A] {
	pos := callerPos(2)
	f, _, ok := inputs(ops.FoldKeyed, pos, s.operand())
	if !ok {
		return poison[A](f)
	}
	k, ok := keyOf[T](f, ops.FoldKeyed, pos, "input")
	if !ok {
		return poison[A](f)
	}
	return unaryLT[T, A](ops.FoldKeyed, pos, s, lifetime, foldKeyedPayload(k.fn, init, add))
}

// FoldKeyedBy is FoldKeyed with an explicit key function.
func FoldKeyedBy[T any, K comparable, A any](s Stream[T], key func(T) K, init func(first T) A, add func(acc *A, item T), lifetime ...Lifetime) Stream[A] {
	pos := callerPos(2)
	return unaryLT[T, A](ops.FoldKeyed, pos, s, lifetime, foldKeyedPayload(func(x any) any { return key(x.(T)) }, init, add))
}

func foldKeyedPayload[T, A any](key func(any) any, init func(T) A, add func(*A, T)) ops.FoldKeyedPayload {
	return ops.FoldKeyedPayload{
		Key:  key,
		Init: func(x any) any { return init(x.(T)) },
		Add: func(acc, x any) any {
			a := acc.(A)
			add(&a, x.(T))
			return a
		},
	}
}

// ReduceKeyed groups the input by its key (from `hydro:"key"` tags) and
// combines each group's items in place; it emits like FoldKeyed.
func ReduceKeyed[T any](s Stream[T], combine func(acc *T, item T), lifetime ...Lifetime) Stream[T] {
	pos := callerPos(2)
	f, _, ok := inputs(ops.ReduceKeyed, pos, s.operand())
	if !ok {
		return poison[T](f)
	}
	k, ok := keyOf[T](f, ops.ReduceKeyed, pos, "input")
	if !ok {
		return poison[T](f)
	}
	return unaryLT[T, T](ops.ReduceKeyed, pos, s, lifetime, ops.ReduceKeyedPayload{Key: k.fn, Combine: combiner(combine)})
}

// ReduceKeyedBy is ReduceKeyed with an explicit key function.
func ReduceKeyedBy[T any, K comparable](s Stream[T], key func(T) K, combine func(acc *T, item T), lifetime ...Lifetime) Stream[T] {
	pos := callerPos(2)
	p := ops.ReduceKeyedPayload{Key: func(x any) any { return key(x.(T)) }, Combine: combiner(combine)}
	return unaryLT[T, T](ops.ReduceKeyed, pos, s, lifetime, p)
}

// Merger is the constraint of lattice types: *L merges another L in place and
// reports whether it changed. Every type of package lattices satisfies it.
type Merger[L any] interface {
	*L
	Merge(other L) bool
}

// LatticeFold merges every item into one lattice value, starting from the
// zero value (bottom), and emits it once per tick after the input is
// complete. The result is independent of the order, batching and duplication
// of the input. Its state is Static by default; Durable logs every item that
// changed it, and its value whole in a snapshot.
func LatticeFold[L any, PL Merger[L]](s Stream[L], lifetime ...Lifetime) Stream[L] {
	pos := callerPos(2)
	p := ops.LatticeFoldPayload{
		Bot: func() any { var l L; return l },
		Merge: func(acc, x any) (any, bool) {
			a := acc.(L)
			changed := PL(&a).Merge(x.(L))
			return a, changed
		},
	}
	return unaryLT[L, L](ops.LatticeFold, pos, s, lifetime, p)
}

// MergeKeyed keeps one element per key of T (from `hydro:"key"` tags),
// merging the `hydro:"lattice"` fields of elements that share a key. Every
// other field must be determined by the key (a key field, or reached from one
// by `fd=` dependencies), so no information is lost. Its state is Static by
// default; Durable logs every item that started or changed a group, and
// every group's accumulator in a snapshot. It emits like FoldKeyed.
func MergeKeyed[T any](s Stream[T], lifetime ...Lifetime) Stream[T] {
	pos := callerPos(2)
	f, _, ok := inputs(ops.MergeKeyed, pos, s.operand())
	if !ok {
		return poison[T](f)
	}
	k, ok := keyOf[T](f, ops.MergeKeyed, pos, "input")
	if !ok {
		return poison[T](f)
	}
	sc := k.schema
	if err := check.Mergeable(ops.MergeKeyed, sc); err != nil {
		f.errorf(pos, "%v", err)
		return poison[T](f)
	}
	t := reflect.TypeFor[T]()
	p := ops.MergeKeyedPayload{Key: k.fn, Init: bottomFunc(t, paths(sc, sc.Lattice)), Merge: mergeFunc(t, paths(sc, sc.Lattice))}
	return unaryLT[T, T](ops.MergeKeyed, pos, s, lifetime, p)
}

// KV is a key-value pair; its Key is its key for keyed operators.
type KV[K comparable, V any] struct {
	Key   K `hydro:"key"`
	Value V
}
