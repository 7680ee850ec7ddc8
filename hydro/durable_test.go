package hydro_test

import (
	"fmt"

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

// tagSet is a grow-only set of tags, a lattice whose value grows with
// every item merged into it.
type tagSet struct{ Tags map[string]bool }

func (s *tagSet) Merge(o tagSet) bool {
	changed := false
	for t := range o.Tags {
		if !s.Tags[t] {
			if s.Tags == nil {
				s.Tags = map[string]bool{}
			}
			s.Tags[t] = true
			changed = true
		}
	}
	return changed
}

type tagged struct {
	Key  uint32 `hydro:"key"`
	Tags tagSet `hydro:"lattice"`
}

func tag(key uint32, tags ...string) tagged {
	s := tagSet{Tags: map[string]bool{}}
	for _, t := range tags {
		s.Tags[t] = true
	}
	return tagged{Key: key, Tags: s}
}

// durableTags merges tags per key, durably.
func durableTags(in hydro.Input[tagged], out hydro.Output[tagged]) *hydro.Flow {
	f := hydro.NewFlow("tags")
	p := f.Process("tags")
	hydro.Sink(hydro.MergeKeyed(hydro.Source(p, in), hydro.Durable), out)
	return f
}

// commits records the bytes of every commit and snapshot of a log.
type commits struct {
	bytes     []int
	snapshots int
}

func (c *commits) Committed(i durable.CommitInfo)     { c.bytes = append(c.bytes, i.Bytes) }
func (c *commits) Snapshotted(s durable.SnapshotInfo) { c.snapshots++ }

// A durable MergeKeyed logs what each tick merged into a group, not the
// group's value: a group that grows by one tag a tick logs the same bytes
// every tick, an item that changes nothing logs nothing, and recovery
// merges the records (and a snapshot's values) back into the groups.
func TestDurableMergeKeyedLogsWhatChanged(t *testing.T) {
	disk := durable.NewMemFS()
	seen := &commits{}
	start := func(opts durable.Options) (*hydro.Interpreter, hydro.Input[tagged], hydro.Output[tagged]) {
		in, out := hydro.NewInput[tagged]("in"), hydro.NewOutput[tagged]("out")
		it, err := hydro.Interpret(durableTags(in, out))
		require.NoError(t, err)
		require.NoError(t, it.Recover(disk, opts))
		return it, in, out
	}
	it, in, out := start(durable.Options{Observer: seen})
	var all []string
	for i := range 20 {
		tg := fmt.Sprintf("t%02d", i)
		all = append(all, tg)
		in.Push(tag(1, tg))
		it.Tick()
	}
	require.Len(t, seen.bytes, 20)
	for i, b := range seen.bytes[1:] {
		require.Equal(t, seen.bytes[0], b, "tick %d logs one tag, as the first did, not the group's %d", i+1, i+2)
	}
	records := it.Log().Stats().Records
	require.Equal(t, 20, records)

	// Two items of one key in a tick, one of them known: only the one that
	// changes the group is logged; an item that changes nothing is not.
	in.Push(tag(1, "t03"), tag(1, "t03", "new"), tag(2, "a"))
	it.Tick()
	require.Equal(t, records+2, it.Log().Stats().Records, "the item with a new tag and the new group")
	in.Push(tag(1, "t05"))
	it.Tick()
	require.Equal(t, records+2, it.Log().Stats().Records, "an item that changes nothing is not logged")
	out.Take()
	require.NoError(t, it.Close())

	want := []tagged{tag(1, append(all, "new")...), tag(2, "a")}
	// Recovered from the records, then from a snapshot of the values (a
	// log of any size asks for one after the next commit).
	for _, opts := range []durable.Options{{}, {SnapshotBytes: 1, Observer: seen}} {
		it, in, out = start(opts)
		in.Push(tag(2, "b"))
		it.Tick()
		got := out.Take()
		want[1] = tag(2, "a", "b")
		require.Equal(t, want, got)
		require.NoError(t, it.Close())
	}
	require.Equal(t, 1, seen.snapshots)
	it, _, out = start(durable.Options{})
	it.Tick()
	require.Equal(t, want, out.Take(), "recovered from the snapshot")
	require.NoError(t, it.Close())
}
