// Package simtest runs seeded simulations from tests: one subtest per seed,
// replay of a single failing seed, and the short and long seed counts that
// `make test` and `make test-long` use.
//
// It is test support: it imports package testing and registers the
// -sim.seed flag, so only _test.go files import it.
package simtest

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

var onlySeed = flag.Int64("sim.seed", -1, "run only this simulation seed (replays a failure)")

// LongEnv is the environment variable that selects the long mode: set to 1
// (as `make test-long` does), tests run their long seed counts.
const LongEnv = "HYDRO_LONG"

// Long reports whether the long mode is on.
func Long() bool { return os.Getenv(LongEnv) == "1" }

// Count is the number of seeds a simulation test runs: long in the long
// mode, short otherwise, and a tenth of short (at least 1) with -short.
func Count(short, long int) int {
	switch {
	case Long():
		return long
	case testing.Short():
		return max(1, short/10)
	}
	return short
}

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
