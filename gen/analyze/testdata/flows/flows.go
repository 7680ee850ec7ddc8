// Package flows holds flows whose analysis facts and warnings the tests
// check through their // want comments.
package flows

import (
	"strings"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

type Request struct {
	Client uint32 `hydro:"key"`
	Item   string
}

type ClientClass struct {
	Client uint32 `hydro:"key,fd=Class"`
	Class  uint8
}

type Tagged struct {
	Client uint32 `hydro:"key"`
	Class  uint8  `hydro:"key"`
	Item   string
}

type Cart struct {
	Client uint32 `hydro:"key"`
	Class  uint8  `hydro:"key"`
	Items  []string
}

func tag(r Request, c ClientClass) Tagged {
	return Tagged{Client: r.Client, Class: c.Class, Item: r.Item}
}

func newCart(t Tagged) Cart { return Cart{Client: t.Client, Class: t.Class} }

func addItem(c *Cart, t Tagged) { c.Items = append(c.Items, t.Item) }

// SentFold is the shopping program's Figure 2 with a Send inserted before
// its fold: the fold sees requests in the order the network delivers them.
//
//hydro:flow
func SentFold(f *hydro.Flow, in hydro.Input[Request], classes []ClientClass, out hydro.Output[Cart]) {
	client, server := f.Process("client"), f.Process("server")
	requests := hydro.Send(hydro.Source(client, in), server)                                   // want order:"unordered since n1 hydro.Send; may repeat"
	tagged := hydro.Join(requests, hydro.Iter(server, classes), tag, hydro.Tick, hydro.Static) // want fds:"Client → Class" monotone:"yes"
	carts := hydro.FoldKeyed(tagged, newCart, addItem, hydro.Static)                           // want "hydro.FoldKeyed reads a stream that crossed the network at hydro.Send .*needs coordination" monotone:"no .*order"
	hydro.Sink(carts, out)
}

// Entry has a composite dependency: a key's version determines its value.
type Entry struct {
	Key     string `hydro:"key"`
	Version uint64
	Value   string `hydro:"by=Key+Version"`
}

type Row struct {
	K     string
	V     uint64
	Val   string
	Upper string
	N     int
}

func project(e Entry) Row {
	return Row{K: e.Key, V: e.Version, Val: e.Value, Upper: strings.ToUpper(e.Key)}
}

var counter int

func count(e Entry) Row {
	counter++
	return Row{K: e.Key, V: e.Version, Val: e.Value, Upper: strings.ToUpper(e.Key), N: counter}
}

func opaque(e Entry) Row { return rowOf(e) }

func rowOf(e Entry) Row {
	r := Row{}
	r.K = e.Key
	return r
}

// slow stands for a function whose body the analysis may not see through,
// but whose author vouches for it.
//
//hydro:pure
func slow(e Entry) Row {
	var r Row
	r.Val = lookup[e.Key]
	return r
}

var lookup = map[string]string{}

// Dependencies propagates the composite dependency through Maps whose
// functions copy the fields, and loses it through one it cannot analyse.
//
//hydro:flow
func Dependencies(f *hydro.Flow, in hydro.Input[Entry], out, out2, out3, out4 hydro.Output[Row]) {
	p := f.Process("p")
	entries := hydro.Source(p, in)                       // want fds:"^\\(Key, Version\\) → Value$"
	hydro.Sink(hydro.Map(entries, project), out)         // want fds:"^\\(K, V\\) → Val; K → Upper$" functional:"yes"
	hydro.Sink(hydro.Map(entries, count), out2)          // want fds:"^\\(K, V\\) → Val$" functional:"no .*count is not known to be pure"
	hydro.Sink(hydro.Map(entries, opaque), out3)         // want fds:"^$"
	hydro.Sink(hydro.Map(entries, slow), out4)           // want fds:"^$" functional:"yes"
	hydro.ForEach(hydro.Map(entries, func(e Entry) Row { // want fds:"^\\(K, V\\) → Val; K → Upper$"
		return Row{Val: e.Value, V: e.Version, K: e.Key, Upper: strings.ToUpper(e.Key)}
	}), func(Row) {})
}

type Vote struct {
	Voter uint32 `hydro:"key"`
}

func zero() int { return 0 }

//hydro:commutative
func tally(n *int, _ Vote) { *n++ }

// Retries folds network input with a commutative function: the order no
// longer matters, repetition still does, until Unique drops repeats.
//
//hydro:flow
func Retries(f *hydro.Flow, in hydro.Input[Vote], out, out2 hydro.Output[int]) {
	a, b := f.Process("a"), f.Process("b")
	votes := hydro.Send(hydro.Source(a, in), b)
	hydro.Sink(hydro.Fold(votes, zero, tally, hydro.Static), out)                              // want "hydro.Fold reads a stream that crossed the network at hydro.Send .*tally is commutative, but a resent item is folded twice"
	hydro.Sink(hydro.Fold(hydro.Unique(votes, hydro.Static), zero, tally, hydro.Static), out2) // want order:"unordered since n1 hydro.Send; no repeats"
}

type Total struct {
	Voter uint32               `hydro:"key"`
	Seen  lattices.Max[uint32] `hydro:"lattice"`
}

// Merged crosses the network into a lattice merge: no warning, and the
// merge's output is ordered again.
//
//hydro:flow
func Merged(f *hydro.Flow, in hydro.Input[Total], out hydro.Output[Total]) {
	a, b := f.Process("a"), f.Process("b")                         // want partition:"^partition keys: any" partition:"^partition key: \\(Voter\\) of n1 hydro.Send$"
	merged := hydro.MergeKeyed(hydro.Send(hydro.Source(a, in), b)) // want order:"^ordered; no repeats$" monotone:"yes"
	hydro.Sink(merged, out)
}

// Negation is monotone when what it negates is complete at start, and not
// when it comes from the network.
//
//hydro:flow
func Negation(f *hydro.Flow, in, banned hydro.Input[Vote], fixed []Vote, out, out2 hydro.Output[Vote]) {
	a, b := f.Process("a"), f.Process("b")
	votes := hydro.Source(b, in)
	hydro.Sink(hydro.AntiJoin(votes, hydro.Iter(b, fixed)), out)                    // want monotone:"yes .*complete"
	hydro.Sink(hydro.AntiJoin(votes, hydro.Send(hydro.Source(a, banned), b)), out2) // want monotone:"no .*negation"
}

type Other struct {
	Voter uint32               `hydro:"by=Key"`
	Key   uint32               `hydro:"key"`
	Seen  lattices.Max[uint32] `hydro:"lattice"`
}

// ViaDependency merges by a key computed from the voter: the key
// determines the voter (by=Key), so routing by voter brings equal keys
// together (paper 002 §4.2) and also serves Unique.
//
//hydro:flow
func ViaDependency(f *hydro.Flow, in hydro.Input[Vote], out hydro.Output[Other]) {
	p := f.Process("p") // want partition:"^partition key: \\(Voter\\) of n0 hydro.Source$"
	votes := hydro.Unique(hydro.Source(p, in), hydro.Static)
	hydro.Sink(hydro.MergeKeyed(hydro.Map(votes, keyed)), out)
}

func keyed(v Vote) Other { return Other{Voter: v.Voter, Key: v.Voter + 1} }

// Counted folds everything a tick holds: it cannot be partitioned.
//
//hydro:flow
func Counted(f *hydro.Flow, in hydro.Input[Vote], out hydro.Output[int]) {
	p := f.Process("p") // want partition:"^partition keys: none: hydro.Fold .* combines every item of a tick"
	hydro.Sink(hydro.Fold(hydro.Source(p, in), zero, func(n *int, _ Vote) { *n++ }), out)
}
