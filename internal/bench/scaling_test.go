//go:build !hydrogen

package bench

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

func TestWriteScalingGivesMediansAndRatios(t *testing.T) {
	pt := func(n int, tput, frames float64) ScalingPoint {
		return ScalingPoint{Sessions: n, Point: Point{Clients: 8, Throughput: tput, PredictedHere: 2 * tput, Frames: map[string]float64{"server": frames},
			CPU: map[string]float64{"server": 10, "client": 5, "driver": 3}}}
	}
	pts := []ScalingPoint{pt(1000, 100, 1.0), pt(100000, 60, 1.1), pt(1000, 300, 1.0), pt(100000, 90, 1.3), pt(1000, 200, 1.2), pt(100000, 70, 1.2)}
	var b bytes.Buffer
	require.NoError(t, WriteScaling(&b, pts))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 3)
	assert.Equal(t, []string{"1000", "3", "8", "200", "1.00", "400", "1.00", "0.00", "0.00", "1.00"}, strings.Fields(lines[1])[:10])
	assert.Equal(t, []string{"100000", "3", "8", "70", "0.35", "140", "0.35", "0.00", "0.00", "1.20"}, strings.Fields(lines[2])[:10], "70 / 200")
}

// TestStateScalingAsProcesses runs the state scaling harness end to end on
// small numbers of sessions (in the long mode: it launches Figure 6 twice).
func TestStateScalingAsProcesses(t *testing.T) {
	if !simtest.Long() {
		t.Skip("runs with HYDRO_LONG=1 (make test-long)")
	}
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	hydrogen, err := buildHydrogen()
	require.NoError(t, err)
	cfg := ScalingConfig{Config: Config{Launcher: []string{hydrogen, "run"}, Dir: root, Warmup: 200 * time.Millisecond, Window: 500 * time.Millisecond},
		Sessions: []int{10, 200}, Clients: 4, Rounds: 1, Spare: 200000}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pts, err := StateScaling(ctx, cfg)
	require.NoError(t, err)
	require.Len(t, pts, 2)
	for i, pt := range pts {
		assert.Equal(t, cfg.Sessions[i], pt.Sessions)
		assert.Positive(t, pt.Throughput)
		assert.GreaterOrEqual(t, pt.Frames["server"], 1.0, "every request reaches the server")
		assert.GreaterOrEqual(t, pt.Frames["client"], 2.0, "every request enters the client, and its acknowledgement")
		for _, label := range []string{"client", "server", "driver"} {
			assert.Contains(t, pt.CPU, label)
		}
	}
}
