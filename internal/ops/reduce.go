package ops

// Reduce combines its input with a binary function and emits the result once
// per tick, after the tick's input is complete; nothing when no item was ever
// seen within the lifetime.
var Reduce = register(&Spec{
	Name: "reduce", Groups: AllItems, API: "hydro.Reduce", SameElem: true, MinInputs: 1, MaxInputs: 1, Blocking: []int{0},
	OrderSensitive: true, Stateful: true,
	Lifetimes: []LifetimeSlot{{"accumulator", Tick}},
	New: func(n *Instance, s *Spec) Interp {
		return &reduceInterp{combine: n.Payload.(func(acc, item any) any), static: lifetime(n, s, 0).Kept()}
	},
})

type reduceInterp struct {
	combine func(acc, item any) any
	acc     any
	have    bool
	static  bool
}

func (r *reduceInterp) Push(_ *Env, _ int, x any, _ Emit) {
	if !r.have {
		r.acc, r.have = x, true
		return
	}
	r.acc = r.combine(r.acc, x)
}

func (r *reduceInterp) Flush(_ *Env, emit Emit) {
	if r.have {
		emit(r.acc)
	}
}

func (r *reduceInterp) EndTick() {
	if !r.static {
		r.acc, r.have = nil, false
	}
}
