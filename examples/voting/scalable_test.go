package voting

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

// outputs are a run's client-visible outputs at quiescence, as sets: the
// answered requests and the votes participants logged.
func outputs(c *checker) (answered []uint64, votes []string) {
	answered = slices.Sorted(maps.Keys(c.answered))
	for id, by := range c.voted {
		for p := range by {
			votes = append(votes, fmt.Sprintf("%d/%d", id, p))
		}
	}
	slices.Sort(votes)
	return answered, votes
}

// TestScalableVotingEquivalent runs ScalableVoting, derived from Voting by
// scalable.hydroplan (the broadcast decoupled functionally to a
// broadcaster), and Voting in the interpreter with the same seed and
// requests: with messages lost, duplicated, reordered and delayed and nodes
// crashing and restarting (the broadcaster too) until the faults stop,
// Voting's invariants hold on the derived program and its outputs at
// quiescence equal the base program's.
func TestScalableVotingEquivalent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults sim.Faults
	}{
		{"reorder", sim.Faults{}},
		{"faults", faulty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			simtest.Seeds(t, simtest.Count(100, 10_000), func(t *testing.T, seed uint64) {
				sc := scenario{participants: 3, requests: 12, faults: tc.faults, faultSteps: faultSteps, maxSteps: 100_000}
				base, ok := simulate(t, seed, sc)
				require.True(t, ok, "the base program answers every request")
				sc.derived = true
				derived, ok := simulate(t, seed, sc)
				assert.Empty(t, derived.violations)
				require.True(t, ok, "every request answered once faults stop: %d of %d", len(derived.answered), sc.requests)
				wantAnswered, wantVotes := outputs(base)
				gotAnswered, gotVotes := outputs(derived)
				assert.Equal(t, wantAnswered, gotAnswered)
				assert.Equal(t, wantVotes, gotVotes)
			})
		})
	}
}
