package hashset

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

// answered returns the writes a run answered, with their values.
func answered(c *checker) []string {
	var out []string
	for _, id := range slices.Sorted(maps.Keys(c.outcomes)) {
		out = append(out, fmt.Sprintf("%d=%s", id, c.outcomes[id].Value))
	}
	return out
}

// TestDecoupledHashsetEquivalent runs DecoupledHashset, derived from
// Hashset by decoupled.hydroplan (the inconsistency check decoupled
// monotonically to a proxy, signing functionally to a signer), and Hashset
// with the same seed and writes: with messages reordered and delayed,
// duplicated, and lost, and nodes crashing and restarting (the proxy and
// the signer too) until the faults stop, Hashset's invariants hold on the
// derived program, every write is answered, and its outputs at quiescence
// equal the base program's: the same writes answered; without loss or
// crashes, every write two storage nodes acked with different counts
// reported inconsistent, as the base reports them.
func TestDecoupledHashsetEquivalent(t *testing.T) {
	for _, tc := range []struct {
		name     string
		faults   sim.Faults
		lossless bool
	}{
		{"reorder", sim.Faults{}, true},
		{"duplicate", sim.Faults{Duplicate: 0.3}, true},
		{"faults", faulty, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			simtest.Seeds(t, simtest.Count(30, 10_000), func(t *testing.T, seed uint64) {
				sc := scenario{nodes: 3, writes: 16, faults: tc.faults, maxSteps: 100_000}
				if !tc.lossless {
					sc.faultSteps = faultSteps
				}
				base, ok := simulate(t, seed, sc)
				require.True(t, ok, "the base program answers every write")
				sc.derived = true
				derived, ok := simulate(t, seed, sc)
				assert.Empty(t, derived.violations)
				require.True(t, ok, "every write answered once faults stop: %d of %d", len(derived.outcomes), sc.writes)
				assert.Equal(t, answered(base), answered(derived))
				if tc.lossless {
					assert.Empty(t, base.missedAlarms(), "the base program reports every divergence")
					assert.Empty(t, derived.missedAlarms(), "the derived program reports every divergence")
				}
			})
		})
	}
}

// TestDecoupledHashsetReportsAsTheBase forces storage node 0 to hold one
// more value in the bucket of v0 and writes one value at a time, so that
// the outcomes are determined: the derived program answers every write
// with the base program's outcome (count and consistency), and reports
// exactly the writes the base program reports inconsistent.
func TestDecoupledHashsetReportsAsTheBase(t *testing.T) {
	extra := collidingWith(value(0))
	simtest.Seeds(t, simtest.Count(10, 1_000), func(t *testing.T, seed uint64) {
		sc := scenario{nodes: 3, writes: 14, generated: true, sequential: true, maxSteps: 100_000,
			faults: sim.Faults{Duplicate: 0.3},
			preload: func(m int) []string {
				if m == 0 {
					return []string{extra}
				}
				return nil
			}}
		base, ok := simulate(t, seed, sc)
		require.True(t, ok)
		sc.derived = true
		derived, ok := simulate(t, seed, sc)
		require.True(t, ok)
		assert.Empty(t, derived.violations)
		for id, o := range base.outcomes {
			d := derived.outcomes[id]
			assert.Equal(t, o.Consistent, d.Consistent, "write %d", id)
			assert.Equal(t, o.Count, d.Count, "write %d", id)
		}
		assert.Equal(t, slices.Sorted(maps.Keys(base.alarms)), slices.Sorted(maps.Keys(derived.alarms)))
		assert.NotEmpty(t, derived.alarms)
	})
}
