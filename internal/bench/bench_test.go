package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatFieldsSkipTheCommandName(t *testing.T) {
	line := []byte("4242 (a (b) c) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 31 0 0 20 0 1 0 5 0 0\n")
	f, err := statFields(line)
	require.NoError(t, err)
	assert.Equal(t, "S", f[0], "state")
	assert.Equal(t, "17", f[1], "ppid")
	assert.Equal(t, "250", f[14-3], "utime")
	assert.Equal(t, "31", f[15-3], "stime")
	_, err = statFields([]byte("4242 (x) S 1"))
	assert.Error(t, err)
}

func TestCPUTimeOfThisProcess(t *testing.T) {
	deadline := time.Now().Add(10 * time.Second)
	for x := 0; time.Now().Before(deadline); x++ {
		if d, err := cpuTime(os.Getpid()); err == nil && d > 0 {
			return
		}
	}
	t.Fatal("no CPU time after 10s of work")
}

func TestPeersAndFlags(t *testing.T) {
	args := []string{"-flow", "Voting", "-member=2", "-peers", "client=127.0.0.1:1;participant=127.0.0.1:2, 127.0.0.1:3"}
	v, ok := flagValue(args, "-member")
	assert.True(t, ok)
	assert.Equal(t, "2", v)
	_, ok = flagValue(args, "-listen")
	assert.False(t, ok)
	assert.Equal(t, map[string][]string{"client": {"127.0.0.1:1"}, "participant": {"127.0.0.1:2", "127.0.0.1:3"}},
		parsePeers(must(flagValue(args, "-peers"))))
}

func TestPointAppliesTheBottleneckModel(t *testing.T) {
	var lats []time.Duration
	for i := range 100 {
		lats = append(lats, time.Duration(100-i)*time.Millisecond)
	}
	before := map[string]time.Duration{"leader": time.Second, "participant/0": 0, "driver": 0}
	after := map[string]time.Duration{"leader": time.Second + 20*time.Millisecond, "participant/0": 10 * time.Millisecond, "driver": 30 * time.Millisecond}
	pt := point(4, lats, 2*time.Second, before, after)
	assert.Equal(t, 100, pt.Completed)
	assert.InDelta(t, 50, pt.Throughput, 1e-9)
	assert.InDelta(t, 51, pt.P50, 1e-9)
	assert.InDelta(t, 100, pt.P99, 1e-9)
	assert.Equal(t, map[string]float64{"leader": 200, "participant/0": 100, "driver": 300}, pt.CPU)
	assert.Equal(t, "leader", pt.Bottleneck, "the driver is not a protocol process")
	assert.InDelta(t, 5000, pt.Predicted, 1e-9, "1 / 200µs")
	assert.InDelta(t, min(5000, float64(pt.Cores)*1e6/600), pt.PredictedHere, 1e-9)
}

func TestWriteFiles(t *testing.T) {
	pts := []Point{
		{Protocol: "voting", Deployment: "3 participants", Clients: 1, Completed: 10, Throughput: 1000, P50: 1, P99: 2,
			CPU: map[string]float64{"leader": 50, "driver": 20}, Bottleneck: "leader", Predicted: 20000, PredictedHere: 2000, Cores: 2},
		{Protocol: "voting", Deployment: "3 participants", Clients: 2, Completed: 20, Throughput: 1800, P50: 1.1, P99: 2.5,
			CPU: map[string]float64{"leader": 40, "driver": 20}, Bottleneck: "leader", Predicted: 25000, PredictedHere: 3000, Cores: 2},
	}
	dir := t.TempDir()
	files, err := WriteFiles(dir, pts)
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "results.csv"), filepath.Join(dir, "results.json"), filepath.Join(dir, "voting.png")}, files)
	csv, err := os.ReadFile(files[0])
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(csv), "protocol,deployment,clients,completed,throughput,p50_ms,p99_ms,bottleneck,"), string(csv))
	assert.Contains(t, string(csv), "cpu_us_per_command:driver,cpu_us_per_command:leader\n")
	assert.Contains(t, string(csv), "voting,3 participants,2,20,1800.000,1.100,2.500,leader,25000.000,3000.000,2,0.000,,0.000,,20.000,40.000\n")
	var back []Point
	js, err := os.ReadFile(files[1])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(js, &back))
	assert.Equal(t, pts, back)
	png, err := os.ReadFile(files[2])
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))
	var table bytes.Buffer
	require.NoError(t, WriteTable(&table, pts))
	assert.Contains(t, table.String(), "measured/model here")
	assert.Contains(t, table.String(), "0.60") // 1800 / 3000
}

func TestScalesCompareEachDerivedPeakWithItsBase(t *testing.T) {
	pt := func(proto string, n int, tput, predicted float64) Point {
		return Point{Protocol: proto, Deployment: "1 replica", Clients: n, Throughput: tput, Predicted: predicted,
			Bottleneck: "leader", CPU: map[string]float64{"leader": 1e6 / predicted}}
	}
	pts := []Point{pt("rset", 1, 500, 1000), pt("rset", 8, 900, 1100), pt("rset", 32, 880, 1050),
		pt("rset-collector", 1, 600, 2000), pt("rset-collector", 8, 1530, 2090)}
	protocols := []Protocol{{Name: "rset"}, {Name: "rset-collector", Base: "rset", Rewrite: "independent"}, {Name: "unmeasured", Base: "rset"}}
	scales := Scales(pts, protocols)
	require.Len(t, scales, 1, "a protocol without points has no scale factor")
	assert.InDelta(t, 1.7, scales[0].Measured, 1e-9, "1530 / 900, at each peak")
	assert.InDelta(t, 1.9, scales[0].Predicted, 1e-9, "2090 / 1100")
	var table bytes.Buffer
	require.NoError(t, WriteScales(&table, scales))
	assert.Contains(t, table.String(), "rset → rset-collector")
	dir := t.TempDir()
	files, err := WriteScaleFiles(dir, scales)
	require.NoError(t, err)
	require.Len(t, files, 2)
	png, err := os.ReadFile(files[1])
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))
}

// buildHydrogen builds hydrogen once for the tests that launch.
var buildHydrogen = sync.OnceValues(func() (string, error) {
	root, err := filepath.Abs("../..")
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "bench-test")
	if err != nil {
		return "", err
	}
	hydrogen := filepath.Join(dir, "hydrogen")
	build := exec.Command("go", "build", "-o", hydrogen, "./cmd/hydrogen")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building hydrogen: %v\n%s", err, out)
	}
	return hydrogen, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if h, err := buildHydrogen(); err == nil {
		os.RemoveAll(filepath.Dir(h))
	}
	os.Exit(code)
}

// TestRunMeasuresVotingAsProcesses runs the harness end to end on the
// smallest voting deployment: hydrogen run starts the processes, clients
// drive them, and every point has CPU per command for every node.
func TestRunMeasuresVotingAsProcesses(t *testing.T) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	hydrogen, err := buildHydrogen()
	require.NoError(t, err)
	p := Protocols()[0]
	require.Equal(t, "voting", p.Name)
	p.Deployments = p.Deployments[1:] // one participant
	cfg := Config{Launcher: []string{hydrogen, "run"}, Dir: root, Clients: []int{1, 4}, Warmup: 200 * time.Millisecond, Window: 500 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pts, err := Run(ctx, cfg, []Protocol{p})
	require.NoError(t, err)
	require.Len(t, pts, 2)
	for i, pt := range pts {
		assert.Equal(t, cfg.Clients[i], pt.Clients)
		assert.Equal(t, "1 participant", pt.Deployment)
		assert.Positive(t, pt.Completed)
		assert.Positive(t, pt.Throughput)
		assert.LessOrEqual(t, pt.P50, pt.P99)
		for _, label := range []string{"client", "leader", "participant/0", "driver"} {
			assert.Contains(t, pt.CPU, label)
		}
		assert.NotEmpty(t, pt.Bottleneck)
		for _, label := range []string{"client", "leader", "participant/0"} {
			assert.Positive(t, pt.Ticks[label], "ticks of %s, from its metrics endpoint", label)
			assert.Positive(t, pt.Frames[label], "frames of %s", label)
		}
	}
}

// TestRunReportsALauncherFailure starts a flow that does not exist.
func TestRunReportsALauncherFailure(t *testing.T) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	hydrogen, err := buildHydrogen()
	require.NoError(t, err)
	p := Protocols()[0]
	p.Flow = "NoSuchFlow"
	p.Deployments = p.Deployments[:1]
	cfg := Config{Launcher: []string{hydrogen, "run"}, Dir: root, Clients: []int{1}, Warmup: time.Millisecond, Window: time.Millisecond}
	_, err = Run(context.Background(), cfg, []Protocol{p})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "voting (3 participants): the launcher stopped")
	assert.Contains(t, err.Error(), "NoSuchFlow")
}

// TestLabelNodesApartPerProcess checks that every process of a role split
// into partitions is measured apart, as a cluster's members are.
func TestLabelNodesApartPerProcess(t *testing.T) {
	nodes := []process{{role: "leader"}, {role: "collector", member: 0}, {role: "collector", member: 1},
		{role: "participant", member: 0}}
	labelNodes(nodes, map[string]int{"participant": 1})
	var labels []string
	for _, n := range nodes {
		labels = append(labels, n.label)
	}
	assert.Equal(t, []string{"leader", "collector/0", "collector/1", "participant/0"}, labels)
}
