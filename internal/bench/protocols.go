//go:build !hydrogen

// The drivers use the ports hydrogen generates, and hydrogen loads packages
// without its generated code (build tag hydrogen), and this file with it.

package bench

import (
	"strconv"

	"github.com/hydrogo/hydro/examples/hashset"
	"github.com/hydrogo/hydro/examples/paxos"
	"github.com/hydrogo/hydro/examples/rset"
	"github.com/hydrogo/hydro/examples/twopc"
	"github.com/hydrogo/hydro/examples/voting"
	"github.com/hydrogo/hydro/hydro"
)

// Protocols are the protocols of the repository, each in the paper's
// configuration (3 participants, 3 storage nodes) and in a smaller one that
// fits this 2-core machine better, which shows how well the bottleneck
// model predicts a measurement.
func Protocols() []Protocol {
	protocols := []Protocol{
		{
			Name:    "voting",
			Package: "./examples/voting",
			Flow:    "Voting",
			Deployments: []Deployment{
				{Name: "3 participants", Members: map[string]int{"participant": 3}, Flags: votingFlags},
				{Name: "1 participant", Members: map[string]int{"participant": 1}, Flags: votingFlags},
			},
			Driver: Commands("client", voting.VotingRequestsPort(), voting.VotingCommittedPort(),
				func(id uint64, p [16]byte) voting.Request { return voting.Request{ID: id, Command: string(p[:])} },
				func(r voting.Request) uint64 { return r.ID }),
		},
		{
			// ScalableVoting, derived from Voting by
			// examples/voting/scalable.hydroplan: broadcaster and collector
			// decoupled, broadcaster and participants partitioned.
			Name:    "voting-scalable",
			Package: "./examples/voting",
			Flow:    "ScalableVoting",
			Base:    "voting",
			Rewrite: "decoupling and partitioning",
			Deployments: []Deployment{
				{Name: "3 participants", Members: map[string]int{"participant": 3}, Flags: votingFlags},
			},
			Driver: Commands("client", voting.ScalableVotingRequestsPort(), voting.ScalableVotingCommittedPort(),
				func(id uint64, p [16]byte) voting.Request { return voting.Request{ID: id, Command: string(p[:])} },
				func(r voting.Request) uint64 { return r.ID }),
		},
		{
			Name:    "hashset",
			Package: "./examples/hashset",
			Flow:    "Hashset",
			Deployments: []Deployment{
				{Name: "3 storage nodes", Members: map[string]int{"storage": 3}, Flags: hashsetFlags},
				{Name: "1 storage node", Members: map[string]int{"storage": 1}, Flags: hashsetFlags},
			},
			Driver: Commands("client", hashset.HashsetWritesPort(), hashset.HashsetOutcomesPort(),
				func(id uint64, p [16]byte) hashset.Write { return hashset.Write{ID: id, Value: string(p[:])} },
				func(o hashset.Outcome) uint64 { return o.ID }),
		},
		{
			// ScalableHashset, derived from Hashset by
			// examples/hashset/scalable.hydroplan: proxy and signer
			// decoupled, every role but the client partitioned.
			Name:    "hashset-scalable",
			Package: "./examples/hashset",
			Flow:    "ScalableHashset",
			Base:    "hashset",
			Rewrite: "decoupling and partitioning",
			Deployments: []Deployment{
				{Name: "3 storage nodes", Members: map[string]int{"storage": 3}, Flags: hashsetFlags},
			},
			Driver: Commands("client", hashset.ScalableHashsetWritesPort(), hashset.ScalableHashsetOutcomesPort(),
				func(id uint64, p [16]byte) hashset.Write { return hashset.Write{ID: id, Value: string(p[:])} },
				func(o hashset.Outcome) uint64 { return o.ID }),
		},
		{
			Name:    "paxos",
			Package: "./examples/paxos",
			Flow:    "Paxos",
			Deployments: []Deployment{
				{Name: "2 proposers, 3 acceptors, 3 replicas", Members: map[string]int{"proposer": 2, "acceptor": 3, "replica": 3}, Flags: paxosFlags},
				{Name: "2 proposers, 3 acceptors, 3 replicas, unbatched", Members: map[string]int{"proposer": 2, "acceptor": 3, "replica": 3}, Flags: paxosUnbatchedFlags},
			},
			Driver: Commands("client", paxos.PaxosRequestsPort(), paxos.PaxosRepliesPort(),
				func(id uint64, p [16]byte) paxos.Request {
					return paxos.Request{ID: id, Op: paxos.OpPut, Key: "key" + strconv.FormatUint(id%64, 10), Value: string(p[:])}
				},
				func(r paxos.Reply) uint64 { return r.ID }),
		},
		{
			// ScalablePaxos, derived from Paxos by
			// examples/paxos/scalable.hydroplan: p2a and p2b proxy leaders
			// paired with the proposers (sized from them), each p2b proxy
			// partitioned into 3, each acceptor partitioned into 2 (its
			// partition 0 coordinating): Members count base members, so
			// acceptor 3 runs 6 acceptor processes.
			Name:    "paxos-scalable",
			Package: "./examples/paxos",
			Flow:    "ScalablePaxos",
			Base:    "paxos",
			Rewrite: "decoupling and partitioning",
			Deployments: []Deployment{
				{Name: "2 proposers, 3 acceptors, 3 replicas", Members: map[string]int{"proposer": 2, "acceptor": 3, "replica": 3}, Flags: paxosFlags},
				{Name: "2 proposers, 3 acceptors, 3 replicas, unbatched", Members: map[string]int{"proposer": 2, "acceptor": 3, "replica": 3}, Flags: paxosUnbatchedFlags},
			},
			Driver: Commands("client", paxos.ScalablePaxosRequestsPort(), paxos.ScalablePaxosRepliesPort(),
				func(id uint64, p [16]byte) paxos.Request {
					return paxos.Request{ID: id, Op: paxos.OpPut, Key: "key" + strconv.FormatUint(id%64, 10), Value: string(p[:])}
				},
				func(r paxos.Reply) uint64 { return r.ID }),
		},
		{
			Name:    "twopc",
			Package: "./examples/twopc",
			Flow:    "TwoPC",
			Deployments: []Deployment{
				{Name: "3 participants", Members: map[string]int{"participant": 3}, Flags: twopcFlags},
				{Name: "3 participants without fsync", Members: map[string]int{"participant": 3}, Flags: append([]string{"-fsync=false"}, twopcFlags...)},
				{Name: "1 participant", Members: map[string]int{"participant": 1}, Flags: twopcFlags},
			},
			Driver: twopcDriver,
		},
		{
			// ScalableTwoPC, derived from TwoPC by examples/twopc/scalable.hydroplan.
			Name:    "twopc-scalable",
			Package: "./examples/twopc",
			Flow:    "ScalableTwoPC",
			Base:    "twopc",
			Rewrite: "decoupling and partitioning",
			Deployments: []Deployment{
				{Name: "3 participants", Members: map[string]int{"participant": 3}, Flags: twopcFlags},
				{Name: "3 participants without fsync", Members: map[string]int{"participant": 3}, Flags: append([]string{"-fsync=false"}, twopcFlags...)},
			},
			Driver: twopcDriver,
		},
	}
	return append(protocols, Microprotocols()...)
}

// Microprotocols are the microprotocols of paper 002 §5.4 (Figure 11),
// package examples/rset: each base program with one replica, and the flow
// one rewrite derives from it, which names its base and the rewrite. The
// scale factor of a rewrite is the derived flow's peak throughput over its
// base's.
func Microprotocols() []Protocol {
	one := func(flags ...string) []Deployment {
		return []Deployment{{Name: "1 replica", Members: map[string]int{"replica": 1}, Flags: flags}}
	}
	alone := func(flags ...string) []Deployment { return []Deployment{{Name: "no replicas", Flags: flags}} }
	withAcks := []string{"-out.answers.quiet", "-out.stored.quiet"}
	withCollisions := append([]string{"-out.collisions.quiet"}, withAcks...)
	withSnapshots := append([]string{"-out.snapshots.quiet"}, withAcks...)
	return []Protocol{
		{Name: "rset", Package: "./examples/rset", Flow: "RSet", Deployments: one(withAcks...),
			Driver: rsetDriver(rset.RSetCommandsPort(), rset.RSetAnswersPort())},
		{Name: "rset-collector", Package: "./examples/rset", Flow: "RSetCollector", Deployments: one(withAcks...),
			Base: "rset", Rewrite: "mutually independent decoupling",
			Driver: rsetDriver(rset.RSetCollectorCommandsPort(), rset.RSetCollectorAnswersPort())},
		{Name: "rset-ballot", Package: "./examples/rset", Flow: "RSetBallot", Deployments: one(withAcks...),
			Driver: rsetDriver(rset.RSetBallotCommandsPort(), rset.RSetBallotAnswersPort())},
		{Name: "rset-replier", Package: "./examples/rset", Flow: "RSetReplier", Deployments: one(withAcks...),
			Base: "rset-ballot", Rewrite: "monotonic decoupling",
			Driver: rsetDriver(rset.RSetReplierCommandsPort(), rset.RSetReplierAnswersPort())},
		{Name: "rset-highest", Package: "./examples/rset", Flow: "RSetHighest", Deployments: alone("-out.answers.quiet"),
			Driver: rsetDriver(rset.RSetHighestCommandsPort(), rset.RSetHighestAnswersPort())},
		{Name: "rset-encrypter", Package: "./examples/rset", Flow: "RSetEncrypter", Deployments: alone("-out.answers.quiet"),
			Base: "rset-highest", Rewrite: "functional decoupling",
			Driver: rsetDriver(rset.RSetEncrypterCommandsPort(), rset.RSetEncrypterAnswersPort())},
		{Name: "rset-partitioned", Package: "./examples/rset", Flow: "RSetPartitioned", Deployments: one(withAcks...),
			Base: "rset", Rewrite: "partitioning with co-hashing",
			Driver: rsetDriver(rset.RSetPartitionedCommandsPort(), rset.RSetPartitionedAnswersPort())},
		{Name: "rset-collisions", Package: "./examples/rset", Flow: "RSetCollisions", Deployments: one(withCollisions...),
			Driver: rsetDriver(rset.RSetCollisionsCommandsPort(), rset.RSetCollisionsAnswersPort())},
		{Name: "rset-collisions-partitioned", Package: "./examples/rset", Flow: "RSetCollisionsPartitioned", Deployments: one(withCollisions...),
			Base: "rset-collisions", Rewrite: "partitioning with dependencies",
			Driver: rsetDriver(rset.RSetCollisionsPartitionedCommandsPort(), rset.RSetCollisionsPartitionedAnswersPort())},
		{Name: "rset-integer", Package: "./examples/rset", Flow: "RSetInteger", Deployments: one(withAcks...),
			Driver: rsetDriver(rset.RSetIntegerCommandsPort(), rset.RSetIntegerAnswersPort())},
		{Name: "rset-integer-partitioned", Package: "./examples/rset", Flow: "RSetIntegerPartitioned", Deployments: one(withAcks...),
			Base: "rset-integer", Rewrite: "partial partitioning",
			Driver: rsetDriver(rset.RSetIntegerPartitionedCommandsPort(), rset.RSetIntegerPartitionedAnswersPort())},
		{Name: "rset-snapshot", Package: "./examples/rset", Flow: "RSetSnapshot", Deployments: one(withSnapshots...),
			Driver: rsetDriver(rset.RSetSnapshotCommandsPort(), rset.RSetSnapshotAnswersPort())},
		{Name: "rset-snapshot-partitioned", Package: "./examples/rset", Flow: "RSetSnapshotPartitioned", Deployments: one(withSnapshots...),
			Base: "rset-snapshot", Rewrite: "partitioning with sealing",
			Driver: rsetDriver(rset.RSetSnapshotPartitionedCommandsPort(), rset.RSetSnapshotPartitionedAnswersPort())},
	}
}

// rsetDriver is the Driver of a microprotocol: a command's payload is the
// harness's 16 bytes, its ballot rises with its ID.
func rsetDriver(in hydro.Port[rset.Command], out hydro.Port[rset.Answer]) Driver {
	return Commands("client", in, out,
		func(id uint64, p [16]byte) rset.Command {
			return rset.Command{ID: id, Ballot: id, Payload: string(p[:])}
		},
		func(a rset.Answer) uint64 { return a.ID })
}

// twopcDriver sends each command as a transaction whose payload no
// participant refuses, and counts its outcome, commit or abort, as its
// answer.
var twopcDriver = Commands("client", twopc.TwoPCRequestsPort(), twopc.TwoPCOutcomesPort(),
	func(id uint64, p [16]byte) twopc.Request { return twopc.Request{ID: id, Payload: string(p[:])} },
	func(o twopc.Outcome) uint64 { return o.ID })

var (
	twopcFlags = []string{"-out.outcomes.quiet", "-out.votesCast.quiet", "-out.decisions.quiet"}
	paxosFlags = []string{"-out.replies.quiet", "-out.executed.quiet", "-out.votes.quiet"}
	// paxosUnbatchedFlags run Paxos with one command a slot, the paper's
	// setting (the flow's batch parameter).
	paxosUnbatchedFlags = []string{"-out.replies.quiet", "-out.executed.quiet", "-out.votes.quiet", "-param.batch=1"}
	votingFlags         = []string{"-out.committed.quiet", "-out.votes.quiet"}
	hashsetFlags        = []string{"-out.outcomes.quiet", "-out.acks.quiet", "-out.alarms.quiet",
		"-param.leaderKey=@data/leader-key.json", "-param.leaderPublic=@data/leader-public.json", "-param.storageKeys=@data/storage-keys.json"}
)
