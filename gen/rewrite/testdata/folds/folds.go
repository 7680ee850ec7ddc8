// Package folds has keyed folds the type upgrade refuses, for gen/rewrite's
// tests.
package folds

import (
	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

// Item is one item of a key's stream; Last marks the key's last item.
type Item struct {
	Key  uint32 `hydro:"key"`
	N    int
	Last bool
}

// Acc is a key's accumulator.
type Acc struct {
	Key   uint32 `hydro:"key"`
	Total int
	Items []Item
}

// Bound is a lattice value, so that the package imports lattices.
type Bound = lattices.Max[int]

func start(i Item) Acc { return Acc{Key: i.Key} }

func sum(a *Acc, i Item) { a.Total += i.N }

func push(a *Acc, i Item) { a.Items = append(a.Items, i) }

// Sums adds up each key's items instead of appending them.
//
//hydro:flow
func Sums(f *hydro.Flow, in hydro.Input[Item], out hydro.Output[Acc]) {
	server := f.Process("server")
	sums := hydro.FoldKeyed(hydro.Source(server, in), start, sum, hydro.Static)
	hydro.Sink(sums, out)
}

// Remote appends items that crossed the network.
//
//hydro:flow
func Remote(f *hydro.Flow, in hydro.Input[Item], out hydro.Output[Acc]) {
	client, server := f.Process("client"), f.Process("server")
	lists := hydro.FoldKeyed(hydro.Send(hydro.Source(client, in), server), start, push, hydro.Static)
	hydro.Sink(lists, out)
}

// PerTick appends each tick's items afresh.
//
//hydro:flow
func PerTick(f *hydro.Flow, in hydro.Input[Item], out hydro.Output[Acc]) {
	server := f.Process("server")
	lists := hydro.FoldKeyed(hydro.Source(server, in), start, push)
	hydro.Sink(lists, out)
}
