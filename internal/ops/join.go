package ops

// JoinPayload is the erased user code of a Join.
type JoinPayload struct {
	LeftKey, RightKey func(any) any
	Merge             func(l, r any) any
}

// Join is the symmetric hash equi-join on keys. Each pair of matching items is
// emitted once, in the tick where the later of the two arrives. Each side's
// stored items have their own lifetime: with Tick a side only matches items of
// the same tick; with Static it matches items of all later ticks too. For each
// key, the items of each side keep their arrival order.
var Join = register(&Spec{
	Name: "join", Groups: ByKey, API: "hydro.Join", SideLifetimes: true, By: "hydro.JoinBy", Ports: []string{"left", "right"}, Keyed: 2, MinInputs: 2, MaxInputs: 2, Monotone: true, Stateful: true,
	Lifetimes: []LifetimeSlot{{"left", Tick}, {"right", Tick}},
	New: func(n *Instance, s *Spec) Interp {
		p := n.Payload.(JoinPayload)
		j := &joinInterp{p: p}
		j.static[0] = lifetime(n, s, 0).Kept()
		j.static[1] = lifetime(n, s, 1).Kept()
		return j
	},
})

type joinInterp struct {
	p      JoinPayload
	sides  [2]group[[]any]
	static [2]bool
}

func (j *joinInterp) Push(_ *Env, port int, x any, emit Emit) {
	key := j.p.LeftKey
	if port == 1 {
		key = j.p.RightKey
	}
	k := key(x)
	self, other := &j.sides[port], &j.sides[1-port]
	if i, ok := self.find(k); ok {
		self.vals[i] = append(self.vals[i], x)
	} else {
		self.add(k, []any{x})
	}
	if i, ok := other.find(k); ok {
		for _, y := range other.vals[i] {
			if port == 0 {
				emit(j.p.Merge(x, y))
			} else {
				emit(j.p.Merge(y, x))
			}
		}
	}
}

func (*joinInterp) Flush(*Env, Emit) {}

func (j *joinInterp) EndTick() {
	for i := range j.sides {
		if !j.static[i] {
			j.sides[i].reset()
		}
	}
}
