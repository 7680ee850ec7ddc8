// Package fed holds flows whose stores keep a lattice fold raised by a
// cluster of proposers, for gen/rewrite's tests of partial partitioning
// fed by a cluster.
package fed

import (
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

// Item is what a store tags with its ballot.
type Item struct{ ID uint64 }

// Tagged is an item with the store's ballot when it arrived.
type Tagged struct {
	ID     uint64
	Ballot uint64
}

// Fed relays items from a client to every store through a leader; every
// proposer raises the stores' ballot by two network operators (a
// broadcast of its count, and a demux of it to one store), and a store
// tags each item with its ballot.
//
//hydro:flow
func Fed(f *hydro.Flow, items hydro.Input[Item], tagged hydro.Output[Tagged]) {
	client, leader, proposers, stores := f.Process("client"), f.Process("leader"), f.Cluster("proposer"), f.Cluster("store")
	kept := hydro.Broadcast(hydro.Send(hydro.Source(client, items), leader), stores)
	counts := hydro.Fold(hydro.Timer(proposers, time.Second), zero, increment, hydro.Static)
	p1 := hydro.Broadcast(counts, stores)
	p2 := hydro.DemuxBy(counts, stores, toStore)
	ballot := hydro.LatticeFold(hydro.Union(hydro.Map(p1, maxOf), hydro.Map(p2, maxOf)), hydro.Static)
	hydro.Sink(hydro.CrossJoin(kept, ballot, tag, hydro.Tick, hydro.Tick), tagged)
}

// Echoed is Fed whose stores also tag every raise they receive by
// broadcast, as a Paxos acceptor answers every P1a: the replicated input
// feeds more than the fold.
//
//hydro:flow
func Echoed(f *hydro.Flow, items hydro.Input[Item], tagged hydro.Output[Tagged]) {
	client, leader, proposers, stores := f.Process("client"), f.Process("leader"), f.Cluster("proposer"), f.Cluster("store")
	kept := hydro.Broadcast(hydro.Send(hydro.Source(client, items), leader), stores)
	counts := hydro.Fold(hydro.Timer(proposers, time.Second), zero, increment, hydro.Static)
	p1 := hydro.Broadcast(counts, stores)
	p2 := hydro.DemuxBy(counts, stores, toStore)
	ballot := hydro.LatticeFold(hydro.Union(hydro.Map(p1, maxOf), hydro.Map(p2, maxOf)), hydro.Static)
	hydro.Sink(hydro.CrossJoin(hydro.Union(kept, hydro.Map(p1, itemOf)), ballot, tag, hydro.Tick, hydro.Tick), tagged)
}

// FromClient is Fed whose ballot the client raises.
//
//hydro:flow
func FromClient(f *hydro.Flow, items hydro.Input[Item], tagged hydro.Output[Tagged]) {
	client, leader, stores := f.Process("client"), f.Process("leader"), f.Cluster("store")
	asked := hydro.Source(client, items)
	kept := hydro.Broadcast(hydro.Send(asked, leader), stores)
	ballot := hydro.LatticeFold(hydro.Map(hydro.Broadcast(hydro.Map(asked, idOf), stores), maxOf), hydro.Static)
	hydro.Sink(hydro.CrossJoin(kept, ballot, tag, hydro.Tick, hydro.Tick), tagged)
}

// Gossiped is Fed whose stores also raise each other's ballot with the
// IDs of the items they keep.
//
//hydro:flow
func Gossiped(f *hydro.Flow, items hydro.Input[Item], tagged hydro.Output[Tagged]) {
	client, leader, proposers, stores := f.Process("client"), f.Process("leader"), f.Cluster("proposer"), f.Cluster("store")
	kept := hydro.Broadcast(hydro.Send(hydro.Source(client, items), leader), stores)
	counts := hydro.Fold(hydro.Timer(proposers, time.Second), zero, increment, hydro.Static)
	gossip := hydro.Broadcast(hydro.Map(kept, idOf), stores)
	ballot := hydro.LatticeFold(hydro.Union(hydro.Map(hydro.Broadcast(counts, stores), maxOf), hydro.Map(gossip, maxOf)), hydro.Static)
	hydro.Sink(hydro.CrossJoin(kept, ballot, tag, hydro.Tick, hydro.Tick), tagged)
}

// Timed is Fed whose stores also read a timer.
//
//hydro:flow
func Timed(f *hydro.Flow, items hydro.Input[Item], tagged hydro.Output[Tagged]) {
	client, leader, proposers, stores := f.Process("client"), f.Process("leader"), f.Cluster("proposer"), f.Cluster("store")
	kept := hydro.Broadcast(hydro.Send(hydro.Source(client, items), leader), stores)
	counts := hydro.Fold(hydro.Timer(proposers, time.Second), zero, increment, hydro.Static)
	ballot := hydro.LatticeFold(hydro.Map(hydro.Broadcast(counts, stores), maxOf), hydro.Static)
	ticks := hydro.Map(hydro.Timer(stores, time.Second), tickItem)
	hydro.Sink(hydro.CrossJoin(hydro.Union(kept, ticks), ballot, tag, hydro.Tick, hydro.Tick), tagged)
}

// Impure is Fed whose stores raise their ballot from one of the two
// network operators through a function not known to be pure.
//
//hydro:flow
func Impure(f *hydro.Flow, items hydro.Input[Item], tagged hydro.Output[Tagged]) {
	client, leader, proposers, stores := f.Process("client"), f.Process("leader"), f.Cluster("proposer"), f.Cluster("store")
	kept := hydro.Broadcast(hydro.Send(hydro.Source(client, items), leader), stores)
	counts := hydro.Fold(hydro.Timer(proposers, time.Second), zero, increment, hydro.Static)
	p1 := hydro.Broadcast(counts, stores)
	p2 := hydro.DemuxBy(counts, stores, toStore)
	ballot := hydro.LatticeFold(hydro.Union(hydro.Map(p1, maxOf), hydro.Map(p2, noted)), hydro.Static)
	hydro.Sink(hydro.CrossJoin(kept, ballot, tag, hydro.Tick, hydro.Tick), tagged)
}

func zero() uint64 { return 0 }

func increment(n *uint64, _ time.Time) { *n++ }

func toStore(n uint64) hydro.MemberID { return hydro.MemberID(n) }

//hydro:pure
func maxOf(n uint64) lattices.Max[uint64] { return lattices.NewMax(n) }

// seen counts the raises noted, which makes noted impure.
var seen int

func noted(n uint64) lattices.Max[uint64] {
	seen++
	return lattices.NewMax(n)
}

func idOf(x Item) uint64 { return x.ID }

func itemOf(n uint64) Item { return Item{ID: n} }

func tickItem(time.Time) Item { return Item{} }

func tag(x Item, b lattices.Max[uint64]) Tagged {
	v, _ := b.Value()
	return Tagged{ID: x.ID, Ballot: v}
}
