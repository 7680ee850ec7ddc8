package rset

import "github.com/hydrogo/hydro/hydro"

// CounterPeriod is how often each of RSetCounters' counters increments
// its integer: apart from the leader's Period, so that the integers from
// the leader and from the counters interleave.
const CounterPeriod = 70 * Period / 100

// RSetCounters is RSetInteger whose integers also come from a cluster:
// every member of the counter cluster counts its own periods
// (CounterPeriod) and broadcasts its count to the replicas, as the leader
// broadcasts its own; a replica keeps the highest integer from any of
// them — a durable lattice fold fed by two network operators, one from a
// cluster, like a Paxos acceptor's promise, which every proposer's
// phase-1a and phase-2a messages raise — and attaches it to every
// acknowledgement. The
// replicas certify what they store; the leader only relays.
//
//hydro:flow
func RSetCounters(f *hydro.Flow, commands hydro.Input[Command], answers hydro.Output[Answer], stored hydro.Output[Ack]) {
	client, leader, replicas, counters := f.Process("client"), f.Process("leader"), f.Cluster("replica"), f.Cluster("counter")

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

	// Leader: open and broadcast; count periods and broadcast the count.
	payloads := hydro.Broadcast(hydro.FilterMap(arrived, unseal), replicas)
	beat := hydro.Timer(leader, Period)
	count := hydro.Fold(beat, zero, increment, hydro.Static)
	fromLeader := hydro.Broadcast(hydro.CrossJoin(beat, count, current, hydro.Tick, hydro.Tick), replicas)

	// Counters: each counts its own periods and broadcasts the count.
	tick := hydro.Timer(counters, CounterPeriod)
	counted := hydro.Fold(tick, zero, increment, hydro.Static)
	fromCounters := hydro.Broadcast(hydro.CrossJoin(tick, counted, current, hydro.Tick, hydro.Tick), replicas)

	// Replica: keep the highest integer from any sender; certify,
	// acknowledge with it.
	highest := hydro.LatticeFold(hydro.Union(hydro.Map(fromLeader, maxOf), hydro.Map(fromCounters, maxOf)), hydro.Durable)
	acks := hydro.CrossJoin(hydro.CrossJoin(hydro.Map(payloads, certify), hydro.SelfID(replicas), ack, hydro.Tick, hydro.Static), highest, withInteger, hydro.Tick, hydro.Tick)
	hydro.Sink(acks, stored)

	// Leader: collect; answer what commits, with the highest integer.
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
