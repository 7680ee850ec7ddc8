// Package pingpong is the two-process flow of the round-trip benchmark in
// package microbench. It is a package of its own because a package with a
// networked flow gets external ports and a per-role main for all its flows.
package pingpong

import "github.com/hydrogo/hydro/hydro"

//go:generate go run github.com/hydrogo/hydro/cmd/hydrogen

// Ping is the message of the round trip.
type Ping struct {
	Seq  uint64
	Hops uint32
}

// PingPong is a round trip between two processes: the pinger sends every
// ping of its input to the ponger, which counts a hop and sends it back to
// the pinger's output.
//
//hydro:flow
func PingPong(f *hydro.Flow, in hydro.Input[Ping], out hydro.Output[Ping]) {
	pinger, ponger := f.Process("pinger"), f.Process("ponger")
	pings := hydro.Send(hydro.Source(pinger, in), ponger)
	pongs := hydro.Send(hydro.Map(pings, Hop), pinger)
	hydro.Sink(pongs, out)
}

// Hop is what the ponger does to a ping: it counts one more hop.
func Hop(p Ping) Ping {
	p.Hops++
	return p
}
