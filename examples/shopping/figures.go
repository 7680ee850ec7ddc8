package shopping

import "github.com/hydrogo/hydro/hydro"

// Figure3 upgrades the cart to a bounded-prefix lattice: each request carries
// its session's prefix so far and the session's length. The merge keeps the
// longer prefix; a session is complete — the lattice's top, recognisable in
// isolation — when its prefix has its length, and is released then, once.
//
//hydro:flow
func Figure3(f *hydro.Flow, shopping hydro.Input[PrefixSession], classes []ClientClass, out hydro.Output[Cart]) {
	server := f.Process("server")
	tagged := hydro.Join(hydro.Source(server, shopping), hydro.Iter(server, classes), tagPrefix, hydro.Tick, hydro.Static)
	sessions := hydro.MergeKeyed(tagged)
	complete := hydro.Filter(sessions, prefixComplete)
	fresh := hydro.Unique(hydro.Map(complete, prefixID), hydro.Static)
	hydro.Sink(hydro.Join(fresh, complete, prefixCart), out)
}

// Figure4 is Figure 3 with the sealed set of indexed values: each request is
// one (position, item) of its session, and the checkout seals the session
// with its length. The session is complete once sealed and all positions are
// present, whatever order or duplication they arrived in.
//
//hydro:flow
func Figure4(f *hydro.Flow, shopping hydro.Input[Session], classes []ClientClass, out hydro.Output[Cart]) {
	server := f.Process("server")
	tagged := hydro.Join(hydro.Source(server, shopping), hydro.Iter(server, classes), tagSession, hydro.Tick, hydro.Static)
	sessions := hydro.MergeKeyed(tagged)
	complete := hydro.Filter(sessions, taggedComplete)
	fresh := hydro.Unique(hydro.Map(complete, taggedID), hydro.Static)
	hydro.Sink(hydro.Join(fresh, complete, taggedCart), out)
}

// Figure5 pushes the group-by through the join: the client determines its
// class (ClientClass.Client carries fd=Class), so grouping by client alone
// groups by (client, class), and the class is looked up once per completed
// session instead of once per request.
//
//hydro:flow
func Figure5(f *hydro.Flow, shopping hydro.Input[Session], classes []ClientClass, out hydro.Output[Cart]) {
	server := f.Process("server")
	sessions := hydro.MergeKeyed(hydro.Source(server, shopping))
	complete := hydro.Filter(sessions, sessionComplete)
	fresh := hydro.Unique(hydro.Map(complete, sessionID), hydro.Static)
	done := hydro.Join(fresh, complete, completed)
	hydro.Sink(hydro.Join(done, hydro.Iter(server, classes), sessionCart, hydro.Tick, hydro.Static), out)
}

// Figure6 decouples Figure 5 across the network with the cart state on the
// server: clients send requests and keep them until the server acknowledges
// their session, resending on a timer, so the program completes over a
// network that loses, duplicates and reorders messages. The server
// acknowledges every arrival for a complete session, so a lost
// acknowledgement is repaired by the next resend.
//
//hydro:flow
func Figure6(f *hydro.Flow, shopping hydro.Input[Session], classes []ClientClass, out hydro.Output[Cart]) {
	client, server := f.Process("client"), f.Process("server")
	requests := hydro.Source(client, shopping)
	acked, ackedBy := hydro.Cycle[ClientID](client)
	unacked := hydro.AntiJoin(hydro.Persist(requests), acked, hydro.Static)
	resend := hydro.CrossJoin(unacked, hydro.Timer(client, ResendPeriod), resent)
	arrived := hydro.Send(hydro.Union(requests, resend), server)

	sessions := hydro.MergeKeyed(arrived)
	complete := hydro.Filter(sessions, sessionComplete)
	fresh := hydro.Unique(hydro.Map(complete, sessionID), hydro.Static)
	done := hydro.Join(fresh, complete, completed)
	hydro.Sink(hydro.Join(done, hydro.Iter(server, classes), sessionCart, hydro.Tick, hydro.Static), out)
	ackedBy(hydro.Send(hydro.Join(hydro.Map(arrived, sessionID), complete, ack), client))
}

// Figure7 decouples with the cart state on the client: each client assembles
// its session locally and sends it only once complete, so the server never
// sees items a client added and removed before checkout. Complete sessions
// are resent until acknowledged.
//
//hydro:flow
func Figure7(f *hydro.Flow, shopping hydro.Input[Session], classes []ClientClass, out hydro.Output[Cart]) {
	client, server := f.Process("client"), f.Process("server")
	sessions := hydro.MergeKeyed(hydro.Source(client, shopping))
	acked, ackedBy := hydro.Cycle[ClientID](client)
	unacked := hydro.AntiJoin(hydro.Filter(sessions, sessionComplete), acked, hydro.Static)
	arrived := hydro.Send(hydro.CrossJoin(unacked, hydro.Timer(client, ResendPeriod), resent), server)

	once := hydro.MergeKeyed(arrived, hydro.Tick) // one copy per session per tick
	fresh := hydro.Unique(hydro.Map(once, sessionID), hydro.Static)
	done := hydro.Join(fresh, once, completed)
	hydro.Sink(hydro.Join(done, hydro.Iter(server, classes), sessionCart, hydro.Tick, hydro.Static), out)
	ackedBy(hydro.Send(hydro.Map(once, sessionID), client))
}

// Figure8 replicates Figure 6's server. Each client's requests go to one
// replica (by client number); every replica forwards what it receives to all
// replicas and, on a timer, broadcasts its whole state (anti-entropy), and
// merges everything it hears with the idempotent lattice merge. (The paper's
// first, per-replica group-by is dropped, as its footnote 6 allows.) Every
// replica releases every checked-out cart, once, and all replicas converge to
// the same sessions.
//
// The failure model is crash-restart of any replicas, all of them at once
// included (a power cut), under loss, duplication and reordering. An
// acknowledgement ends the client's resends, so a session must survive
// that model before it is acknowledged. A replica acknowledges only a
// session it holds complete, and its sessions are Durable: the merge is
// logged and synced before the tick's acknowledgement leaves, so an
// acknowledged session outlives any crash of the replica that acknowledged
// it, and its anti-entropy broadcasts bring it to every other replica. A
// majority quorum of replicas would not be enough here (it loses the
// session if a majority crashes at once) and would cost a round trip
// between replicas before every acknowledgement; a local sync costs
// neither. The release is Durable too, so a replica that restarts does not
// release a cart again.
//
//hydro:flow
func Figure8(f *hydro.Flow, shopping hydro.Input[Session], classes []ClientClass, out hydro.Output[ReplicaCart]) {
	client, replicas := f.Process("client"), f.Cluster("server")
	requests := hydro.Source(client, shopping)
	acked, ackedBy := hydro.Cycle[ClientID](client)
	unacked := hydro.AntiJoin(hydro.Persist(requests), acked, hydro.Static)
	resend := hydro.CrossJoin(unacked, hydro.Timer(client, ResendPeriod), resent)
	arrived := hydro.DemuxBy(hydro.Union(requests, resend), replicas, byClient)

	gossip, gossipOf := hydro.Cycle[Session](replicas)
	sessions := hydro.MergeKeyed(hydro.Union(arrived, gossip), hydro.Durable)
	entropy := hydro.CrossJoin(sessions, hydro.Timer(replicas, ResendPeriod), resent)
	gossipOf(hydro.Broadcast(hydro.Union(arrived, entropy), replicas))
	complete := hydro.Filter(sessions, sessionComplete)
	fresh := hydro.Unique(hydro.Map(complete, sessionID), hydro.Durable)
	done := hydro.Join(fresh, complete, completed)
	carts := hydro.Join(done, hydro.Iter(replicas, classes), sessionCart, hydro.Tick, hydro.Static)
	hydro.Sink(hydro.CrossJoin(carts, hydro.SelfID(replicas), atReplica, hydro.Tick, hydro.Static), out)
	ackedBy(hydro.Send(hydro.Join(hydro.Map(arrived, sessionID), complete, ack), client))
}

// ReplicaCart is a checked-out cart as released by one replica.
type ReplicaCart struct {
	Replica hydro.MemberID
	Cart    Cart
}

func byClient(s Session) hydro.MemberID { return hydro.MemberID(s.Client) }

func atReplica(c Cart, r hydro.MemberID) ReplicaCart { return ReplicaCart{Replica: r, Cart: c} }
