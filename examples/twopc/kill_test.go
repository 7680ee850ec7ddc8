package twopc

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/deploy"
)

// roleEnv makes the test binary run as one node of TwoPC, the location it
// names; the node reads its flags from the environment (HYDRO_PEERS,
// HYDRO_DATA, ...), as every role main can.
const roleEnv = "HYDRO_TEST_TWOPC_ROLE"

func TestMain(m *testing.M) {
	if role := os.Getenv(roleEnv); role != "" {
		r := deploy.Role{Name: role, Flows: map[string]deploy.Builder{"TwoPC": func(env *deploy.Env) (hydro.NetNode, error) {
			in, outcomes := deploy.Input(env, TwoPCRequestsPort()), deploy.Output(env, TwoPCOutcomesPort())
			votes, decisions := deploy.Output(env, TwoPCVotesCastPort()), deploy.Output(env, TwoPCDecisionsPort())
			switch role {
			case "client":
				return NewTwoPCClient(in, outcomes, votes, decisions), nil
			case "coordinator":
				return NewTwoPCCoordinator(in, outcomes, votes, decisions), nil
			}
			return NewTwoPCParticipant(in, outcomes, votes, decisions), nil
		}}}
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		if err := deploy.Run(ctx, r, nil, os.Getenv, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// proc is one node of the process test, restartable on its data directory
// and on its listening socket, which the test holds for the whole run and
// every incarnation inherits (as hydrogen run does): no other process can
// take its port between a kill and the restart, and peers that dial it
// meanwhile wait in its backlog.
type proc struct {
	t        *testing.T
	env      []string
	listener *os.File
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	done     chan struct{}
	killed   bool
	lines    func(string)
	name     string
	stderr   *syncBuilder
}

// syncBuilder is a strings.Builder that the process's stderr copier writes
// while the test reads it.
type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (p *proc) start() {
	p.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Env = append(cmd.Env, "HYDRO_LISTEN_FD=3")
	cmd.ExtraFiles = []*os.File{p.listener} // descriptor 3
	p.stderr = &syncBuilder{}
	p.killed = false
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(p.t, err)
	p.stdin, err = cmd.StdinPipe()
	require.NoError(p.t, err)
	require.NoError(p.t, cmd.Start())
	p.cmd, p.done = cmd, make(chan struct{})
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines(sc.Text())
		}
		_ = cmd.Wait()
	}()
}

func (p *proc) kill() {
	p.t.Helper()
	p.killed = true
	require.NoError(p.t, p.cmd.Process.Signal(syscall.SIGKILL))
	<-p.done
}

// exited reports whether the process ended without being killed.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return !p.killed
	default:
		return false
	}
}

// listen opens a listening socket on a free port of the loopback
// interface, for a node to inherit, and returns it and its address.
func listen(t *testing.T) (*os.File, string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f, err := l.(*net.TCPListener).File()
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close()) // f stays open, and with it the socket
	t.Cleanup(func() { f.Close() })
	return f, addr
}

func TestSIGKILLEveryTransactionEndsTheSameEverywhere(t *testing.T) {
	// The coordinator and the participants run as real processes on real
	// data directories, and are killed with SIGKILL mid-run — between or
	// during any of their log writes and syncs — and restarted on the same
	// directories while the client keeps resending. Every transaction is
	// answered once; every participant that decides it decides what the
	// client learned, never both ways across its restarts; a committed one
	// is decided by every participant; and a refused one never commits.
	if testing.Short() {
		t.Skip("kills and restarts real processes")
	}
	const participants, requests = 3, 240
	addrs, sockets := map[string][]string{}, map[string][]*os.File{}
	for role, n := range map[string]int{"client": 1, "coordinator": 1, "participant": participants} {
		for range n {
			f, addr := listen(t)
			addrs[role], sockets[role] = append(addrs[role], addr), append(sockets[role], f)
		}
	}
	peers := fmt.Sprintf("client=%s;coordinator=%s;participant=%s", addrs["client"][0], addrs["coordinator"][0], strings.Join(addrs["participant"], ","))

	var mu sync.Mutex
	outcome := map[uint64]bool{}
	answered := map[uint64]int{}
	decided := map[[2]uint64]bool{}
	var problems []string
	parse := func(prefix string, line string, v any) bool {
		rest, ok := strings.CutPrefix(line, prefix+" ")
		if !ok {
			return false
		}
		require.NoError(t, json.Unmarshal([]byte(rest), v), line)
		return true
	}
	node := func(role string, member int) *proc {
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("%s-%d", role, member))
		require.NoError(t, os.MkdirAll(dir, 0o755))
		p := &proc{t: t, name: fmt.Sprintf("%s/%d", role, member), listener: sockets[role][member], env: []string{roleEnv + "=" + role,
			"HYDRO_MEMBER=" + fmt.Sprint(member), "HYDRO_PEERS=" + peers, "HYDRO_INSECURE_PLAINTEXT=true",
			"HYDRO_DATA=" + dir, "HYDRO_LOG_LEVEL=warn", "HYDRO_OUT_VOTESCAST_QUIET=true"}}
		p.lines = func(line string) {
			mu.Lock()
			defer mu.Unlock()
			var o Outcome
			var d Decision
			switch {
			case parse("outcomes", line, &o):
				answered[o.ID]++
				outcome[o.ID] = o.Committed
			case parse("decisions", line, &d):
				k := [2]uint64{d.ID, uint64(d.Participant)}
				if prev, ok := decided[k]; ok && prev != d.Committed {
					problems = append(problems, fmt.Sprintf("participant %d decided %d both ways", d.Participant, d.ID))
				}
				decided[k] = d.Committed
			}
		}
		if role == "client" {
			p.env = append(p.env, "HYDRO_IN_REQUESTS_FILE=-")
		}
		p.start()
		return p
	}
	client := node("client", 0)
	coordinator := node("coordinator", 0)
	var parts []*proc
	for i := range participants {
		parts = append(parts, node("participant", i))
	}
	t.Cleanup(func() {
		for _, p := range append([]*proc{client, coordinator}, parts...) {
			_ = p.cmd.Process.Signal(syscall.SIGKILL)
			<-p.done
		}
	})

	payloads := map[uint64]string{}
	enc := json.NewEncoder(client.stdin)
	victims := []*proc{coordinator, parts[1], coordinator, parts[2], parts[0]}
	for id := uint64(1); id <= requests; id++ {
		payloads[id] = payloadOf(id, participants, 7)
		require.NoError(t, enc.Encode(Request{ID: id, Payload: payloads[id]}))
		time.Sleep(5 * time.Millisecond)
		if id%48 == 0 {
			v := victims[id/48-1]
			v.kill()
			time.Sleep(50 * time.Millisecond)
			v.start()
		}
	}

	settled := func() bool {
		mu.Lock()
		defer mu.Unlock()
		if len(answered) < requests {
			return false
		}
		for id, committed := range outcome {
			for p := range participants {
				if _, ok := decided[[2]uint64{id, uint64(p)}]; committed && !ok {
					return false
				}
			}
		}
		return true
	}
	all := append([]*proc{client, coordinator}, parts...)
	for deadline := time.Now().Add(180 * time.Second); !settled(); time.Sleep(50 * time.Millisecond) {
		for _, p := range all {
			if p.exited() {
				require.FailNowf(t, "a node exited", "%s exited on its own: %s", p.name, p.stderr)
			}
		}
		if !time.Now().Before(deadline) {
			mu.Lock()
			var missing []uint64
			for id := uint64(1); id <= requests; id++ {
				if answered[id] == 0 {
					missing = append(missing, id)
				}
			}
			var undecided []string
			for id, committed := range outcome {
				for p := range participants {
					if _, ok := decided[[2]uint64{id, uint64(p)}]; committed && !ok {
						undecided = append(undecided, fmt.Sprintf("%d@%d", id, p))
					}
				}
			}
			mu.Unlock()
			for _, p := range all {
				t.Logf("%s stderr: %s", p.name, p.stderr)
			}
			require.FailNowf(t, "not settled", "unanswered %v; commits undecided %v", missing, undecided)
		}
	}

	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, problems)
	commits := 0
	for id := uint64(1); id <= requests; id++ {
		assert.Equal(t, 1, answered[id], "transaction %d answered once", id)
		refused := refusedByAny(Request{Payload: payloads[id]}, participants)
		if refused {
			assert.False(t, outcome[id], "refused transaction %d committed", id)
		}
		if outcome[id] {
			commits++
		}
		for p := range participants {
			if d, ok := decided[[2]uint64{id, uint64(p)}]; ok {
				assert.Equal(t, outcome[id], d, "participant %d decided %d unlike the client", p, id)
			}
		}
	}
	// How many time out depends on the machine's load; some must commit.
	assert.Positive(t, commits, "transactions commit despite the kills")
}
