package ops

// Unique drops items equal to one already seen: within the tick (Tick) or
// ever (Static).
var Unique = register(&Spec{
	Name: "unique", Groups: ByItem, Forwards: []int{0}, Dedup: true, API: "hydro.Unique", SameElem: true, MinInputs: 1, MaxInputs: 1, Monotone: true, Stateful: true, Durable: true,
	Lifetimes: []LifetimeSlot{{"seen", Tick}},
	New: func(n *Instance, s *Spec) Interp {
		return &uniqueInterp{static: lifetime(n, s, 0).Kept()}
	},
})

type uniqueInterp struct {
	seen   map[any]struct{}
	order  []any // the items seen, in order, when kept
	fresh  int   // the first item of order seen this tick
	static bool
}

func (u *uniqueInterp) Push(_ *Env, _ int, x any, emit Emit) {
	if _, dup := u.seen[x]; dup {
		return
	}
	if u.seen == nil {
		u.seen = map[any]struct{}{}
	}
	u.seen[x] = struct{}{}
	if u.static {
		u.order = append(u.order, x)
	}
	emit(x)
}

// Changes records the items first seen this tick.
func (u *uniqueInterp) Changes(add func(any)) {
	for _, x := range u.order[u.fresh:] {
		add(x)
	}
	u.fresh = len(u.order)
}

// State records every item seen.
func (u *uniqueInterp) State(add func(any)) {
	for _, x := range u.order {
		add(x)
	}
}

// Restore marks the item seen.
func (u *uniqueInterp) Restore(x any) {
	if _, dup := u.seen[x]; dup {
		return
	}
	if u.seen == nil {
		u.seen = map[any]struct{}{}
	}
	u.seen[x] = struct{}{}
	u.order = append(u.order, x)
	u.fresh = len(u.order)
}

func (*uniqueInterp) Flush(*Env, Emit) {}

func (u *uniqueInterp) EndTick() {
	if !u.static {
		clear(u.seen)
	}
	u.fresh = len(u.order)
}
