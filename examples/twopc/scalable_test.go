package twopc

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

// scalableNode is the generated node of ScalableTwoPC, the flow
// scalable.hydroplan derives from TwoPC, for location.
func scalableNode(location string, in hydro.Input[Request], outcomes hydro.Output[Outcome], votes hydro.Output[Vote], decisions hydro.Output[Decision]) hydro.NetNode {
	switch location {
	case "client":
		return NewScalableTwoPCClient(in, outcomes, votes, decisions)
	case "coordinator":
		return NewScalableTwoPCCoordinator(in, outcomes, votes, decisions)
	case "voterequester":
		return NewScalableTwoPCVoterequester(in, outcomes, votes, decisions)
	case "committer":
		return NewScalableTwoPCCommitter(in, outcomes, votes, decisions)
	case "ender":
		return NewScalableTwoPCEnder(in, outcomes, votes, decisions)
	}
	return NewScalableTwoPCParticipant(in, outcomes, votes, decisions)
}

// TestScalableTwoPCEquivalent runs ScalableTwoPC, derived from TwoPC by
// scalable.hydroplan, and TwoPC in the interpreter with the same seed and
// transactions.
//
// With messages reordered and delayed only, and a clock slow enough that
// nothing times out, both settle every transaction and their client-visible
// outputs at quiescence — every outcome and every participant's decisions,
// once every participant that does not refuse a transaction has decided it
// — are equal. With messages lost, duplicated, reordered and delayed and
// every node crashing and restarting (the vote requester, committer and
// ender too, durable ones half of the time between a log write and its
// sync) until the faults stop, TwoPC's invariants hold on the derived
// program, it settles every transaction, and every outcome is one TwoPC
// can produce: a refused transaction aborts, others commit or abort by
// timeout, the same at every participant and the client.
func TestScalableTwoPCEquivalent(t *testing.T) {
	t.Run("reorder", func(t *testing.T) {
		simtest.Seeds(t, simtest.Count(30, 10_000), func(t *testing.T, seed uint64) {
			sc := scenario{participants: 3, requests: 12, refuse: 4, clockStep: 50 * time.Microsecond, quiesce: true, maxSteps: 60_000}
			base, ok := simulate(t, seed, sc)
			require.True(t, ok, "the base program settles")
			sc.derived = true
			derived, ok := simulate(t, seed, sc)
			assert.Empty(t, derived.violations)
			require.True(t, ok, "every transaction settled: %d of %d answered", len(derived.answered), sc.requests)
			wantOutcomes, wantDecisions := outputs(base)
			gotOutcomes, gotDecisions := outputs(derived)
			assert.Equal(t, wantOutcomes, gotOutcomes)
			assert.Equal(t, wantDecisions, gotDecisions)
		})
	})
	t.Run("faults", func(t *testing.T) {
		simtest.Seeds(t, simtest.Count(30, 10_000), func(t *testing.T, seed uint64) {
			sc := scenario{participants: 3, requests: 12, refuse: 4, derived: true,
				faults: faulty, faultSteps: faultSteps, maxSteps: 150_000}
			c, ok := simulate(t, seed, sc)
			assert.Empty(t, c.violations)
			require.True(t, ok, "every transaction settled once faults stop: %d of %d answered", len(c.answered), sc.requests)
			for id, committed := range c.outcome {
				if refusedByAny(c.sent[id], 3) {
					assert.False(t, committed, "refused transaction %d committed", id)
				}
				if committed {
					assert.Len(t, c.decided[id], 3, "transaction %d committed at every participant", id)
				}
			}
		})
	})
}
