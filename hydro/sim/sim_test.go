package sim_test

import (
	"slices"
	"testing"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echo is a client/server program: the client sends numbers to the server,
// which doubles them and sends them back; the client keeps each answer once.
func echo(in hydro.Input[int], out hydro.Output[int]) *hydro.Flow {
	f := hydro.NewFlow("echo")
	client, server := f.Process("client"), f.Process("server")
	asked := hydro.Send(hydro.Source(client, in), server)
	answers := hydro.Send(hydro.Map(asked, func(x int) int { return 2 * x }), client)
	hydro.Sink(hydro.Unique(answers, hydro.Static), out)
	return f
}

func runEcho(t *testing.T, cfg sim.Config) ([]int, sim.Stats) {
	in, out := hydro.NewInput[int]("in"), hydro.NewOutput[int]("out")
	s, err := sim.New(echo(in, out), cfg)
	require.NoError(t, err)
	require.NotNil(t, s.Node("server", 0))
	require.Nil(t, s.NetNode("server", 0), "no generated nodes here")
	in.Push(1, 2, 3, 4, 5)
	require.NoError(t, s.RunUntilQuiet(10_000))
	got := out.Take()
	return got, s.Stats()
}

func TestEchoUnderReorderAndDuplication(t *testing.T) {
	simtest.Seeds(t, 200, func(t *testing.T, seed uint64) {
		got, st := runEcho(t, sim.Config{Seed: seed, Faults: sim.Faults{Duplicate: 0.3}})
		slices.Sort(got)
		assert.Equal(t, []int{2, 4, 6, 8, 10}, got)
		assert.GreaterOrEqual(t, st.Delivered, 10)
	})
}

func TestSameSeedSameRun(t *testing.T) {
	run := func(seed uint64) ([]int, sim.Stats, []sim.Event) {
		var trace []sim.Event
		got, st := runEcho(t, sim.Config{Seed: seed, Faults: sim.Faults{Drop: 0.2, Duplicate: 0.2, Crash: 0.02},
			Trace: func(e sim.Event) { trace = append(trace, e) }})
		return got, st, trace
	}
	a, sa, ta := run(42)
	b, sb, tb := run(42)
	require.NotEmpty(t, ta)
	assert.Equal(t, ta, tb, "the schedule")
	assert.Equal(t, a, b, "outputs, in order")
	assert.Equal(t, sa, sb)
	_, _, tc := run(43)
	assert.NotEqual(t, ta, tc, "another seed, another schedule")
}

func TestDropLosesMessages(t *testing.T) {
	lost := 0
	for seed := range uint64(50) {
		got, st := runEcho(t, sim.Config{Seed: seed, Faults: sim.Faults{Drop: 0.5}})
		lost += 5 - len(got)
		assert.LessOrEqual(t, len(got), 5)
		assert.Positive(t, st.Sent)
	}
	assert.Positive(t, lost, "a lossy network loses answers of a program that never resends")
}

func TestScheduleStopsFaults(t *testing.T) {
	simtest.Seeds(t, 50, func(t *testing.T, seed uint64) {
		in, out := hydro.NewInput[int]("in"), hydro.NewOutput[int]("out")
		var trace []sim.Event
		s, err := sim.New(echo(in, out), sim.Config{Seed: seed,
			Faults:   sim.Faults{Drop: 1, Crash: 0.05},
			Schedule: []sim.Phase{{From: 200}},
			Trace:    func(e sim.Event) { trace = append(trace, e) }})
		require.NoError(t, err)
		require.NoError(t, s.Run(199))
		in.Push(1, 2, 3)
		require.NoError(t, s.RunUntilQuiet(10_000))
		got := out.Take()
		slices.Sort(got)
		assert.Equal(t, []int{2, 4, 6}, got, "nothing is lost once the schedule stops faults")
		for _, e := range trace {
			if e.Kind == sim.Drop || e.Kind == sim.Crash {
				assert.Less(t, e.Step, 200, "a fault after the schedule stopped them: %v", e)
			}
		}
	})
}

// gossip broadcasts every member's observations to the whole cluster, where
// a lattice merge keeps the maximum per key: replicas converge whatever the
// network does, short of losing messages for good.
type peak struct {
	Key string `hydro:"key"`
	Max maxInt `hydro:"lattice"`
}

type maxInt struct{ V int }

func (m *maxInt) Merge(o maxInt) bool {
	if o.V > m.V {
		m.V = o.V
		return true
	}
	return false
}

type replicaPeak struct {
	Member hydro.MemberID
	peak
}

func TestBroadcastReplicasConverge(t *testing.T) {
	simtest.Seeds(t, 100, func(t *testing.T, seed uint64) {
		in := hydro.NewInput[peak]("in")
		out := hydro.NewOutput[replicaPeak]("state")
		f := hydro.NewFlow("gossip")
		sensors := f.Process("sensors")
		replicas := f.Cluster("replica")
		state := hydro.MergeKeyed(hydro.Broadcast(hydro.Source(sensors, in), replicas))
		tagged := hydro.CrossJoin(state, hydro.SelfID(replicas),
			func(p peak, m hydro.MemberID) replicaPeak { return replicaPeak{m, p} }, hydro.Tick, hydro.Static)
		hydro.Sink(tagged, out)
		s, err := sim.New(f, sim.Config{Seed: seed, Members: map[string]int{"replica": 3}, Faults: sim.Faults{Duplicate: 0.2}})
		require.NoError(t, err)
		in.Push(peak{"a", maxInt{3}}, peak{"b", maxInt{1}}, peak{"a", maxInt{9}}, peak{"a", maxInt{4}})
		require.NoError(t, s.RunUntilQuiet(10_000))
		assert.Equal(t, 12, s.Stats().Sent, "4 observations to 3 replicas")
		out.Take()
		s.TickAll() // every replica emits its whole state once more
		final := map[hydro.MemberID][]peak{}
		for _, r := range out.Take() {
			final[r.Member] = append(final[r.Member], r.peak)
		}
		want := []peak{{"a", maxInt{9}}, {"b", maxInt{1}}}
		for m := range hydro.MemberID(3) {
			assert.ElementsMatch(t, want, final[m], "replica %d", m)
		}
	})
}

func TestOrderSensitiveWarning(t *testing.T) {
	f := hydro.NewFlow("count")
	client, server := f.Process("client"), f.Process("server")
	arrived := hydro.Send(hydro.Iter(client, []int{1, 2, 3}), server)
	hydro.Fold(arrived, func() []int { return nil }, func(acc *[]int, x int) { *acc = append(*acc, x) })
	w := f.Warnings()
	require.Len(t, w, 1)
	assert.Contains(t, w[0], "sim_test.go:")
	assert.Contains(t, w[0], "hydro.Fold reads a stream that crossed the network at hydro.Send")
}

func TestNewNeedsClusterSizes(t *testing.T) {
	f := hydro.NewFlow("sizes")
	p, c := f.Process("p"), f.Cluster("c")
	hydro.Broadcast(hydro.Iter(p, []int{1}), c)
	_, err := sim.New(f, sim.Config{})
	assert.EqualError(t, err, `sim: cluster "c" needs a size of at least 1 in Config.Members`)
}
