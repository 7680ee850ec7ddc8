// Package rset holds the microprotocols of "Optimizing Distributed
// Protocols with Query Rewrites" §5.4 (Figure 11): one small base program
// per rewrite, each written plainly for one node per role, from which one
// rewrite derives a scaled version (the plans in rset.hydroplan).
//
// The base, RSet, is a replicated set: a client sends each command
// encrypted (AES-GCM) to the leader; the leader decrypts it, broadcasts it
// to every replica, collects their acknowledgements and, once every
// replica acknowledged, answers the client encrypted. The variants add one
// feature each, so that one rewrite applies:
//
//   - RSet: mutually independent decoupling (the collection of acknowledgements moves off
//     the leader) and partitioning with co-hashing (the replicas, by command).
//   - RSetBallot: the leader tracks the highest ballot of the commands it received and
//     attaches to each answer the ballot at the time the command first arrived: monotonic
//     decoupling.
//   - RSetHighest: no replicas; the leader attaches the highest ballot it has seen so far
//     to each answer: functional decoupling.
//   - RSetCollisions: each replica also counts hash collisions among the payloads it
//     stores, like the paper's running example: partitioning with dependencies.
//   - RSetInteger: the leader periodically increments an integer and sends it to the
//     replicas, which attach the latest one they have to every acknowledgement, like
//     Paxos's ballots: partial partitioning.
//   - RSetSnapshot (snapshot.go): each replica answers the leader's periodic queries with
//     one message carrying the IDs it stores, like Paxos's p1b: partitioning with sealing.
//
// As in the paper, a costly AES computation (Certify) makes each program's
// bottleneck clear: in the decoupling variants the leader decrypts and
// encrypts (the rewrite splits the two across nodes); in the partitioning
// variants the replicas certify what they store (the rewrite splits the
// commands across partitions).
package rset

//go:generate go run github.com/hydrogo/hydro/cmd/hydrogen

import (
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

// Timeout is how long a client waits for an answer before it resends a
// command.
const Timeout = 500 * time.Millisecond

// Period is how often RSetInteger's leader increments its integer.
const Period = 100 * time.Millisecond

// Buckets is the number of distinct hashes RSetCollisions' replicas index
// payloads by: deliberately small, so that payloads collide.
const Buckets = 16

// Command is a client's command. Its ID, unique per command, determines
// the rest. Receipt is empty as the client sends it; a server sets it to
// Certify(Payload).
type Command struct {
	ID      uint64 `hydro:"key,fd=Ballot+Payload+Receipt"`
	Ballot  uint64
	Payload string
	Receipt [16]byte
}

// Sealed is a command or an answer encrypted, as it crosses between a
// client and the leader.
type Sealed struct {
	ID  uint64 `hydro:"key,fd=Box"`
	Box []byte
}

// Answer is the answer to a command: its payload, its receipt, and a
// ballot — in RSetBallot the leader's ballot when the command arrived, in
// RSetHighest the highest ballot the leader had seen, in RSetInteger the
// highest integer the replicas attached; otherwise the command's own.
type Answer struct {
	ID      uint64 `hydro:"key,fd=Ballot+Payload+Receipt"`
	Ballot  uint64
	Payload string
	Receipt [16]byte
}

// Ack is a replica's acknowledgement of a command it stored. Integer is,
// in RSetInteger, the latest integer the replica had from the leader.
type Ack struct {
	ID      uint64 `hydro:"key,fd=Ballot+Payload+Receipt"`
	Replica hydro.MemberID
	Ballot  uint64
	Payload string
	Receipt [16]byte
	Integer uint64
}

// Tally is, at the leader, the replicas that acknowledged a command so
// far, and the highest integer they attached: lattices, merged per
// command, so that repeated and reordered acknowledgements change nothing.
type Tally struct {
	ID      uint64 `hydro:"key,fd=Ballot+Payload+Receipt"`
	Ballot  uint64
	Payload string
	Receipt [16]byte
	Integer lattices.Max[uint64]              `hydro:"lattice"`
	Voters  lattices.SetUnion[hydro.MemberID] `hydro:"lattice"`
}

// Quorum is a tally with the number of replicas it needs.
type Quorum struct {
	Tally
	Needed int
}

// Stamp is, in RSetBallot, the leader's ballot when a command first
// arrived: the lowest of the ballots it was stamped with, since the
// leader's ballot only grows.
type Stamp struct {
	ID     uint64               `hydro:"key"`
	Ballot lattices.Min[uint64] `hydro:"lattice"`
}

// Entry is a payload an RSetCollisions replica stores, under its hash.
type Entry struct {
	Bucket  uint8  `hydro:"key"`
	Payload string `hydro:"fd=Bucket"`
}

// Collisions is the number of distinct payloads an RSetCollisions replica
// stores under one hash.
type Collisions struct {
	Bucket  uint8 `hydro:"key"`
	Replica hydro.MemberID
	Count   uint32
}

// RSet is the replicated set, the base of the microprotocols.
//
// Client: every command is kept, and resent every Timeout, until an
// answer arrives; one answer is output, and the command forgotten.
//
// Leader: decrypts every command (certifying its payload) and broadcasts
// it to the replicas. Acknowledgements are merged into a tally per
// command, carried from tick to tick until every replica —
// ClusterSize(replicas) of them — acknowledged; then the command commits,
// its tally is released, and the client is answered, encrypted. The
// collection remembers which commands committed, so that a late
// acknowledgement starts nothing, and an acknowledgement of a resent
// command that committed answers the client again.
//
// Replica: stores and acknowledges every command it receives, and logs
// the acknowledgement to output stored.
//
//hydro:flow
func RSet(f *hydro.Flow, commands hydro.Input[Command], answers hydro.Output[Answer], stored hydro.Output[Ack]) {
	client, leader, replicas := f.Process("client"), f.Process("leader"), f.Cluster("replica")

	// Client: seal and send, resend until answered, output each answer once.
	asked := hydro.Source(client, commands)
	waiting, wait := hydro.Cycle[Command](client)
	resent := hydro.CrossJoin(waiting, hydro.Timer(client, Timeout), again, hydro.Tick, hydro.Tick)
	replies, reply := hydro.Cycle[Sealed](client)
	opened := hydro.FilterMap(replies, openReply)
	pending := hydro.Union(asked, waiting)
	hydro.Sink(hydro.ReduceKeyed(hydro.Join(opened, pending, answerOf, hydro.Tick, hydro.Tick), keepFirst, hydro.Tick), answers)
	wait(hydro.DeferTickLazy(hydro.AntiJoin(pending, opened, hydro.Tick)))
	arrived := hydro.Send(hydro.Map(hydro.Union(asked, resent), SealCommand), leader)

	// Leader: decrypt and broadcast.
	requests := hydro.FilterMap(arrived, decrypt)
	payloads := hydro.Broadcast(requests, replicas)

	// Replica: store and acknowledge.
	acks := hydro.CrossJoin(payloads, hydro.SelfID(replicas), ack, hydro.Tick, hydro.Static)
	hydro.Sink(acks, stored)

	// Leader: collect the acknowledgements; answer what commits.
	done, commit := hydro.Cycle[Answer](leader)
	open, carry := hydro.Cycle[Tally](leader)
	voted := hydro.Map(hydro.Send(acks, leader), tally)
	tallies := hydro.MergeKeyed(hydro.AntiJoin(hydro.Union(voted, open), done, hydro.Static), hydro.Tick)
	decided := hydro.FilterMap(hydro.CrossJoin(tallies, hydro.ClusterSize(leader, replicas), quorum, hydro.Tick, hydro.Static), reached)
	carry(hydro.DeferTickLazy(hydro.Map(hydro.AntiJoin(tallies, decided, hydro.Tick), keep)))
	commit(hydro.DeferTickLazy(decided))
	repeat := hydro.Join(voted, done, known, hydro.Tick, hydro.Static)
	answer := hydro.Map(hydro.Union(decided, repeat), encrypt)
	reply(hydro.Send(answer, client))
}

// RSetBallot is RSet whose leader also tracks a ballot: the highest ballot
// of the commands it received. Each command is stamped with the ballot at
// the time it first arrived, and its answer carries that stamp. The leader
// remembers each command's first stamp and stamps every arrival of it (a
// resent command too) with it; the join of answers with stamps keeps both
// sides, so an answer meets its stamp whichever comes first, and a
// repeated answer or stamp meets its partner again.
//
//hydro:flow
func RSetBallot(f *hydro.Flow, commands hydro.Input[Command], answers hydro.Output[Answer], stored hydro.Output[Ack]) {
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

	// Leader: decrypt, track the ballot, stamp, broadcast.
	requests := hydro.FilterMap(arrived, decrypt)
	ballot := hydro.LatticeFold(hydro.Map(requests, highestOf), hydro.Static)
	first := hydro.MergeKeyed(hydro.CrossJoin(requests, ballot, stampOf, hydro.Tick, hydro.Tick), hydro.Static)
	stamps := hydro.Join(requests, first, restamp, hydro.Tick, hydro.Tick)
	payloads := hydro.Broadcast(requests, replicas)

	// Replica, as in RSet.
	acks := hydro.CrossJoin(payloads, hydro.SelfID(replicas), ack, hydro.Tick, hydro.Static)
	hydro.Sink(acks, stored)

	// Leader: collect, then answer with the stamp.
	done, commit := hydro.Cycle[Answer](leader)
	open, carry := hydro.Cycle[Tally](leader)
	voted := hydro.Map(hydro.Send(acks, leader), tally)
	tallies := hydro.MergeKeyed(hydro.AntiJoin(hydro.Union(voted, open), done, hydro.Static), hydro.Tick)
	decided := hydro.FilterMap(hydro.CrossJoin(tallies, hydro.ClusterSize(leader, replicas), quorum, hydro.Tick, hydro.Static), reached)
	carry(hydro.DeferTickLazy(hydro.Map(hydro.AntiJoin(tallies, decided, hydro.Tick), keep)))
	commit(hydro.DeferTickLazy(decided))
	repeat := hydro.Join(voted, done, known, hydro.Tick, hydro.Static)
	replied := hydro.Join(hydro.Union(decided, repeat), stamps, stamped, hydro.Static, hydro.Static)
	answer := hydro.Map(replied, encrypt)
	reply(hydro.Send(answer, client))
}

// RSetHighest has no replicas: the leader decrypts each command and
// answers it at once, encrypted, with the highest ballot it has seen so
// far (this command's included).
//
//hydro:flow
func RSetHighest(f *hydro.Flow, commands hydro.Input[Command], answers hydro.Output[Answer]) {
	client, leader := f.Process("client"), f.Process("leader")

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

	// Leader: decrypt, track the highest ballot, answer with it encrypted.
	requests := hydro.FilterMap(arrived, decrypt)
	highest := hydro.LatticeFold(hydro.Map(requests, highestOf), hydro.Static)
	answered := hydro.CrossJoin(requests, highest, withHighest, hydro.Tick, hydro.Tick)
	answer := hydro.Map(answered, encrypt)
	reply(hydro.Send(answer, client))
}

// RSetCollisions is RSet whose replicas certify what they store, index
// payloads by a small hash (Hash), and count the distinct payloads under
// every hash, logged to output collisions. The leader only relays: the
// replicas are the bottleneck.
//
//hydro:flow
func RSetCollisions(f *hydro.Flow, commands hydro.Input[Command], answers hydro.Output[Answer], stored hydro.Output[Ack], collisions hydro.Output[Collisions]) {
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

	// Leader: open and broadcast.
	payloads := hydro.Broadcast(hydro.FilterMap(arrived, unseal), replicas)

	// Replica: certify, store by hash, count collisions, acknowledge.
	certified := hydro.Map(payloads, certify)
	entries := hydro.Unique(hydro.Map(certified, entryOf), hydro.Static)
	counts := hydro.FoldKeyed(entries, newCollisions, countPayload, hydro.Static)
	hydro.Sink(hydro.CrossJoin(counts, hydro.SelfID(replicas), byReplica, hydro.Tick, hydro.Static), collisions)
	acks := hydro.CrossJoin(certified, hydro.SelfID(replicas), ack, hydro.Tick, hydro.Static)
	hydro.Sink(acks, stored)

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

// RSetInteger is RSet whose leader increments an integer every Period and
// sends it to the replicas; a replica attaches the latest integer it has
// to every acknowledgement, and an answer carries the highest integer its
// acknowledgements attached. The replicas certify what they store; the
// leader only relays.
//
//hydro:flow
func RSetInteger(f *hydro.Flow, commands hydro.Input[Command], answers hydro.Output[Answer], stored hydro.Output[Ack]) {
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

	// Leader: open and broadcast; count periods and broadcast the count.
	payloads := hydro.Broadcast(hydro.FilterMap(arrived, unseal), replicas)
	beat := hydro.Timer(leader, Period)
	count := hydro.Fold(beat, zero, increment, hydro.Static)
	integers := hydro.Broadcast(hydro.CrossJoin(beat, count, current, hydro.Tick, hydro.Tick), replicas)

	// Replica: keep the latest integer; certify, acknowledge with it.
	latest := hydro.LatticeFold(hydro.Map(integers, maxOf), hydro.Static)
	acks := hydro.CrossJoin(hydro.CrossJoin(hydro.Map(payloads, certify), hydro.SelfID(replicas), ack, hydro.Tick, hydro.Static), latest, withInteger, hydro.Tick, hydro.Tick)
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

// Hash is the hash RSetCollisions' replicas index payloads by: FNV-1a,
// reduced to Buckets values.
//
//hydro:pure
func Hash(payload string) uint8 {
	h := uint32(2166136261)
	for i := 0; i < len(payload); i++ {
		h ^= uint32(payload[i])
		h *= 16777619
	}
	return uint8(h % Buckets)
}

func again(c Command, _ time.Time) Command { return c }

func answerOf(a Answer, _ Command) Answer { return a }

// keepFirst keeps the first of the answers to one command that arrive in
// one tick: where a server lost its memory of a command in a crash, two
// answers may differ in their ballots, and the client outputs one.
func keepFirst(*Answer, Answer) {}

// certify returns c with its receipt set. It builds its result as a
// literal, so that the analyses follow the command's fields through it.
func certify(c Command) Command {
	return Command{ID: c.ID, Ballot: c.Ballot, Payload: c.Payload, Receipt: Certify(c.Payload)}
}

func ack(c Command, r hydro.MemberID) Ack {
	return Ack{ID: c.ID, Replica: r, Ballot: c.Ballot, Payload: c.Payload, Receipt: c.Receipt}
}

func tally(a Ack) Tally {
	return Tally{ID: a.ID, Ballot: a.Ballot, Payload: a.Payload, Receipt: a.Receipt,
		Integer: lattices.NewMax(a.Integer), Voters: lattices.NewSetUnion(a.Replica)}
}

// keep copies a tally carried to the next tick: the merge's state, which
// the tally shares, is cleared at the end of this one.
func keep(t Tally) Tally {
	t.Voters = t.Voters.Clone()
	return t
}

func quorum(t Tally, n int) Quorum { return Quorum{Tally: t, Needed: n} }

func reached(q Quorum) (Answer, bool) {
	a := Answer{ID: q.ID, Ballot: q.Ballot, Payload: q.Payload, Receipt: q.Receipt}
	if i, ok := q.Integer.Value(); ok && i > 0 {
		a.Ballot = i
	}
	return a, q.Voters.Len() >= q.Needed
}

func known(_ Tally, a Answer) Answer { return a }

func highestOf(c Command) lattices.Max[uint64] { return lattices.NewMax(c.Ballot) }

func stampOf(c Command, b lattices.Max[uint64]) Stamp {
	v, _ := b.Value()
	return Stamp{ID: c.ID, Ballot: lattices.NewMin(v)}
}

func restamp(_ Command, s Stamp) Stamp { return s }

func stamped(a Answer, s Stamp) Answer {
	a.Ballot, _ = s.Ballot.Value()
	return a
}

func withHighest(c Command, b lattices.Max[uint64]) Answer {
	v, _ := b.Value()
	return Answer{ID: c.ID, Ballot: v, Payload: c.Payload, Receipt: c.Receipt}
}

func entryOf(c Command) Entry { return Entry{Bucket: Hash(c.Payload), Payload: c.Payload} }

func newCollisions(e Entry) Collisions { return Collisions{Bucket: e.Bucket} }

// countPayload counts one more stored payload; the entries are distinct
// (Unique), so the count is the same whatever order they arrive in.
//
//hydro:commutative
func countPayload(c *Collisions, _ Entry) { c.Count++ }

func byReplica(c Collisions, r hydro.MemberID) Collisions {
	c.Replica = r
	return c
}

func zero() uint64 { return 0 }

func increment(n *uint64, _ time.Time) { *n++ }

func current(_ time.Time, n uint64) uint64 { return n }

func withInteger(a Ack, latest lattices.Max[uint64]) Ack {
	a.Integer, _ = latest.Value()
	return a
}

// maxOf is the integer as a lattice.
//
//hydro:pure
func maxOf(n uint64) lattices.Max[uint64] { return lattices.NewMax(n) }
