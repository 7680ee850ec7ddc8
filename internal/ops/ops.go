// Package ops is the operator registry: the single place where every operator
// declares its properties (arity, blocking inputs, state lifetimes,
// monotonicity, order sensitivity) and its reference behaviour. The hydro
// interpreter runs the behaviour; the compiler's scheduler reads the
// properties. Each operator lives in a file of its own.
//
// Interpreter behaviour works on erased values (any): the typed API in package
// hydro wraps user functions into the payload types declared here.
package ops

import (
	"fmt"
	"slices"
	"time"
)

// Lifetime says how long an operator keeps its state.
type Lifetime uint8

const (
	// Tick state is cleared at the end of every tick.
	Tick Lifetime = iota
	// Static state is kept for the life of the node.
	Static
	// Durable state is kept like Static state and survives a crash: the
	// node logs its changes and recovers them on restart.
	Durable
)

// Kept reports whether state of the lifetime outlives its tick.
func (l Lifetime) Kept() bool { return l == Static || l == Durable }

func (l Lifetime) String() string {
	switch l {
	case Tick:
		return "tick"
	case Static:
		return "static"
	case Durable:
		return "durable"
	}
	return fmt.Sprintf("Lifetime(%d)", uint8(l))
}

// Valid reports whether l is a lifetime an operator can be given.
func (l Lifetime) Valid() bool { return l == Tick || l == Static || l == Durable }

// Instance is what the interpreter knows of one operator instance when it
// builds its behaviour: the erased user code and the chosen lifetimes.
type Instance struct {
	// ID is the node's ID in its graph.
	ID int
	// Payload is the erased user code (one of the payload types of this
	// package, or a plain function).
	Payload any
	// Lifetimes are the lifetimes of the state slots; missing slots take
	// their defaults.
	Lifetimes []Lifetime
	// Target names the location the operator reads about (ClusterSize).
	Target string
}

// Spec declares an operator once.
type Spec struct {
	// Name is the operator's name in the IR and in messages ("join").
	Name string
	// API is the name of the user-facing function ("hydro.Join").
	API string
	// MinInputs and MaxInputs bound the number of input ports; MaxInputs < 0
	// means unbounded (Union).
	MinInputs, MaxInputs int
	// Blocking lists the input ports that must be complete for the tick before
	// the operator can produce output (aggregation, negation, sorting). An edge
	// into a blocking port ends a stratum.
	Blocking []int
	// Lifetimes names the operator's state slots that take a lifetime, with
	// their default; empty for operators without configurable state.
	Lifetimes []LifetimeSlot
	// Monotone reports whether more input can only add output (never retract):
	// such operators are safe across unordered, repeating network edges.
	Monotone bool
	// OrderSensitive reports whether the output depends on the order of the
	// input items within a tick (beyond the order it passes through).
	OrderSensitive bool
	// Stateful reports whether the operator keeps state within or across ticks.
	Stateful bool
	// Source marks operators without inputs that produce items at the start of
	// their stratum.
	Source bool
	// Sink marks operators whose output stream is empty (they deliver to the
	// outside world).
	Sink bool
	// Defer marks operators whose output belongs to the next tick: edges into
	// them do not constrain strata, and they emit at the start of a tick.
	Defer bool
	// Network marks operators whose output lives at another location.
	Network bool
	// Durable reports whether the operator's state can be declared
	// hydro.Durable (its first lifetime slot): its interpreter instance
	// implements Durable, and its state is items of its output type, which
	// is what the log records.
	Durable bool
	// Forwards lists the input ports whose items the operator passes on
	// unchanged (it may drop, hold back or reorder them, never alter one);
	// AllPorts stands for every port. Analyses carry what they know about
	// an item, such as its functional dependencies, across these ports.
	Forwards []int
	// LatticeMerge marks operators whose output is the lattice merge of the
	// items they read: it does not depend on the items' order, batching or
	// repetition.
	LatticeMerge bool
	// Dedup marks operators that pass each distinct item once for as long as
	// their state lives: with Static state, a repeated item changes nothing.
	Dedup bool
	// Groups says which items the operator's output combines; partitioning
	// must bring such items to one member.
	Groups Grouping
	// Complete marks sources whose whole output is known when the node
	// starts (a flow parameter, the member's identity): it never grows.
	Complete bool
	// Clock marks sources whose items are readings of the node's clock
	// (Timer): every member of a partitioned location reads its own clock,
	// and the readings relate to other items only through time, which an
	// asynchronous network leaves arbitrary.
	Clock bool
	// Ports names the input ports by role, in port order ("left", "right";
	// "positive", "negative"); nil means one port called "input" (or, for
	// an unbounded operator, ports called "input 0", "input 1", ...).
	Ports []string
	// Keyed is the number of inputs, from the first, whose items are grouped
	// or matched by a key: from `hydro:"key"` tags, or from key functions in
	// the By variant. Keys of two keyed inputs must agree.
	Keyed int
	// By is the name of the API variant that takes functions (keys, or a
	// member) instead of reading tags ("hydro.JoinBy"), or "".
	By string
	// Aliases are further API names of the operator ("hydro.SortOrdered").
	Aliases []string
	// Replays marks operators that emit everything they stored in earlier
	// ticks at the start of every tick, before any item of the tick reaches
	// them (Persist).
	Replays bool
	// SideLifetimes marks two-input operators whose state slot i stores the
	// items of input port i, each side matched against the other's (Join,
	// CrossJoin).
	SideLifetimes bool
	// Target marks operators whose second location argument names the
	// cluster they read about (ClusterSize); the node's Target holds it.
	Target bool
	// Functional marks stateless operators that compute each output from one
	// input item alone.
	Functional bool
	// SameElem marks operators whose output elements have the type of their
	// input's (of every input for an unbounded operator, of the first input
	// otherwise).
	SameElem bool
	// PerItem marks stateless operators whose output for an item depends on
	// that item alone (user functions are taken to be pure) and that have no
	// effect beyond their output: given a subset of their items, they emit
	// the same outputs for them (Functional operators other than Inspect,
	// and Union). Incremental evaluation feeds such operators only the
	// items that changed when everything they lead to ignores repeats
	// (docs/incremental.md).
	PerItem bool
	// ForwardRef marks the placeholder a forward reference creates (Cycle).
	// Every cycle of a graph passes through one, so the scheduler closes a
	// cycle that runs to a fixpoint within a tick at the placeholder's
	// input (docs/scheduling.md).
	ForwardRef bool
	// New builds the interpreter state for one instance.
	New func(n *Instance, s *Spec) Interp
}

// LifetimeSlot is a piece of operator state whose lifetime the user chooses.
type LifetimeSlot struct {
	Name    string
	Default Lifetime
}

// Async reports whether the operator's inputs are delivered in a later tick
// (DeferTick) or at another node (network operators): edges into it do not
// order strata.
func (s *Spec) Async() bool { return s.Defer || s.Network }

// Grouping says which input items an operator combines into one output.
type Grouping uint8

const (
	// PerItem operators compute each output from one input item (maps,
	// filters, persistence, network operators).
	PerItem Grouping = iota
	// ByKey operators combine items with equal keys: the element's tagged
	// key, or the key a key function computes (joins, keyed folds).
	ByKey
	// ByItem operators combine equal items (Unique, Difference).
	ByItem
	// AllItems operators combine any items of a tick (Fold, Sort,
	// Enumerate, CrossJoin).
	AllItems
)

// AllPorts in Spec.Forwards stands for every input port.
const AllPorts = -1

// ForwardsPort reports whether the items read on input port pass on unchanged.
func (s *Spec) ForwardsPort(port int) bool {
	return slices.Contains(s.Forwards, port) || slices.Contains(s.Forwards, AllPorts)
}

// Port returns the name of input port i of an operator with n inputs.
func (s *Spec) Port(i, n int) string {
	switch {
	case i < len(s.Ports):
		return s.Ports[i]
	case n == 1:
		return "input"
	}
	return fmt.Sprintf("input %d", i)
}

// APIs returns every API name of the operator: its own, its By variant and
// its aliases.
func (s *Spec) APIs() []string {
	out := []string{s.API}
	if s.By != "" {
		out = append(out, s.By)
	}
	return append(out, s.Aliases...)
}

// InputName names input port i of an operator with n inputs in messages:
// "the input stream", "the left input", "input 2".
func (s *Spec) InputName(i, n int) string {
	switch {
	case n == 1:
		return "the input stream"
	case i < len(s.Ports):
		return "the " + s.Ports[i] + " input"
	}
	return fmt.Sprintf("input %d", i)
}

// StreamsThrough reports whether the operator has blocking and non-blocking
// inputs and emits only as items arrive on the non-blocking ones: completing
// its blocking inputs emits nothing (AntiJoin, Difference).
func (s *Spec) StreamsThrough() bool {
	return len(s.Blocking) > 0 && len(s.Blocking) < s.MinInputs
}

// IsBlocking reports whether input port is blocking.
func (s *Spec) IsBlocking(port int) bool { return slices.Contains(s.Blocking, port) }

// Env is what the interpreter tells operators about the current tick.
type Env struct {
	// Tick counts ticks from 0.
	Tick int
	// Now is the node's clock at the start of the tick.
	Now time.Time
	// Member is the node's number within its location (0 for a process).
	Member int
	// Sizes gives the number of members of every cluster of the
	// deployment, by name.
	Sizes map[string]int
}

// Emit passes one item downstream.
type Emit func(item any)

// Interp is one operator instance's reference behaviour. Within a tick the
// interpreter calls, for each operator in stratum order: Push for each item
// buffered for a blocking port, then Flush, then Push for every other item as
// it arrives. EndTick is called on every operator at the end of the tick.
type Interp interface {
	Push(env *Env, port int, item any, emit Emit)
	Flush(env *Env, emit Emit)
	EndTick()
}

var registry = map[string]*Spec{}

func register(s *Spec) *Spec {
	if _, dup := registry[s.Name]; dup {
		panic(fmt.Sprintf("ops: operator %q registered twice", s.Name))
	}
	registry[s.Name] = s
	return s
}

// Lookup returns the operator called name, or nil.
func Lookup(name string) *Spec { return registry[name] }

// ByAPI returns the operator that the API function called api (e.g.
// "hydro.JoinBy") adds, or nil.
func ByAPI(api string) *Spec {
	for _, s := range registry {
		if slices.Contains(s.APIs(), api) {
			return s
		}
	}
	return nil
}

// All returns every operator sorted by name.
func All() []*Spec {
	out := make([]*Spec, 0, len(registry))
	for _, s := range registry {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *Spec) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

// stateless provides the Flush and EndTick of operators without state.
type stateless struct{}

func (stateless) Flush(*Env, Emit) {}
func (stateless) EndTick()         {}

// lifetime returns the node's lifetime for slot i (the default if unset).
func lifetime(n *Instance, s *Spec, i int) Lifetime {
	if i < len(n.Lifetimes) {
		return n.Lifetimes[i]
	}
	return s.Lifetimes[i].Default
}

// group keeps keyed values in order of first appearance, so that keyed
// operators emit deterministically.
type group[V any] struct {
	index map[any]int
	keys  []any
	vals  []V
}

func (g *group[V]) find(k any) (int, bool) {
	i, ok := g.index[k]
	return i, ok
}

func (g *group[V]) add(k any, v V) int {
	if g.index == nil {
		g.index = map[any]int{}
	}
	g.index[k] = len(g.keys)
	g.keys = append(g.keys, k)
	g.vals = append(g.vals, v)
	return len(g.keys) - 1
}

func (g *group[V]) reset() {
	clear(g.index)
	g.keys = g.keys[:0]
	g.vals = g.vals[:0]
}

// Receiver is implemented by network operators at the receiving node: the
// runtime delivers each item that arrives between ticks, and the operator
// emits them in its next tick.
type Receiver interface {
	Deliver(item any)
}

// Timed is implemented by operator instances that fire on the node's clock
// (Timer): Due is when they next fire. The interpreter's NextTimer reads it,
// as a generated node's NextTimer reads its timers' due times.
type Timed interface {
	Due() time.Time
}

// DurableState is implemented by the interpreter instances of operators whose
// state can be declared durable. Each record is one item of the operator's
// output type; replaying a node's records in order rebuilds its state.
type DurableState interface {
	// Changes calls add, at the end of a tick and before EndTick, with a
	// record for every piece of state the tick changed.
	Changes(add func(record any))
	// State calls add with records that rebuild the whole live state (a
	// snapshot).
	State(add func(record any))
	// Restore applies one record during recovery.
	Restore(record any)
}

// Waiter is implemented by operator instances that can have work for a
// future tick (deferred items, queued input); a runner ticks until none has.
type Waiter interface {
	Pending() bool
}
