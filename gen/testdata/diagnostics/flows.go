// Package diagnostics holds flows with mistakes; hydrogen must report each
// with its position.
package diagnostics

import "github.com/hydrogo/hydro/hydro"

type noKey struct{ A int }

type keyed struct {
	K int `hydro:"key"`
}

type otherKey struct {
	K string `hydro:"key"`
}

//hydro:flow
func Captures(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("p")
	s := hydro.Source(p, in)
	doubled := hydro.Map(s, func(x int) int { return x * 2 })
	hydro.Sink(hydro.Map(doubled, func(x int) int { return x + len(p.Name()) }), out)
}

//hydro:flow
func Keys(f *hydro.Flow, a hydro.Input[noKey], b, b2 hydro.Input[keyed], c hydro.Input[otherKey], out hydro.Output[int]) {
	p := f.Process("p")
	hydro.Sink(hydro.Join(hydro.Source(p, a), hydro.Source(p, b), func(noKey, keyed) int { return 0 }), out)
	hydro.Sink(hydro.Join(hydro.Source(p, b2), hydro.Source(p, c), func(keyed, otherKey) int { return 0 }), out)
}

//hydro:flow
func Control(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("p")
	s := hydro.Source(p, in)
	for range 3 {
		s = hydro.Map(s, func(x int) int { return x })
	}
	hydro.Sink(hydro.Sort(s, func(a, b int) int { return a - b }), out)
}

//hydro:flow
func Lifetimes(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("p")
	hydro.Sink(hydro.Unique(hydro.Source(p, in), hydro.Static, hydro.Tick), out)
	_, complete := hydro.Cycle[int](p)
	_ = complete
}

//hydro:flaw
func typo() {}

// callback cannot cross the network: it holds a function.
type callback struct {
	ID int `hydro:"key"`
	Fn func()
}

//hydro:flow
func Unsendable(f *hydro.Flow, in hydro.Input[callback], out hydro.Output[callback]) {
	p := f.Process("p")
	q := f.Process("q")
	hydro.Sink(hydro.Send(hydro.Source(p, in), q), out)
}

//hydro:flow
func Unkeyed(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("p")
	q := f.Cluster("q")
	hydro.Sink(hydro.Demux(hydro.Source(p, in), q), out)
}

//hydro:codec
type notAType = int

//hydro:codic
type misspelt struct{ A int }
