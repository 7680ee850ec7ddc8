package hydro_test

import (
	"testing"

	"github.com/hydrogo/hydro/hydro"
)

// rig is a one-process flow with one input and one output, driven tick by
// tick.
type rig[I, O any] struct {
	t   *testing.T
	in  hydro.Input[I]
	out hydro.Output[O]
	it  *hydro.Interpreter
}

func newRig[I, O any](t *testing.T, build func(p *hydro.Process, src hydro.Stream[I]) hydro.Stream[O]) *rig[I, O] {
	t.Helper()
	r := &rig[I, O]{t: t, in: hydro.NewInput[I]("in"), out: hydro.NewOutput[O]("out")}
	f := hydro.NewFlow(t.Name())
	p := f.Process("p")
	hydro.Sink(build(p, hydro.Source(p, r.in)), r.out)
	it, err := hydro.Interpret(f)
	if err != nil {
		t.Fatalf("Interpret: %v", err)
	}
	r.it = it
	return r
}

// tick pushes items, runs one tick and returns what it emitted.
func (r *rig[I, O]) tick(items ...I) []O {
	r.in.Push(items...)
	r.it.Tick()
	return r.out.Take()
}
