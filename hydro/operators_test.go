package hydro_test

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatelessOperatorsKeepOrder(t *testing.T) {
	var seen []int
	r := newRig(t, func(p *hydro.Process, s hydro.Stream[int]) hydro.Stream[string] {
		s = hydro.Inspect(s, func(x int) { seen = append(seen, x) })
		s = hydro.Filter(s, func(x int) bool { return x%3 != 0 })
		s = hydro.Map(s, func(x int) int { return x * 10 })
		s = hydro.FlatMap(s, func(x int, emit func(int)) { emit(x); emit(x + 1) })
		return hydro.FilterMap(s, func(x int) (string, bool) { return fmt.Sprint(x), x%20 != 0 })
	})
	assert.Equal(t, []string{"10", "11", "21", "41", "50", "51"}, r.tick(1, 2, 3, 4, 5, 6))
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6}, seen)
	assert.Empty(t, r.tick())
}

func TestUnionAndTee(t *testing.T) {
	// The source is used twice (an implicit tee) and the copies meet again.
	r := newRig(t, func(p *hydro.Process, s hydro.Stream[int]) hydro.Stream[int] {
		neg := hydro.Map(s, func(x int) int { return -x })
		return hydro.Union(s, neg, hydro.Iter(p, []int{100}))
	})
	got := r.tick(1, 2, 3)
	assert.ElementsMatch(t, []int{1, 2, 3, -1, -2, -3, 100}, got)
	assert.Equal(t, []int{1, 2, 3}, filterInts(got, func(x int) bool { return x > 0 && x < 100 }), "each input keeps its order")
	assert.ElementsMatch(t, []int{4, -4}, r.tick(4), "Iter emits only in the first tick")
}

func filterInts(xs []int, keep func(int) bool) []int {
	var out []int
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

type order struct {
	Customer string `hydro:"key"`
	Item     string
}

type customer struct {
	Name string `hydro:"key"`
	City string
}

type shipment struct{ Item, City string }

func ship(o order, c customer) shipment { return shipment{o.Item, c.City} }

// joinRig feeds orders and customers through two inputs into a join.
func joinRig(t *testing.T, lifetimes ...hydro.Lifetime) (hydro.Input[order], hydro.Input[customer], func() []shipment) {
	orders, customers := hydro.NewInput[order]("orders"), hydro.NewInput[customer]("customers")
	out := hydro.NewOutput[shipment]("out")
	f := hydro.NewFlow(t.Name())
	p := f.Process("p")
	hydro.Sink(hydro.Join(hydro.Source(p, orders), hydro.Source(p, customers), ship, lifetimes...), out)
	it, err := hydro.Interpret(f)
	require.NoError(t, err)
	return orders, customers, func() []shipment { it.Tick(); return out.Take() }
}

func TestJoinTickLifetimes(t *testing.T) {
	orders, customers, tick := joinRig(t)
	orders.Push(order{"ann", "book"}, order{"bob", "pen"}, order{"ann", "lamp"})
	customers.Push(customer{"ann", "Oslo"})
	assert.Equal(t, []shipment{{"book", "Oslo"}, {"lamp", "Oslo"}}, tick(), "per-key order of each side is kept")
	customers.Push(customer{"bob", "Rome"})
	assert.Empty(t, tick(), "with Tick lifetimes, bob's order of the last tick is gone")
}

func TestJoinStaticLifetimes(t *testing.T) {
	orders, customers, tick := joinRig(t, hydro.Tick, hydro.Static)
	customers.Push(customer{"ann", "Oslo"})
	assert.Empty(t, tick())
	orders.Push(order{"ann", "book"})
	assert.Equal(t, []shipment{{"book", "Oslo"}}, tick(), "the static right side matches later left items")
	orders.Push(order{"ann", "pen"})
	assert.Equal(t, []shipment{{"pen", "Oslo"}}, tick(), "each pair is emitted once")
	customers.Push(customer{"ann", "Paris"})
	assert.Empty(t, tick(), "left items of earlier ticks are gone with a Tick left side")

	orders, customers, tick = joinRig(t, hydro.Static, hydro.Static)
	orders.Push(order{"ann", "book"})
	tick()
	customers.Push(customer{"ann", "Oslo"}, customer{"ann", "Rome"})
	orders.Push(order{"ann", "pen"})
	assert.ElementsMatch(t, []shipment{{"book", "Oslo"}, {"book", "Rome"}, {"pen", "Oslo"}, {"pen", "Rome"}}, tick())
	assert.Empty(t, tick())
}

func TestJoinByAndCrossJoin(t *testing.T) {
	r := newRig(t, func(p *hydro.Process, s hydro.Stream[int]) hydro.Stream[string] {
		names := hydro.Iter(p, []string{"zero", "one", "two", "three"})
		byLen := hydro.JoinBy(s, names, func(n int) int { return n }, func(w string) int { return len(w) },
			func(n int, w string) string { return fmt.Sprint(n, w) }, hydro.Tick, hydro.Static)
		flags := hydro.Iter(p, []string{"a", "b"})
		crossed := hydro.CrossJoin(s, flags, func(n int, f string) string { return fmt.Sprint(f, n) }, hydro.Tick, hydro.Static)
		return hydro.Union(byLen, crossed)
	})
	assert.ElementsMatch(t, []string{"3one", "3two", "4zero", "a3", "b3", "a4", "b4"}, r.tick(3, 4))
	assert.ElementsMatch(t, []string{"5three", "a5", "b5"}, r.tick(5))
}

type banned struct {
	Name string `hydro:"key"`
}

func TestAntiJoinAndDifference(t *testing.T) {
	for _, lt := range []hydro.Lifetime{hydro.Tick, hydro.Static} {
		t.Run(lt.String(), func(t *testing.T) {
			r := newRig(t, func(p *hydro.Process, s hydro.Stream[order]) hydro.Stream[order] {
				// The negative side derives from the same source in the same
				// tick: the blocking input makes it complete first.
				bans := hydro.FilterMap(s, func(o order) (banned, bool) { return banned{o.Customer}, o.Item == "ban" })
				return hydro.Filter(hydro.AntiJoin(s, bans, lt), func(o order) bool { return o.Item != "ban" })
			})
			assert.Equal(t, []order{{"bob", "pen"}}, r.tick(order{"ann", "book"}, order{"bob", "pen"}, order{"ann", "ban"}))
			got := r.tick(order{"ann", "lamp"})
			if lt == hydro.Static {
				assert.Empty(t, got, "a static negative side keeps excluding")
			} else {
				assert.Equal(t, []order{{"ann", "lamp"}}, got)
			}
		})
	}
	r := newRig(t, func(p *hydro.Process, s hydro.Stream[int]) hydro.Stream[int] {
		return hydro.Difference(s, hydro.Iter(p, []int{2, 4}), hydro.Static)
	})
	assert.Equal(t, []int{1, 3, 3}, r.tick(1, 2, 3, 3, 4))
	assert.Equal(t, []int{5}, r.tick(4, 5))
}

func TestFoldLifetimes(t *testing.T) {
	sum := func(lt ...hydro.Lifetime) *rig[int, int] {
		return newRig(t, func(p *hydro.Process, s hydro.Stream[int]) hydro.Stream[int] {
			return hydro.Fold(s, func() int { return 0 }, func(acc *int, x int) { *acc += x }, lt...)
		})
	}
	r := sum()
	assert.Equal(t, []int{6}, r.tick(1, 2, 3))
	assert.Equal(t, []int{0}, r.tick(), "a tick fold emits its initial value on an empty tick")
	r = sum(hydro.Static)
	assert.Equal(t, []int{6}, r.tick(1, 2, 3))
	assert.Equal(t, []int{6}, r.tick())
	assert.Equal(t, []int{10}, r.tick(4))
}

func TestReduce(t *testing.T) {
	r := newRig(t, func(p *hydro.Process, s hydro.Stream[int]) hydro.Stream[int] {
		return hydro.Reduce(s, func(acc *int, x int) { *acc = max(*acc, x) })
	})
	assert.Equal(t, []int{7}, r.tick(3, 7, 5))
	assert.Empty(t, r.tick(), "reduce emits nothing without input")
	assert.Equal(t, []int{1}, r.tick(1))
}

type vote struct {
	Topic string `hydro:"key"`
	Voter string
}

type tally struct {
	Topic string
	Votes []string
}

func TestFoldKeyedLifetimes(t *testing.T) {
	build := func(lt ...hydro.Lifetime) *rig[vote, tally] {
		return newRig(t, func(p *hydro.Process, s hydro.Stream[vote]) hydro.Stream[tally] {
			return hydro.FoldKeyed(s, func(v vote) tally { return tally{Topic: v.Topic} },
				func(acc *tally, v vote) { acc.Votes = append(acc.Votes, v.Voter) }, lt...)
		})
	}
	r := build()
	assert.Equal(t, []tally{{"tea", []string{"a", "c"}}, {"jam", []string{"b"}}},
		r.tick(vote{"tea", "a"}, vote{"jam", "b"}, vote{"tea", "c"}), "groups in order of first appearance")
	assert.Equal(t, []tally{{"jam", []string{"d"}}}, r.tick(vote{"jam", "d"}))
	assert.Empty(t, r.tick())

	r = build(hydro.Static)
	r.tick(vote{"tea", "a"}, vote{"jam", "b"})
	assert.Equal(t, []tally{{"tea", []string{"a"}}, {"jam", []string{"b", "d"}}}, r.tick(vote{"jam", "d"}))
	assert.Len(t, r.tick(), 2, "a static fold emits every group every tick")
}

func TestFoldKeyedByAndReduceKeyed(t *testing.T) {
	r := newRig(t, func(p *hydro.Process, s hydro.Stream[string]) hydro.Stream[hydro.KV[string, int]] {
		counts := hydro.FoldKeyedBy(s, func(w string) string { return w },
			func(w string) hydro.KV[string, int] { return hydro.KV[string, int]{Key: w} },
			func(acc *hydro.KV[string, int], _ string) { acc.Value++ })
		return hydro.ReduceKeyed(counts, func(acc *hydro.KV[string, int], x hydro.KV[string, int]) { acc.Value += x.Value })
	})
	assert.Equal(t, []hydro.KV[string, int]{{"a", 2}, {"b", 1}}, r.tick("a", "b", "a"))

	r2 := newRig(t, func(p *hydro.Process, s hydro.Stream[int]) hydro.Stream[int] {
		return hydro.ReduceKeyedBy(s, func(x int) int { return x % 2 }, func(acc *int, x int) { *acc += x }, hydro.Static)
	})
	assert.Equal(t, []int{4, 6}, r2.tick(1, 2, 3, 4))
	assert.Equal(t, []int{9, 6}, r2.tick(5))
}

// maxInt is a small lattice for these tests: the zero value is bottom.
type maxInt struct{ V int }

func (m *maxInt) Merge(o maxInt) bool {
	if o.V > m.V {
		m.V = o.V
		return true
	}
	return false
}

type reading struct {
	Sensor string `hydro:"key,fd=Unit"`
	Unit   string
	Peak   maxInt `hydro:"lattice"`
}

func TestLatticeFoldIsOrderInsensitive(t *testing.T) {
	r := newRig(t, func(p *hydro.Process, s hydro.Stream[maxInt]) hydro.Stream[maxInt] {
		return hydro.LatticeFold(s)
	})
	assert.Equal(t, []maxInt{{5}}, r.tick(maxInt{3}, maxInt{5}, maxInt{5}, maxInt{1}))
	assert.Equal(t, []maxInt{{5}}, r.tick(maxInt{4}), "static by default")
	assert.Equal(t, []maxInt{{9}}, r.tick(maxInt{9}))
}

func TestMergeKeyed(t *testing.T) {
	r := newRig(t, func(p *hydro.Process, s hydro.Stream[reading]) hydro.Stream[reading] {
		return hydro.MergeKeyed(s)
	})
	got := r.tick(reading{"a", "C", maxInt{3}}, reading{"b", "F", maxInt{70}}, reading{"a", "C", maxInt{7}}, reading{"a", "C", maxInt{5}})
	assert.Equal(t, []reading{{"a", "C", maxInt{7}}, {"b", "F", maxInt{70}}}, got)
	got = r.tick(reading{"b", "F", maxInt{71}})
	assert.Equal(t, []reading{{"a", "C", maxInt{7}}, {"b", "F", maxInt{71}}}, got)
}

func TestUniqueLifetimes(t *testing.T) {
	r := newRig(t, func(p *hydro.Process, s hydro.Stream[int]) hydro.Stream[int] { return hydro.Unique(s) })
	assert.Equal(t, []int{1, 2, 3}, r.tick(1, 2, 1, 3, 2))
	assert.Equal(t, []int{1}, r.tick(1, 1))
	r = newRig(t, func(p *hydro.Process, s hydro.Stream[int]) hydro.Stream[int] { return hydro.Unique(s, hydro.Static) })
	assert.Equal(t, []int{1, 2}, r.tick(1, 2, 1))
	assert.Equal(t, []int{3}, r.tick(1, 3, 2))
}

func TestPersistReplaysEveryTick(t *testing.T) {
	r := newRig(t, func(p *hydro.Process, s hydro.Stream[int]) hydro.Stream[int] { return hydro.Persist(s) })
	assert.Equal(t, []int{1, 2}, r.tick(1, 2))
	assert.Equal(t, []int{1, 2, 3}, r.tick(3))
	assert.Equal(t, []int{1, 2, 3}, r.tick())
}

func TestPersistInLaterStratum(t *testing.T) {
	// Persist after a blocking operator replays before the new items arrive,
	// without emitting the new items twice.
	r := newRig(t, func(p *hydro.Process, s hydro.Stream[int]) hydro.Stream[int] {
		return hydro.Persist(hydro.SortOrdered(s))
	})
	assert.Equal(t, []int{1, 2}, r.tick(2, 1))
	assert.Equal(t, []int{1, 2, 0, 3}, r.tick(3, 0))
}

func TestDeferTickAndRunUntilQuiet(t *testing.T) {
	in := hydro.NewInput[int]("in")
	out := hydro.NewOutput[int]("out")
	f := hydro.NewFlow("countdown")
	p := f.Process("p")
	// A countdown loop: every tick, each number n > 0 comes back as n-1 in
	// the next tick.
	loop, complete := hydro.Cycle[int](p)
	all := hydro.Union(hydro.Source(p, in), loop)
	hydro.Sink(all, out)
	complete(hydro.DeferTick(hydro.FilterMap(all, func(n int) (int, bool) { return n - 1, n > 0 })))
	it, err := hydro.Interpret(f)
	require.NoError(t, err)
	in.Push(3)
	n, err := it.RunUntilQuiet(100)
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	assert.Equal(t, []int{3, 2, 1, 0}, out.Take())

	in.Push(1000)
	_, err = it.RunUntilQuiet(10)
	assert.ErrorContains(t, err, "still has work after 10 ticks")
}

func TestDeferTickLazyWaitsForAnotherTick(t *testing.T) {
	in := hydro.NewInput[int]("in")
	out := hydro.NewOutput[int]("out")
	f := hydro.NewFlow("carry")
	p := f.Process("p")
	// Numbers are carried from tick to tick until a 0 arrives, which
	// releases them all.
	carried, carry := hydro.Cycle[int](p)
	all := hydro.Union(hydro.Source(p, in), carried)
	stop := hydro.Filter(all, func(n int) bool { return n == 0 })
	stopped := hydro.Fold(stop, func() bool { return false }, func(b *bool, _ int) { *b = true })
	held := hydro.FilterMap(hydro.CrossJoin(all, stopped, func(n int, s bool) [2]int { return [2]int{n, boolInt(s)} }, hydro.Tick, hydro.Tick),
		func(v [2]int) (int, bool) { return v[0], v[1] == 0 })
	hydro.Sink(all, out)
	carry(hydro.DeferTickLazy(held))
	it, err := hydro.Interpret(f)
	require.NoError(t, err)
	in.Push(1, 2)
	n, err := it.RunUntilQuiet(100)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "carried items do not start a tick")
	assert.Equal(t, []int{1, 2}, out.Take())
	assert.False(t, it.Pending())
	in.Push(3)
	it.Tick()
	got := out.Take()
	slices.Sort(got)
	assert.Equal(t, []int{1, 2, 3}, got, "the next tick sees the carried items")
	in.Push(0)
	it.Tick()
	it.Tick()
	got = out.Take()
	slices.Sort(got)
	assert.Equal(t, []int{0, 1, 2, 3}, got, "released by the 0, then gone")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestSortIsStableAndBlocking(t *testing.T) {
	r := newRig(t, func(p *hydro.Process, s hydro.Stream[vote]) hydro.Stream[vote] {
		return hydro.Sort(s, func(a, b vote) int { return cmp.Compare(a.Topic, b.Topic) })
	})
	got := r.tick(vote{"b", "1"}, vote{"a", "2"}, vote{"b", "3"}, vote{"a", "4"})
	assert.Equal(t, []vote{{"a", "2"}, {"a", "4"}, {"b", "1"}, {"b", "3"}}, got)
	assert.Empty(t, r.tick())
}

func TestEnumerateLifetimes(t *testing.T) {
	for _, lt := range []hydro.Lifetime{hydro.Tick, hydro.Static} {
		r := newRig(t, func(p *hydro.Process, s hydro.Stream[string]) hydro.Stream[hydro.Indexed[string]] {
			return hydro.Enumerate(s, lt)
		})
		assert.Equal(t, []hydro.Indexed[string]{{0, "a"}, {1, "b"}}, r.tick("a", "b"))
		want := 0
		if lt == hydro.Static {
			want = 2
		}
		assert.Equal(t, []hydro.Indexed[string]{{want, "c"}}, r.tick("c"), lt.String())
	}
}

func TestEnumerateKeyedCountsPerKey(t *testing.T) {
	for _, lt := range []hydro.Lifetime{hydro.Tick, hydro.Static} {
		r := newRig(t, func(p *hydro.Process, s hydro.Stream[edge]) hydro.Stream[hydro.Indexed[edge]] {
			return hydro.EnumerateKeyed(s, lt)
		})
		assert.Equal(t, []hydro.Indexed[edge]{{0, edge{1, 5}}, {0, edge{2, 6}}, {1, edge{1, 7}}}, r.tick(edge{1, 5}, edge{2, 6}, edge{1, 7}))
		want := 0
		if lt == hydro.Static {
			want = 2
		}
		assert.Equal(t, []hydro.Indexed[edge]{{want, edge{1, 8}}}, r.tick(edge{1, 8}), lt.String())
	}
}

type edge struct {
	From int `hydro:"key"`
	To   int
}

type node struct {
	ID int `hydro:"key"`
}

func TestCycleReachesFixpointWithinTick(t *testing.T) {
	in := hydro.NewInput[node]("origin")
	out := hydro.NewOutput[node]("reached")
	f := hydro.NewFlow("reachability")
	p := f.Process("p")
	edges := hydro.Iter(p, []edge{{1, 2}, {2, 3}, {3, 1}, {3, 4}, {5, 6}})
	reached, complete := hydro.Cycle[node](p)
	next := hydro.Join(reached, edges, func(n node, e edge) node { return node{e.To} }, hydro.Tick, hydro.Static)
	all := hydro.Unique(hydro.Union(hydro.Source(p, in), next), hydro.Static)
	complete(all)
	hydro.Sink(all, out)
	it, err := hydro.Interpret(f)
	require.NoError(t, err)
	in.Push(node{1})
	it.Tick()
	assert.ElementsMatch(t, []node{{1}, {2}, {3}, {4}}, out.Take())
	in.Push(node{5}, node{2})
	it.Tick()
	assert.ElementsMatch(t, []node{{5}, {6}}, out.Take())
}

func TestTimerUsesTheNodeClock(t *testing.T) {
	out := hydro.NewOutput[time.Time]("out")
	f := hydro.NewFlow("timer")
	p := f.Process("p")
	hydro.Sink(hydro.Timer(p, time.Second), out)
	it, err := hydro.Interpret(f)
	require.NoError(t, err)
	it.Tick()
	assert.Equal(t, []time.Time{time.Unix(0, 0).UTC()}, out.Take())
	it.Advance(500 * time.Millisecond)
	it.Tick()
	assert.Empty(t, out.Take())
	it.Advance(700 * time.Millisecond)
	it.Tick()
	assert.Equal(t, []time.Time{time.Unix(1, 200e6).UTC()}, out.Take())
}

func TestForEachAndOutputFunc(t *testing.T) {
	var got []string
	in := hydro.NewInput[string]("in")
	f := hydro.NewFlow("each")
	p := f.Process("p")
	s := hydro.Source(p, in)
	hydro.ForEach(s, func(x string) { got = append(got, "each:"+x) })
	hydro.Sink(s, hydro.NewOutputFunc("out", func(x string) { got = append(got, "out:"+x) }))
	it, err := hydro.Interpret(f)
	require.NoError(t, err)
	in.Push("a", "b")
	it.Tick()
	slices.Sort(got)
	assert.Equal(t, "each:a each:b out:a out:b", strings.Join(got, " "))
}

func TestStrataOrderAggregatesAfterTheirInput(t *testing.T) {
	// count(x) joined back with x: the join reads the fold's output, so it
	// runs in the fold's stratum, after every input item was counted.
	r := newRig(t, func(p *hydro.Process, s hydro.Stream[int]) hydro.Stream[string] {
		count := hydro.Fold(s, func() int { return 0 }, func(acc *int, _ int) { *acc++ })
		return hydro.CrossJoin(s, count, func(x, n int) string { return fmt.Sprintf("%d/%d", x, n) })
	})
	assert.Equal(t, []string{"7/3", "8/3", "9/3"}, sortedStrings(r.tick(7, 8, 9)))
}

func sortedStrings(s []string) []string { slices.Sort(s); return s }

func TestClusterSizeReadsTheDeployment(t *testing.T) {
	f := hydro.NewFlow("Quorum")
	leader, voters := f.Process("leader"), f.Cluster("voter")
	out := hydro.NewOutput[int]("out")
	hydro.Sink(hydro.Map(hydro.ClusterSize(leader, voters), func(n int) int { return n/2 + 1 }), out)
	for _, n := range []int{1, 3, 5} {
		it, err := hydro.InterpretAt(f, hydro.NodeConfig{Location: "leader", Members: map[string]int{"voter": n}})
		require.NoError(t, err)
		it.Tick()
		it.Tick()
		assert.Equal(t, []int{n/2 + 1}, out.Take(), "majority of %d, emitted once", n)
	}
}

func TestClusterSizeNeedsACluster(t *testing.T) {
	f := hydro.NewFlow("Bad")
	leader := f.Process("leader")
	hydro.ClusterSize(leader, nil)
	require.Error(t, f.Err())
	assert.Contains(t, f.Err().Error(), "hydro.ClusterSize: the cluster is nil")
}
