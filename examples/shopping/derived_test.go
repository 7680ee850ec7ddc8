package shopping

import (
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
)

// The flows of walk.hydroplan are derived by the compiler from Figure 2's
// unmodified source. Each must release the checked-out carts Figure 2
// ends with, and the carts the hand-written figure it matches releases.

// runNode runs a generated single-location node over batches, ticking once
// more at the end, and returns every cart it released, sorted.
func runNode[T any](t *testing.T, newNode func(hydro.Input[T], []ClientClass, hydro.Output[Cart]) tickNode, classes []ClientClass, batches [][]T) []Cart {
	t.Helper()
	in, out := hydro.NewInput[T]("shopping"), hydro.NewOutput[Cart]("carts")
	nd := newNode(in, classes, out)
	var carts []Cart
	for _, b := range append(batches, nil) {
		in.Push(b...)
		nd.Tick()
		carts = append(carts, out.Take()...)
	}
	return sortCarts(carts)
}

func TestDerivedSingleNodeFiguresMatchFigure2(t *testing.T) {
	for seed := range uint64(30) {
		w := NewWorkload(seed, 10, 8)
		batches := w.Interleave(seed, 5)
		want := runFigure2(t, w, batches)
		require.Equal(t, w.ExpectedCarts(), want)
		require.Equal(t, want, single(t, Figure3, w.Classes, w.PrefixRequests(batches)), "hand-written Figure 3, seed %d", seed)
		require.Equal(t, want, runNode(t, func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) tickNode {
			return NewFigure3DerivedServer(in, c, out)
		}, w.Classes, batches), "derived Figure 3, seed %d", seed)
		sessions := SessionRequests(batches)
		require.Equal(t, want, single(t, Figure4, w.Classes, sessions), "hand-written Figure 4, seed %d", seed)
		require.Equal(t, want, runNode(t, func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) tickNode {
			return NewFigure4DerivedServer(in, c, out)
		}, w.Classes, batches), "derived Figure 4, seed %d", seed)
		require.Equal(t, want, single(t, Figure5, w.Classes, sessions), "hand-written Figure 5, seed %d", seed)
		require.Equal(t, want, runNode(t, func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) tickNode {
			return NewFigure5DerivedServer(in, c, out)
		}, w.Classes, batches), "derived Figure 5, seed %d", seed)
	}
}

func TestDerivedFigures6and7UnderLossDuplicationAndReordering(t *testing.T) {
	requireCartsOnceUnderLoss(t, []clientServer[Request]{
		{"Figure6Derived",
			func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) hydro.NetNode {
				return NewFigure6DerivedClient(in, c, out)
			},
			func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) hydro.NetNode {
				return NewFigure6DerivedServer(in, c, out)
			}},
		{"Figure7Derived",
			func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) hydro.NetNode {
				return NewFigure7DerivedClient(in, c, out)
			},
			func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) hydro.NetNode {
				return NewFigure7DerivedServer(in, c, out)
			}},
	}, func(w Workload, seed uint64) [][]Request { return w.Interleave(seed, 3) })
}

// derivedCrashSteps is how long the server crashes in a crash run of a
// derived figure: long enough for the workload to be sent, acknowledged
// and released a few times over.
const derivedCrashSteps = 2000

// derivedCrashSeeds is the seed count of the derived figures' crash runs:
// 1,000 in make test, 10,000 in the long mode.
func derivedCrashSeeds() int { return simtest.Count(1000, 10_000) }

// TestDerivedFigures6and7AcrossServerCrashes runs derivedCrashSeeds seeds
// of each figure.
func TestDerivedFigures6and7AcrossServerCrashes(t *testing.T) {
	// The server crashes and restarts, losing what it holds in memory, for
	// faultySteps steps of a lossy network; then the faults stop. The
	// client does not crash (its requests live only in its memory, as in
	// every shopping simulation): it keeps what it sent until the server
	// acknowledges the session complete, so a restarted server gets every
	// unacknowledged session again. Every released cart must be its
	// session's checked-out cart, and every session must be released. A
	// server that crashed after releasing a cart whose acknowledgement was
	// lost releases it again, as Figure 2 releases every cart every tick:
	// the carts are compared as sets.
	for _, fig := range []struct {
		name  string
		spawn func(hydro.Input[Request], []ClientClass, hydro.Output[Cart]) sim.Spawn
	}{
		{"Figure6Derived", func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) sim.Spawn {
			return func(loc string, _ int) (hydro.NetNode, error) {
				if loc == "client" {
					return NewFigure6DerivedClient(in, c, out), nil
				}
				return NewFigure6DerivedServer(in, c, out), nil
			}
		}},
		{"Figure7Derived", func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) sim.Spawn {
			return func(loc string, _ int) (hydro.NetNode, error) {
				if loc == "client" {
					return NewFigure7DerivedClient(in, c, out), nil
				}
				return NewFigure7DerivedServer(in, c, out), nil
			}
		}},
	} {
		t.Run(fig.name, func(t *testing.T) {
			var tally crashTally
			simtest.Seeds(t, derivedCrashSeeds(), func(t *testing.T, seed uint64) {
				w := NewWorkload(seed, 4, 5)
				want := map[uint32]Cart{}
				for _, c := range w.ExpectedCarts() {
					want[c.Client] = c
				}
				in, out := hydro.NewInput[Request]("shopping"), hydro.NewOutput[Cart]("carts")
				locs := []sim.Location{{Name: "client", Members: 1}, {Name: "server", Members: 1}}
				cfg := sim.Config{Seed: seed, Faults: crashy, Schedule: []sim.Phase{{From: derivedCrashSteps}}}
				s, err := sim.NewNodes(locs, fig.spawn(in, w.Classes, out), cfg)
				require.NoError(t, err)
				batches := w.Interleave(seed, 3)
				got := map[uint32]bool{}
				next := 0
				released := func() bool {
					for _, c := range out.Take() {
						require.Equal(t, want[c.Client], c, "seed %d: a released cart is its session's checked-out cart", seed)
						got[c.Client] = true
					}
					if next < len(batches) {
						in.Push(batches[next]...)
						next++
					}
					return next == len(batches) && len(got) == len(want)
				}
				for range derivedCrashSteps {
					released()
					require.NoError(t, s.Step())
				}
				require.NoError(t, s.RunUntil(released, 200_000), "seed %d: not every cart was released once the faults stopped", seed)
				st := s.Stats()
				tally.crashes += st.Crashes
			})
			if tally.crashes == 0 {
				t.Errorf("no crashes were injected")
			}
		})
	}
}

// figure8DerivedSpawn builds Figure8Derived's generated nodes, each
// replica releasing into its own output, so that what each released can
// be told apart (the derived figure keeps Figure 2's output, a Cart).
func figure8DerivedSpawn(in hydro.Input[Request], classes []ClientClass, outs []hydro.Output[Cart]) sim.Spawn {
	return func(loc string, member int) (hydro.NetNode, error) {
		if loc == "client" {
			return NewFigure8DerivedClient(in, classes, hydro.Output[Cart]{}), nil
		}
		return NewFigure8DerivedServer(hydro.Input[Request]{}, classes, outs[member]), nil
	}
}

// replicaOutputs returns one output per replica and a function that takes
// what they all released, each cart marked with its replica.
func replicaOutputs() ([]hydro.Output[Cart], func() []ReplicaCart) {
	outs := make([]hydro.Output[Cart], replicas)
	for r := range outs {
		outs[r] = hydro.NewOutput[Cart]("carts")
	}
	return outs, func() []ReplicaCart {
		var got []ReplicaCart
		for r, out := range outs {
			for _, c := range out.Take() {
				got = append(got, ReplicaCart{Replica: hydro.MemberID(r), Cart: c})
			}
		}
		return got
	}
}

// TestDerivedFigure8MatchesFigure2AndFigure8 runs Figure 2, the
// hand-written Figure 8 and Figure8Derived over 30 workloads, the two
// replicated ones over a lossy, duplicating and reordering network: every
// replica of each must release exactly the carts Figure 2 ends with.
func TestDerivedFigure8MatchesFigure2AndFigure8(t *testing.T) {
	var faults faultTally
	defer faults.check(t)
	locs := []sim.Location{{Name: "client", Members: 1}, {Name: "server", Members: replicas}}
	for seed := range uint64(30) {
		w := NewWorkload(seed, 6, 6)
		batches := w.Interleave(seed, 3)
		want := runFigure2(t, w, batches)
		require.Equal(t, w.ExpectedCarts(), want)
		perReplica := func(got []ReplicaCart) map[hydro.MemberID][]Cart {
			per := map[hydro.MemberID][]Cart{}
			for _, rc := range got {
				per[rc.Replica] = append(per[rc.Replica], rc.Cart)
			}
			return per
		}
		enough := func(c []ReplicaCart) bool { return len(c) >= replicas*len(want) }

		in8, out8 := hydro.NewInput[Session]("shopping"), hydro.NewOutput[ReplicaCart]("carts")
		hand, st := simulate(t, locs, figure8Spawn(in8, w.Classes, out8), in8, out8, sim.Config{Seed: seed, Faults: lossy}, SessionRequests(batches), enough)
		faults.add(st)

		in := hydro.NewInput[Request]("shopping")
		outs, take := replicaOutputs()
		s, err := sim.NewNodes(locs, figure8DerivedSpawn(in, w.Classes, outs), sim.Config{Seed: seed, Faults: lossy})
		require.NoError(t, err)
		var derived []ReplicaCart
		next := 0
		require.NoError(t, s.RunUntil(func() bool {
			derived = append(derived, take()...)
			if next < len(batches) {
				in.Push(batches[next]...)
				next++
				return false
			}
			return enough(derived)
		}, 200_000), "seed %d", seed)
		faults.add(s.Stats())
		for r := range hydro.MemberID(replicas) {
			require.Equal(t, want, sortCarts(perReplica(hand)[r]), "hand-written Figure 8, replica %d, seed %d", r, seed)
			require.Equal(t, want, sortCarts(perReplica(derived)[r]), "derived Figure 8, replica %d, seed %d", r, seed)
		}
	}
}

// derivedReplicaCrashSeeds is the seed count of Figure8Derived's crash
// runs: 200 in make test, twice the hand-written generated Figure 8's (a
// run of three gossiping replicas costs about ten of a derived Figure 6
// or 7), and 10,000 in the long mode.
func derivedReplicaCrashSeeds() int { return simtest.Count(200, 10_000) }

// derivedFaultySteps is how long faults last in a crash run of
// Figure8Derived: long enough for its workload to be sent, acknowledged,
// gossiped and released a few times over.
const derivedFaultySteps = 1000

// TestDerivedFigure8ConvergesAcrossCrashes runs Figure8Derived under the
// failure model of the hand-written Figure 8 (crashy: loss, duplication,
// reordering, and replicas that crash and restart, between a log write and
// its sync too), then without faults: every replica must release every
// checked-out cart exactly once, restarts included.
func TestDerivedFigure8ConvergesAcrossCrashes(t *testing.T) {
	var tally crashTally
	defer tally.check(t)
	simtest.Seeds(t, derivedReplicaCrashSeeds(), func(t *testing.T, seed uint64) {
		w := NewWorkload(seed, 4, 5)
		in := hydro.NewInput[Request]("shopping")
		outs, take := replicaOutputs()
		locs := []sim.Location{{Name: "client", Members: 1}, {Name: "server", Members: replicas}}
		cfg := crashConfig(seed)
		cfg.Schedule = []sim.Phase{{From: derivedFaultySteps}}
		s, err := sim.NewNodes(locs, figure8DerivedSpawn(in, w.Classes, outs), cfg)
		require.NoError(t, err)
		batches := w.Interleave(seed, 3)
		tally.add(checkReplicasConverge(t, s, w, derivedFaultySteps, len(batches), func(i int) { in.Push(batches[i]...) }, take))
	})
}
