// Package asym is a flow whose server reads, in two ways, what a monotone
// part of it derives from the network alone, for gen/rewrite's tests of
// asymmetric decoupling.
package asym

import "github.com/hydrogo/hydro/hydro"

// Asym pairs each word with the even numbers seen so far (Kept), or with
// those of the word's tick only (Ticked).
//
//hydro:flow
func Asym(f *hydro.Flow, nums hydro.Input[int], words hydro.Input[string], kept hydro.Output[string], ticked hydro.Output[string]) {
	client, server := f.Process("client"), f.Process("server")
	n := hydro.Send(hydro.Source(client, nums), server)
	w := hydro.Send(hydro.Source(client, words), server)
	evens := hydro.Filter(n, even)
	sofar := hydro.CrossJoin(w, evens, pair, hydro.Tick, hydro.Static)
	now := hydro.CrossJoin(w, evens, pair, hydro.Tick, hydro.Tick)
	hydro.Sink(hydro.Send(sofar, client), kept)
	hydro.Sink(hydro.Send(now, client), ticked)
}

func even(x int) bool { return x%2 == 0 }

func pair(w string, x int) string { return w + "/" + string(rune('0'+x%10)) }

// Kept pairs each word with the even numbers seen so far.
//
//hydro:flow
func Kept(f *hydro.Flow, nums hydro.Input[int], words hydro.Input[string], kept hydro.Output[string]) {
	client, server := f.Process("client"), f.Process("server")
	n := hydro.Send(hydro.Source(client, nums), server)
	w := hydro.Send(hydro.Source(client, words), server)
	evens := hydro.Filter(n, even)
	sofar := hydro.CrossJoin(w, evens, pair, hydro.Tick, hydro.Static)
	hydro.Sink(hydro.Send(sofar, client), kept)
}
