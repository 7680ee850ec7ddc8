package microbench

import (
	"math/rand/v2"
	"testing"

	"github.com/hydrogo/hydro/hydro"
)

func init() {
	cases["Firsts"] = caseOf(false, unary(pairs, Firsts, NewFirstsBench))
	cases["Unacked"] = caseOf(true, binary2(pairs, keys, Unacked, NewUnackedBench))
	cases["Hot"] = caseOf(false, func(t *testing.T, seed uint64) (run, run) {
		mk := func(tick func(hydro.Input[Pair], hydro.Input[Probe], hydro.Output[Reading], hydro.Output[Pair]) func()) run {
			in, probes := hydro.NewInput[Pair]("in"), hydro.NewInput[Probe]("probes")
			o, answers := hydro.NewOutput[Reading]("out"), hydro.NewOutput[Pair]("answers")
			rng := rand.New(rand.NewPCG(seed, 1))
			return run{
				push: func(*rand.Rand) {
					in.Push(pairs(rng)...)
					for range rng.IntN(4) {
						probes.Push(Probe{Sensor: rng.IntN(8), Tag: rng.IntN(100)})
					}
				},
				tick: tick(in, probes, o, answers),
				take: func() [][]string { return [][]string{printAll(o.Take()), printAll(answers.Take())} },
			}
		}
		return mk(func(in hydro.Input[Pair], probes hydro.Input[Probe], o hydro.Output[Reading], answers hydro.Output[Pair]) func() {
				return interp(t, "Hot", func(f *hydro.Flow) { Hot(f, in, probes, o, answers) })
			}), mk(func(in hydro.Input[Pair], probes hydro.Input[Probe], o hydro.Output[Reading], answers hydro.Output[Pair]) func() {
				return NewHotBench(in, probes, o, answers).Tick
			})
	})
}

// keys returns a few acknowledged keys, usually none.
func keys(r *rand.Rand) []int {
	out := make([]int, max(0, r.IntN(5)-2))
	for i := range out {
		out[i] = r.IntN(6)
	}
	return out
}
