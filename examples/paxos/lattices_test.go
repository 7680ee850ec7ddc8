package paxos

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices/latticetest"
)

// The lattices of the acceptors', the tally's and the replicas' rings obey
// the lattice laws. Within one (slot, ballot) the command is the same, as
// Paxos guarantees, and so it is in the generators.

func genBallot(r *rand.Rand) Ballot {
	return Ballot{Num: uint32(r.IntN(3)), Proposer: hydro.MemberID(r.IntN(2))}
}

func cmdFor(slot uint64, b Ballot) Command {
	return Command{ID: slot*10 + uint64(b.Num)*2 + uint64(b.Proposer), Op: OpPut, Key: "k", Value: fmt.Sprint(slot, b)}
}

func TestPromiseLaws(t *testing.T) {
	latticetest.Check[Promise](t, func(r *rand.Rand) Promise { return Promise{Ballot: genBallot(r)} })
}

// An acceptor's log: only slots at or after the checkpoint.
func TestAcceptorLogLaws(t *testing.T) {
	latticetest.Check[AcceptorLog](t, func(r *rand.Rand) AcceptorLog {
		l := AcceptorLog{Checkpoint: uint64(r.IntN(5))}
		for range r.IntN(4) {
			s, b := uint64(r.IntN(9)), genBallot(r)
			if s < l.Checkpoint {
				continue
			}
			if l.Slots == nil {
				l.Slots = map[uint64]Accepted{}
			}
			if have, ok := l.Slots[s]; !ok || have.Ballot.Compare(b) < 0 {
				l.Slots[s] = Accepted{Slot: s, Ballot: b, Cmds: []Command{cmdFor(s, b)}}
			}
		}
		return l
	})
}

// A raised checkpoint drops the values below it, however far it moves; a
// value below the checkpoint is not merged.
func TestAcceptorLogDropsBelowCheckpoint(t *testing.T) {
	a := func(s uint64) Accepted { return Accepted{Slot: s, Ballot: Ballot{Num: 1}} }
	l := logOf(0, a(1), true)
	require.True(t, l.Merge(logOf(0, a(2), true)))
	require.True(t, l.Merge(logOf(0, a(9), true)))
	require.True(t, l.Merge(AcceptorLog{Checkpoint: 2}))
	require.Equal(t, AcceptorLog{Checkpoint: 2, Slots: map[uint64]Accepted{2: a(2), 9: a(9)}}, l)
	require.True(t, l.Merge(AcceptorLog{Checkpoint: 1000}), "past every slot held")
	require.Equal(t, AcceptorLog{Checkpoint: 1000, Slots: map[uint64]Accepted{}}, l)
	require.False(t, l.Merge(logOf(0, a(1), true)), "below the checkpoint")
	require.Equal(t, AcceptorLog{Checkpoint: 2}, logOf(2, a(1), true))
	require.Equal(t, AcceptorLog{Checkpoint: 2}, logOf(2, a(3), false), "not accepted")
}

func TestTallyLatticeLaws(t *testing.T) {
	latticetest.Check[TallyLattice](t, func(r *rand.Rand) TallyLattice {
		if r.IntN(5) == 0 {
			return TallyLattice{}
		}
		s, b := uint64(r.IntN(3)), genBallot(r)
		return TallyLattice{Set: true, Slot: s, Ballot: b, Voters: uint64(r.IntN(8))}
	})
}

// One tick's votes carry, for a (slot, ballot), the one batch the leader
// of that ballot proposed for the slot.
func TestFreshLatticeLaws(t *testing.T) {
	latticetest.Check[FreshLattice](t, func(r *rand.Rand) FreshLattice {
		if r.IntN(5) == 0 {
			return FreshLattice{}
		}
		s, b := uint64(r.IntN(3)), genBallot(r)
		cmds := []Command{cmdFor(s, b)}
		return FreshLattice{Set: true, Slot: s, Ballot: b, Voters: uint64(r.IntN(8)), Cmds: cmds}
	})
}

func TestCommitLatticeLaws(t *testing.T) {
	latticetest.Check[CommitLattice](t, func(r *rand.Rand) CommitLattice {
		if r.IntN(5) == 0 {
			return CommitLattice{}
		}
		s := uint64(r.IntN(4))
		return CommitLattice{Set: true, Commit: Commit{Slot: s, Cmds: []Command{cmdFor(s, Ballot{})}}}
	})
}

func TestCellLaws(t *testing.T) {
	latticetest.Check[Cell](t, func(r *rand.Rand) Cell {
		if r.IntN(5) == 0 {
			return Cell{}
		}
		s := uint64(r.IntN(4))
		return Cell{Set: true, Slot: s, Value: fmt.Sprint("v", s)}
	})
}

func TestSessionLatticeLaws(t *testing.T) {
	latticetest.Check[SessionLattice](t, func(r *rand.Rand) SessionLattice {
		s := SessionLattice{Low: uint64(r.IntN(4))}
		seqs := map[uint64]bool{}
		for range r.IntN(4) {
			if seq := uint64(r.IntN(6)); seq >= s.Low {
				seqs[seq] = true
			}
		}
		for _, seq := range slices.Sorted(maps.Keys(seqs)) {
			s.Answers = append(s.Answers, Answered{Seq: seq, Reply: Reply{ID: seq, Value: fmt.Sprint("v", seq), Found: true}})
		}
		return s
	})
}
