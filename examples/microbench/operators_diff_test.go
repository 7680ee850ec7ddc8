package microbench

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

func init() {
	cases["Negation"] = caseOf(false, unary(pairs, Negation, NewNegationBench))
	cases["Diff"] = caseOf(false, unary(ints, Diff, NewDiffBench))
	cases["Cross"] = caseOf(false, unary(ints, Cross, NewCrossBench))
	cases["Aggregates"] = caseOf(false, unary(pairs, Aggregates, NewAggregatesBench))
	cases["RateTable"] = caseOf(true, unary(pairs, RateTable, NewRateTableBench))
	cases["Sorted"] = caseOf(true, unary(ints, Sorted, NewSortedBench))
	cases["SortedPairs"] = caseOf(true, unary(pairs, SortedPairs, NewSortedPairsBench))
	cases["Persisted"] = caseOf(true, unary(ints, Persisted, NewPersistedBench))
	cases["PersistChain"] = caseOf(true, unary(func(r *rand.Rand) []int { xs := ints(r); return xs[:min(len(xs), 3)] }, PersistChain, NewPersistChainBench))
	cases["Lattices"] = caseOf(true, func(t *testing.T, seed uint64) (run, run) {
		mk := func(tick func(hydro.Input[Pair], hydro.Output[Reading], hydro.Output[lattices.Max[int]]) func()) run {
			in, o, pk := hydro.NewInput[Pair]("in"), hydro.NewOutput[Reading]("out"), hydro.NewOutput[lattices.Max[int]]("peak")
			rng := rand.New(rand.NewPCG(seed, 1))
			return run{
				push: func(*rand.Rand) { in.Push(pairs(rng)...) },
				tick: tick(in, o, pk),
				take: func() [][]string { return [][]string{printAll(o.Take()), printAll(pk.Take())} },
			}
		}
		return mk(func(in hydro.Input[Pair], o hydro.Output[Reading], pk hydro.Output[lattices.Max[int]]) func() {
				return interp(t, "Lattices", func(f *hydro.Flow) { Lattices(f, in, o, pk) })
			}), mk(func(in hydro.Input[Pair], o hydro.Output[Reading], pk hydro.Output[lattices.Max[int]]) func() {
				return NewLatticesBench(in, o, pk).Tick
			})
	})
	cases["Ticker"] = caseOf(false, func(t *testing.T, seed uint64) (run, run) {
		const member = 2
		mk := func(tick func(hydro.Input[int], hydro.Output[int64], hydro.Output[Pair]) (func(), func(time.Duration))) run {
			in, o, tagged := hydro.NewInput[int]("in"), hydro.NewOutput[int64]("out"), hydro.NewOutput[Pair]("tagged")
			rng := rand.New(rand.NewPCG(seed, 1))
			tk, advance := tick(in, o, tagged)
			return run{
				push: func(*rand.Rand) {
					xs := ints(rng)
					in.Push(xs[:min(len(xs), rng.IntN(3))]...)
					advance(time.Duration(rng.IntN(2500)) * time.Millisecond)
				},
				tick: tk,
				take: func() [][]string { return [][]string{printAll(o.Take()), printAll(tagged.Take())} },
			}
		}
		return mk(func(in hydro.Input[int], o hydro.Output[int64], tagged hydro.Output[Pair]) (func(), func(time.Duration)) {
				f := hydro.NewFlow("Ticker")
				Ticker(f, in, o, tagged)
				it, err := hydro.InterpretAt(f, hydro.NodeConfig{Location: "workers", Member: member, Members: map[string]int{"workers": 4}})
				require.NoError(t, err)
				return it.Tick, it.Advance
			}), mk(func(in hydro.Input[int], o hydro.Output[int64], tagged hydro.Output[Pair]) (func(), func(time.Duration)) {
				nd := NewTickerWorkers(in, o, tagged)
				nd.SetMember(member)
				return nd.Tick, func(d time.Duration) { nd.SetNow(nd.Now().Add(d)) }
			})
	})
}

// caseOf builds an entry of cases.
func caseOf(ordered bool, mk func(t *testing.T, seed uint64) (run, run)) struct {
	ordered bool
	mk      func(t *testing.T, seed uint64) (interp, gen run)
} {
	return struct {
		ordered bool
		mk      func(t *testing.T, seed uint64) (interp, gen run)
	}{ordered, mk}
}

// TestTickerRun runs a node with a timer on the wall clock: the first tick
// emits the current time, and Run stops when its context is done.
func TestTickerRun(t *testing.T) {
	in, o, tagged := hydro.NewInput[int]("in"), hydro.NewOutput[int64]("out"), hydro.NewOutput[Pair]("tagged")
	nd := NewTickerWorkers(in, o, tagged)
	nd.SetMember(3)
	in.Push(5)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	require.ErrorIs(t, nd.Run(ctx), context.DeadlineExceeded)
	got := o.Take()
	require.Len(t, got, 1)
	require.InDelta(t, start.Unix(), got[0], 1)
	require.Equal(t, []Pair{{3, 5}}, tagged.Take())
}
