package paxos

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

// The tests of ScalablePaxos, derived from Paxos by scalable.hydroplan
// (p2a proxies, p2b proxies, acceptors partitioned by slot with a
// coordinator each and the P1b sealed), run Paxos's scenarios and checks on the
// generated nodes of the derived program: no two replicas execute
// different commands in a slot, replicas execute in order, the clients'
// history is linearizable, and every operation is answered once the faults
// stop.

func TestScalablePaxosWithoutFaults(t *testing.T) {
	simtest.Seeds(t, simtest.Count(10, 10_000), func(t *testing.T, seed uint64) {
		r := simulate(t, seed, scenario{derived: true, clients: 3, ops: 10, maxSteps: 60_000, downAcceptor: -1, downReplica: -1, lateReplica: -1})
		check(t, seed, r, true)
	})
}

// TestScalablePaxosUnderFaults loses, duplicates, reorders and delays
// messages and crashes and restarts every node, the proxies and the
// acceptors' partitions included, until the faults stop.
func TestScalablePaxosUnderFaults(t *testing.T) {
	proxyCrashes, coordinatorCrashes := 0, 0
	simtest.Seeds(t, simtest.Count(10, 10_000), func(t *testing.T, seed uint64) {
		r := simulate(t, seed, scenario{derived: true, clients: 3, ops: 10, faults: faulty,
			faultSteps: 6_000, maxSteps: 150_000, downAcceptor: -1, downReplica: -1, lateReplica: -1})
		check(t, seed, r, true)
		proxyCrashes += r.crashes["p2aproxy"] + r.crashes["p2bproxy"]
		coordinatorCrashes += r.crashes["coordinator"]
	})
	assert.Positive(t, proxyCrashes, "some proxy crashed and restarted")
	assert.Positive(t, coordinatorCrashes, "some acceptor's partition 0 crashed and restarted")
}

// TestScalablePaxosCoordinatorsCrash crashes only the acceptors'
// partitions, often: a partition 0, its acceptor's coordinator, loses
// the P1as in flight to it, the publication it carried and the tally of
// its partitions' votes, and numbers its next publication above every
// number it issued (durably), so that its partitions' holds end.
func TestScalablePaxosCoordinatorsCrash(t *testing.T) {
	coordinatorCrashes := 0
	simtest.Seeds(t, simtest.Count(10, 10_000), func(t *testing.T, seed uint64) {
		r := simulate(t, seed, scenario{derived: true, clients: 3, ops: 10,
			faults:     sim.Faults{Drop: 0.1, Duplicate: 0.1, Crash: 0.01, CrashOnly: []string{"acceptor"}},
			faultSteps: 6_000, maxSteps: 150_000, downAcceptor: -1, downReplica: -1, lateReplica: -1})
		check(t, seed, r, true)
		coordinatorCrashes += r.crashes["coordinator"]
	})
	assert.Positive(t, coordinatorCrashes, "an acceptor's partition 0 crashed and restarted")
}

// TestScalablePaxosProxiesCrash crashes only the proxies, often.
func TestScalablePaxosProxiesCrash(t *testing.T) {
	simtest.Seeds(t, simtest.Count(10, 10_000), func(t *testing.T, seed uint64) {
		r := simulate(t, seed, scenario{derived: true, clients: 3, ops: 10,
			faults:     sim.Faults{Drop: 0.1, Duplicate: 0.1, Crash: 0.01, CrashOnly: scalableRoles},
			faultSteps: 6_000, maxSteps: 150_000, downAcceptor: -1, downReplica: -1, lateReplica: -1})
		check(t, seed, r, true)
		assert.Positive(t, r.crashes["p2aproxy"]+r.crashes["p2bproxy"], "a proxy crashed")
	})
}

// TestScalablePaxosDuellingProposers crashes proposers often, so that
// leaders change and a deposed leader's P2as arrive after its successor's
// P1a, through the proxies.
func TestScalablePaxosDuellingProposers(t *testing.T) {
	stale, changes := 0, 0
	simtest.Seeds(t, simtest.Count(40, 10_000), func(t *testing.T, seed uint64) {
		r := simulate(t, seed, scenario{derived: true, clients: 3, ops: 10,
			faults:     sim.Faults{Drop: 0.35, Duplicate: 0.1, Crash: 0.003, CrashOnly: []string{"proposer"}},
			faultSteps: 8_000, maxSteps: 150_000, downAcceptor: -1, downReplica: -1, lateReplica: -1})
		check(t, seed, r, true)
		stale += r.c.stale
		if len(r.c.leaders) > 1 {
			changes++
		}
	})
	t.Logf("%d stale P2as rejected; both proposers led in %d runs", stale, changes)
	assert.Positive(t, changes, "leadership changed")
}

func TestScalablePaxosCommitsWithOneAcceptorDown(t *testing.T) {
	simtest.Seeds(t, simtest.Count(10, 10_000), func(t *testing.T, seed uint64) {
		r := simulate(t, seed, scenario{derived: true, clients: 3, ops: 10, faults: sim.Faults{Drop: 0.1, Duplicate: 0.1},
			faultSteps: 4_000, maxSteps: 100_000, downAcceptor: int(seed % 3), downReplica: -1, lateReplica: -1})
		check(t, seed, r, true)
	})
}

// TestScalablePaxosUnbatched is TestPaxosUnbatched on ScalablePaxos.
func TestScalablePaxosUnbatched(t *testing.T) {
	simtest.Seeds(t, simtest.Count(15, 10_000), func(t *testing.T, seed uint64) {
		r := simulate(t, seed, scenario{derived: true, batch: 1, clients: 6, ops: 5, faults: faulty,
			faultSteps: 6_000, maxSteps: unbatchedSteps, downAcceptor: -1, downReplica: -1, lateReplica: -1})
		check(t, seed, r, true)
	})
}
