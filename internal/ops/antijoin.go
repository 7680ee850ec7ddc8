package ops

// AntiJoinPayload is the erased user code of an AntiJoin.
type AntiJoinPayload struct {
	PosKey, NegKey func(any) any
}

// AntiJoin passes the items of its first input whose key matches no item of
// its second (negative) input. The negative input is blocking: it must be
// complete for the tick before any item passes. With a Static lifetime the
// negative keys of earlier ticks keep excluding.
var AntiJoin = register(&Spec{
	Name: "anti_join", Groups: ByKey, Forwards: []int{0}, API: "hydro.AntiJoin", By: "hydro.AntiJoinBy", Ports: []string{"positive", "negative"}, Keyed: 2, SameElem: true, MinInputs: 2, MaxInputs: 2, Blocking: []int{1}, Stateful: true,
	Lifetimes: []LifetimeSlot{{"negative", Tick}},
	New: func(n *Instance, s *Spec) Interp {
		p := n.Payload.(AntiJoinPayload)
		return &negation{posKey: p.PosKey, negKey: p.NegKey, static: lifetime(n, s, 0).Kept()}
	},
})

// Difference passes the items of its first input equal to no item of its
// second input (set difference, keeping duplicates of the first input).
var Difference = register(&Spec{
	Name: "difference", Groups: ByItem, Forwards: []int{0}, API: "hydro.Difference", Ports: []string{"positive", "negative"}, SameElem: true, MinInputs: 2, MaxInputs: 2, Blocking: []int{1}, Stateful: true,
	Lifetimes: []LifetimeSlot{{"negative", Tick}},
	New: func(n *Instance, s *Spec) Interp {
		self := func(x any) any { return x }
		return &negation{posKey: self, negKey: self, static: lifetime(n, s, 0).Kept()}
	},
})

type negation struct {
	posKey, negKey func(any) any
	neg            map[any]struct{}
	static         bool
}

func (a *negation) Push(_ *Env, port int, x any, emit Emit) {
	if port == 1 {
		if a.neg == nil {
			a.neg = map[any]struct{}{}
		}
		a.neg[a.negKey(x)] = struct{}{}
		return
	}
	if _, excluded := a.neg[a.posKey(x)]; !excluded {
		emit(x)
	}
}

func (*negation) Flush(*Env, Emit) {}

func (a *negation) EndTick() {
	if !a.static {
		clear(a.neg)
	}
}
