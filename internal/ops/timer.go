package ops

import (
	"time"
)

// Timer emits the node's clock reading once in the first tick and then in the
// first tick at or after each period has elapsed since the last emission.
var Timer = register(&Spec{
	Name: "timer", API: "hydro.Timer", Source: true, Monotone: true, Stateful: true, Clock: true,
	New: func(n *Instance, s *Spec) Interp { return &timerInterp{period: n.Payload.(time.Duration)} },
})

type timerInterp struct {
	stateless
	period time.Duration
	next   time.Time
	fired  bool
}

func (*timerInterp) Push(*Env, int, any, Emit) {}

// Due returns the node-clock time at which the timer next fires: the zero
// time (at once) before its first tick.
func (t *timerInterp) Due() time.Time { return t.next }

func (t *timerInterp) Flush(env *Env, emit Emit) {
	if t.fired && env.Now.Before(t.next) {
		return
	}
	t.fired = true
	t.next = env.Now.Add(t.period)
	emit(env.Now)
}
