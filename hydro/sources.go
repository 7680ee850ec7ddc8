package hydro

import (
	"time"

	"github.com/hydrogo/hydro/internal/ops"
)

// Iter emits the items of a slice once, in the node's first tick. The slice
// is read when the flow is built.
func Iter[T any](loc Location, items []T) Stream[T] {
	pos := callerPos(2)
	f, id, ok := locationOf(ops.Iter, pos, loc)
	if !ok {
		return poison[T](f)
	}
	erased := make([]any, len(items))
	for i, x := range items {
		erased[i] = x
	}
	return stream[T](f, f.addNode(ops.Iter, pos, id, nil, nil, elemType[T](), erased), id)
}

// Source emits, every tick, the items pushed into in since the previous tick,
// in push order.
func Source[T any](loc Location, in Input[T]) Stream[T] {
	pos := callerPos(2)
	f, id, ok := locationOf(ops.Source, pos, loc)
	if !ok {
		return poison[T](f)
	}
	if !in.Valid() {
		f.errorf(pos, "hydro.Source: the input is the zero hydro.Input; create it with hydro.NewInput")
		return poison[T](f)
	}
	var buf []T
	drain := ops.SourcePayload{
		Drain: func(emit func(any)) {
			buf = in.TakeInto(buf[:0])
			for _, x := range buf {
				emit(x)
			}
		},
		Pending: func() bool { return in.Len() > 0 },
	}
	node := f.addNode(ops.Source, pos, id, nil, nil, elemType[T](), drain)
	f.g.Nodes[node].Port = f.port(in.q, in.Name(), false)
	return stream[T](f, node, id)
}

// Timer emits the node's clock reading in its first tick and then in the
// first tick at or after every period since the last emission. A running node
// schedules a tick when a timer is due.
func Timer(loc Location, period time.Duration) Stream[time.Time] {
	pos := callerPos(2)
	f, id, ok := locationOf(ops.Timer, pos, loc)
	if !ok {
		return poison[time.Time](f)
	}
	node := f.addNode(ops.Timer, pos, id, nil, nil, elemType[time.Time](), period)
	f.g.Nodes[node].Period = &period
	return stream[time.Time](f, node, id)
}

// cycleState is a forward reference awaiting completion.
type cycleState struct {
	node int
	pos  Pos
	done bool
}

// Cycle declares a stream at loc whose producer is given later, closing a
// cycle: it returns the stream and the function that completes it. Every
// cycle must be completed exactly once, with a stream at the same location.
// A cycle that passes a blocking input (an aggregation, a negation, a sort)
// must pass through DeferTick, which moves its items to the next tick;
// otherwise the cycle runs to a fixpoint within the tick.
func Cycle[T any](loc Location) (Stream[T], func(Stream[T])) {
	pos := callerPos(2)
	f, id, ok := locationOf(ops.Cycle, pos, loc)
	if !ok {
		return poison[T](f), func(Stream[T]) {}
	}
	node := f.addNode(ops.Cycle, pos, id, nil, nil, elemType[T](), nil)
	c := &cycleState{node: node, pos: pos}
	f.cycles = append(f.cycles, c)
	complete := func(s Stream[T]) {
		cpos := callerPos(2)
		if c.done {
			f.errorf(cpos, "hydro.Cycle: the cycle declared at %s is already completed", pos)
			return
		}
		c.done = true
		o := s.operand()
		switch {
		case o.f == nil:
			f.errorf(cpos, "hydro.Cycle: completed with the zero hydro.Stream")
		case o.f != f:
			f.errorf(cpos, "hydro.Cycle: completed with a stream of flow %q, not %q; a stream can only be used in the flow that made it", o.f.g.Name, f.g.Name)
		case o.poisoned():
		case o.loc != id:
			f.errorf(cpos, "hydro.Cycle: declared at %q but completed with a stream at %q", f.g.Locations[id].Name, f.g.Locations[o.loc].Name)
		default:
			f.g.Nodes[node].Inputs = []int{o.node}
		}
	}
	return stream[T](f, node, id), complete
}

// checkCycles reports cycles that were never completed.
func (f *Flow) checkCycles() {
	for _, c := range f.cycles {
		if !c.done {
			c.done = true
			f.errorf(c.pos, "hydro.Cycle: the cycle is never completed; call the function Cycle returned with the stream that feeds it")
		}
	}
}
