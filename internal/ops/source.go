package ops

// SourcePayload reads an input port: Drain passes each item that arrived
// since the last tick to emit; Pending reports whether items are waiting.
type SourcePayload struct {
	Drain   func(emit func(any))
	Pending func() bool
}

// Source emits, each tick, the items that arrived on an Input since the last.
var Source = register(&Spec{
	Name: "source", API: "hydro.Source", Source: true, Monotone: true,
	New: func(n *Instance, s *Spec) Interp { return &sourceInterp{drain: n.Payload.(SourcePayload)} },
})

type sourceInterp struct {
	stateless
	drain SourcePayload
}

func (*sourceInterp) Push(*Env, int, any, Emit) {}

func (s *sourceInterp) Flush(_ *Env, emit Emit) { s.drain.Drain(emit) }

// Pending reports whether items wait on the input.
func (s *sourceInterp) Pending() bool { return s.drain.Pending() }
