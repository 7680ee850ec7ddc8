package main

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/examples/hashset"
	"github.com/hydrogo/hydro/examples/paxos"
	"github.com/hydrogo/hydro/examples/rset"
	"github.com/hydrogo/hydro/examples/twopc"
	"github.com/hydrogo/hydro/examples/voting"
	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

// The protocols across real processes, as README's tour runs them: hydrogen
// run starts every role and the client feeds the committed sample workload.

func TestRunVotingAcrossProcesses(t *testing.T) {
	t.Parallel()
	runVoting(t)
}

// TestRunScalableVotingAcrossProcesses runs the flow that
// examples/voting/scalable.hydroplan derives from Voting, chosen with
// -flow: 5 broadcasters, 3 participants of 5 partitions and 5 collectors.
func TestRunScalableVotingAcrossProcesses(t *testing.T) {
	t.Parallel()
	runVoting(t, "-flow", "ScalableVoting")
}

// runVoting runs examples/voting with flags and checks that every sample
// request is committed once.
func runVoting(t *testing.T, flags ...string) {
	args := append(flags, "-n", "participant=3", "-outputs", "10", "../../examples/voting", "--",
		"-in.requests.file=data/requests.jsonl", "-out.votes.quiet")
	status, stdout, stderr := launchRun(t, args...)
	require.Equal(t, 0, status, stderr)
	line := regexp.MustCompile(`^\[client\] committed (\{.*\})$`)
	seen := map[uint64]bool{}
	for _, l := range lines(stdout) {
		m := line.FindStringSubmatch(l)
		require.NotNil(t, m, "line %q", l)
		var r voting.Request
		require.NoError(t, json.Unmarshal([]byte(m[1]), &r))
		assert.False(t, seen[r.ID], "request %d committed twice", r.ID)
		seen[r.ID] = true
	}
	assert.Len(t, seen, 10, "every sample request committed")
}

// TestRunPaxosAcrossProcesses runs multi-Paxos as README's tour does: two
// proposers, three acceptors and three replicas, and the sample workload of
// gets and puts. Every request is answered once; a put with its value, a
// get with nothing or a value put to its key. ScalablePaxos, which
// examples/paxos/scalable.hydroplan derives (a p2a and a p2b proxy paired
// with each proposer, sized from the proposers), runs the same way with
// HYDRO_LONG=1 (make test-long): each launch builds the role mains.
func TestRunPaxosAcrossProcesses(t *testing.T) {
	for i, flags := range [][]string{nil, {"-flow", "ScalablePaxos"}} {
		name := "Paxos"
		if flags != nil {
			name = flags[1]
		}
		t.Run(name, func(t *testing.T) {
			if i > 0 && !simtest.Long() {
				t.Skip("runs with HYDRO_LONG=1 (make test-long)")
			}
			t.Parallel()
			runPaxos(t, flags...)
		})
	}
}

// runPaxos runs examples/paxos with flags and checks the replies to the
// sample workload.
func runPaxos(t *testing.T, flags ...string) {
	args := append(flags, "-n", "proposer=2,acceptor=3,replica=3", "-outputs", "10", "../../examples/paxos", "--",
		"-in.requests.file=data/requests.jsonl", "-out.executed.quiet", "-out.votes.quiet")
	status, stdout, stderr := launchRun(t, args...)
	require.Equal(t, 0, status, stderr)
	b, err := os.ReadFile("../../examples/paxos/data/requests.jsonl")
	require.NoError(t, err)
	asked := map[uint64]paxos.Request{}
	put := map[string]map[string]bool{}
	for _, l := range lines(string(b)) {
		var r paxos.Request
		require.NoError(t, json.Unmarshal([]byte(l), &r))
		asked[r.ID] = r
		if r.Op == paxos.OpPut {
			if put[r.Key] == nil {
				put[r.Key] = map[string]bool{}
			}
			put[r.Key][r.Value] = true
		}
	}
	line := regexp.MustCompile(`^\[client\] replies (\{.*\})$`)
	seen := map[uint64]bool{}
	for _, l := range lines(stdout) {
		m := line.FindStringSubmatch(l)
		require.NotNil(t, m, "line %q", l)
		var r paxos.Reply
		require.NoError(t, json.Unmarshal([]byte(m[1]), &r))
		assert.False(t, seen[r.ID], "request %d answered twice", r.ID)
		seen[r.ID] = true
		q, ok := asked[r.ID]
		require.True(t, ok, "reply %+v to no request", r)
		if q.Op == paxos.OpPut {
			assert.Equal(t, paxos.Reply{ID: q.ID, Value: q.Value, Found: true}, r)
		} else {
			assert.True(t, !r.Found || put[q.Key][r.Value], "get %+v read %+v, never put", q, r)
		}
	}
	assert.Len(t, seen, len(asked), "every sample request answered")
}

func TestRunHashsetAcrossProcesses(t *testing.T) {
	t.Parallel()
	runHashset(t)
}

// TestRunDecoupledHashsetAcrossProcesses runs the flow that
// examples/hashset/decoupled.hydroplan derives from Hashset, with its proxy
// and signer, chosen with -flow.
func TestRunDecoupledHashsetAcrossProcesses(t *testing.T) {
	t.Parallel()
	runHashset(t, "-flow", "DecoupledHashset")
}

// TestRunPartitionedHashsetAcrossProcesses runs the flow that
// examples/hashset/partitioned.hydroplan derives from Hashset: 3 leader
// partitions and 3 storage nodes of 4 partitions each, 16 processes.
func TestRunPartitionedHashsetAcrossProcesses(t *testing.T) {
	t.Parallel()
	runHashset(t, "-flow", "PartitionedHashset")
}

// TestRunScalableHashsetAcrossProcesses runs the flow that
// examples/hashset/scalable.hydroplan derives from Hashset: the proxy and
// the signer decoupled, then 3 leader, 3 proxy and 2 signer partitions and
// 3 storage nodes of 4 partitions each, 21 processes.
func TestRunScalableHashsetAcrossProcesses(t *testing.T) {
	t.Parallel()
	runHashset(t, "-flow", "ScalableHashset")
}

// runHashset runs examples/hashset with flags and checks that every sample
// write is answered once, with a certificate that verifies.
func runHashset(t *testing.T, flags ...string) {
	args := append(flags, "-n", "storage=3", "-outputs", "12", "../../examples/hashset", "--",
		"-in.writes.file=data/writes.jsonl", "-out.acks.quiet", "-out.alarms.quiet",
		"-param.leaderKey=@data/leader-key.json", "-param.leaderPublic=@data/leader-public.json", "-param.storageKeys=@data/storage-keys.json")
	status, stdout, stderr := launchRun(t, args...)
	require.Equal(t, 0, status, stderr)
	var keys []ed25519.PrivateKey
	b, err := os.ReadFile("../../examples/hashset/data/storage-keys.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &keys))
	line := regexp.MustCompile(`^\[client\] outcomes (\{.*\})$`)
	seen := map[uint64]bool{}
	for _, l := range lines(stdout) {
		m := line.FindStringSubmatch(l)
		require.NotNil(t, m, "line %q", l)
		var o hashset.Outcome
		require.NoError(t, json.Unmarshal([]byte(m[1]), &o))
		assert.False(t, seen[o.ID], "write %d answered twice", o.ID)
		seen[o.ID] = true
		require.Len(t, o.Certificate, 3)
		agree := true
		for _, s := range o.Certificate {
			assert.True(t, ed25519.Verify(keys[s.Node].Public().(ed25519.PublicKey), hashset.AckMessage(o.Value, s.Count), s.Sig),
				"write %d: node %d's signature", o.ID, s.Node)
			agree = agree && s.Count == o.Certificate[0].Count
		}
		assert.Equal(t, agree, o.Consistent, "write %d", o.ID)
	}
	assert.Len(t, seen, 12, "every sample write answered")
}

// TestRunRSetMicroprotocolsAcrossProcesses runs the microprotocols that
// examples/rset/rset.hydroplan derives, each by one rewrite, as real
// processes: every sample command is answered once, with its payload and
// the receipt its servers certified. Each launch builds the package's role
// mains, so make test runs the first; make test-long runs them all.
func TestRunRSetMicroprotocolsAcrossProcesses(t *testing.T) {
	for i, tc := range []struct {
		flow  string
		flags []string
		// quiet are the outputs besides stored not printed.
		quiet []string
	}{
		{"RSetCollector", []string{"-n", "replica=2"}, nil},
		{"RSetEncrypter", nil, nil},
		{"RSetReplier", []string{"-n", "replica=2"}, nil},
		{"RSetPartitioned", []string{"-n", "replica=2"}, nil},
		{"RSetCollisionsPartitioned", []string{"-n", "replica=2"}, []string{"collisions"}},
		{"RSetIntegerPartitioned", []string{"-n", "replica=2"}, nil},
		{"RSetCountersPartitioned", []string{"-n", "replica=2,counter=2"}, nil},
		{"RSetSnapshotPartitioned", []string{"-n", "replica=2"}, []string{"snapshots"}},
	} {
		t.Run(tc.flow, func(t *testing.T) {
			if i > 0 && !simtest.Long() {
				t.Skip("runs with HYDRO_LONG=1 (make test-long)")
			}
			t.Parallel()
			args := append(append([]string{"-flow", tc.flow}, tc.flags...), "-outputs", "10", "../../examples/rset", "--",
				"-in.commands.file=data/commands.jsonl")
			if tc.flags != nil {
				args = append(args, "-out.stored.quiet")
			}
			for _, o := range tc.quiet {
				args = append(args, "-out."+o+".quiet")
			}
			status, stdout, stderr := launchRun(t, args...)
			require.Equal(t, 0, status, stderr)
			line := regexp.MustCompile(`^\[client\] answers (\{.*\})$`)
			seen := map[uint64]bool{}
			for _, l := range lines(stdout) {
				m := line.FindStringSubmatch(l)
				require.NotNil(t, m, "line %q", l)
				var a rset.Answer
				require.NoError(t, json.Unmarshal([]byte(m[1]), &a))
				assert.False(t, seen[a.ID], "command %d answered twice", a.ID)
				seen[a.ID] = true
				assert.Equal(t, fmt.Sprintf("command-%02d", a.ID), a.Payload)
				assert.Equal(t, rset.Certify(a.Payload), a.Receipt, "command %d's receipt", a.ID)
			}
			assert.Len(t, seen, 10, "every sample command answered")
		})
	}
}

func TestRunTwoPCAcrossProcesses(t *testing.T) {
	t.Parallel()
	runTwoPC(t)
}

// TestRunScalableTwoPCAcrossProcesses runs the flow that
// examples/twopc/scalable.hydroplan derives from TwoPC, with its vote
// requester, committer and ender, chosen with -flow.
func TestRunScalableTwoPCAcrossProcesses(t *testing.T) {
	t.Parallel()
	runTwoPC(t, "-flow", "ScalableTwoPC")
}

// runTwoPC runs examples/twopc with flags and checks that every sample
// transaction is answered once: committed, unless its payload names a
// participant that refuses it.
func runTwoPC(t *testing.T, flags ...string) {
	args := append(flags, "-n", "participant=3", "-outputs", "10", "../../examples/twopc", "--",
		"-in.requests.file=data/requests.jsonl", "-out.votesCast.quiet", "-out.decisions.quiet")
	status, stdout, stderr := launchRun(t, args...)
	require.Equal(t, 0, status, stderr)
	b, err := os.ReadFile("../../examples/twopc/data/requests.jsonl")
	require.NoError(t, err)
	payloads := map[uint64]string{}
	for _, l := range lines(string(b)) {
		var r twopc.Request
		require.NoError(t, json.Unmarshal([]byte(l), &r))
		payloads[r.ID] = r.Payload
	}
	line := regexp.MustCompile(`^\[client\] outcomes (\{.*\})$`)
	seen := map[uint64]bool{}
	for _, l := range lines(stdout) {
		m := line.FindStringSubmatch(l)
		require.NotNil(t, m, "line %q", l)
		var o twopc.Outcome
		require.NoError(t, json.Unmarshal([]byte(m[1]), &o))
		assert.False(t, seen[o.ID], "transaction %d answered twice", o.ID)
		seen[o.ID] = true
		refused := false
		for p := range 3 {
			refused = refused || twopc.Refuses(hydro.MemberID(p), payloads[o.ID])
		}
		assert.Equal(t, !refused, o.Committed, "transaction %d (%q)", o.ID, payloads[o.ID])
	}
	assert.Len(t, seen, 10, "every sample transaction answered")
}
