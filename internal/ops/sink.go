package ops

// Sink delivers every item to an Output port.
var Sink = register(&Spec{
	Name: "sink", API: "hydro.Sink", SameElem: true, MinInputs: 1, MaxInputs: 1, Monotone: true, Sink: true,
	New: func(n *Instance, _ *Spec) Interp { return callInterp{f: n.Payload.(func(any))} },
})

// ForEach calls a function on every item.
var ForEach = register(&Spec{
	Name: "for_each", API: "hydro.ForEach", SameElem: true, MinInputs: 1, MaxInputs: 1, Monotone: true, Sink: true,
	New: func(n *Instance, _ *Spec) Interp { return callInterp{f: n.Payload.(func(any))} },
})

type callInterp struct {
	stateless
	f func(any)
}

func (c callInterp) Push(_ *Env, _ int, x any, _ Emit) { c.f(x) }
