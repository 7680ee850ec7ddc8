package counter

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/durable"
)

// killChildEnv makes the test binary run as the counter node that
// TestSIGKILLLosesNothingSynced kills; its value is the data directory.
const killChildEnv = "HYDRO_TEST_COUNTER_NODE"

func TestMain(m *testing.M) {
	if dir := os.Getenv(killChildEnv); dir != "" {
		if err := counterNode(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// counterNode runs the generated counter node on a real data directory: it
// prints the total it recovered, then adds 1 to it every tick and prints
// each new total as the node outputs it — after the tick is synced — until
// it is killed.
func counterNode(path string) error {
	dir, err := durable.OpenDir(path)
	if err != nil {
		return err
	}
	in := hydro.NewInput[Incr]("cmds")
	acks := hydro.NewOutput[Incr]("acks")
	var printed []int64
	totals := hydro.NewOutputFunc("totals", func(t Total) { printed = append(printed, t.N) })
	nd := NewCounterCounter(in, acks, totals)
	if err := nd.Recover(dir, durable.Options{SnapshotBytes: 1024}); err != nil {
		return err
	}
	in.Push(Incr{Key: 1})
	nd.Tick()
	fmt.Printf("recovered %d\n", printed[0])
	for seq := uint64(1); ; seq++ {
		printed = printed[:0]
		in.Push(Incr{Key: 1, Seq: seq, N: 1})
		nd.Tick()
		if err := nd.Err(); err != nil {
			return err
		}
		acks.Take()
		for _, n := range printed {
			fmt.Printf("total %d\n", n)
		}
	}
}

func TestSIGKILLLosesNothingSynced(t *testing.T) {
	// A real counter node process is killed with SIGKILL in the middle of
	// its run, three times, and restarted on the same data directory. It
	// prints a total only once the tick that made it is synced, so the
	// total it recovers is at least the last it printed — nothing synced is
	// lost — and at most one more: a tick written, and perhaps on disk,
	// but never acknowledged.
	dir := t.TempDir()
	printed := int64(0)
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), killChildEnv+"="+dir)
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		sc := bufio.NewScanner(stdout)
		require.True(t, sc.Scan(), "round %d: no output", round)
		recovered, err := strconv.ParseInt(strings.TrimPrefix(sc.Text(), "recovered "), 10, 64)
		require.NoError(t, err, sc.Text())
		require.GreaterOrEqual(t, recovered, printed, "round %d: lost a synced total", round)
		require.LessOrEqual(t, recovered, printed+1, "round %d: recovered more than was written", round)
		target := recovered + 200 + 100*int64(round)
		for sc.Scan() {
			n, err := strconv.ParseInt(strings.TrimPrefix(sc.Text(), "total "), 10, 64)
			require.NoError(t, err, sc.Text())
			printed = n
			if n == target {
				require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			}
		}
		err = cmd.Wait()
		require.Error(t, err, "the node was killed")
		require.GreaterOrEqual(t, printed, target)
	}
}
