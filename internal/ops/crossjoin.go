package ops

// CrossJoin pairs every item of one side with every item of the other, with
// the same incremental emission and per-side lifetimes as Join.
var CrossJoin = register(&Spec{
	Name: "cross_join", Groups: AllItems, API: "hydro.CrossJoin", SideLifetimes: true, Ports: []string{"left", "right"}, MinInputs: 2, MaxInputs: 2, Monotone: true, Stateful: true,
	Lifetimes: []LifetimeSlot{{"left", Tick}, {"right", Tick}},
	New: func(n *Instance, s *Spec) Interp {
		c := &crossJoinInterp{merge: n.Payload.(func(l, r any) any)}
		for i := range 2 {
			c.static[i] = lifetime(n, s, i).Kept()
		}
		return c
	},
})

type crossJoinInterp struct {
	merge  func(l, r any) any
	sides  [2][]any
	static [2]bool
}

func (c *crossJoinInterp) Push(_ *Env, port int, x any, emit Emit) {
	c.sides[port] = append(c.sides[port], x)
	for _, y := range c.sides[1-port] {
		if port == 0 {
			emit(c.merge(x, y))
		} else {
			emit(c.merge(y, x))
		}
	}
}

func (*crossJoinInterp) Flush(*Env, Emit) {}

func (c *crossJoinInterp) EndTick() {
	for i := range c.sides {
		if !c.static[i] {
			c.sides[i] = c.sides[i][:0]
		}
	}
}
