package paxos

import (
	"github.com/hydrogo/hydro/hydro"
	// The partitioned acceptors of ScalablePaxos (scalable.hydroplan)
	// number the coordination's publications and seal the P1b's parts
	// with its types, which the rewrite finds among the package's
	// imports.
	_ "github.com/hydrogo/hydro/lattices"
)

// Acceptor functions.

// promiseOfP1a is the promise a P1a asks for. Only a P1a raises an
// acceptor's promise: a P2a is judged against it and raises nothing
// (docs/protocols.md, "The acceptor").
func promiseOfP1a(m P1a) Promise { return Promise{Ballot: m.Ballot} }

// view is an acceptor's promise this tick, with its ID.
type view struct {
	Acceptor hydro.MemberID
	Ballot   Ballot
}

func viewOf(p Promise, id hydro.MemberID) view {
	return view{Acceptor: id, Ballot: p.Ballot}
}

// answered2 is an acceptor's phase-2b reply with the batch it accepts
// and the P2a's checkpoint.
type answered2 struct {
	P2b        P2b
	Cmds       []Command
	Checkpoint uint64
}

// answer is an acceptor's phase-2b reply: it accepts a P2a whose ballot is
// at least its promise (Max is then the P2a's ballot, and the P2b carries
// the batch, which the tally sends the replicas once the slot is chosen)
// and rejects one below it (Max is the promise, which preempts the P2a's
// proposer; no batch).
func answer(m P2a, v view) answered2 {
	return answered2{P2b: P2b{Slot: m.Slot, Pos: m.Pos, Ballot: m.Ballot, Acceptor: v.Acceptor, Max: maxBallot(v.Ballot, m.Ballot), Cmds: acceptedCmds(m, v)}, Cmds: m.Cmds, Checkpoint: m.Checkpoint}
}

// acceptedCmds is the batch a P2b carries: the P2a's if the acceptor
// accepts it, none if it rejects it.
func acceptedCmds(m P2a, v view) []Command {
	if maxBallot(v.Ballot, m.Ballot) == m.Ballot {
		return m.Cmds
	}
	return nil
}

func voteOf(a answered2) P2b { return a.P2b }

// promising is a promise made: above bottom, the ballot (0, 0) no
// proposer uses.
//
//hydro:pure
func promising(p Promise) bool { return p.Ballot != Ballot{} }

// promisedTo is a P1b without its log: the acceptor's promise, made to the
// proposer of its ballot. The acceptor answers when its promise is raised
// (hydro.Unique of the promise), not each P1a: the promise is the only
// state a P1a changes.
func promisedTo(p Promise, id hydro.MemberID) P1b {
	return P1b{For: p.Ballot, Acceptor: id, Max: p.Ballot}
}

func toRequester(p P1b) hydro.MemberID { return p.For.Proposer }

// withLog completes a P1b with the acceptor's log. It builds its result as
// a literal, so that the analyses see that the log is the fold's value
// and the rest the promise's.
func withLog(p P1b, l AcceptorLog) P1b {
	return P1b{For: p.For, Acceptor: p.Acceptor, Max: p.Max, Log: l}
}
