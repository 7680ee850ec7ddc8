package counter

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/durable"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

// replica is one way of running the counter — interpreted or generated —
// on its own simulated disk, restartable.
type replica struct {
	disk   *durable.MemFS
	in     hydro.Input[Incr]
	acks   hydro.Output[Incr]
	totals hydro.Output[Total]
	start  func() tickNode
	node   tickNode
}

// tickNode is what the test needs of either kind of node.
type tickNode interface {
	Tick()
	hydro.DurableNode
}

func newReplica(t *testing.T, interpreted bool) *replica {
	r := &replica{disk: durable.NewMemFS()}
	r.start = func() tickNode {
		r.in, r.acks, r.totals = hydro.NewInput[Incr]("cmds"), hydro.NewOutput[Incr]("acks"), hydro.NewOutput[Total]("totals")
		var n tickNode
		if interpreted {
			f := hydro.NewFlow("Counter")
			Counter(f, r.in, r.acks, r.totals)
			it, err := hydro.Interpret(f)
			require.NoError(t, err)
			n = it
		} else {
			n = NewCounterCounter(r.in, r.acks, r.totals)
		}
		require.NoError(t, n.Recover(r.disk, durable.Options{SnapshotBytes: 512}))
		return n
	}
	r.node = r.start()
	return r
}

func sortedTotals(ts []Total) []Total {
	slices.SortFunc(ts, func(a, b Total) int { return int(a.Key) - int(b.Key) })
	return ts
}

func TestInterpretedAndGeneratedAgreeAcrossCrashes(t *testing.T) {
	// The counter runs interpreted and generated side by side on the same
	// commands. Now and then both crash between the log write and the sync
	// of the same tick (losing it, with a torn tail on disk) or after a
	// tick, and restart from their disks. Tick by tick, both acknowledge
	// the same commands and output the same totals.
	simtest.Seeds(t, simtest.Count(100, 2000), func(t *testing.T, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, 1))
		a, b := newReplica(t, true), newReplica(t, false)
		seq := uint64(0)
		for tick := range 200 {
			var cmds []Incr
			for range rng.IntN(6) {
				seq++
				cmds = append(cmds, Incr{Key: uint32(rng.IntN(8)), Seq: seq, N: int64(rng.IntN(5)) - 1})
			}
			fate := rng.IntN(20)
			for _, r := range []*replica{a, b} {
				r.in.Push(cmds...)
				if fate == 0 {
					r.disk.FailNextSync()
				}
				r.node.Tick()
			}
			// A tick without commands changes nothing and syncs nothing.
			if fate == 0 && len(cmds) > 0 {
				require.ErrorIs(t, a.node.Err(), durable.ErrCrashed)
				require.ErrorIs(t, b.node.Err(), durable.ErrCrashed)
				require.Empty(t, a.acks.Take(), "tick %d: acknowledged before the sync", tick)
				require.Empty(t, b.acks.Take(), "tick %d: acknowledged before the sync", tick)
			} else {
				require.NoError(t, a.node.Err())
				require.NoError(t, b.node.Err())
				require.Equal(t, a.acks.Take(), b.acks.Take(), "tick %d: acknowledgements", tick)
				require.Equal(t, sortedTotals(a.totals.Take()), sortedTotals(b.totals.Take()), "tick %d: totals", tick)
			}
			if fate <= 1 {
				keep := rng.Float64()
				for _, r := range []*replica{a, b} {
					r.node.Close()
					r.disk.Crash(func(n int) int { return int(keep * float64(n)) })
					r.node = r.start()
				}
			}
		}
	})
}

func TestMilestonesAgreeAcrossRestarts(t *testing.T) {
	// Milestones runs interpreted and generated side by side and both
	// restart now and then from their disks. The generated node emits only
	// the totals a tick changed; after a restart it must emit every
	// recovered total once, as the interpreter does, so that the keys past
	// the threshold are output again in the first tick.
	simtest.Seeds(t, simtest.Count(50, 1000), func(t *testing.T, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, 2))
		type run struct {
			disk    *durable.MemFS
			in      hydro.Input[Incr]
			reached hydro.Output[Milestone]
			node    tickNode
		}
		start := func(r *run, interpreted bool) {
			r.in, r.reached = hydro.NewInput[Incr]("cmds"), hydro.NewOutput[Milestone]("reached")
			if interpreted {
				f := hydro.NewFlow("Milestones")
				Milestones(f, r.in, r.reached)
				it, err := hydro.Interpret(f)
				require.NoError(t, err)
				r.node = it
			} else {
				r.node = NewMilestonesCounter(r.in, r.reached)
			}
			require.NoError(t, r.node.Recover(r.disk, durable.Options{SnapshotBytes: 256}))
		}
		a, b := &run{disk: durable.NewMemFS()}, &run{disk: durable.NewMemFS()}
		start(a, true)
		start(b, false)
		restarts, outputs := 0, 0
		for tick := range 150 {
			var cmds []Incr
			for range rng.IntN(4) {
				cmds = append(cmds, Incr{Key: uint32(rng.IntN(6)), N: int64(rng.IntN(3))})
			}
			for _, r := range []*run{a, b} {
				r.in.Push(cmds...)
				r.node.Tick()
				require.NoError(t, r.node.Err())
			}
			got := b.reached.Take()
			require.Equal(t, a.reached.Take(), got, "tick %d: milestones", tick)
			outputs += len(got)
			if rng.IntN(15) == 0 {
				restarts++
				for i, r := range []*run{a, b} {
					r.node.Close()
					start(r, i == 0)
				}
			}
		}
		require.Positive(t, restarts)
		require.Positive(t, outputs)
	})
}
