package shopping

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

// crashy is the failure model Figure 8 claims to survive: loss,
// duplication and reordering, and replicas that crash and restart, half of
// the time between a tick's log write and its sync. The client does not
// crash: its requests live only in its memory.
var crashy = sim.Faults{Drop: 0.2, Duplicate: 0.2, Crash: 0.001, CrashOnly: []string{"server"}}

// faultySteps is how long faults last in a crash run: long enough for the
// whole workload to be sent, acknowledged and released a few times over.
const faultySteps = 6000

// replicas is the number of Figure 8's replicas in the simulations.
const replicas = 3

// crashSeeds is the seed count of the crash simulations of generated
// Figure 8 nodes: 10,000 in the long mode. The interpreter, slower, runs
// a fifth of them.
func crashSeeds() int { return simtest.Count(100, 10_000) }

// checkFigure8Converges runs Figure 8 under crashy for faultySteps steps
// (crashConfig), pushing the workload's batches, then without faults until
// every replica released every session (checkReplicasConverge).
func checkFigure8Converges(t *testing.T, s *sim.Sim, w Workload, seed uint64, in hydro.Input[Session], out hydro.Output[ReplicaCart]) sim.Stats {
	t.Helper()
	batches := SessionRequests(w.Interleave(seed, 3))
	return checkReplicasConverge(t, s, w, faultySteps, len(batches), func(i int) { in.Push(batches[i]...) }, out.Take)
}

// checkReplicasConverge runs a replicated figure for faulty steps, pushing
// one of the workload's n batches (push) every step, then without faults
// until every replica released every session (take returns what the
// replicas released since it was last called). Every replica must release
// every checked-out cart exactly once, restarts included: no acknowledged
// session is lost, and a durable release is not repeated.
func checkReplicasConverge(t *testing.T, s *sim.Sim, w Workload, faulty, n int, push func(int), take func() []ReplicaCart) sim.Stats {
	t.Helper()
	want := map[uint32]Cart{}
	for _, c := range w.ExpectedCarts() {
		want[c.Client] = c
	}
	count := map[hydro.MemberID]map[uint32]int{}
	next := 0
	collect := func() {
		for _, rc := range take() {
			require.Equal(t, want[rc.Cart.Client], rc.Cart, "replica %d released a wrong cart", rc.Replica)
			if count[rc.Replica] == nil {
				count[rc.Replica] = map[uint32]int{}
			}
			count[rc.Replica][rc.Cart.Client]++
		}
		if next < n {
			push(next)
			next++
		}
	}
	for range faulty {
		collect()
		require.NoError(t, s.Step())
	}
	converged := func() bool {
		collect()
		for r := range hydro.MemberID(replicas) {
			if len(count[r]) < len(want) {
				return false
			}
		}
		return next == n
	}
	require.NoError(t, s.RunUntil(converged, 200_000), "replicas did not converge once faults stopped")
	// A little longer: nothing is released twice.
	require.NoError(t, s.Run(2000))
	collect()
	for r := range hydro.MemberID(replicas) {
		for client, n := range count[r] {
			require.Equal(t, 1, n, "replica %d released client %d's cart %d times", r, client, n)
		}
	}
	return s.Stats()
}

// crashConfig is the simulation of a crash run: crashy for faultySteps
// steps, then no faults.
func crashConfig(seed uint64) sim.Config {
	return sim.Config{Seed: seed, Members: map[string]int{"server": replicas}, Faults: crashy,
		Schedule: []sim.Phase{{From: faultySteps}}}
}

// crashTally checks that the crash runs did crash nodes, between a log
// write and its sync too.
type crashTally struct{ crashes, beforeSync int }

func (c *crashTally) add(st sim.Stats) { c.crashes += st.Crashes; c.beforeSync += st.CrashesBeforeSync }

func (c *crashTally) check(t *testing.T) {
	t.Helper()
	if c.crashes == 0 || c.beforeSync == 0 {
		t.Errorf("no crashes were injected: %+v", *c)
	}
}

func TestFigure8ConvergesAcrossCrashes(t *testing.T) {
	var tally crashTally
	defer tally.check(t)
	simtest.Seeds(t, crashSeeds()/5, func(t *testing.T, seed uint64) {
		w := NewWorkload(seed, 4, 5)
		in, out := hydro.NewInput[Session]("shopping"), hydro.NewOutput[ReplicaCart]("carts")
		f := hydro.NewFlow("Figure8")
		Figure8(f, in, w.Classes, out)
		s, err := sim.New(f, crashConfig(seed))
		require.NoError(t, err)
		tally.add(checkFigure8Converges(t, s, w, seed, in, out))
	})
}

func TestGeneratedFigure8ConvergesAcrossCrashes(t *testing.T) {
	var tally crashTally
	defer tally.check(t)
	simtest.Seeds(t, crashSeeds(), func(t *testing.T, seed uint64) {
		w := NewWorkload(seed, 4, 5)
		in, out := hydro.NewInput[Session]("shopping"), hydro.NewOutput[ReplicaCart]("carts")
		spawn := figure8Spawn(in, w.Classes, out)
		locs := []sim.Location{{Name: "client", Members: 1}, {Name: "server", Members: replicas}}
		s, err := sim.NewNodes(locs, spawn, crashConfig(seed))
		require.NoError(t, err)
		tally.add(checkFigure8Converges(t, s, w, seed, in, out))
	})
}
