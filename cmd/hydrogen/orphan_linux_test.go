package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestNodesDieWithTheLauncher kills hydrogen run with SIGKILL, which gives
// it no chance to stop its nodes: the nodes must exit anyway rather than
// keep their ports, data directories and the descriptors they inherited.
func TestNodesDieWithTheLauncher(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "run", "-flow", "Hello", "-n", "worker=2", "-for", "60s", "./testdata/launch",
		"--", "-param.greeting", `"hello"`, "-param.label", `"orphaned"`, "-in.names.file", "names.jsonl")
	// The killed launcher cannot remove its run and data directories:
	// they go in a temporary directory of the test's.
	cmd.Env = append(os.Environ(), launcherEnv+"=1", "TMPDIR="+t.TempDir())
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill() }()

	// Both workers have reported, so every node is up.
	lines := bufio.NewScanner(out)
	for reports := 0; reports < 2; {
		require.True(t, lines.Scan(), "the run ended before both workers reported")
		if strings.Contains(lines.Text(), `"Label":"orphaned"`) {
			reports++
		}
	}
	nodes := childrenOf(t, cmd.Process.Pid)
	require.Len(t, nodes, 3, "front and two workers")
	t.Cleanup(func() {
		for _, pid := range nodes {
			if alive(pid) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})

	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	require.Eventually(t, func() bool {
		for _, pid := range nodes {
			if alive(pid) {
				return false
			}
		}
		return true
	}, 10*time.Second, 20*time.Millisecond, "nodes outlived their launcher")
}

// childrenOf returns the processes whose parent is pid.
func childrenOf(t *testing.T, pid int) []int {
	t.Helper()
	dirs, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var kids []int
	for _, d := range dirs {
		if p, err := strconv.Atoi(d.Name()); err == nil && parentPID(p) == pid {
			kids = append(kids, p)
		}
	}
	return kids
}

// alive reports whether process pid exists and is not a zombie waiting for
// a parent (in a container, process 1 may never reap it).
func alive(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(stat), ')')
	fields := strings.Fields(string(stat[i+1:]))
	return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}
