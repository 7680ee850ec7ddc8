package hydro_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/durable"
	"github.com/hydrogo/hydro/lattices"
)

type count struct {
	Key uint32 `hydro:"key"`
	N   int
}

// durableCounter is a keyed counter whose counts are durable.
func durableCounter(in hydro.Input[count], out hydro.Output[count]) *hydro.Flow {
	f := hydro.NewFlow("counter")
	p := f.Process("counter")
	counts := hydro.ReduceKeyed(hydro.Source(p, in), func(acc *count, t count) { acc.N += t.N }, hydro.Durable)
	hydro.Sink(hydro.Unique(counts, hydro.Durable), out)
	return f
}

func TestDurableStateSurvivesRestart(t *testing.T) {
	disk := durable.NewMemFS()
	start := func() (*hydro.Interpreter, hydro.Input[count], hydro.Output[count]) {
		in, out := hydro.NewInput[count]("in"), hydro.NewOutput[count]("out")
		it, err := hydro.Interpret(durableCounter(in, out))
		require.NoError(t, err)
		require.NoError(t, it.Recover(disk, durable.Options{}))
		return it, in, out
	}
	it, in, out := start()
	in.Push(count{1, 1}, count{2, 5}, count{1, 1})
	it.Tick()
	require.ElementsMatch(t, []count{{1, 2}, {2, 5}}, out.Take())
	require.Equal(t, 1, it.Log().Stats().Syncs, "one sync for the tick")
	require.Equal(t, 4, it.Log().Stats().Records, "two groups and two new items")

	// A crash between the next tick's log write and its sync: nothing of
	// the tick is output, and it is lost.
	in.Push(count{1, 10})
	disk.FailNextSync()
	it.Tick()
	require.Empty(t, out.Take(), "no output before the sync")
	require.ErrorIs(t, it.Err(), durable.ErrCrashed)
	it.Tick()
	require.Empty(t, out.Take(), "a stopped node does nothing")
	disk.Crash(func(n int) int { return n / 2 })
	require.NoError(t, it.Close())

	it, in, out = start()
	in.Push(count{2, 1})
	it.Tick()
	// Client 1 counts 2 (the lost tick is gone), and the released
	// counts are not released again.
	require.Equal(t, []count{{2, 6}}, out.Take())
	in.Push(count{1, 1})
	it.Tick()
	require.Equal(t, []count{{1, 3}}, out.Take())
}

func TestDurableStateIsKeptWithoutALog(t *testing.T) {
	in, out := hydro.NewInput[count]("in"), hydro.NewOutput[count]("out")
	it, err := hydro.Interpret(durableCounter(in, out))
	require.NoError(t, err)
	in.Push(count{1, 1})
	it.Tick()
	in.Push(count{1, 1})
	it.Tick()
	require.Equal(t, []count{{1, 1}, {1, 2}}, out.Take())
	require.Nil(t, it.Log())
}

// durableHighest folds the input into a durable lattices.Max.
func durableHighest(in hydro.Input[lattices.Max[int]], out hydro.Output[lattices.Max[int]]) *hydro.Flow {
	f := hydro.NewFlow("highest")
	p := f.Process("highest")
	hydro.Sink(hydro.LatticeFold(hydro.Source(p, in), hydro.Durable), out)
	return f
}

func TestDurableLatticeFoldSurvivesRestart(t *testing.T) {
	disk := durable.NewMemFS()
	start := func() (*hydro.Interpreter, hydro.Input[lattices.Max[int]], hydro.Output[lattices.Max[int]]) {
		in, out := hydro.NewInput[lattices.Max[int]]("in"), hydro.NewOutput[lattices.Max[int]]("out")
		it, err := hydro.Interpret(durableHighest(in, out))
		require.NoError(t, err)
		require.NoError(t, it.Recover(disk, durable.Options{}))
		return it, in, out
	}
	it, in, out := start()
	in.Push(lattices.NewMax(3), lattices.NewMax(7), lattices.NewMax(5))
	it.Tick()
	require.Equal(t, []lattices.Max[int]{lattices.NewMax(7)}, out.Take())
	require.Equal(t, 2, it.Log().Stats().Records, "the items that raised the value: 3 and 7, not 5")
	in.Push(lattices.NewMax(6))
	it.Tick()
	require.Equal(t, 2, it.Log().Stats().Records, "an item that changes nothing is not logged")
	require.NoError(t, it.Close())

	it, in, out = start()
	in.Push(lattices.NewMax(1))
	it.Tick()
	require.Equal(t, []lattices.Max[int]{lattices.NewMax(7)}, out.Take(), "the value is recovered by merging the records")
	require.NoError(t, it.Close())
}
