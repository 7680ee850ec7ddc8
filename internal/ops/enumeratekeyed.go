package ops

// EnumerateKeyedPayload is the erased user code of an EnumerateKeyed: Key
// reads an item's key; Pair pairs an item with its position.
type EnumerateKeyedPayload struct {
	Key  func(any) any
	Pair func(i int, x any) any
}

// EnumerateKeyed pairs every item with its position among the items of its
// key, counted within the tick (Tick) or since the start (Static). It
// numbers the items of an ordered per-key stream, as a sealed set of
// indexed values needs them (docs/rewrites.md, type upgrade).
var EnumerateKeyed = register(&Spec{
	Name: "enumerate_keyed", Groups: ByKey, API: "hydro.EnumerateKeyed", Keyed: 1, MinInputs: 1, MaxInputs: 1, OrderSensitive: true, Stateful: true,
	Lifetimes: []LifetimeSlot{{"counters", Tick}},
	New: func(n *Instance, s *Spec) Interp {
		p := n.Payload.(EnumerateKeyedPayload)
		return &enumerateKeyedInterp{p: p, next: map[any]int{}, static: lifetime(n, s, 0).Kept()}
	},
})

type enumerateKeyedInterp struct {
	stateless
	p      EnumerateKeyedPayload
	next   map[any]int
	static bool
}

func (e *enumerateKeyedInterp) Push(_ *Env, _ int, x any, emit Emit) {
	k := e.p.Key(x)
	i := e.next[k]
	e.next[k] = i + 1
	emit(e.p.Pair(i, x))
}

func (e *enumerateKeyedInterp) EndTick() {
	if !e.static {
		clear(e.next)
	}
}
