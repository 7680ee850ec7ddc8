package fed

import (
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

// Answer is a store's answer to the proposer of its ballot: the ballot,
// the store, and the IDs of the items it logged.
type Answer struct {
	Ballot uint64
	Store  hydro.MemberID
	Log    lattices.SetUnion[uint64]
}

// Sealed is Fed whose ballot only the proposers' broadcast raises, and
// whose stores log the IDs of the items they keep and answer each raise
// of their ballot with the log, to the proposer the ballot names, as a
// Paxos acceptor answers a raised promise with its log: partial
// partitioning with the answers sealed.
//
//hydro:flow
func Sealed(f *hydro.Flow, items hydro.Input[Item], tagged hydro.Output[Tagged]) {
	client, leader, proposers, stores := f.Process("client"), f.Process("leader"), f.Cluster("proposer"), f.Cluster("store")
	kept := hydro.Broadcast(hydro.Send(hydro.Source(client, items), leader), stores)
	counts := hydro.Fold(hydro.Timer(proposers, time.Second), zero, increment, hydro.Static)
	ballot := hydro.LatticeFold(hydro.Map(hydro.Broadcast(counts, stores), maxOf), hydro.Static)
	hydro.Sink(hydro.CrossJoin(kept, ballot, tag, hydro.Tick, hydro.Tick), tagged)
	logged := hydro.LatticeFold(hydro.Map(kept, loggedOf), hydro.Static)
	raised := hydro.Unique(ballot, hydro.Static)
	answers := hydro.DemuxBy(hydro.CrossJoin(hydro.CrossJoin(raised, hydro.SelfID(stores), answerOf, hydro.Tick, hydro.Static), logged, withLogged, hydro.Tick, hydro.Tick), proposers, answerTo)
	hydro.Sink(hydro.Map(answers, answered), tagged)
}

// Asked is Sealed whose stores answer a query the proposers broadcast,
// not the raises of their ballot.
//
//hydro:flow
func Asked(f *hydro.Flow, items hydro.Input[Item], tagged hydro.Output[Tagged]) {
	client, leader, proposers, stores := f.Process("client"), f.Process("leader"), f.Cluster("proposer"), f.Cluster("store")
	kept := hydro.Broadcast(hydro.Send(hydro.Source(client, items), leader), stores)
	counts := hydro.Fold(hydro.Timer(proposers, time.Second), zero, increment, hydro.Static)
	ballot := hydro.LatticeFold(hydro.Map(hydro.Broadcast(counts, stores), maxOf), hydro.Static)
	hydro.Sink(hydro.CrossJoin(kept, ballot, tag, hydro.Tick, hydro.Tick), tagged)
	logged := hydro.LatticeFold(hydro.Map(kept, loggedOf), hydro.Static)
	asked := hydro.Map(hydro.Broadcast(hydro.Map(counts, maxOf), stores), askedOf)
	answers := hydro.DemuxBy(hydro.CrossJoin(hydro.CrossJoin(asked, hydro.SelfID(stores), answerOf, hydro.Tick, hydro.Static), logged, withLogged, hydro.Tick, hydro.Tick), proposers, answerTo)
	hydro.Sink(hydro.Map(answers, answered), tagged)
}

// Counted is Sealed whose stores answer with the number of raises seen in
// a tick, a fold between the ballot and the answer.
//
//hydro:flow
func Counted(f *hydro.Flow, items hydro.Input[Item], tagged hydro.Output[Tagged]) {
	client, leader, proposers, stores := f.Process("client"), f.Process("leader"), f.Cluster("proposer"), f.Cluster("store")
	kept := hydro.Broadcast(hydro.Send(hydro.Source(client, items), leader), stores)
	counts := hydro.Fold(hydro.Timer(proposers, time.Second), zero, increment, hydro.Static)
	ballot := hydro.LatticeFold(hydro.Map(hydro.Broadcast(counts, stores), maxOf), hydro.Static)
	hydro.Sink(hydro.CrossJoin(kept, ballot, tag, hydro.Tick, hydro.Tick), tagged)
	logged := hydro.LatticeFold(hydro.Map(kept, loggedOf), hydro.Static)
	seenNow := hydro.Fold(ballot, noBallot, keepBallot)
	answers := hydro.DemuxBy(hydro.CrossJoin(hydro.CrossJoin(seenNow, hydro.SelfID(stores), answerOf, hydro.Tick, hydro.Static), logged, withLogged, hydro.Tick, hydro.Tick), proposers, answerTo)
	hydro.Sink(hydro.Map(answers, answered), tagged)
}

//hydro:pure
func loggedOf(x Item) lattices.SetUnion[uint64] { return lattices.NewSetUnion(x.ID) }

//hydro:pure
func askedOf(m lattices.Max[uint64]) lattices.Max[uint64] { return m }

func noBallot() lattices.Max[uint64] { return lattices.Max[uint64]{} }

func keepBallot(acc *lattices.Max[uint64], b lattices.Max[uint64]) { acc.Merge(b) }

//hydro:pure
func answerOf(b lattices.Max[uint64], store hydro.MemberID) Answer {
	v, _ := b.Value()
	return Answer{Ballot: v, Store: store}
}

//hydro:pure
func withLogged(a Answer, l lattices.SetUnion[uint64]) Answer {
	return Answer{Ballot: a.Ballot, Store: a.Store, Log: l}
}

//hydro:pure
func answerTo(a Answer) hydro.MemberID { return hydro.MemberID(a.Ballot) }

func answered(a Answer) Tagged { return Tagged{ID: uint64(a.Log.Len()), Ballot: a.Ballot} }
