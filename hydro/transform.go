package hydro

import (
	"cmp"

	"github.com/hydrogo/hydro/internal/ops"
)

// Map applies f to every item.
func Map[T, U any](s Stream[T], f func(T) U) Stream[U] {
	pos := callerPos(2)
	return unary[T, U](ops.Map, pos, s, func(x any) any { return f(x.(T)) })
}

// Filter keeps the items for which keep returns true.
func Filter[T any](s Stream[T], keep func(T) bool) Stream[T] {
	pos := callerPos(2)
	return unary[T, T](ops.Filter, pos, s, func(x any) bool { return keep(x.(T)) })
}

// FilterMap applies f to every item and keeps the results it reports ok.
func FilterMap[T, U any](s Stream[T], f func(T) (U, bool)) Stream[U] {
	pos := callerPos(2)
	return unary[T, U](ops.FilterMap, pos, s, func(x any) (any, bool) { return f(x.(T)) })
}

// FlatMap calls f on every item; f passes each output item to emit.
func FlatMap[T, U any](s Stream[T], f func(item T, emit func(U))) Stream[U] {
	pos := callerPos(2)
	return unary[T, U](ops.FlatMap, pos, s, func(x any, emit func(any)) {
		f(x.(T), func(u U) { emit(u) })
	})
}

// Inspect calls f on every item and passes the items on unchanged.
func Inspect[T any](s Stream[T], f func(T)) Stream[T] {
	pos := callerPos(2)
	return unary[T, T](ops.Inspect, pos, s, func(x any) { f(x.(T)) })
}

// Union merges streams of one type at one location. Each input keeps its own
// order; how the inputs interleave within a tick is unspecified.
func Union[T any](first Stream[T], rest ...Stream[T]) Stream[T] {
	pos := callerPos(2)
	in := []operand{first.operand()}
	for _, s := range rest {
		in = append(in, s.operand())
	}
	f, loc, ok := inputs(ops.Union, pos, in...)
	if !ok {
		return poison[T](f)
	}
	return stream[T](f, f.addNode(ops.Union, pos, loc, in, nil, elemType[T](), nil), loc)
}

// Unique drops items equal to one seen before: within the tick by default, or
// ever with Static.
func Unique[T comparable](s Stream[T], lifetime ...Lifetime) Stream[T] {
	pos := callerPos(2)
	return unaryLT[T, T](ops.Unique, pos, s, lifetime, nil)
}

// Persist emits, every tick, all items it has ever received.
func Persist[T any](s Stream[T]) Stream[T] {
	pos := callerPos(2)
	return unary[T, T](ops.Persist, pos, s, nil)
}

// DeferTick delays every item to the next tick.
func DeferTick[T any](s Stream[T]) Stream[T] {
	pos := callerPos(2)
	return unary[T, T](ops.DeferTick, pos, s, nil)
}

// DeferTickLazy delays every item to the next tick, like DeferTick, but
// does not start that tick: the items wait until input, a message or a
// timer does. Use it to carry state across ticks (a cycle through it that
// a negation trims releases what is done) without keeping the node busy.
func DeferTickLazy[T any](s Stream[T]) Stream[T] {
	pos := callerPos(2)
	return unary[T, T](ops.DeferTickLazy, pos, s, nil)
}

// Sort emits each tick's items, once the tick's input is complete, ordered by
// compare (negative when a sorts before b); equal items keep their order.
func Sort[T any](s Stream[T], compare func(a, b T) int) Stream[T] {
	pos := callerPos(2)
	return unary[T, T](ops.Sort, pos, s, func(a, b any) int { return compare(a.(T), b.(T)) })
}

// SortOrdered is Sort by the natural order of an ordered type.
func SortOrdered[T cmp.Ordered](s Stream[T]) Stream[T] {
	pos := callerPos(2)
	return unary[T, T](ops.Sort, pos, s, func(a, b any) int { return cmp.Compare(a.(T), b.(T)) })
}

// Indexed is an item with its position in a stream.
type Indexed[T any] struct {
	Index int
	Value T
}

// Enumerate pairs every item with its position, counted within the tick by
// default or since the start with Static.
func Enumerate[T any](s Stream[T], lifetime ...Lifetime) Stream[Indexed[T]] {
	pos := callerPos(2)
	return unaryLT[T, Indexed[T]](ops.Enumerate, pos, s, lifetime, func(i int, x any) any {
		return Indexed[T]{Index: i, Value: x.(T)}
	})
}

// EnumerateKeyed pairs every item with its position among the items with
// its key (its hydro:"key" fields), counted within the tick by default or
// since the start with Static.
func EnumerateKeyed[T any](s Stream[T], lifetime ...Lifetime) Stream[Indexed[T]] {
	pos := callerPos(2)
	f, _, ok := inputs(ops.EnumerateKeyed, pos, s.operand())
	if !ok {
		return poison[Indexed[T]](f)
	}
	k, ok := keyOf[T](f, ops.EnumerateKeyed, pos, "input")
	if !ok {
		return poison[Indexed[T]](f)
	}
	return unaryLT[T, Indexed[T]](ops.EnumerateKeyed, pos, s, lifetime, ops.EnumerateKeyedPayload{
		Key:  k.fn,
		Pair: func(i int, x any) any { return Indexed[T]{Index: i, Value: x.(T)} },
	})
}

// Sink delivers every item to out.
func Sink[T any](s Stream[T], out Output[T]) {
	pos := callerPos(2)
	f, loc, ok := inputs(ops.Sink, pos, s.operand())
	if !ok {
		return
	}
	if !out.Valid() {
		f.errorf(pos, "hydro.Sink: the output is the zero hydro.Output; create it with hydro.NewOutput")
		return
	}
	var buf [1]T
	node := f.addNode(ops.Sink, pos, loc, []operand{s.operand()}, nil, elemType[T](), func(x any) {
		buf[0] = x.(T)
		out.PutAll(buf[:])
	})
	f.g.Nodes[node].Port = f.port(out.q, out.Name(), true)
}

// ForEach calls f on every item, on the node's goroutine.
func ForEach[T any](s Stream[T], f func(T)) {
	pos := callerPos(2)
	flow, loc, ok := inputs(ops.ForEach, pos, s.operand())
	if !ok {
		return
	}
	flow.addNode(ops.ForEach, pos, loc, []operand{s.operand()}, nil, elemType[T](), func(x any) { f(x.(T)) })
}
