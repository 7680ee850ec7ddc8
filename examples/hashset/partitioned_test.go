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

// answers are a run's outcomes at quiescence as a sorted set: write, value,
// consistency and count (the certificates' signatures differ only by
// which member of a partitioned node signed, which is the base member).
func answers(c *checker) []string {
	var out []string
	for _, id := range slices.Sorted(maps.Keys(c.outcomes)) {
		o := c.outcomes[id]
		out = append(out, fmt.Sprintf("%d:%s:%v:%d:%d", o.ID, o.Value, o.Consistent, o.Count, len(o.Certificate)))
	}
	return out
}

// TestPartitionedHashsetEquivalent runs PartitionedHashset, derived from
// Hashset by partitioned.hydroplan (the leader partitioned by co-hashing on
// write ID, each storage node partitioned by the hash of the value), and
// Hashset in the interpreter, with the same seed and writes. Hashset's
// invariants hold on the derived program throughout (one outcome per write,
// for the written value, with one valid signature per storage node on the
// count that node computed, consistent exactly when the counts agree).
// Written one at a time, with messages repeated and reordered, every
// outcome at quiescence equals the base program's, counts included — so
// each partition counts exactly the base node's collisions of its hashes.
// Under loss, duplication and crash-restart of any node (a partition too)
// until the faults stop, every write is answered once, as in the base.
func TestPartitionedHashsetEquivalent(t *testing.T) {
	t.Run("sequential", func(t *testing.T) {
		simtest.Seeds(t, simtest.Count(6, 10_000), func(t *testing.T, seed uint64) {
			sc := scenario{nodes: 3, writes: 14, sequential: true, faults: sim.Faults{Duplicate: 0.3}, maxSteps: 100_000}
			base, ok := simulate(t, seed, sc)
			require.True(t, ok, "the base program answers every write")
			sc.partitioned = true
			derived, ok := simulate(t, seed, sc)
			require.True(t, ok, "every write answered: %d of %d", len(derived.outcomes), sc.writes)
			assert.Empty(t, derived.violations)
			assert.Equal(t, answers(base), answers(derived))
		})
	})
	t.Run("faults", func(t *testing.T) {
		// The base program answers every write under these faults
		// (TestHashsetUnderFaults), each once, for its value: so does the
		// derived one, which the checker and the count check.
		simtest.Seeds(t, simtest.Count(8, 10_000), func(t *testing.T, seed uint64) {
			sc := scenario{nodes: 3, writes: 16, partitioned: true, faults: faulty, faultSteps: faultSteps, maxSteps: 100_000}
			derived, ok := simulate(t, seed, sc)
			assert.Empty(t, derived.violations)
			require.True(t, ok, "every write answered once faults stop: %d of %d", len(derived.outcomes), sc.writes)
		})
	})
}

// TestPartitionedHashsetCountsPreloadedValues preloads storage node 0 with
// one more value in the bucket of v0: the partition of node 0 that holds
// that hash counts it, so every write of v0 is reported inconsistent and
// every other consistent, as in the base program.
func TestPartitionedHashsetCountsPreloadedValues(t *testing.T) {
	extra := collidingWith(value(0))
	simtest.Seeds(t, simtest.Count(10, 1_000), func(t *testing.T, seed uint64) {
		c, ok := simulate(t, seed, scenario{nodes: 3, writes: 14, partitioned: true, sequential: true, maxSteps: 100_000,
			preload: func(m int) []string {
				if m == 0 {
					return []string{extra}
				}
				return nil
			}})
		require.True(t, ok)
		assert.Empty(t, c.violations)
		for id, o := range c.outcomes {
			assert.Equal(t, Hash(o.Value) != Hash(value(0)), o.Consistent, "write %d (%s)", id, o.Value)
		}
	})
}
