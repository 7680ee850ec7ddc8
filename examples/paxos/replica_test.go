package paxos

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/durable"
)

// answers returns the answers of seqs, each Reply{ID: seq}.
func answers(seqs ...uint64) []Answered {
	var out []Answered
	for _, seq := range seqs {
		out = append(out, Answered{Seq: seq, Reply: Reply{ID: seq}})
	}
	return out
}

// A raised mark forgets the answers below it, however far it moves, and
// new answers go in order, whether they follow those held or not.
func TestSessionForgetsBelowRaisedMark(t *testing.T) {
	s := SessionLattice{Low: 2, Answers: answers(2, 3, 7)}
	require.True(t, s.Merge(SessionLattice{Low: 4, Answers: answers(4, 5)}))
	require.Equal(t, SessionLattice{Low: 4, Answers: answers(4, 5, 7)}, s)
	require.False(t, s.Merge(SessionLattice{Low: 3, Answers: answers(3, 5)}), "nothing new")
	require.True(t, s.Merge(SessionLattice{Low: 4, Answers: answers(8, 9)}))
	require.Equal(t, SessionLattice{Low: 4, Answers: answers(4, 5, 7, 8, 9)}, s)
	require.True(t, s.Merge(SessionLattice{Low: 1000}), "past every answer held")
	require.Equal(t, uint64(1000), s.Low)
	require.Empty(t, s.Answers)
}

// Merging answers into a session writes only past the end of the slice of
// answers it held: a run holding that slice still reads it unchanged.
func TestSessionMergeLeavesHeldSliceUnchanged(t *testing.T) {
	s := SessionLattice{Low: 1, Answers: answers(1, 2, 5)}
	held := s.Answers
	want := slices.Clone(held)
	s.Merge(SessionLattice{Low: 2, Answers: answers(3, 6)})
	require.Equal(t, want, held)
	require.Equal(t, answers(2, 3, 5, 6), s.Answers)
}

// A run emits of a session only the raised mark and its new answers,
// answers a resent command from the session without executing it again,
// skips one below the mark, and leaves the session it read unchanged.
func TestExecuteEmitsSessionChanges(t *testing.T) {
	old := SessionLattice{Low: 3, Answers: []Answered{{3, Reply{ID: 30, Value: "a", Found: true}}, {4, Reply{ID: 40, Value: "b", Found: true}}}}
	read := old.Clone()
	put := func(seq, low uint64, v string) Command {
		return Command{ID: seq * 10, Inc: 9, Seq: seq, Low: low, Op: OpPut, Key: "k", Value: v}
	}
	b := batch{
		Run: Run{Next: 5, Cmds: []Commit{{Slot: 5, Cmds: []Command{
			put(2, 2, "skipped"), put(4, 3, "again"), put(5, 4, "c"), put(6, 4, "d"), put(5, 4, "c"),
		}}}},
		Sessions: []Session{{Inc: 9, S: old}},
		Replica:  replica{Count: 1},
	}
	x := execute(b)
	require.Equal(t, read, old, "the session read is not written")
	require.Equal(t, []Session{{Inc: 9, S: SessionLattice{Low: 4, Answers: []Answered{
		{5, Reply{ID: 50, Value: "c", Found: true}}, {6, Reply{ID: 60, Value: "d", Found: true}}}}}}, x.Sessions)
	require.Equal(t, []KV{{Key: "k", Cell: Cell{Set: true, Slot: 5, Value: "d"}}}, x.Puts)
	var ids []uint64
	for _, a := range x.Replies {
		ids = append(ids, a.Reply.ID)
	}
	require.Equal(t, []uint64{40, 50, 60, 50}, ids)
	merged := old.Clone()
	for _, s := range x.Sessions {
		merged.Merge(s.S)
	}
	require.Equal(t, SessionLattice{Low: 4, Answers: []Answered{
		{4, Reply{ID: 40, Value: "b", Found: true}}, {5, Reply{ID: 50, Value: "c", Found: true}}, {6, Reply{ID: 60, Value: "d", Found: true}}}}, merged)
}

// A run over more sessions and keys than it searches linearly (fewKeys)
// reads its own writes and the store, and emits the puts and sessions in
// the order it first wrote or touched them.
func TestExecuteManySessionsAndKeys(t *testing.T) {
	const n = 3 * fewKeys
	var cmds []Command
	for round := range uint64(2) {
		for i := range uint64(n) {
			inc, seq := 100+i, round+1
			key := fmt.Sprint("k", (i*7)%n)
			cmds = append(cmds, Command{ID: seq*1000 + i, Inc: inc, Seq: seq, Low: 1, Op: OpPut, Key: key, Value: fmt.Sprint(round, i)})
			cmds = append(cmds, Command{ID: seq*1000 + 500 + i, Inc: inc, Seq: seq + 10, Low: 1, Op: OpGet, Key: fmt.Sprint("k", i)})
		}
	}
	cmds = append(cmds, Command{ID: 9999, Inc: 7, Seq: 1, Low: 1, Op: OpGet, Key: "stored"})
	cmds = append(cmds, Command{ID: 9998, Inc: 7, Seq: 2, Low: 1, Op: OpGet, Key: "s13"})
	var sessions []Session
	for i := range uint64(n) {
		// Each session held answered a command the run does not resend.
		sessions = append(sessions, Session{Inc: 100 + i, S: SessionLattice{Low: 1, Answers: []Answered{{Seq: 50, Reply: Reply{ID: 50}}}}})
	}
	b := batch{
		Run:     Run{Next: 3, Cmds: []Commit{{Slot: 3, Cmds: cmds[:2*n]}, {Slot: 4, Cmds: cmds[2*n:]}}},
		KV:      []KV{{Key: "stored", Cell: Cell{Set: true, Slot: 1, Value: "old"}}, {Key: "k0", Cell: Cell{Set: true, Slot: 1, Value: "stale"}}},
		Replica: replica{Count: 1},
	}
	for i := range fewKeys * 2 {
		b.KV = append(b.KV, KV{Key: fmt.Sprint("s", i), Cell: Cell{Set: true, Slot: 2, Value: fmt.Sprint("stored", i)}})
	}
	b.Sessions = sessions
	x := execute(b)
	require.Len(t, x.Puts, n)
	for i, p := range x.Puts {
		j := uint64(i)
		require.Equal(t, fmt.Sprint("k", (j*7)%n), p.Key, "puts in the order first written")
		require.Equal(t, Cell{Set: true, Slot: 4, Value: fmt.Sprint(1, j)}, p.Cell, "the last put wins")
	}
	require.Len(t, x.Sessions, n+1)
	for i, s := range x.Sessions[:n] {
		require.Equal(t, uint64(100+i), s.Inc, "sessions in the order first touched")
		require.Len(t, s.S.Answers, 4, "the session's new answers only")
		require.Equal(t, uint64(1), s.S.Low, "the mark of the session held")
	}
	replies := map[uint64]Reply{}
	for _, a := range x.Replies {
		replies[a.Reply.ID] = a.Reply
	}
	require.Len(t, replies, 4*n+2)
	require.Equal(t, Reply{ID: 9999, Value: "old", Found: true}, replies[9999], "a get of a key the run did not write reads the store")
	require.Equal(t, Reply{ID: 9998, Value: "stored13", Found: true}, replies[9998])
	// In the first round, the get of k_i follows the puts of commands
	// 0..i, which wrote k_(7j mod n) for j <= i: k0's is the first, so
	// its get reads the run's write, not the store's stale value.
	for i := range uint64(n) {
		want := Reply{ID: 1500 + i}
		for j := range i + 1 {
			if (j*7)%n == i {
				want.Value, want.Found = fmt.Sprint(0, j), true
			}
		}
		require.Equal(t, want, replies[1500+i], "get %d", i)
	}
}

// commitBytes records the bytes of every commit of a log.
type commitBytes struct{ bytes []int }

func (c *commitBytes) Committed(i durable.CommitInfo)   { c.bytes = append(c.bytes, i.Bytes) }
func (c *commitBytes) Snapshotted(durable.SnapshotInfo) {}

// The generated replica's durable sessions log what a tick changed of a
// session, not the session: with a client whose mark never rises, the
// session grows by a batch of answers every tick, and every tick logs the
// same bytes (before, a tick logged every answer the session held). A
// replica recovered from that log answers a resent command from its
// session.
func TestReplicaLogsSessionChangesOnly(t *testing.T) {
	const batch = 16
	disk := durable.NewMemFS()
	logged := &commitBytes{}
	var sent []byte
	var tag uint16
	// start starts the replica on disk with first, a commit, as its first
	// input.
	start := func(opts durable.Options, first []byte) *PaxosReplica {
		nd := NewPaxosReplica(hydro.Input[Request]{}, hydro.Output[Reply]{}, hydro.NewOutput[Executed]("executed"), hydro.Output[P2b]{}, 64, 0)
		require.NoError(t, nd.Recover(disk, opts))
		nd.SetMember(0)
		require.NoError(t, nd.SetSizes(map[string]int{"proposer": 2, "acceptor": 3, "replica": 1}))
		nd.OnSend(func(_ hydro.Dest, _ uint16, p []byte) { sent = append(sent, p...) })
		tag = commitTag(t, nd, first)
		return nd
	}
	cmd := func(seq uint64) Command {
		return Command{ID: seq, Inc: 1, Seq: seq, Low: 1, Op: OpPut, Key: fmt.Sprint("key", seq%4), Value: "v"}
	}
	commit := func(slot uint64) []byte {
		cmds := make([]Command, batch)
		for i := range cmds {
			cmds[i] = cmd(1000 + slot*batch + uint64(i))
		}
		return appendHydroCommit(nil, &Commit{Slot: slot, Ballot: Ballot{Num: 1}, Cmds: cmds})
	}
	nd := start(durable.Options{Observer: logged}, commit(0))
	nd.Tick()
	const slots = 20
	for s := uint64(1); s < slots; s++ {
		require.NoError(t, nd.Deliver(tag, commit(s)))
		nd.Tick()
	}
	nd.Tick()
	require.NoError(t, nd.Err())
	// Every tick but the first logs the effects of the run the previous
	// one executed (the commits are not durable: the leader resends them).
	require.Len(t, logged.bytes, slots)
	for i := 1; i < slots; i++ {
		require.Equal(t, logged.bytes[0], logged.bytes[i], "tick %d logs what tick 1 logged, not a session of %d answers", i+1, (i+1)*batch)
	}
	require.NoError(t, nd.Close())

	// Recovered, the replica answers a command it executed before (slot
	// 3's first) again, from its session, without executing it again.
	old := cmd(1000 + 3*batch)
	old.Value = "other"
	nd = start(durable.Options{}, appendHydroCommit(nil, &Commit{Slot: slots, Ballot: Ballot{Num: 1}, Cmds: []Command{old}}))
	nd.Tick()
	sent = nil
	nd.Tick()
	require.NoError(t, nd.Err())
	var a Answer
	_, err := decodeHydroAnswer(sent, &a)
	require.NoError(t, err)
	require.Equal(t, Reply{ID: old.ID, Value: "v", Found: true}, a.Reply, "the answer of the first execution")
	require.NoError(t, nd.Close())
}

// commitTag delivers commit, an encoded Commit, to the replica's network
// input of commits, and returns its tag: the first whose frames decode as
// a Commit.
func commitTag(t testing.TB, nd *PaxosReplica, commit []byte) uint16 {
	for tag := range uint16(1 << 10) {
		if nd.Deliver(tag, commit) == nil {
			return tag
		}
	}
	t.Fatal("no network input of the replica takes a Commit")
	return 0
}

// find places every sequence number among sorted answers: at its answer,
// or where it would go.
func TestFindAnswer(t *testing.T) {
	a := answers(2, 4, 5, 9)
	for seq, want := range []int{0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 4, 4} {
		i, ok := find(a, uint64(seq))
		require.Equal(t, want, i, "seq %d", seq)
		require.Equal(t, slices.Contains([]int{2, 4, 5, 9}, seq), ok, "seq %d", seq)
	}
	i, ok := find(nil, 3)
	require.Zero(t, i)
	require.False(t, ok)
}
