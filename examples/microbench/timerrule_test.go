package microbench

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

// TestTimersTickLikeGeneratedNodes runs Ticker, whose members fire a timer
// every 3s, in the simulator both ways. The scheduler ticks a node whose
// timer is due, generated or interpreted, by one rule, so with the same
// seed both runs make the same decisions: the same steps, ticks and
// outputs.
func TestTimersTickLikeGeneratedNodes(t *testing.T) {
	simtest.Seeds(t, 10, func(t *testing.T, seed uint64) {
		type result struct {
			stats sim.Stats
			out   []int64
		}
		runs := map[bool]result{}
		for _, generated := range []bool{false, true} {
			in, o, tagged := hydro.NewInput[int]("in"), hydro.NewOutput[int64]("out"), hydro.NewOutput[Pair]("tagged")
			cfg := sim.Config{Seed: seed, Members: map[string]int{"workers": 2}}
			var s *sim.Sim
			var err error
			if generated {
				s, err = sim.NewNodes([]sim.Location{{Name: "workers", Members: 2}}, func(string, int) (hydro.NetNode, error) {
					return NewTickerWorkers(in, o, tagged), nil
				}, cfg)
			} else {
				f := hydro.NewFlow("Ticker")
				Ticker(f, in, o, tagged)
				s, err = sim.New(f, cfg)
			}
			require.NoError(t, err)
			require.NoError(t, s.Run(3000))
			runs[generated] = result{s.Stats(), slices.Sorted(slices.Values(o.Take()))}
		}
		require.NotEmpty(t, runs[false].out, "no timer fired")
		require.Greater(t, len(runs[false].out), 2, "the timer fired only at the start")
		require.Equal(t, runs[false], runs[true])
	})
}
