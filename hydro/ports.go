package hydro

import "sync"

// Input is a port through which the outside world feeds items to a flow. It
// is safe for concurrent use: any goroutine may Push while the node runs. The
// zero Input is invalid; create one with NewInput.
type Input[T any] struct {
	q *inputQueue[T]
}

type inputQueue[T any] struct {
	name  string
	mu    sync.Mutex
	items []T
	ready chan struct{}
}

// NewInput returns an input port called name.
func NewInput[T any](name string) Input[T] {
	return NewInputReady[T](name, make(chan struct{}, 1))
}

// NewInputReady returns an input port called name that signals ready,
// which should have a capacity of 1, whenever items are pushed. Several
// inputs may share one channel, so that a node's loop waits on one channel
// for all of them rather than on one goroutine per input.
func NewInputReady[T any](name string, ready chan struct{}) Input[T] {
	return Input[T]{q: &inputQueue[T]{name: name, ready: ready}}
}

// Name returns the port's name.
func (in Input[T]) Name() string { return in.q.name }

// Valid reports whether the port was made by NewInput.
func (in Input[T]) Valid() bool { return in.q != nil }

// Push queues items for the next tick of the node reading the port.
func (in Input[T]) Push(items ...T) {
	in.q.mu.Lock()
	in.q.items = append(in.q.items, items...)
	in.q.mu.Unlock()
	select {
	case in.q.ready <- struct{}{}:
	default:
	}
}

// Ready receives a value when items may be waiting (in this input or, for a
// shared channel, in another).
func (in Input[T]) Ready() <-chan struct{} { return in.q.ready }

// Len returns the number of queued items.
func (in Input[T]) Len() int {
	in.q.mu.Lock()
	defer in.q.mu.Unlock()
	return len(in.q.items)
}

// TakeInto appends every queued item to dst, empties the queue and returns
// the extended slice. Generated nodes call it once per tick with a reused
// buffer, so it allocates nothing in steady state.
func (in Input[T]) TakeInto(dst []T) []T {
	in.q.mu.Lock()
	dst = append(dst, in.q.items...)
	clear(in.q.items)
	in.q.items = in.q.items[:0]
	in.q.mu.Unlock()
	return dst
}

// Output is a port through which a flow delivers items to the outside world.
// It either buffers items until the consumer takes them (NewOutput) or hands
// each to a function on the node's goroutine (NewOutputFunc). The zero Output
// is invalid.
type Output[T any] struct {
	q *outputQueue[T]
}

type outputQueue[T any] struct {
	name  string
	fn    func(T)
	mu    sync.Mutex
	items []T
	ready chan struct{}
}

// NewOutput returns a buffering output port called name.
func NewOutput[T any](name string) Output[T] {
	return Output[T]{q: &outputQueue[T]{name: name, ready: make(chan struct{}, 1)}}
}

// NewOutputFunc returns an output port that calls fn for every item, on the
// goroutine running the node, in emission order.
func NewOutputFunc[T any](name string, fn func(T)) Output[T] {
	return Output[T]{q: &outputQueue[T]{name: name, fn: fn, ready: make(chan struct{}, 1)}}
}

// Name returns the port's name.
func (out Output[T]) Name() string { return out.q.name }

// Valid reports whether the port was made by NewOutput or NewOutputFunc.
func (out Output[T]) Valid() bool { return out.q != nil }

// PutAll delivers a tick's items. Generated nodes call it once per tick per
// port; the slice is not retained.
func (out Output[T]) PutAll(items []T) {
	if len(items) == 0 {
		return
	}
	if out.q.fn != nil {
		for _, x := range items {
			out.q.fn(x)
		}
		return
	}
	out.q.mu.Lock()
	out.q.items = append(out.q.items, items...)
	out.q.mu.Unlock()
	select {
	case out.q.ready <- struct{}{}:
	default:
	}
}

// Ready receives a value when items may be waiting to be taken.
func (out Output[T]) Ready() <-chan struct{} { return out.q.ready }

// Take returns and removes every buffered item, in emission order.
func (out Output[T]) Take() []T {
	out.q.mu.Lock()
	defer out.q.mu.Unlock()
	items := out.q.items
	out.q.items = nil
	return items
}
