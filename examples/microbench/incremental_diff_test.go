package microbench

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
)

func init() {
	cases["Firsts"] = caseOf(false, unary(pairs, Firsts, NewFirstsBench))
	cases["Unacked"] = caseOf(true, binary2(pairs, keys, Unacked, NewUnackedBench))
	cases["Pending"] = caseOf(true, binary2(pairs, retirements, Pending, NewPendingBench))
	cases["Expand"] = caseOf(false, unary(ints, func(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) { Expand(f, in, 3, out) },
		func(in hydro.Input[int], out hydro.Output[int]) *ExpandBench { return NewExpandBench(in, 3, out) }))
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
	cases["Snapshot"] = caseOf(false, func(t *testing.T, seed uint64) (run, run) {
		mk := func(tick func(hydro.Input[Pair], hydro.Input[int], hydro.Input[Probe], hydro.Output[Pair], hydro.Output[Pair]) func()) run {
			in, requests, probes := hydro.NewInput[Pair]("in"), hydro.NewInput[int]("requests"), hydro.NewInput[Probe]("probes")
			o, answers := hydro.NewOutput[Pair]("out"), hydro.NewOutput[Pair]("answers")
			rng := rand.New(rand.NewPCG(seed, 1))
			return run{
				push: func(*rand.Rand) {
					in.Push(pairs(rng)...)
					for range max(0, rng.IntN(5)-2) {
						requests.Push(rng.IntN(3))
					}
					for range rng.IntN(4) {
						probes.Push(Probe{Sensor: rng.IntN(8), Tag: rng.IntN(100)})
					}
				},
				tick: tick(in, requests, probes, o, answers),
				take: func() [][]string { return [][]string{printAll(o.Take()), printAll(answers.Take())} },
			}
		}
		return mk(func(in hydro.Input[Pair], requests hydro.Input[int], probes hydro.Input[Probe], o, answers hydro.Output[Pair]) func() {
				return interp(t, "Snapshot", func(f *hydro.Flow) { Snapshot(f, in, requests, probes, o, answers) })
			}), mk(func(in hydro.Input[Pair], requests hydro.Input[int], probes hydro.Input[Probe], o, answers hydro.Output[Pair]) func() {
				return NewSnapshotBench(in, requests, probes, o, answers).Tick
			})
	})
}

// TestSnapshotReadsGroupsInPlace shows the generated Snapshot node keeps
// no copy of the merge's groups for its cross join, nor a buffer of them
// for its join: both read the merge's own state.
func TestSnapshotReadsGroupsInPlace(t *testing.T) {
	typ := reflect.TypeFor[SnapshotBench]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		require.False(t, strings.HasPrefix(name, "h2To"), "field %s: a handoff of the merge's groups", name)
		require.False(t, strings.HasPrefix(name, "n5"), "field %s: the cross join stores a side", name)
	}
}

// retirements returns a few retired sensors, usually none.
func retirements(r *rand.Rand) []Probe {
	out := make([]Probe, max(0, r.IntN(5)-2))
	for i := range out {
		out[i] = Probe{Sensor: r.IntN(8)}
	}
	return out
}

// TestPendingForgetsRetiredSensors shows the generated Pending node drops
// the merged reading of every retired sensor: once all are retired it
// holds no group, however many readings arrive for them afterwards.
func TestPendingForgetsRetiredSensors(t *testing.T) {
	in, retired, out := hydro.NewInput[Pair]("in"), hydro.NewInput[Probe]("retired"), hydro.NewOutput[Reading]("out")
	nd := NewPendingBench(in, retired, out)
	for k := range 100 {
		in.Push(Pair{Key: k, Value: 1}, Pair{Key: k, Value: 2})
	}
	nd.Tick()
	require.Len(t, out.Take(), 100)
	require.Equal(t, 100, groups(nd))
	for k := range 100 {
		retired.Push(Probe{Sensor: k})
	}
	nd.Tick()
	nd.Tick()
	require.Empty(t, out.Take())
	require.Zero(t, groups(nd))
	in.Push(Pair{Key: 7, Value: 3}, Pair{Key: 7, Value: 4})
	nd.Tick()
	nd.Tick()
	require.Empty(t, out.Take(), "a retired sensor stays retired")
	require.Zero(t, groups(nd))
}

// groups counts the groups a generated node's keyed aggregations hold: the
// lengths of its fields n<id>Accs.
func groups(nd any) int {
	v := reflect.ValueOf(nd).Elem()
	total := 0
	for i := range v.NumField() {
		if name := v.Type().Field(i).Name; strings.HasPrefix(name, "n") && strings.HasSuffix(name, "Accs") {
			total += v.Field(i).Len()
		}
	}
	return total
}

// keys returns a few acknowledged keys, usually none.
func keys(r *rand.Rand) []int {
	out := make([]int, max(0, r.IntN(5)-2))
	for i := range out {
		out[i] = r.IntN(6)
	}
	return out
}
