package pingpong

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

// locations are the flow's locations, in the order the interpreter's
// simulation places them.
var locations = []sim.Location{{Name: "pinger", Members: 1}, {Name: "ponger", Members: 1}}

// simulate runs PingPong in the simulator, generated or interpreted, pushing
// each batch once the previous one has come back, and returns the pongs of
// every batch, sorted.
func simulate(t *testing.T, generated bool, cfg sim.Config, batches [][]Ping) [][]Ping {
	t.Helper()
	in, out := hydro.NewInput[Ping]("in"), hydro.NewOutput[Ping]("out")
	var s *sim.Sim
	var err error
	if generated {
		s, err = sim.NewNodes(locations, func(loc string, _ int) (hydro.NetNode, error) {
			if loc == "pinger" {
				return NewPingPongPinger(in, out), nil
			}
			return NewPingPongPonger(in, out), nil
		}, cfg)
	} else {
		f := hydro.NewFlow("PingPong")
		PingPong(f, in, out)
		s, err = sim.New(f, cfg)
	}
	require.NoError(t, err)
	got := make([][]Ping, len(batches))
	for i, b := range batches {
		in.Push(b...)
		require.NoError(t, s.RunUntilQuiet(100_000))
		got[i] = slices.SortedFunc(slices.Values(out.Take()), func(a, b Ping) int { return cmp.Compare(a.Seq, b.Seq) })
	}
	return got
}

func TestGeneratedMatchesInterpreted(t *testing.T) {
	simtest.Seeds(t, 20, func(t *testing.T, seed uint64) {
		r := rand.New(rand.NewPCG(seed, 1))
		var batches, want [][]Ping
		var seq uint64
		for range 5 {
			var b, w []Ping
			for range r.IntN(8) {
				b = append(b, Ping{Seq: seq})
				w = append(w, Ping{Seq: seq, Hops: 1})
				seq++
			}
			batches, want = append(batches, b), append(want, w)
		}

		// Over a network that reorders, every ping comes back once.
		cfg := sim.Config{Seed: seed}
		interpreted := simulate(t, false, cfg, batches)
		require.Equal(t, interpreted, simulate(t, true, cfg, batches))
		for i := range want {
			require.ElementsMatch(t, want[i], interpreted[i], "batch %d", i)
		}

		// Over one that duplicates as well, every ping comes back at least
		// once.
		cfg.Faults.Duplicate = 0.3
		interpreted = simulate(t, false, cfg, batches)
		generated := simulate(t, true, cfg, batches)
		for i := range want {
			require.Equal(t, want[i], slices.Compact(interpreted[i]), "interpreted, batch %d", i)
			require.Equal(t, want[i], slices.Compact(generated[i]), "generated, batch %d", i)
		}
	})
}
