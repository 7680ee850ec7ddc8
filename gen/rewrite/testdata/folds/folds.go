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

// Req is an item of a key's stream, to be joined with a Row.
type Req struct {
	Key  uint32 `hydro:"key"`
	N    int
	Last bool
}

// Row gives a key a class, but declares no dependency: a key may have
// several.
type Row struct {
	Key   uint32 `hydro:"key"`
	Class uint8
}

// Tagged is a Req with a class of its key.
type Tagged struct {
	Key   uint32 `hydro:"key"`
	Class uint8  `hydro:"key"`
	N     int
	Last  bool
}

// TAcc is a (key, class) group's accumulator.
type TAcc struct {
	Key   uint32 `hydro:"key"`
	Class uint8  `hydro:"key"`
	Items []Tagged
}

func tagRow(r Req, w Row) Tagged { return Tagged{Key: r.Key, Class: w.Class, N: r.N, Last: r.Last} }
func startT(t Tagged) TAcc       { return TAcc{Key: t.Key, Class: t.Class} }
func pushT(a *TAcc, t Tagged)    { a.Items = append(a.Items, t) }

// NoFD groups by (key, class) where the key does not determine the class.
//
//hydro:flow
func NoFD(f *hydro.Flow, in hydro.Input[Req], rows []Row, out hydro.Output[TAcc]) {
	server := f.Process("server")
	tagged := hydro.Join(hydro.Source(server, in), hydro.Iter(server, rows), tagRow, hydro.Tick, hydro.Static)
	groups := hydro.FoldKeyed(tagged, startT, pushT, hydro.Static)
	hydro.Sink(groups, out)
}

// Streams joins two streams, neither of them a table.
//
//hydro:flow
func Streams(f *hydro.Flow, in hydro.Input[Req], rows hydro.Input[Row], out hydro.Output[TAcc]) {
	server := f.Process("server")
	tagged := hydro.Join(hydro.Source(server, in), hydro.Source(server, rows), tagRow, hydro.Tick, hydro.Tick)
	groups := hydro.FoldKeyed(tagged, startT, pushT, hydro.Static)
	hydro.Sink(groups, out)
}

func zero() int           { return 0 }
func count(n *int, _ Acc) { *n++ }

// Counted counts the lists it has released: a fold, not monotone, after
// the keyed fold.
//
//hydro:flow
func Counted(f *hydro.Flow, in hydro.Input[Item], out hydro.Output[int]) {
	server := f.Process("server")
	lists := hydro.FoldKeyed(hydro.Source(server, in), start, push, hydro.Static)
	hydro.Sink(hydro.Fold(lists, zero, count), out)
}

// Kept keeps every item the server received, state that is not a lattice.
//
//hydro:flow
func Kept(f *hydro.Flow, in hydro.Input[Item], out hydro.Output[Item]) {
	client, server := f.Process("client"), f.Process("server")
	hydro.Sink(hydro.Persist(hydro.Send(hydro.Source(client, in), server)), out)
}
