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
