package sim

import (
	"flag"
	"fmt"
	"testing"
)

var onlySeed = flag.Int64("sim.seed", -1, "run only this simulation seed (replays a failure)")

// Seeds runs fn once per seed in [0, n), each as a subtest named by its seed,
// and stops at the first failing seed, saying how to replay it. With
// -sim.seed=N only seed N runs.
func Seeds(t *testing.T, n int, fn func(t *testing.T, seed uint64)) {
	t.Helper()
	if *onlySeed >= 0 {
		n = 1
	}
	for i := range n {
		seed := uint64(i)
		if *onlySeed >= 0 {
			seed = uint64(*onlySeed)
		}
		ok := t.Run(seedName(seed), func(t *testing.T) { fn(t, seed) })
		if !ok {
			t.Fatalf("seed %d failed; replay it with: go test -run '%s/%s' -sim.seed=%d", seed, t.Name(), seedName(seed), seed)
		}
	}
}

func seedName(seed uint64) string { return fmt.Sprintf("seed%d", seed) }
