// Package voting is the voting protocol of "Optimizing Distributed Protocols
// with Query Rewrites" (§5.2) as a Hydro for Go flow: the plain base
// program, one leader and a cluster of participants, from which the
// rewrites derive the scaled versions.
//
// A client sends each request to the leader; the leader broadcasts it to
// every participant, each participant votes, and once every participant has
// voted the leader commits the request and answers the client. Rounds of
// different requests run concurrently and independently.
package voting

//go:generate go run github.com/hydrogo/hydro/cmd/hydrogen

import (
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

// Timeout is how long a client waits for an answer before it resends a
// request.
const Timeout = 500 * time.Millisecond

// Request is a client's command. Its ID, unique per request, determines the
// command.
type Request struct {
	ID      uint64 `hydro:"key,fd=Command"`
	Command string
}

// Vote is a participant's vote on a request.
type Vote struct {
	ID          uint64 `hydro:"key,fd=Command"`
	Participant hydro.MemberID
	Command     string
}

// Tally is, at the leader, the set of participants that voted on a
// request so far, and how many must: a lattice, merged per request, so
// that repeated and reordered votes change nothing.
type Tally struct {
	ID      uint64 `hydro:"key,fd=Command"`
	Command string
	Voters  lattices.SetUnion[hydro.MemberID] `hydro:"lattice"`
	Needed  lattices.Max[int]                 `hydro:"lattice"`
}

// Voting is the base voting protocol.
//
// Client: every request is kept, and resent every Timeout, until its answer
// arrives; the answer is output once, and the request forgotten.
//
// Leader: a request not yet committed is broadcast to the participants (a
// resent one again, in case the broadcast was lost). Its votes are merged
// into a tally, the set of participants that voted, kept for good (the
// paper's persisted votes) — so collecting votes is monotone: a tally only
// grows. Once every participant — ClusterSize(participants) of them — has
// voted, the request commits and the client is answered; every later vote
// on it (a resent request broadcast again before the leader learned of the
// commit) commits it again, which changes nothing. The leader remembers
// which requests committed, so that a resent request is answered again
// without a new round.
//
// Participant: votes for every request it receives, and logs its vote to
// output votes.
//
//hydro:flow
func Voting(f *hydro.Flow, requests hydro.Input[Request], committed hydro.Output[Request], votes hydro.Output[Vote]) {
	client, leader, participants := f.Process("client"), f.Process("leader"), f.Cluster("participant")

	// Client: send, resend until answered, output each answer once.
	asked := hydro.Source(client, requests)
	waiting, wait := hydro.Cycle[Request](client)
	resent := hydro.CrossJoin(waiting, hydro.Timer(client, Timeout), again, hydro.Tick, hydro.Tick)
	answers, answer := hydro.Cycle[Request](client)
	pending := hydro.Union(asked, waiting)
	hydro.Sink(hydro.Unique(hydro.Join(answers, pending, first, hydro.Tick, hydro.Tick), hydro.Tick), committed)
	wait(hydro.DeferTickLazy(hydro.AntiJoin(pending, answers, hydro.Tick)))
	arrived := hydro.Send(hydro.Union(asked, resent), leader)

	// Leader: broadcast what has not committed; answer what has.
	done, commit := hydro.Cycle[Request](leader)
	fresh := hydro.AntiJoin(arrived, done, hydro.Static)
	repeat := hydro.Join(arrived, done, first, hydro.Tick, hydro.Static)
	ballots := hydro.Broadcast(fresh, participants)

	// Participant: vote and log the vote.
	cast := hydro.CrossJoin(ballots, hydro.SelfID(participants), vote, hydro.Tick, hydro.Static)
	hydro.Sink(cast, votes)

	// Leader: merge the votes; commit once every participant has voted, and
	// again at every later vote (the vote of a resent request).
	voted := hydro.CrossJoin(hydro.Send(cast, leader), hydro.ClusterSize(leader, participants), ballot, hydro.Tick, hydro.Static)
	full := hydro.Unique(hydro.FilterMap(hydro.MergeKeyed(voted, hydro.Static), reached), hydro.Static)
	decided := hydro.Unique(hydro.Join(voted, full, request, hydro.Tick, hydro.Static), hydro.Tick)
	commit(hydro.DeferTickLazy(decided))
	answer(hydro.Send(hydro.Union(decided, repeat), client))
}

func again(r Request, _ time.Time) Request { return r }

func first(a, _ Request) Request { return a }

func vote(r Request, p hydro.MemberID) Vote {
	return Vote{ID: r.ID, Participant: p, Command: r.Command}
}

func ballot(v Vote, needed int) Tally {
	return Tally{ID: v.ID, Command: v.Command, Voters: lattices.NewSetUnion(v.Participant), Needed: lattices.NewMax(needed)}
}

func request(_ Tally, r Request) Request { return r }

// reached reports a request whose tally holds every participant's vote.
func reached(t Tally) (Request, bool) {
	needed, _ := t.Needed.Value()
	return Request{ID: t.ID, Command: t.Command}, t.Voters.Len() >= needed
}
