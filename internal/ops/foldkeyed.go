package ops

// FoldKeyedPayload is the erased user code of a FoldKeyed: Init builds a
// group's accumulator from the group's first item; Add returns the updated
// accumulator.
type FoldKeyedPayload struct {
	Key  func(any) any
	Init func(first any) any
	Add  func(acc, item any) any
}

// FoldKeyed aggregates each key's items into an accumulator and emits, once
// per tick after the input is complete, the accumulator of every group it
// holds, in order of the groups' first appearance. With Tick the groups
// restart every tick (so only this tick's keys are emitted); with Static they
// accumulate and every group is emitted every tick.
var FoldKeyed = register(&Spec{
	Name: "fold_keyed", Groups: ByKey, API: "hydro.FoldKeyed", By: "hydro.FoldKeyedBy", Keyed: 1, MinInputs: 1, MaxInputs: 1, Blocking: []int{0},
	OrderSensitive: true, Stateful: true,
	Lifetimes: []LifetimeSlot{{"groups", Tick}},
	New: func(n *Instance, s *Spec) Interp {
		p := n.Payload.(FoldKeyedPayload)
		return &keyedInterp{key: p.Key, init: p.Init, add: p.Add, static: lifetime(n, s, 0).Kept()}
	},
})

// ReduceKeyedPayload is the erased user code of a ReduceKeyed.
type ReduceKeyedPayload struct {
	Key     func(any) any
	Combine func(acc, item any) any
}

// ReduceKeyed combines each key's items with a binary function; it emits like
// FoldKeyed.
var ReduceKeyed = register(&Spec{
	Name: "reduce_keyed", Groups: ByKey, API: "hydro.ReduceKeyed", By: "hydro.ReduceKeyedBy", Keyed: 1, SameElem: true, MinInputs: 1, MaxInputs: 1, Blocking: []int{0},
	OrderSensitive: true, Stateful: true, Durable: true,
	Lifetimes: []LifetimeSlot{{"groups", Tick}},
	New: func(n *Instance, s *Spec) Interp {
		p := n.Payload.(ReduceKeyedPayload)
		first := func(x any) any { return x }
		return &keyedInterp{key: p.Key, init: first, add: p.Combine, reduce: true, static: lifetime(n, s, 0).Kept()}
	},
})

// MergeKeyedPayload is the erased user code of a MergeKeyed: Init copies a
// group's first item with its lattice fields at bottom, so the accumulator
// shares no memory with any item; Merge joins the lattice fields of item into
// acc and returns acc and whether it changed (any field's Merge reported
// true).
type MergeKeyedPayload struct {
	Key   func(any) any
	Init  func(first any) any
	Merge func(acc, item any) (any, bool)
}

// MergeKeyed keeps one element per key, merging the lattice fields of elements
// that share a key. It is monotone and insensitive to order and duplication.
// It emits like FoldKeyed. Durable, it logs every item that changed its group
// (or started it), not the group's accumulator: merging the records again in
// order rebuilds every group, and a snapshot records the accumulators.
var MergeKeyed = register(&Spec{
	Name: "merge_keyed", Groups: ByKey, API: "hydro.MergeKeyed", Keyed: 1, SameElem: true, MinInputs: 1, MaxInputs: 1, Blocking: []int{0},
	Monotone: true, Stateful: true, Durable: true, LatticeMerge: true,
	Lifetimes: []LifetimeSlot{{"groups", Static}},
	New: func(n *Instance, s *Spec) Interp {
		p := n.Payload.(MergeKeyedPayload)
		lt := lifetime(n, s, 0)
		return &mergeKeyedInterp{key: p.Key, init: p.Init, merge: p.Merge, static: lt.Kept(), durable: lt == Durable}
	},
})

// keyedInterp is the shared behaviour of FoldKeyed and ReduceKeyed. When reduce
// is set, a group's first item is its accumulator; otherwise init builds one
// and the first item is added to it.
type keyedInterp struct {
	key    func(any) any
	init   func(any) any
	add    func(acc, item any) any
	reduce bool
	static bool
	groups group[any]
	dirty  []int // groups changed this tick, when durable
	mark   []bool
}

func (k *keyedInterp) Push(_ *Env, _ int, x any, _ Emit) {
	key := k.key(x)
	i, ok := k.groups.find(key)
	if !ok {
		acc := k.init(x)
		if k.reduce {
			k.changed(k.groups.add(key, acc))
			return
		}
		i = k.groups.add(key, acc)
	}
	k.groups.vals[i] = k.add(k.groups.vals[i], x)
	k.changed(i)
}

// changed notes that group i changed this tick.
func (k *keyedInterp) changed(i int) {
	if i >= len(k.mark) {
		k.mark = append(k.mark, make([]bool, i+1-len(k.mark))...)
	}
	if !k.mark[i] {
		k.mark[i] = true
		k.dirty = append(k.dirty, i)
	}
}

// Changes records each changed group's accumulator, from which Restore
// recovers the group's key. A ReduceKeyed's combine is not a lattice merge:
// only the accumulator determines the group.
func (k *keyedInterp) Changes(add func(any)) {
	for _, i := range k.dirty {
		add(k.groups.vals[i])
		k.mark[i] = false
	}
	k.dirty = k.dirty[:0]
}

// State records every group's accumulator, in order of first appearance.
func (k *keyedInterp) State(add func(any)) {
	for _, v := range k.groups.vals {
		add(v)
	}
}

// Restore replaces the accumulator of the record's group, or adds the group.
func (k *keyedInterp) Restore(acc any) {
	key := k.key(acc)
	if i, ok := k.groups.find(key); ok {
		k.groups.vals[i] = acc
		return
	}
	k.groups.add(key, acc)
}

func (k *keyedInterp) Flush(_ *Env, emit Emit) {
	for _, acc := range k.groups.vals {
		emit(acc)
	}
}

func (k *keyedInterp) EndTick() {
	if !k.static {
		k.groups.reset()
		clear(k.mark)
		k.dirty = k.dirty[:0]
	}
}

// mergeKeyedInterp is the interpreter instance of a MergeKeyed.
type mergeKeyedInterp struct {
	key     func(any) any
	init    func(any) any
	merge   func(acc, item any) (any, bool)
	static  bool
	durable bool
	groups  group[any]
	logged  []any // the items that started or changed a group this tick, when durable
}

func (m *mergeKeyedInterp) Push(_ *Env, _ int, x any, _ Emit) {
	m.add(x, m.durable)
}

// add merges x into its group, starting the group if it is new, and keeps
// x to log if log is set and x started or changed the group.
func (m *mergeKeyedInterp) add(x any, log bool) {
	key := m.key(x)
	i, ok := m.groups.find(key)
	if !ok {
		i = m.groups.add(key, m.init(x))
	}
	acc, changed := m.merge(m.groups.vals[i], x)
	m.groups.vals[i] = acc
	if log && (changed || !ok) {
		m.logged = append(m.logged, x)
	}
}

// Changes records each item that started or changed a group this tick:
// what the tick merged, not the groups' accumulators.
func (m *mergeKeyedInterp) Changes(add func(any)) {
	for _, x := range m.logged {
		add(x)
	}
	clear(m.logged)
	m.logged = m.logged[:0]
}

// State records every group's accumulator, in order of first appearance.
func (m *mergeKeyedInterp) State(add func(any)) {
	for _, v := range m.groups.vals {
		add(v)
	}
}

// Restore merges a recorded item (or a snapshot's accumulator) into its
// group, as Push does.
func (m *mergeKeyedInterp) Restore(x any) { m.add(x, false) }

func (m *mergeKeyedInterp) Flush(_ *Env, emit Emit) {
	for _, acc := range m.groups.vals {
		emit(acc)
	}
}

func (m *mergeKeyedInterp) EndTick() {
	clear(m.logged)
	m.logged = m.logged[:0]
	if !m.static {
		m.groups.reset()
	}
}
