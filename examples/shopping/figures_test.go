package shopping

import (
	"testing"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
	"github.com/stretchr/testify/require"
)

// single runs a one-location figure in the interpreter over batches, ticking
// once more at the end, and returns every cart it released.
func single[T any](t *testing.T, build func(*hydro.Flow, hydro.Input[T], []ClientClass, hydro.Output[Cart]), classes []ClientClass, batches [][]T) []Cart {
	t.Helper()
	in, out := hydro.NewInput[T]("shopping"), hydro.NewOutput[Cart]("carts")
	f := hydro.NewFlow("figure")
	build(f, in, classes, out)
	it, err := hydro.Interpret(f)
	require.NoError(t, err)
	var carts []Cart
	for _, b := range batches {
		in.Push(b...)
		it.Tick()
		carts = append(carts, out.Take()...)
	}
	it.Tick()
	return sortCarts(append(carts, out.Take()...))
}

func TestFigures3to5MatchFigure2(t *testing.T) {
	for seed := range uint64(30) {
		w := NewWorkload(seed, 10, 8)
		batches := w.Interleave(seed, 5)
		want := runFigure2(t, w, batches)
		require.Equal(t, w.ExpectedCarts(), want)
		require.Equal(t, want, single(t, Figure3, w.Classes, w.PrefixRequests(batches)), "Figure 3, seed %d", seed)
		sessions := SessionRequests(batches)
		require.Equal(t, want, single(t, Figure4, w.Classes, sessions), "Figure 4, seed %d", seed)
		require.Equal(t, want, single(t, Figure5, w.Classes, sessions), "Figure 5, seed %d", seed)
	}
}

func TestLatticeFiguresTolerateShuffledAndRepeatedInput(t *testing.T) {
	// Figures 4 and 5 see each session's items in any order and any number of
	// times, across ticks, and still release exactly the checked-out carts.
	for seed := range uint64(30) {
		w := NewWorkload(seed, 8, 6)
		var all []Session
		for _, b := range SessionRequests(w.Interleave(seed, 4)) {
			all = append(all, b...)
		}
		shuffled := shuffleWithRepeats(all, seed)
		require.Equal(t, w.ExpectedCarts(), single(t, Figure4, w.Classes, shuffled), "Figure 4, seed %d", seed)
		require.Equal(t, w.ExpectedCarts(), single(t, Figure5, w.Classes, shuffled), "Figure 5, seed %d", seed)
	}
}

// distributed runs a figure in the simulator, pushing one batch every few
// steps, until every expected cart was released (by every replica), and
// returns what was released.
func distributed[I, O any](t *testing.T, f *hydro.Flow, in hydro.Input[I], out hydro.Output[O], cfg sim.Config, batches [][]I, released func([]O) bool) ([]O, sim.Stats) {
	t.Helper()
	s, err := sim.New(f, cfg)
	require.NoError(t, err)
	return drive(t, s, in, out, batches, released)
}

// drive runs a simulation, interpreted or of generated nodes, pushing one
// batch into in every few steps, until released says every expected cart
// came out of out, and returns what came out.
func drive[I, O any](t *testing.T, s *sim.Sim, in hydro.Input[I], out hydro.Output[O], batches [][]I, released func([]O) bool) ([]O, sim.Stats) {
	t.Helper()
	var got []O
	next := 0
	done := func() bool {
		got = append(got, out.Take()...)
		if next < len(batches) {
			in.Push(batches[next]...)
			next++
			return false
		}
		return released(got)
	}
	require.NoError(t, s.RunUntil(done, 200_000))
	return got, s.Stats()
}

// faultTally adds up the faults injected over many seeds, to check that the
// runs did meet lost and duplicated messages.
type faultTally struct{ dropped, duplicated int }

func (ft *faultTally) add(s sim.Stats) { ft.dropped += s.Dropped; ft.duplicated += s.Duplicated }

func (ft *faultTally) check(t *testing.T) {
	t.Helper()
	if ft.dropped == 0 || ft.duplicated == 0 {
		t.Errorf("no faults were injected: %+v", *ft)
	}
}

var lossy = sim.Faults{Drop: 0.2, Duplicate: 0.2}

const distributedSeeds = 1000

func TestFigures6and7UnderLossDuplicationAndReordering(t *testing.T) {
	for _, fig := range []struct {
		name  string
		build func(*hydro.Flow, hydro.Input[Session], []ClientClass, hydro.Output[Cart])
	}{{"Figure6", Figure6}, {"Figure7", Figure7}} {
		t.Run(fig.name, func(t *testing.T) {
			var faults faultTally
			defer faults.check(t)
			simtest.Seeds(t, seedsFor(t), func(t *testing.T, seed uint64) {
				w := NewWorkload(seed, 4, 5)
				want := w.ExpectedCarts()
				in, out := hydro.NewInput[Session]("shopping"), hydro.NewOutput[Cart]("carts")
				f := hydro.NewFlow(fig.name)
				fig.build(f, in, w.Classes, out)
				got, st := distributed(t, f, in, out, sim.Config{Seed: seed, Faults: lossy},
					SessionRequests(w.Interleave(seed, 3)), func(c []Cart) bool { return len(c) >= len(want) })
				faults.add(st)
				require.Equal(t, want, sortCarts(got), "each checked-out cart exactly once")
			})
		})
	}
}

// TestFigure8ReplicasConverge runs the interpreted Figure 8 over 200 seeds,
// a fifth of seedsFor's (interpreting three replicas costs about four times
// their generated nodes), and 10,000 in the long mode;
// TestGeneratedFigure8ReplicasConverge runs the generated ones over
// seedsFor's, and
// TestDistributedFiguresInterpretedAndGeneratedInLockstep requires the two
// to agree round by round.
func TestFigure8ReplicasConverge(t *testing.T) {
	const replicas = 3
	var faults faultTally
	defer faults.check(t)
	simtest.Seeds(t, simtest.Count(distributedSeeds/5, 10*distributedSeeds), func(t *testing.T, seed uint64) {
		w := NewWorkload(seed, 4, 5)
		want := w.ExpectedCarts()
		in, out := hydro.NewInput[Session]("shopping"), hydro.NewOutput[ReplicaCart]("carts")
		f := hydro.NewFlow("Figure8")
		Figure8(f, in, w.Classes, out)
		cfg := sim.Config{Seed: seed, Members: map[string]int{"server": replicas}, Faults: lossy}
		got, st := distributed(t, f, in, out, cfg, SessionRequests(w.Interleave(seed, 3)),
			func(c []ReplicaCart) bool { return len(c) >= replicas*len(want) })
		faults.add(st)
		per := map[hydro.MemberID][]Cart{}
		for _, rc := range got {
			per[rc.Replica] = append(per[rc.Replica], rc.Cart)
		}
		for r := range hydro.MemberID(replicas) {
			require.Equal(t, want, sortCarts(per[r]), "replica %d", r)
		}
	})
}

// seedsFor is the seed count of a distributed figure test: 1,000, a tenth
// with -short, 10,000 in the long mode (make test-long).
func seedsFor(*testing.T) int {
	return simtest.Count(distributedSeeds, 10*distributedSeeds)
}

func TestDistributedFiguresNeedNoCoordination(t *testing.T) {
	// Every stream that crosses the network reaches a lattice merge before
	// any order-sensitive operator: the analysis has nothing to report.
	for name, build := range map[string]func(*hydro.Flow){
		"Figure6": func(f *hydro.Flow) { Figure6(f, hydro.NewInput[Session]("s"), nil, hydro.NewOutput[Cart]("o")) },
		"Figure7": func(f *hydro.Flow) { Figure7(f, hydro.NewInput[Session]("s"), nil, hydro.NewOutput[Cart]("o")) },
		"Figure8": func(f *hydro.Flow) { Figure8(f, hydro.NewInput[Session]("s"), nil, hydro.NewOutput[ReplicaCart]("o")) },
	} {
		f := hydro.NewFlow(name)
		build(f)
		require.NoError(t, f.Err())
		require.Empty(t, f.Warnings(), name)
	}
}
