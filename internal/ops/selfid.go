package ops

// SelfID emits, in the node's first tick, the member's own number within its
// location (0 for a process).
var SelfID = register(&Spec{
	Name: "self_id", API: "hydro.SelfID", Source: true, Monotone: true, Complete: true,
	New: func(n *Instance, _ *Spec) Interp { return &selfIDInterp{wrap: n.Payload.(func(int) any)} },
})

type selfIDInterp struct {
	stateless
	wrap func(int) any
	done bool
}

func (*selfIDInterp) Push(*Env, int, any, Emit) {}

func (s *selfIDInterp) Flush(env *Env, emit Emit) {
	if !s.done {
		s.done = true
		emit(s.wrap(env.Member))
	}
}
