package hashset

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

// TestScalableHashsetEquivalent runs ScalableHashset, derived from Hashset
// by scalable.hydroplan (the proxy and the signer decoupled, then the
// leader, the proxy, the signer and every storage node partitioned), and
// Hashset in the interpreter, with the same seed and writes. Hashset's
// invariants hold on the derived program throughout. Written one at a
// time with messages repeated and reordered, every outcome at quiescence
// equals the base program's, counts included; written in waves without
// loss, every divergence is reported, as the base reports it; under loss,
// duplication and crash-restart of any node (any partition) until the
// faults stop, every write is answered once.
func TestScalableHashsetEquivalent(t *testing.T) {
	t.Run("sequential", func(t *testing.T) {
		simtest.Seeds(t, simtest.Count(20, 10_000), func(t *testing.T, seed uint64) {
			sc := scenario{nodes: 3, writes: 14, sequential: true, faults: sim.Faults{Duplicate: 0.3}, maxSteps: 100_000}
			base, ok := simulate(t, seed, sc)
			require.True(t, ok, "the base program answers every write")
			sc.scalable = true
			derived, ok := simulate(t, seed, sc)
			require.True(t, ok, "every write answered: %d of %d", len(derived.outcomes), sc.writes)
			assert.Empty(t, derived.violations)
			assert.Equal(t, answers(base), answers(derived))
		})
	})
	t.Run("reorder", func(t *testing.T) {
		simtest.Seeds(t, simtest.Count(20, 10_000), func(t *testing.T, seed uint64) {
			sc := scenario{nodes: 3, writes: 16, maxSteps: 100_000}
			base, ok := simulate(t, seed, sc)
			require.True(t, ok, "the base program answers every write")
			sc.scalable = true
			derived, ok := simulate(t, seed, sc)
			require.True(t, ok, "every write answered: %d of %d", len(derived.outcomes), sc.writes)
			assert.Empty(t, derived.violations)
			assert.Equal(t, answered(base), answered(derived))
			assert.Empty(t, derived.missedAlarms(), "the derived program reports every divergence")
		})
	})
	t.Run("faults", func(t *testing.T) {
		simtest.Seeds(t, simtest.Count(30, 10_000), func(t *testing.T, seed uint64) {
			sc := scenario{nodes: 3, writes: 16, scalable: true, faults: faulty, faultSteps: faultSteps, maxSteps: 100_000}
			derived, ok := simulate(t, seed, sc)
			assert.Empty(t, derived.violations)
			require.True(t, ok, "every write answered once faults stop: %d of %d", len(derived.outcomes), sc.writes)
		})
	})
}

// TestScalableHashsetReportsAsTheBase preloads storage node 0 with one more
// value in the bucket of v0 and writes one value at a time: the derived
// program answers every write with the base program's count and
// consistency, and its partitioned proxy reports exactly the writes the
// base program reports inconsistent.
func TestScalableHashsetReportsAsTheBase(t *testing.T) {
	extra := collidingWith(value(0))
	simtest.Seeds(t, simtest.Count(6, 1_000), func(t *testing.T, seed uint64) {
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
		sc.generated, sc.scalable = false, true
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
