// Package network is a golden case: every network operator, with the codecs
// and per-role mains they bring.
package network

import (
	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

// Vote is a voter's ballot on a key.
type Vote struct {
	Key   string `hydro:"key"`
	Voter uint32
	Yes   bool
}

// Tally is a participant's running count for a key.
type Tally struct {
	Key  string                    `hydro:"key"`
	Yes  lattices.Max[int]         `hydro:"lattice"`
	Seen lattices.SetUnion[uint32] `hydro:"lattice"`
}

// Fanout sends votes from a coordinator to a cluster of participants,
// partitioned by key, which count them and broadcast their tallies to each
// other and report them back.
//
//hydro:flow
func Fanout(f *hydro.Flow, votes hydro.Input[Vote], shards uint32, out hydro.Output[Tally]) {
	coord := f.Process("coordinator")
	parts := f.Cluster("participant")
	vs := hydro.Source(coord, votes)
	byKey := hydro.Demux(vs, parts)
	byVoter := hydro.DemuxBy(vs, parts, func(v Vote) hydro.MemberID { return hydro.MemberID(v.Voter % shards) })
	tallies := hydro.Map(hydro.Union(byKey, byVoter), toTally)
	merged := hydro.MergeKeyed(hydro.Union(tallies, hydro.Broadcast(tallies, parts)))
	hydro.Sink(hydro.Send(merged, coord), out)
}

func toTally(v Vote) Tally {
	t := Tally{Key: v.Key}
	if v.Yes {
		t.Yes = lattices.NewMax(1)
	}
	t.Seen.Insert(v.Voter)
	return t
}
