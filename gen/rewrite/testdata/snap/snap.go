// Package snap holds flows whose store answers a query with one message
// carrying a fold of its state, for gen/rewrite's tests of partitioning
// with sealing.
package snap

import (
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

// Item is what the store keeps.
type Item struct{ ID uint64 }

// Digest is the store's answer to the query of round Round.
type Digest struct {
	Round uint64 `hydro:"key"`
	IDs   lattices.SetUnion[uint64]
	Count int
}

// Snap relays items to a store through a leader, which asks the store for
// a digest of what it keeps every second and outputs the digests.
//
//hydro:flow
func Snap(f *hydro.Flow, items hydro.Input[Item], digests hydro.Output[Digest]) {
	client, leader, store := f.Process("client"), f.Process("leader"), f.Process("store")
	kept := hydro.Send(hydro.Send(hydro.Source(client, items), leader), store)
	asks := hydro.Send(hydro.Map(hydro.Timer(leader, time.Second), roundOf), store)
	held := hydro.LatticeFold(hydro.Map(kept, idOf), hydro.Static)
	digest := hydro.Send(hydro.CrossJoin(asks, held, digestOf, hydro.Tick, hydro.Tick), leader)
	hydro.Sink(digest, digests)
}

// Counted is Snap whose digest also counts the IDs: a field computed from
// the batch, which the parts would not agree on.
//
//hydro:flow
func Counted(f *hydro.Flow, items hydro.Input[Item], digests hydro.Output[Digest]) {
	client, leader, store := f.Process("client"), f.Process("leader"), f.Process("store")
	kept := hydro.Send(hydro.Send(hydro.Source(client, items), leader), store)
	asks := hydro.Send(hydro.Map(hydro.Timer(leader, time.Second), roundOf), store)
	held := hydro.LatticeFold(hydro.Map(kept, idOf), hydro.Static)
	digest := hydro.Send(hydro.CrossJoin(asks, held, countedOf, hydro.Tick, hydro.Tick), leader)
	hydro.Sink(digest, digests)
}

// Shared is Snap whose store also reports the size of what it keeps,
// apart from the digest.
//
//hydro:flow
func Shared(f *hydro.Flow, items hydro.Input[Item], digests hydro.Output[Digest], sizes hydro.Output[int]) {
	client, leader, store := f.Process("client"), f.Process("leader"), f.Process("store")
	kept := hydro.Send(hydro.Send(hydro.Source(client, items), leader), store)
	asks := hydro.Send(hydro.Map(hydro.Timer(leader, time.Second), roundOf), store)
	held := hydro.LatticeFold(hydro.Map(kept, idOf), hydro.Static)
	digest := hydro.Send(hydro.CrossJoin(asks, held, digestOf, hydro.Tick, hydro.Tick), leader)
	hydro.Sink(digest, digests)
	hydro.Sink(hydro.Send(hydro.Map(held, sizeOf), leader), sizes)
}

// Echoed is Snap whose store also echoes every query back.
//
//hydro:flow
func Echoed(f *hydro.Flow, items hydro.Input[Item], digests hydro.Output[Digest], echoes hydro.Output[uint64]) {
	client, leader, store := f.Process("client"), f.Process("leader"), f.Process("store")
	kept := hydro.Send(hydro.Send(hydro.Source(client, items), leader), store)
	asks := hydro.Send(hydro.Map(hydro.Timer(leader, time.Second), roundOf), store)
	held := hydro.LatticeFold(hydro.Map(kept, idOf), hydro.Static)
	digest := hydro.Send(hydro.CrossJoin(asks, held, digestOf, hydro.Tick, hydro.Tick), leader)
	hydro.Sink(digest, digests)
	hydro.Sink(hydro.Send(asks, leader), echoes)
}

// ToClient is Snap whose store answers the client directly.
//
//hydro:flow
func ToClient(f *hydro.Flow, items hydro.Input[Item], digests hydro.Output[Digest]) {
	client, leader, store := f.Process("client"), f.Process("leader"), f.Process("store")
	kept := hydro.Send(hydro.Send(hydro.Source(client, items), leader), store)
	asks := hydro.Send(hydro.Map(hydro.Timer(leader, time.Second), roundOf), store)
	held := hydro.LatticeFold(hydro.Map(kept, idOf), hydro.Static)
	digest := hydro.Send(hydro.CrossJoin(asks, held, digestOf, hydro.Tick, hydro.Tick), client)
	hydro.Sink(digest, digests)
}

// Unfolded is Snap whose store answers a query with each item it
// receives in the query's tick, not with a fold of its state.
//
//hydro:flow
func Unfolded(f *hydro.Flow, items hydro.Input[Item], digests hydro.Output[Digest]) {
	client, leader, store := f.Process("client"), f.Process("leader"), f.Process("store")
	kept := hydro.Send(hydro.Send(hydro.Source(client, items), leader), store)
	asks := hydro.Send(hydro.Map(hydro.Timer(leader, time.Second), roundOf), store)
	digest := hydro.Send(hydro.CrossJoin(asks, hydro.Map(kept, idOf), digestOf, hydro.Tick, hydro.Tick), leader)
	hydro.Sink(digest, digests)
}

func roundOf(t time.Time) uint64 { return uint64(t.Unix()) }

func idOf(x Item) lattices.SetUnion[uint64] { return lattices.NewSetUnion(x.ID) }

func digestOf(round uint64, ids lattices.SetUnion[uint64]) Digest {
	return Digest{Round: round, IDs: ids}
}

func countedOf(round uint64, ids lattices.SetUnion[uint64]) Digest {
	return Digest{Round: round, IDs: ids, Count: size(ids)}
}

// size is the number of IDs in a set.
//
//hydro:pure
func size(ids lattices.SetUnion[uint64]) int { return ids.Len() }

func sizeOf(ids lattices.SetUnion[uint64]) int { return ids.Len() }

// Ask is a leader's query of round Round, naming the leader that asks.
type Ask struct {
	Round uint64
	From  hydro.MemberID
}

// Reply is the store's answer to a leader's query.
type Reply struct {
	Round uint64 `hydro:"key"`
	From  hydro.MemberID
	IDs   lattices.SetUnion[uint64]
}

// Leaders is Snap with a cluster of leaders, each asking for a digest of
// its own: the store answers the leader that asked (hydro.DemuxBy, by a
// field the query fills).
//
//hydro:flow
func Leaders(f *hydro.Flow, items hydro.Input[Item], replies hydro.Output[Reply]) {
	client, leaders, store := f.Process("client"), f.Cluster("leader"), f.Process("store")
	kept := hydro.Send(hydro.Broadcast(hydro.Source(client, items), leaders), store)
	asks := hydro.Send(hydro.CrossJoin(hydro.Map(hydro.Timer(leaders, time.Second), roundOf), hydro.SelfID(leaders), askOf, hydro.Tick, hydro.Static), store)
	held := hydro.LatticeFold(hydro.Map(kept, idOf), hydro.Static)
	reply := hydro.DemuxBy(hydro.CrossJoin(asks, held, replyOf, hydro.Tick, hydro.Tick), leaders, replyTo)
	hydro.Sink(reply, replies)
}

// LeadersBySize is Leaders whose store chooses the leader it answers by
// the number of IDs it holds: the parts of a digest would go to different
// leaders.
//
//hydro:flow
func LeadersBySize(f *hydro.Flow, items hydro.Input[Item], replies hydro.Output[Reply]) {
	client, leaders, store := f.Process("client"), f.Cluster("leader"), f.Process("store")
	kept := hydro.Send(hydro.Broadcast(hydro.Source(client, items), leaders), store)
	asks := hydro.Send(hydro.CrossJoin(hydro.Map(hydro.Timer(leaders, time.Second), roundOf), hydro.SelfID(leaders), askOf, hydro.Tick, hydro.Static), store)
	held := hydro.LatticeFold(hydro.Map(kept, idOf), hydro.Static)
	reply := hydro.DemuxBy(hydro.CrossJoin(asks, held, replyOf, hydro.Tick, hydro.Tick), leaders, replyBySize)
	hydro.Sink(reply, replies)
}

// LeadersCounting is Leaders whose choice of the leader counts the
// replies in a package variable: not pure.
//
//hydro:flow
func LeadersCounting(f *hydro.Flow, items hydro.Input[Item], replies hydro.Output[Reply]) {
	client, leaders, store := f.Process("client"), f.Cluster("leader"), f.Process("store")
	kept := hydro.Send(hydro.Broadcast(hydro.Source(client, items), leaders), store)
	asks := hydro.Send(hydro.CrossJoin(hydro.Map(hydro.Timer(leaders, time.Second), roundOf), hydro.SelfID(leaders), askOf, hydro.Tick, hydro.Static), store)
	held := hydro.LatticeFold(hydro.Map(kept, idOf), hydro.Static)
	reply := hydro.DemuxBy(hydro.CrossJoin(asks, held, replyOf, hydro.Tick, hydro.Tick), leaders, replyCounting)
	hydro.Sink(reply, replies)
}

// LeadersHashed is Leaders whose store answers the leader a hash of the
// round chooses (hydro.Demux by the reply's key).
//
//hydro:flow
func LeadersHashed(f *hydro.Flow, items hydro.Input[Item], replies hydro.Output[Reply]) {
	client, leaders, store := f.Process("client"), f.Cluster("leader"), f.Process("store")
	kept := hydro.Send(hydro.Broadcast(hydro.Source(client, items), leaders), store)
	asks := hydro.Send(hydro.CrossJoin(hydro.Map(hydro.Timer(leaders, time.Second), roundOf), hydro.SelfID(leaders), askOf, hydro.Tick, hydro.Static), store)
	held := hydro.LatticeFold(hydro.Map(kept, idOf), hydro.Static)
	reply := hydro.Demux(hydro.CrossJoin(asks, held, replyOf, hydro.Tick, hydro.Tick), leaders)
	hydro.Sink(reply, replies)
}

func askOf(round uint64, from hydro.MemberID) Ask { return Ask{Round: round, From: from} }

func replyOf(a Ask, ids lattices.SetUnion[uint64]) Reply {
	return Reply{Round: a.Round, From: a.From, IDs: ids}
}

func replyTo(r Reply) hydro.MemberID { return r.From }

func replyBySize(r Reply) hydro.MemberID { return hydro.MemberID(size(r.IDs)) }

// counted is how many replies replyCounting routed.
var counted int

func replyCounting(r Reply) hydro.MemberID {
	counted++
	return r.From
}
