package rset

import (
	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

// Snapshot is, in RSetSnapshot, a replica's answer to the leader's query
// of round Round: the IDs of every command it stored, in one message.
type Snapshot struct {
	Round   uint64         `hydro:"key"`
	Replica hydro.MemberID `hydro:"key"`
	IDs     lattices.SetUnion[uint64]
}

// RSetSnapshot is RSet whose leader counts periods, as RSetInteger's does,
// and asks every replica at each for a snapshot of what it stores; each
// replica answers each query with one message carrying the set of the IDs
// of every command it stored — a fold of its state, like Paxos's p1b
// carrying an acceptor's log — and the leader logs the snapshots to output
// snapshots. The replicas certify what they store; the leader only relays.
//
//hydro:flow
func RSetSnapshot(f *hydro.Flow, commands hydro.Input[Command], answers hydro.Output[Answer], stored hydro.Output[Ack], snapshots hydro.Output[Snapshot]) {
	client, leader, replicas := f.Process("client"), f.Process("leader"), f.Cluster("replica")

	// Client, as in RSet.
	asked := hydro.Source(client, commands)
	waiting, wait := hydro.Cycle[Command](client)
	resent := hydro.CrossJoin(waiting, hydro.Timer(client, Timeout), again, hydro.Tick, hydro.Tick)
	replies, reply := hydro.Cycle[Sealed](client)
	opened := hydro.FilterMap(replies, openReply)
	pending := hydro.Union(asked, waiting)
	hydro.Sink(hydro.ReduceKeyed(hydro.Join(opened, pending, answerOf, hydro.Tick, hydro.Tick), keepFirst, hydro.Tick), answers)
	wait(hydro.DeferTickLazy(hydro.AntiJoin(pending, opened, hydro.Tick)))
	arrived := hydro.Send(hydro.Map(hydro.Union(asked, resent), SealCommand), leader)

	// Leader: open and broadcast; count periods and ask for a snapshot at
	// each.
	payloads := hydro.Broadcast(hydro.FilterMap(arrived, unseal), replicas)
	beat := hydro.Timer(leader, Period)
	rounds := hydro.Fold(beat, zero, increment, hydro.Static)
	queries := hydro.Broadcast(hydro.CrossJoin(beat, rounds, current, hydro.Tick, hydro.Tick), replicas)

	// Replica: certify, acknowledge; keep the IDs stored, and answer each
	// query with all of them in one message.
	certified := hydro.Map(payloads, certify)
	acks := hydro.CrossJoin(certified, hydro.SelfID(replicas), ack, hydro.Tick, hydro.Static)
	hydro.Sink(acks, stored)
	held := hydro.LatticeFold(hydro.Map(certified, idOf), hydro.Static)
	probes := hydro.CrossJoin(queries, hydro.SelfID(replicas), probeOf, hydro.Tick, hydro.Static)
	taken := hydro.Send(hydro.CrossJoin(probes, held, snapshotOf, hydro.Tick, hydro.Tick), leader)
	hydro.Sink(taken, snapshots)

	// Leader: collect; answer what commits.
	done, commit := hydro.Cycle[Answer](leader)
	open, carry := hydro.Cycle[Tally](leader)
	voted := hydro.Map(hydro.Send(acks, leader), tally)
	tallies := hydro.MergeKeyed(hydro.AntiJoin(hydro.Union(voted, open), done, hydro.Static), hydro.Tick)
	decided := hydro.FilterMap(hydro.CrossJoin(tallies, hydro.ClusterSize(leader, replicas), quorum, hydro.Tick, hydro.Static), reached)
	carry(hydro.DeferTickLazy(hydro.Map(hydro.AntiJoin(tallies, decided, hydro.Tick), keep)))
	commit(hydro.DeferTickLazy(decided))
	repeat := hydro.Join(voted, done, known, hydro.Tick, hydro.Static)
	reply(hydro.Send(hydro.Map(hydro.Union(decided, repeat), SealAnswer), client))
}

// idOf is a stored command's ID as a set, for a replica's snapshot.
func idOf(c Command) lattices.SetUnion[uint64] { return lattices.NewSetUnion(c.ID) }

func probeOf(round uint64, r hydro.MemberID) Snapshot {
	return Snapshot{Round: round, Replica: r}
}

// snapshotOf answers a query with the IDs a replica holds. It builds its
// result as a literal, so that the analyses see that the IDs are the
// fold's value and the rest the query's.
func snapshotOf(s Snapshot, ids lattices.SetUnion[uint64]) Snapshot {
	return Snapshot{Round: s.Round, Replica: s.Replica, IDs: ids}
}
