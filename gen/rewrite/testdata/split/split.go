// Package split is a flow with two mutually independent components at one
// server, for gen/rewrite's tests.
package split

import "github.com/hydrogo/hydro/hydro"

// Split measures words and doubles numbers at a server.
//
//hydro:flow
func Split(f *hydro.Flow, words hydro.Input[string], nums hydro.Input[int], lens hydro.Output[int], doubled hydro.Output[int]) {
	client, server := f.Process("client"), f.Process("server")
	w := hydro.Send(hydro.Source(client, words), server)
	n := hydro.Send(hydro.Source(client, nums), server)
	lengths := hydro.Map(w, func(s string) int { return len(s) })
	twice := hydro.Map(n, func(x int) int { return 2 * x })
	hydro.Sink(hydro.Send(lengths, client), lens)
	hydro.Sink(hydro.Send(twice, client), doubled)
}
