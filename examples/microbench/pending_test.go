package microbench

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
)

// TestDeferTickMakesNodesPending checks that a node with items deferred to
// the next tick reports it, generated as interpreted: a runtime ticks again
// while Pending, so Reachability's search, one level per tick through
// DeferTick, runs to the end from one seed without further input, in as
// many ticks both ways.
func TestDeferTickMakesNodesPending(t *testing.T) {
	edges := reachabilityEdges()
	search := func(n interface {
		Tick()
		Pending() bool
	}, in hydro.Input[uint32], o hydro.Output[uint32]) (ticks int, reached []uint32) {
		in.Push(0)
		for ticks = 1; ; ticks++ {
			n.Tick()
			if !n.Pending() {
				break
			}
		}
		reached = o.Take()
		slices.Sort(reached)
		return ticks, reached
	}
	in, o := hydro.NewInput[uint32]("seeds"), hydro.NewOutput[uint32]("o")
	f := hydro.NewFlow("Reachability")
	Reachability(f, in, edges, o)
	it, err := hydro.Interpret(f)
	require.NoError(t, err)
	wantTicks, want := search(it, in, o)

	in, o = hydro.NewInput[uint32]("seeds"), hydro.NewOutput[uint32]("o")
	gotTicks, got := search(NewReachabilityBench(in, edges, o), in, o)
	assert.Greater(t, wantTicks, 2, "the search takes several levels")
	assert.Equal(t, wantTicks, gotTicks)
	assert.Equal(t, want, got)
}
