package bench

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sweep returns the points of a synthetic sweep in which every process
// costs costs[p] = {a, b} µs per tick and per command completed and every
// sleep perSleep µs; a process ticks ticks(p, n) times per command and
// sleeps sleeps(p, n) times per tick; noise adds a relative error of up to
// that much to every CPU time.
func sweep(costs map[string][2]float64, perSleep float64, ticks, sleeps func(proc string, n int) float64, noise float64, ns ...int) []Point {
	rng := rand.New(rand.NewPCG(1, 2))
	var pts []Point
	for _, n := range ns {
		pt := Point{Protocol: "p", Deployment: "d", Clients: n, Completed: 1000 * n, Throughput: float64(1000 * n),
			CPU: map[string]float64{}, Ticks: map[string]float64{}, Sleeps: map[string]float64{}}
		for _, proc := range slices.Sorted(maps.Keys(costs)) { // the same noise every run
			c := costs[proc]
			tk := ticks(proc, n)
			z := tk * sleeps(proc, n)
			pt.Ticks[proc], pt.Sleeps[proc] = tk, z
			pt.CPU[proc] = (c[0]*tk + c[1] + perSleep*z) * (1 + noise*(2*rng.Float64()-1))
		}
		pts = append(pts, pt)
	}
	return pts
}

// Fewer ticks per command as N grows (batching); the leader, which
// saturates, sleeps less per tick as N grows, the others as often.
func batching(_ string, n int) float64 { return 2 / math.Sqrt(float64(n)) }
func idling(proc string, n int) float64 {
	if proc == "leader" {
		return 3 / float64(n)
	}
	return 2
}

func TestFitRecoversKnownCosts(t *testing.T) {
	costs := map[string][2]float64{"leader": {40, 120}, "replica/0": {60, 8}, "client": {30, 0}}
	pts := sweep(costs, 15, batching, idling, 0, 1, 2, 4, 8, 16, 32)
	models := Fit(pts)
	require.Len(t, models, 1)
	m := models[0]
	assert.Equal(t, 32, m.PeakClients)
	assert.InDelta(t, 15, m.PerSleep, 1e-3, "one cost per sleep, found through the leader")
	require.Len(t, m.Processes, 3)
	for _, f := range m.Processes {
		want := costs[f.Process]
		assert.InDelta(t, want[0], f.PerTick, 1e-2, f.Process)
		assert.InDelta(t, want[1], f.PerCommand, 1e-2, f.Process)
		assert.InDelta(t, idling(f.Process, 32), f.SleepsPerTick, 1e-9, "%s: at the window with the most commands per tick", f.Process)
		assert.InDelta(t, 1, f.R2, 1e-6, f.Process)
		assert.InDelta(t, 0, f.RelErr, 1e-6, f.Process)
		assert.Equal(t, 6, f.Windows)
	}
	assert.InDelta(t, 32e6/(40+120*32), pts[5].Batched, 1, "saturated: no sleeps")
	assert.InDelta(t, 32e6/(40+15*3.0/32+120*32), pts[5].BatchedLow, 1, "with its sleeps; b⁺ = b on exact data")

	// With 5% noise the costs per command come back within 10% (2µs), the
	// capacities within 20%, and the fit reports that it is not exact.
	noisy := Fit(sweep(costs, 15, batching, idling, 0.05, 1, 2, 4, 8, 16, 32))[0]
	for _, f := range noisy.Processes {
		want := ProcessFit{PerTick: costs[f.Process][0], PerCommand: costs[f.Process][1]}
		assert.InDelta(t, want.PerCommand, f.PerCommand, 0.1*want.PerCommand+2, f.Process)
		if want.PerCommand > 0 { // else the capacity is all noise: N / a with b = 0
			assert.InEpsilon(t, want.Capacity(32), f.Capacity(32), 0.2, f.Process)
		}
		assert.Less(t, f.R2, 1.0, f.Process)
		assert.Positive(t, f.RelErr, f.Process)
	}
}

func TestFitKeepsCostsNonNegative(t *testing.T) {
	// CPU per command falls faster than the ticks explain (a process that
	// pays more per tick when idle, with no sleeps to say so): the
	// unconstrained fit has b < 0.
	f, sse := fitCosts([]float64{200, 150, 140}, []float64{2, 1.5, 1.45}, []float64{1, 1, 1})
	assert.GreaterOrEqual(t, f.PerTick, 0.0)
	assert.Equal(t, 0.0, f.PerCommand, "clamped")
	assert.Positive(t, sse)
	m := Fit(sweep(map[string][2]float64{"leader": {50, 100}}, 0, batching, idling, 0, 1, 2, 4))[0]
	assert.Equal(t, 0.0, m.PerSleep, "sleeps that cost nothing")
}

func TestPerCommandHighBoundsWhatTheSweepCannotPinDown(t *testing.T) {
	// A process that never batches: one tick and one sleep per command in
	// every window. Its ticks and commands cannot be told apart, so b⁺ is
	// the hard bound, the lowest CPU per command measured.
	never := func(string, int) float64 { return 1 }
	m := Fit(sweep(map[string][2]float64{"relay": {30, 5}}, 0, never, never, 0, 1, 2, 4, 8))[0]
	f := m.Processes[0]
	assert.InDelta(t, 35, f.PerCommandHigh, 1e-6)
	assert.LessOrEqual(t, f.PerCommand, f.PerCommandHigh)
	// A process that batches: b⁺ lies above b, within the noise.
	noisy := Fit(sweep(map[string][2]float64{"leader": {40, 120}}, 0, batching, idling, 0.05, 1, 2, 4, 8, 16, 32))[0].Processes[0]
	assert.Greater(t, noisy.PerCommandHigh, noisy.PerCommand)
	assert.Less(t, noisy.PerCommandHigh, 1.2*noisy.PerCommand)
}

func TestFitUsesTheWindowsUpToThePeak(t *testing.T) {
	costs := map[string][2]float64{"leader": {50, 100}}
	pts := sweep(costs, 0, batching, idling, 0, 1, 2, 4)
	// N = 4 is the highest; N = 8 is within 10% of it, on the plateau.
	pts = append(pts, sweep(costs, 0, batching, idling, 0, 8)...)
	pts[2].Throughput, pts[3].Throughput = 10000, 9500
	// Past the peak the throughput fell and CPU per command rose: left out.
	pts = append(pts, Point{Protocol: "p", Deployment: "d", Clients: 16, Completed: 10, Throughput: 10,
		CPU: map[string]float64{"leader": 1e6}, Ticks: map[string]float64{"leader": 1}, Sleeps: map[string]float64{"leader": 1}})
	m := Fit(pts)[0]
	assert.Equal(t, 8, m.PeakClients)
	assert.Equal(t, 4, m.Processes[0].Windows)
	assert.InDelta(t, 50, m.Processes[0].PerTick, 1e-6)
	assert.InDelta(t, 100, m.Processes[0].PerCommand, 1e-6)
}

func TestPredictionBatchesUpToTheClientsInFlight(t *testing.T) {
	m := Model{PerSleep: 10, Processes: []ProcessFit{
		{Process: "leader", PerTick: 50, PerCommand: 100, PerCommandHigh: 100, SleepsPerTick: 1},
		// A partition of two: half the commands, so half the cost per
		// command completed, and twice the cost per tick.
		{Process: "replica/0", PerTick: 400, PerCommand: 50, PerCommandHigh: 60, SleepsPerTick: 5},
		{Process: "idle", PerTick: 0, PerCommand: 0},
	}}
	// N = 1: each process ticks once per command.
	x, who := m.Predict(1, false)
	assert.InDelta(t, 1e6/450, x, 1e-9)
	assert.Equal(t, "replica/0", who)
	x, _ = m.Predict(1, true)
	assert.InDelta(t, 1e6/510, x, 1e-9, "with its 5 sleeps per tick and b⁺")
	// N = 4: 4 / (400 + 50·4) for the partition, 4 / (50 + 400) for the leader.
	x, who = m.Predict(4, false)
	assert.InDelta(t, 4e6/600, x, 1e-9)
	assert.Equal(t, "replica/0", who)
	x, who = m.Predict(64, false)
	assert.InDelta(t, 64e6/(50+6400), x, 1e-9)
	assert.Equal(t, "leader", who)
	// As N grows the capacity approaches 1 / b.
	assert.InDelta(t, 1e4, m.Processes[0].Capacity(1<<30), 1)
	assert.True(t, math.IsInf(m.Processes[2].Capacity(8), 1))
	_, who = Model{}.Predict(8, false)
	assert.Empty(t, who)
}

func TestScalesCompareTheBatchingModelAtTheSameN(t *testing.T) {
	base := sweep(map[string][2]float64{"leader": {50, 200}}, 0, batching, idling, 0, 1, 2, 4, 8, 16)
	derived := sweep(map[string][2]float64{"leader": {50, 100}, "collector": {80, 100}}, 0, batching, idling, 0, 1, 2, 4, 8)
	for i := range base {
		base[i].Protocol, base[i].Deployment = "rset", "1 replica"
	}
	for i := range derived {
		derived[i].Protocol, derived[i].Deployment = "rset-collector", "1 replica"
	}
	pts := append(base, derived...)
	Fit(pts)
	scales := Scales(pts, []Protocol{{Name: "rset"}, {Name: "rset-collector", Base: "rset", Rewrite: "independent",
		Deployments: []Deployment{{Name: "1 replica"}}}})
	require.Len(t, scales, 1)
	s := scales[0]
	assert.Equal(t, 8, s.BatchedClients, "the largest N both sweeps measured")
	assert.InDelta(t, 8e6/(50+200*8), s.BaseBatched, 1e-3)
	assert.Equal(t, "leader", s.BaseBatchedBy)
	assert.InDelta(t, 8e6/(80+100*8), s.DerivedBatched, 1e-3)
	assert.Equal(t, "collector", s.DerivedBatchedBy)
	assert.InDelta(t, (50+1600.0)/(80+800), s.Batched, 1e-6)
	assert.InDelta(t, s.Batched, s.BatchedLow, 1e-6, "sleeps cost nothing here, and b is exact")
	var table bytes.Buffer
	require.NoError(t, WriteScales(&table, scales))
	assert.Contains(t, table.String(), "leader → collector")
	table.Reset()
	require.NoError(t, WriteModels(&table, Fit(pts)))
	assert.Contains(t, table.String(), "rset-collector")
}

func TestParseCountersReadsTicksAndFrames(t *testing.T) {
	text := `# HELP hydro_tick_duration_seconds Duration of one tick of the node.
# TYPE hydro_tick_duration_seconds histogram
hydro_tick_duration_seconds_bucket{le="1e-06"} 0
hydro_tick_duration_seconds_sum 0.25
hydro_tick_duration_seconds_count 1234
hydro_frames_total{direction="received"} 5678
hydro_frames_total{direction="sent"} 9
`
	c, err := parseCounters(strings.NewReader(text))
	require.NoError(t, err)
	assert.Equal(t, nodeCounters{Ticks: 1234, Frames: 5678}, c)
	_, err = parseCounters(strings.NewReader("go_goroutines 7\n"))
	assert.ErrorContains(t, err, "no hydro_tick_duration_seconds_count")
}

func TestVoluntarySwitches(t *testing.T) {
	n, err := voluntarySwitches("Name:\tleader\nvoluntary_ctxt_switches:\t1234\nnonvoluntary_ctxt_switches:\t5\n")
	require.NoError(t, err)
	assert.Equal(t, 1234.0, n)
	_, err = voluntarySwitches("Name:\tleader\n")
	assert.Error(t, err)
}

func TestListeningInMatchesTheProcessSockets(t *testing.T) {
	table := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:9C40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1 0 100 0 0 10 0
   1: 0100007F:9C41 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 222 1 0 100 0 0 10 0
   2: 0100007F:9C42 0100007F:1234 01 00000000:00000000 00:00000000 00000000  1000        0 333 1 0 100 0 0 10 0
`
	assert.Equal(t, []int{40001}, listeningIn(table, map[string]bool{"222": true, "333": true}),
		"listening and held by the process; an established socket is not a server")
}

func TestScalesLeaveTheClientsApart(t *testing.T) {
	// One client process runs every client and is the costliest process
	// of both deployments; without it the base is bound by its leader and
	// the derived flow by its collector.
	base := sweep(map[string][2]float64{"leader": {50, 200}, "client": {20, 400}}, 0, batching, idling, 0, 1, 2, 4, 8)
	derived := sweep(map[string][2]float64{"leader": {50, 100}, "collector": {80, 50}, "client": {20, 400}}, 0, batching, idling, 0, 1, 2, 4, 8)
	for i := range base {
		base[i].Protocol, base[i].Deployment, base[i].ClientRole = "rset", "1 replica", "client"
	}
	for i := range derived {
		derived[i].Protocol, derived[i].Deployment, derived[i].ClientRole = "rset-collector", "1 replica", "client"
	}
	pts := append(base, derived...)
	models := Fit(pts)
	require.Len(t, models, 2)
	assert.Equal(t, "client", models[0].ClientRole)
	x, who := models[0].Predict(8, false)
	assert.Equal(t, "client", who)
	assert.InDelta(t, 8e6/(20+400*8), x, 1e-3)
	x, who = models[0].PredictServers(8)
	assert.Equal(t, "leader", who)
	assert.InDelta(t, 8e6/(50+200*8), x, 1e-3)

	scales := Scales(pts, []Protocol{{Name: "rset"}, {Name: "rset-collector", Base: "rset", Rewrite: "independent",
		Deployments: []Deployment{{Name: "1 replica"}}}})
	require.Len(t, scales, 1)
	s := scales[0]
	assert.InDelta(t, 1, s.Batched, 1e-6, "both bound by the one client process")
	assert.Equal(t, "leader", s.BaseServersBy)
	assert.Equal(t, "leader", s.DerivedServersBy, "100 µs a command against the collector's 50")
	assert.InDelta(t, (50+200*8.0)/(50+100*8), s.Servers, 1e-6)
	var table bytes.Buffer
	require.NoError(t, WriteScales(&table, scales))
	assert.Contains(t, table.String(), fmt.Sprintf("%.2f", s.Servers))

	// A process named like the role but of another location counts.
	assert.True(t, isRole("client/3", "client"))
	assert.False(t, isRole("clientproxy", "client"))
	assert.False(t, isRole("client", ""))
}
