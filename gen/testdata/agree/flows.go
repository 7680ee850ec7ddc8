// Package agree holds flows with mistakes that the interpreter and hydrogen
// must both reject with the same words (gen/pipeline's agreement test).
package agree

import (
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

type noKey struct{ A int }

type keyed struct {
	K int `hydro:"key"`
	V int
}

type otherKey struct {
	K string `hydro:"key"`
}

type flat struct {
	K int `hydro:"key"`
	V int
}

type loose struct {
	K int `hydro:"key"`
	X string
	M lattices.Max[int] `hydro:"lattice"`
}

// NoKey joins a type without a key.
//
//hydro:flow
func NoKey(f *hydro.Flow, a hydro.Input[noKey], b hydro.Input[keyed], out hydro.Output[keyed]) {
	p := f.Process("p")
	hydro.Sink(hydro.Join(hydro.Source(p, a), hydro.Source(p, b), func(_ noKey, y keyed) keyed { return y }), out)
}

// KeysDiffer joins types whose keys differ.
//
//hydro:flow
func KeysDiffer(f *hydro.Flow, a hydro.Input[keyed], b hydro.Input[otherKey], out hydro.Output[keyed]) {
	p := f.Process("p")
	hydro.Sink(hydro.Join(hydro.Source(p, a), hydro.Source(p, b), func(x keyed, _ otherKey) keyed { return x }), out)
}

// NoLattice merges a type without lattice fields.
//
//hydro:flow
func NoLattice(f *hydro.Flow, a hydro.Input[flat], out hydro.Output[flat]) {
	p := f.Process("p")
	hydro.Sink(hydro.MergeKeyed(hydro.Source(p, a)), out)
}

// Loose merges a type with a field neither key, lattice nor determined.
//
//hydro:flow
func Loose(f *hydro.Flow, a hydro.Input[loose], out hydro.Output[loose]) {
	p := f.Process("p")
	hydro.Sink(hydro.MergeKeyed(hydro.Source(p, a)), out)
}

// Lifetimes gives Unique two lifetimes.
//
//hydro:flow
func Lifetimes(f *hydro.Flow, a hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("p")
	hydro.Sink(hydro.Unique(hydro.Source(p, a), hydro.Tick, hydro.Static), out)
}

// KeyedNoKey folds by key a type without one.
//
//hydro:flow
func KeyedNoKey(f *hydro.Flow, a hydro.Input[noKey], out hydro.Output[int]) {
	p := f.Process("p")
	hydro.Sink(hydro.FoldKeyed(hydro.Source(p, a), func(noKey) int { return 0 }, func(acc *int, _ noKey) { *acc++ }), out)
}

// NotDurable gives durable state to an operator that cannot log it.
//
//hydro:flow
func NotDurable(f *hydro.Flow, a hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("p")
	hydro.Sink(hydro.Fold(hydro.Source(p, a), func() int { return 0 }, func(acc *int, x int) { *acc += x }, hydro.Durable), out)
}

// TimerZero gives Timer a period of zero.
//
//hydro:flow
func TimerZero(f *hydro.Flow, out hydro.Output[time.Time]) {
	p := f.Process("p")
	hydro.Sink(hydro.Timer(p, 0), out)
}

// TwoSources reads one input with two Sources.
//
//hydro:flow
func TwoSources(f *hydro.Flow, a hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("p")
	hydro.Sink(hydro.Union(hydro.Source(p, a), hydro.Source(p, a)), out)
}

type withChan struct {
	ID int
	C  chan int
}

type withFunc struct{ Fn func() }

// Unsendable sends items holding a channel and a function.
//
//hydro:flow
func Unsendable(f *hydro.Flow, a hydro.Input[withChan], b hydro.Input[[]withFunc], out hydro.Output[withChan], out2 hydro.Output[[]withFunc]) {
	p, q := f.Process("p"), f.Process("q")
	hydro.Sink(hydro.Send(hydro.Source(p, a), q), out)
	hydro.Sink(hydro.Send(hydro.Source(p, b), q), out2)
}

// NoLocation declares no location.
//
//hydro:flow
func NoLocation(f *hydro.Flow) {}
