package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/syncbuf"
	"github.com/stretchr/testify/require"
)

// The tests of hydrogen run use the package testdata/launch: flow Hello with
// a process "front" and a cluster "worker" whose main packages, under
// testdata/launch/cmd, are written by hand with package hydro/deploy.

// launchRun runs "hydrogen run" with args and returns its exit status and
// outputs.
func launchRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr syncbuf.Buffer
	status := runCmd(args, &stdout, &stderr)
	return status, stdout.String(), stderr.String()
}

func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

var helloArgs = []string{"--", "-param.greeting", `"hello"`, "-param.label", `"w"`, "-in.names.file", "names.jsonl"}

// TestRunTwoRolesAndACluster runs a process and two members of a cluster:
// the workers reach the front at the addresses the launcher chose, each
// role gets only its own parameters (the node would refuse the others),
// relative paths resolve in the package directory, and every line is
// prefixed with its node.
func TestRunTwoRolesAndACluster(t *testing.T) {
	t.Parallel()
	status, stdout, stderr := launchRun(t, append([]string{"-flow", "Hello", "-n", "worker=2", "-outputs", "4", "./testdata/launch"}, helloArgs...)...)
	require.Equal(t, 0, status, stderr)
	got := lines(stdout)
	slices.Sort(got)
	require.Equal(t, []string{
		`[front] greeted "hello, ada"`,
		`[front] greeted "hello, grace"`,
		`[front] reports {"Member":0,"Label":"w"}`,
		`[front] reports {"Member":1,"Label":"w"}`,
	}, got)
	for _, node := range []string{"front", "worker/0", "worker/1"} {
		require.Regexp(t, `(?m)^\[`+node+`\] time=\S+ level=INFO msg="node started" role=`, stderr)
	}
	require.Contains(t, stderr, "hydrogen run: 4 outputs printed; stopping\n")
	for _, line := range lines(stderr) {
		require.Regexp(t, `^(\[(front|worker/[01])\] |hydrogen run: )`, line)
	}
}

// TestRunStopsAfterOutputs checks that -outputs prints exactly that many
// lines and stops nodes that would otherwise run forever.
func TestRunStopsAfterOutputs(t *testing.T) {
	t.Parallel()
	status, stdout, stderr := launchRun(t, append([]string{"-flow=Hello", "-outputs=1", "./testdata/launch"}, helloArgs...)...)
	require.Equal(t, 0, status, stderr)
	require.Len(t, lines(stdout), 1)
	require.Regexp(t, `^\[front\] (greeted|reports) `, stdout)
}

func TestRunStopsAfterDuration(t *testing.T) {
	t.Parallel()
	status, _, stderr := launchRun(t, "-flow", "Hello", "-for", "300ms", "./testdata/launch")
	require.Equal(t, 0, status, stderr)
	require.Contains(t, stderr, "hydrogen run: 300ms elapsed; stopping\n")
}

// TestRunFailsWhenANodeCrashes feeds the front a name that makes it panic.
func TestRunFailsWhenANodeCrashes(t *testing.T) {
	t.Parallel()
	status, _, stderr := launchRun(t, "-flow", "Hello", "-n", "worker=2", "./testdata/launch", "--", "-in.names.file", "crash.jsonl")
	require.Equal(t, 1, status, stderr)
	require.Contains(t, stderr, "[front] panic: launch.Greet: empty name\n")
	require.True(t, strings.HasSuffix(stderr, "hydrogen run: front exited: exit status 2\n"), stderr)
}

func TestRunErrors(t *testing.T) {
	pkg := "./testdata/launch"
	tests := []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{pkg}, 2, "package github.com/hydrogo/hydro/cmd/hydrogen/testdata/launch has several flows; choose one with -flow: Ghost, Hello"},
		{[]string{"-flow", "Nope", pkg}, 2, "package github.com/hydrogo/hydro/cmd/hydrogen/testdata/launch has no flow Nope (flows: Ghost, Hello)"},
		{[]string{"-flow", "Ghost", pkg}, 1, "role ghost has no main package: " + "%DIR%/cmd/ghost does not exist; run go generate in %DIR%, which writes one main package per role under cmd/"},
		{[]string{"-flow", "Hello", "-n", "cook=2", pkg}, 2, "-n cook=2: flow Hello has no location cook (locations: front, worker)"},
		{[]string{"-flow", "Hello", "-n", "front=2", pkg}, 2, "-n front=2: front is a process; only a cluster has several members"},
		{[]string{"-n", "worker=0", pkg}, 2, `invalid value "worker=0" for flag -n: want role=count with a count of at least 1`},
		{[]string{"-flow", "Hello"}, 2, "no package given"},
		{[]string{"-flow", "Hello", pkg, "-outputs", "3"}, 2, "unexpected -outputs after the package: hydrogen run's flags go before the package, the nodes' flags after --"},
		{[]string{"-flow", "Hello", pkg, "--", "-member", "1"}, 2, "node flag -member: hydrogen run numbers the members"},
		{[]string{"-flow", "Hello", pkg, "--", "-param.greeting"}, 2, "node flag -param.greeting needs a value"},
		{[]string{"-flow", "Hello", pkg, "--", "-in.names", "x"}, 2, "unknown node flag -in.names; nodes take -param.NAME VALUE, -in.NAME.file PATH, -out.NAME.quiet, -log-level LEVEL and -fsync BOOL"},
		{[]string{"-flow", "Hello", pkg, "--", "names.jsonl"}, 2, `unexpected node argument "names.jsonl": nodes take flags only`},
		{[]string{"-flow", "Hello", pkg, "--", "-param.names", "1", "-in.greeting.file=x", "-out.nope.quiet"}, 2,
			"node flag -param.names: names is an input of flow Hello, not a parameter (parameters: greeting, label)\n" +
				"hydrogen run: node flag -in.greeting.file: greeting is a parameter of flow Hello, not an input (inputs: names)\n" +
				"hydrogen run: node flag -out.nope.quiet: flow Hello has no output nope (outputs: greeted, reports)"},
		{[]string{"-flow", "Ghost", pkg, "--", "-param.motto", `"boo"`}, 2, "node flag -param.motto: no location of flow Ghost uses parameter motto"},
	}
	dir, err := filepath.Abs("testdata/launch")
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			status, stdout, stderr := launchRun(t, tt.args...)
			require.Equal(t, tt.status, status, stderr)
			require.Empty(t, stdout)
			require.True(t, strings.HasPrefix(stderr, "hydrogen run: "+strings.ReplaceAll(tt.want, "%DIR%", dir)+"\n"), stderr)
		})
	}
}

func TestSplitNodeFlags(t *testing.T) {
	flags, err := splitNodeFlags([]string{"-param.a", "1", "--param.b=2", "-in.x.file", "f", "-out.y.quiet", "-out.z.quiet=false", "-log-level", "debug", "-fsync=false"})
	require.NoError(t, err)
	var got []string
	for _, f := range flags {
		got = append(got, f.param+" "+strings.Join(f.tokens, " "))
	}
	require.Equal(t, []string{"a -param.a 1", "b --param.b=2", "x -in.x.file f", "y -out.y.quiet", "z -out.z.quiet=false", " -log-level debug", " -fsync=false"}, got)
}

func TestPrefixWriterWritesWholeLines(t *testing.T) {
	var out bytes.Buffer
	sink := &lineSink{w: &out, limit: 4, full: make(chan struct{})}
	a := &prefixWriter{sink: sink, prefix: "[a] "}
	b := &prefixWriter{sink: sink, prefix: "[b/1] "}
	a.Write([]byte("one\ntw"))
	b.Write([]byte("x"))
	a.Write([]byte("o\nthr"))
	b.Write([]byte("y\n"))
	a.flush()
	select {
	case <-sink.full:
	default:
		t.Fatal("the limit was reached but full is open")
	}
	b.Write([]byte("dropped\n"))
	require.Equal(t, "[a] one\n[a] two\n[b/1] xy\n[a] thr\n", out.String())
}

// TestRunRestartsACrashedNode kills a worker under -restart: the launcher
// reports the crash, starts the worker again on the same port, and the
// restarted worker reaches the front again.
func TestRunRestartsACrashedNode(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("finds the node's process in /proc")
	}
	t.Parallel()
	var stdout, stderr syncbuf.Buffer
	done := make(chan int, 1)
	// A label of its own keeps the workers of tests running alongside
	// (the same flow, the same member numbers) out of findProcess.
	args := []string{"-flow", "Hello", "-n", "worker=2", "-restart", "-outputs", "5", "-for", "60s", "./testdata/launch",
		"--", "-param.greeting", `"hello"`, "-param.label", `"restarted"`, "-in.names.file", "names.jsonl"}
	go func() { done <- runCmd(args, &stdout, &stderr) }()

	reports := func() int { return strings.Count(stdout.String(), `"Member":1`) }
	require.Eventually(t, func() bool { return reports() == 1 }, 60*time.Second, 10*time.Millisecond, stderr.String())
	pid := findProcess(t, "/worker", "-member\x001\x00", "\x00\"restarted\"\x00")
	p, err := os.FindProcess(pid)
	require.NoError(t, err)
	require.NoError(t, p.Kill())

	select {
	case status := <-done:
		require.Equal(t, 0, status, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("the restarted worker did not report again; stderr:\n%s", stderr.String())
	}
	require.Equal(t, 2, reports(), stdout.String())
	require.Contains(t, stderr.String(), "hydrogen run: worker/1 exited: signal: killed; restarting it in 100ms")
	require.Contains(t, stderr.String(), "hydrogen run: restarting worker/1 (restart 1)")
	require.Equal(t, 2, strings.Count(stderr.String(), `msg="node started" role=worker member=1`), stderr.String())
}

// findProcess returns the pid of the one child of this test process whose
// executable path ends with suffix and whose command line contains every
// one of args.
// Matching children only keeps other test runs on the machine out of it.
func findProcess(t *testing.T, suffix string, args ...string) int {
	t.Helper()
	dirs, err := os.ReadDir("/proc")
	require.NoError(t, err)
	found := 0
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || parentPID(pid) != os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline"))
		if err != nil {
			continue
		}
		exe, _, _ := strings.Cut(string(cmdline), "\x00")
		if strings.HasSuffix(exe, suffix) && containsAll(string(cmdline), args) {
			require.Zero(t, found, "two processes match")
			found = pid
		}
	}
	require.NotZero(t, found, "no child process %s with %q", suffix, args)
	return found
}

// containsAll reports whether s contains every one of subs.
func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// parentPID returns the parent of process pid from /proc/pid/stat, or -1.
// The fourth field follows the command name, which is in parentheses and
// may itself hold spaces and parentheses.
func parentPID(pid int) int {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return -1
	}
	i := strings.LastIndexByte(string(stat), ')')
	if i < 0 {
		return -1
	}
	fields := strings.Fields(string(stat[i+1:]))
	if len(fields) < 2 {
		return -1
	}
	ppid, err := strconv.Atoi(fields[1])
	if err != nil {
		return -1
	}
	return ppid
}

// TestRunWithGivenCertificates runs the nodes with certificates from
// hydrogen certs, which a client outside the run can use too, and refuses a
// directory that lacks a node's.
func TestRunWithGivenCertificates(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "certs")
	var out bytes.Buffer
	require.Equal(t, 0, certsCmd([]string{"-o", dir, "front=1", "worker=2"}, &out, &out), out.String())
	status, stdout, stderr := launchRun(t, append([]string{"-flow", "Hello", "-n", "worker=2", "-outputs", "4", "-certs", dir, "./testdata/launch"}, helloArgs...)...)
	require.Equal(t, 0, status, stderr)
	require.Len(t, lines(stdout), 4)
	require.Contains(t, stderr, "hydrogen run: certificates in "+dir)

	status, _, stderr = launchRun(t, append([]string{"-flow", "Hello", "-n", "worker=3", "-certs", dir, "./testdata/launch"}, helloArgs...)...)
	require.Equal(t, 2, status)
	require.Contains(t, stderr, "certificate of worker/2")
}

// TestSizePaired: a location paired with a cluster (decoupled off it) has
// one base member per member of the cluster, each run as its partitions,
// and a conflicting -n for it is refused naming both.
func TestSizePaired(t *testing.T) {
	g := &ir.Graph{Locations: []*ir.Location{
		{ID: 0, Name: "proposer", Kind: ir.ClusterLoc},
		{ID: 1, Name: "p2aproxy", Kind: ir.ClusterLoc, Paired: "proposer"},
		{ID: 2, Name: "p2bproxy", Kind: ir.ClusterLoc, Paired: "proposer", Partitions: 3},
	}}
	f := &parse.Flow{Name: "F", Graph: g}
	roles := func() map[string]*runRole {
		m := map[string]*runRole{}
		for _, l := range g.Locations {
			m[l.Name] = &runRole{loc: l, members: max(l.Partitions, 1)}
		}
		return m
	}
	byName := roles()
	require.NoError(t, sizePaired(f, map[string]int{"proposer": 2}, byName))
	require.Equal(t, 2, byName["p2aproxy"].members)
	require.Equal(t, 6, byName["p2bproxy"].members)
	byName = roles()
	require.NoError(t, sizePaired(f, map[string]int{}, byName))
	require.Equal(t, 1, byName["p2aproxy"].members)
	require.Equal(t, 3, byName["p2bproxy"].members)
	require.NoError(t, sizePaired(f, map[string]int{"proposer": 2, "p2bproxy": 2}, roles()))
	err := sizePaired(f, map[string]int{"proposer": 2, "p2aproxy": 3}, roles())
	require.Error(t, err)
	require.Contains(t, err.Error(), "-n p2aproxy=3: p2aproxy is paired with cluster proposer (one proxy per member), so it has as many members as proposer: 2")
}
