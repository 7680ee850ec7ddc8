package paxos

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A raised mark forgets the answers below it, however far it moves.
func TestSessionForgetsBelowRaisedMark(t *testing.T) {
	r := func(seq uint64) Reply { return Reply{ID: seq} }
	s := SessionLattice{Low: 2, Answers: map[uint64]Reply{2: r(2), 3: r(3), 7: r(7)}}
	require.True(t, s.Merge(SessionLattice{Low: 4, Answers: map[uint64]Reply{3: r(3), 5: r(5)}}))
	require.Equal(t, SessionLattice{Low: 4, Answers: map[uint64]Reply{5: r(5), 7: r(7)}}, s)
	require.True(t, s.Merge(SessionLattice{Low: 1000}), "past every answer held")
	require.Equal(t, SessionLattice{Low: 1000, Answers: map[uint64]Reply{}}, s)
}

// A run emits of a session only the raised mark and its new answers,
// answers a resent command from the session without executing it again,
// skips one below the mark, and leaves the session it read unchanged.
func TestExecuteEmitsSessionChanges(t *testing.T) {
	old := SessionLattice{Low: 3, Answers: map[uint64]Reply{3: {ID: 30, Value: "a", Found: true}, 4: {ID: 40, Value: "b", Found: true}}}
	read := old.Clone()
	put := func(seq, low uint64, v string) Command {
		return Command{ID: seq * 10, Inc: 9, Seq: seq, Low: low, Op: OpPut, Key: "k", Value: v}
	}
	b := batch{
		Run: Run{Next: 5, Cmds: []Commit{{Slot: 5, Cmds: []Command{
			put(2, 2, "skipped"), put(4, 3, "again"), put(5, 4, "c"), put(6, 4, "d"), put(5, 4, "c"),
		}}}},
		Sessions: map[uint64]SessionLattice{9: old},
		Replica:  replica{Count: 1},
	}
	x := execute(b)
	require.Equal(t, read, old, "the session read is not written")
	require.Equal(t, []Session{{Inc: 9, S: SessionLattice{Low: 4, Answers: map[uint64]Reply{
		5: {ID: 50, Value: "c", Found: true}, 6: {ID: 60, Value: "d", Found: true}}}}}, x.Sessions)
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
	require.Equal(t, SessionLattice{Low: 4, Answers: map[uint64]Reply{
		4: {ID: 40, Value: "b", Found: true}, 5: {ID: 50, Value: "c", Found: true}, 6: {ID: 60, Value: "d", Found: true}}}, merged)
}
