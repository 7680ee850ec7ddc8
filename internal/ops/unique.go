package ops

// Unique drops items equal to one already seen: within the tick (Tick) or
// ever (Static).
var Unique = register(&Spec{
	Name: "unique", Groups: ByItem, Forwards: []int{0}, Dedup: true, API: "hydro.Unique", SameElem: true, MinInputs: 1, MaxInputs: 1, Monotone: true, Stateful: true,
	Lifetimes: []LifetimeSlot{{"seen", Tick}},
	New: func(n *Instance, s *Spec) Interp {
		return &uniqueInterp{static: lifetime(n, s, 0) == Static}
	},
})

type uniqueInterp struct {
	seen   map[any]struct{}
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
	emit(x)
}

func (*uniqueInterp) Flush(*Env, Emit) {}

func (u *uniqueInterp) EndTick() {
	if !u.static {
		clear(u.seen)
	}
}
