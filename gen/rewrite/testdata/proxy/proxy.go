// Package proxy is a flow whose servers are a cluster, for gen/rewrite's
// tests of decoupling off a cluster.
package proxy

import "github.com/hydrogo/hydro/hydro"

// Req is a number for one server.
type Req struct {
	Server hydro.MemberID
	N      int
}

// Ack is a peer's acknowledgement of a checked number, for the server
// that checked it.
type Ack struct {
	Server hydro.MemberID
	N      int
}

func toServer(r Req) hydro.MemberID { return r.Server }
func ackTo(a Ack) hydro.MemberID    { return a.Server }
func stamp(r Req, id hydro.MemberID) Req {
	r.Server = id
	return r
}
func checkReq(r Req) Req  { r.N *= 2; return r }
func ackOf(r Req) Ack     { return Ack(r) }
func countOf(a Ack) int   { return a.N }
func positive(n int) bool { return n > 0 }

// Proxy sends each number to one server, which stamps it with its ID and
// broadcasts it, checked, to the peers; every peer acknowledges it to the
// server, which outputs the positive ones to the client.
//
//hydro:flow
func Proxy(f *hydro.Flow, reqs hydro.Input[Req], out hydro.Output[int]) {
	client, servers, peers := f.Process("client"), f.Cluster("server"), f.Cluster("peer")
	in := hydro.DemuxBy(hydro.Source(client, reqs), servers, toServer)
	stamped := hydro.CrossJoin(in, hydro.SelfID(servers), stamp, hydro.Tick, hydro.Static)
	checked := hydro.Broadcast(hydro.Map(stamped, checkReq), peers)
	acks := hydro.DemuxBy(hydro.Map(checked, ackOf), servers, ackTo)
	counted := hydro.Map(acks, countOf)
	hydro.Sink(hydro.Send(hydro.Filter(counted, positive), client), out)
}
