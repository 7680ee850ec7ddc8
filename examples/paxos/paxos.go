// Package paxos is multi-Paxos (paper 002, §5.2) as a Hydro for Go flow:
// the plain base program — f = 1 with two proposers, three acceptors and
// three replicas executing a key-value store — from which the rewrites
// derive the scaled versions.
//
// A client sends each command to the proposers. The leader, the proposer
// whose ballot completed phase 1, assigns it the next slot and proposes it
// to the acceptors (phase 2a); a slot is chosen once a majority accepted it
// with the leader's ballot (phase 2b), and the replicas execute chosen
// commands in slot order and answer the client. See docs/protocols.md.
package paxos

//go:generate go run github.com/hydrogo/hydro/cmd/hydrogen

import (
	"time"

	"github.com/hydrogo/hydro/hydro"
)

// Timeout is how long a client waits for an answer before it resends a
// command.
const Timeout = 500 * time.Millisecond

// ProgressPeriod is how often a replica reports its executed prefix to the
// proposers.
const ProgressPeriod = 20 * time.Millisecond

// DefaultWindow is the log window when the flow's window parameter is 0:
// the leader proposes slot s only once every replica executed s-window,
// and acceptors and replicas keep window slots.
const DefaultWindow = 1024

func ring(window uint64) uint64 {
	if window == 0 {
		return DefaultWindow
	}
	return window
}

// DefaultBatch is the most commands in one slot when the flow's batch
// parameter is 0.
const DefaultBatch = 1024

func batchSize(batch uint64) int {
	if batch == 0 {
		return DefaultBatch
	}
	return int(min(batch, DefaultBatch*DefaultBatch))
}

// Paxos is the base multi-Paxos.
//
// Client: numbers each request within its incarnation (the time it
// started), sends it to every proposer, resends it every Timeout until a
// replica answers, and outputs the answer once on replies.
//
// Proposer: a state machine over one tick's events (core): leader
// election by phase 1 with heartbeats and randomized timeouts, slot
// assignment (at most batch commands a slot, DefaultBatch when 0; with
// batch = 1 every command is its own slot, the paper's setting),
// re-proposal of what phase 1 learned, no-ops in holes, and
// retransmission. The phase-2b votes are tallied per slot (a ring of
// window positions) apart from it; a slot commits when a majority of
// acceptors accepted it with the same ballot: the tally sends the commit,
// with the batch the votes carry, to the replicas, and a small commit to
// the state machine.
//
// Acceptor: a durable promise (the highest ballot of a P1a) and a durable
// log (the checkpoint and the values accepted from there on, at most
// window slots), both lattice folds; it accepts a P2a whose ballot is at
// least its promise, answers every P2a with the higher of its ballot and
// the promise, answers each raise of its promise with a P1b carrying its
// log to the proposer of the new ballot, and logs each answer to a P2a on
// output votes; a P2b that accepts carries the batch. Everything it
// answers was synced first.
//
// Replica: a ring of the commits it received from the tally (in memory: a
// restarted replica gets them again from the leader), a durable store, durable
// client sessions and a durable executed prefix; it executes commits in
// slot order, each command at most once, and answers the client.
//
//hydro:flow
func Paxos(f *hydro.Flow, requests hydro.Input[Request], replies hydro.Output[Reply], executed hydro.Output[Executed], votes hydro.Output[P2b], window, batch uint64) {
	client := f.Process("client")
	proposers, acceptors, replicas := f.Cluster("proposer"), f.Cluster("acceptor"), f.Cluster("replica")

	// Client: number, send, resend until answered, output each answer once.
	asked := hydro.Source(client, requests)
	inc := hydro.Reduce(hydro.Map(hydro.Timer(client, Timeout), incarnation), earliest, hydro.Static)
	numbered := hydro.CrossJoin(hydro.Enumerate(asked, hydro.Static), inc, number, hydro.Tick, hydro.Tick)
	waiting, wait := hydro.Cycle[Command](client)
	answersIn, answered := hydro.Cycle[Answer](client)
	answers := hydro.Map(answersIn, answerReply)
	pending := hydro.Union(numbered, waiting)
	open := hydro.AntiJoin(pending, answers, hydro.Tick)
	hydro.Sink(hydro.Unique(hydro.Join(answers, pending, replyOf, hydro.Tick, hydro.Tick), hydro.Tick), replies)
	wait(hydro.DeferTickLazy(open))
	low := hydro.Fold(open, noLow, lowest)
	resent := hydro.CrossJoin(waiting, hydro.Timer(client, Timeout), again, hydro.Tick, hydro.Tick)
	// A new command goes to the leader the client knows, from the ballot
	// of the last answer (to every proposer before the first); a resent
	// one to every proposer, in case the leader changed.
	leader := hydro.Fold(hydro.Map(answersIn, answerBallot), noLeader, latestLeader, hydro.Static)
	newCmds := hydro.CrossJoin(hydro.CrossJoin(numbered, low, withLow, hydro.Tick, hydro.Tick), leader, directedOf, hydro.Tick, hydro.Tick)
	directedIn := hydro.DemuxBy(hydro.FilterMap(newCmds, toLeader), proposers, directedTo)
	commands := hydro.Union(hydro.Map(directedIn, directedCmd),
		hydro.Broadcast(hydro.Union(hydro.FilterMap(newCmds, toEveryone), hydro.CrossJoin(resent, low, withLow, hydro.Tick, hydro.Tick)), proposers))

	// Proposer: one tick's events into the state machine.
	beatsIn, beatsFrom := hydro.Cycle[Heartbeat](proposers)
	p1bsIn, p1bsFrom := hydro.Cycle[P1b](proposers)
	p2bsIn, p2bsFrom := hydro.Cycle[P2b](proposers)
	progressIn, progressFrom := hydro.Cycle[Progress](proposers)
	usedIn, usedFrom := hydro.Cycle[Event](proposers)
	acceptorCount := hydro.ClusterSize(proposers, acceptors)
	config := hydro.CrossJoin(
		hydro.CrossJoin(hydro.SelfID(proposers), acceptorCount, configOf, hydro.Static, hydro.Static),
		hydro.ClusterSize(proposers, replicas), withReplicas, hydro.Static, hydro.Static)
	config = hydro.Map(config, func(c Config) Config { c.Window, c.Batch = ring(window), batchSize(batch); return c })

	// Phase 2b: tally the votes per ring position. A slot is chosen once a
	// majority of acceptors accepted it with one ballot. The tally sends
	// the chosen slot with its batch (which the votes carry) to the
	// replicas when the tick's votes make the tally cross the majority:
	// once per slot, unless an acceptor votes again for it (the leader
	// sends its P2a again while it has not seen the slot committed), which
	// crosses again and repairs a commit lost on its way. The state
	// machine learns every slot chosen from small commits, without the
	// batch: every vote that finds its slot's tally at a majority sends
	// one (again: a commit lost on its way is repaired by the P2a the
	// leader sends again). The commits and the rejections (a vote for a
	// higher ballot) reach the state machine through the network, as every
	// other event does.
	ayes := hydro.FilterMap(p2bsIn, accepted)
	tallies := hydro.MergeKeyed(hydro.Map(ayes, func(p P2b) Tally {
		return Tally{Pos: p.Pos, T: TallyLattice{Set: true, Slot: p.Slot, Ballot: p.Ballot, Voters: voters(p.Acceptor)}}
	}), hydro.Static)
	fresh := hydro.Map(ayes, func(p P2b) Votes {
		return Votes{Pos: p.Pos, Slot: p.Slot, Ballot: p.Ballot, Voters: voters(p.Acceptor)}
	})
	commits := hydro.FilterMap(hydro.CrossJoin(hydro.Join(fresh, tallies, tallied, hydro.Tick, hydro.Tick), hydro.ClusterSize(proposers, acceptors), withAcceptors, hydro.Tick, hydro.Static), reached)
	batches := hydro.MergeKeyed(hydro.Map(ayes, func(p P2b) Fresh {
		return Fresh{Pos: p.Pos, F: FreshLattice{Set: true, Slot: p.Slot, Ballot: p.Ballot, Voters: voters(p.Acceptor), Cmds: p.Cmds}}
	}), hydro.Tick)
	decided := hydro.FilterMap(hydro.CrossJoin(hydro.Join(batches, tallies, crossingOf, hydro.Tick, hydro.Tick), hydro.ClusterSize(proposers, acceptors), withQuorum, hydro.Tick, hydro.Static), crossed)
	rejections := hydro.Filter(p2bsIn, rejecting)

	events := hydro.Union(
		hydro.Map(commands, commandEvent),
		hydro.Map(p1bsIn, p1bEvent),
		hydro.Map(hydro.DemuxBy(rejections, proposers, toProposer), rejectedEvent),
		hydro.Map(beatsIn, beatEvent),
		hydro.Map(hydro.DemuxBy(commits, proposers, committedBy), commitEvent),
		hydro.Map(progressIn, progressEvent),
		hydro.Map(hydro.Timer(proposers, HeartbeatPeriod), timerEvent),
		usedIn)
	inbox := hydro.CrossJoin(hydro.Fold(events, newInbox, collect), config, withConfig, hydro.Tick, hydro.Static)
	core := hydro.Fold(inbox, newCore, step, hydro.Static)
	beatsFrom(hydro.Broadcast(hydro.FlatMap(core, emitBeats), proposers))
	// Every ballot a proposer starts is durable before its P1a leaves, and
	// comes back as seen after a restart: a restarted proposer never starts
	// a ballot again, which acceptors that promised it would promise again.
	started := hydro.FlatMap(core, emitP1as)
	usedFrom(hydro.DeferTickLazy(hydro.Map(hydro.ReduceKeyed(hydro.Map(started, usedOf), raiseUsed, hydro.Durable), usedEvent)))
	p1a := hydro.Broadcast(started, acceptors)
	p2as := hydro.FlatMap(core, emitP2as)
	p2a := hydro.Broadcast(p2as, acceptors)

	// Acceptor: only a P1a raises the promise; a P2a is accepted if its
	// ballot is at least the promise and raises nothing (Paxos Made
	// Simple's acceptor; docs/protocols.md argues it for this log). The
	// acceptor answers a raised promise, not a P1a: when its promise
	// rises, it sends the proposer of the new ballot a P1b with its log,
	// once: which promises it answered is durable too, so that a restart
	// does not answer again (a partition of ScalablePaxos's acceptor would
	// answer alone, a part never completed).
	// The promise and the log are durable lattice folds: a P1b carries the
	// log whole, which a partitioning by slot seals and recombines at the
	// proposer, and the promise is all that the P1as change, which a
	// partitioning replicates (scalable.hydroplan).
	acceptorID := hydro.SelfID(acceptors)
	promise := hydro.LatticeFold(hydro.Map(p1a, promiseOfP1a), hydro.Durable)
	now := hydro.CrossJoin(promise, acceptorID, viewOf, hydro.Tick, hydro.Static)
	// A P2b that accepts carries the batch, which the tally sends the
	// replicas once the slot is chosen; the log keeps it.
	answers2 := hydro.CrossJoin(p2a, now, answer, hydro.Tick, hydro.Tick)
	p2b := hydro.Map(answers2, voteOf)
	log := hydro.LatticeFold(hydro.Map(answers2, func(a answered2) AcceptorLog {
		p := a.P2b
		return logOf(a.Checkpoint, Accepted{Slot: p.Slot, Ballot: p.Ballot, Cmds: a.Cmds}, p.Max == p.Ballot)
	}), hydro.Durable)
	hydro.Sink(p2b, votes)
	p2bsFrom(hydro.DemuxBy(p2b, proposers, toProposer))
	raised := hydro.Unique(hydro.Filter(promise, promising), hydro.Durable)
	p1b := hydro.CrossJoin(hydro.CrossJoin(raised, acceptorID, promisedTo, hydro.Tick, hydro.Static), log, withLog, hydro.Tick, hydro.Tick)
	p1bsFrom(hydro.DemuxBy(p1b, proposers, toRequester))

	// Replica: keep commits in the window after the executed prefix,
	// execute the run without a gap, make its effects durable in the next
	// tick, and only then answer.
	replicaID := hydro.SelfID(replicas)
	committed := hydro.Union(hydro.Broadcast(decided, replicas),
		hydro.Map(hydro.DemuxBy(hydro.FlatMap(core, emitResends), replicas, resendTo), commitOf))
	appliedIn, applyNext := hydro.Cycle[Applied](replicas)
	putsIn, applyPuts := hydro.Cycle[KV](replicas)
	sessionsIn, applySessions := hydro.Cycle[Session](replicas)
	// A snapshot from another replica (state transfer) is merged into the
	// executed prefix, the store and the sessions in the tick it arrives.
	installed, install := hydro.Cycle[Snapshot](replicas)
	applied := hydro.Union(appliedIn, hydro.Map(installed, snapshotApplied))
	next := hydro.Fold(hydro.ReduceKeyed(applied, raiseApplied, hydro.Durable), noApplied, takeApplied)
	// The ring of commits is not durable: a commit is a chosen value,
	// which the leader sends again to a replica whose prefix stops
	// advancing, so a restarted replica loses nothing it needs, and its
	// log and snapshots hold its effects, not every batch twice.
	slots := hydro.MergeKeyed(hydro.FilterMap(hydro.CrossJoin(committed, next, arrival, hydro.Tick, hydro.Tick), func(a arrived) (Slotted, bool) {
		return Slotted{Pos: a.Commit.Slot % ring(window), C: CommitLattice{Set: true, Commit: a.Commit}},
			a.Commit.Slot >= a.Next && a.Commit.Slot < a.Next+ring(window)
	}), hydro.Static)
	kv := hydro.MergeKeyed(hydro.Union(putsIn, hydro.FlatMap(installed, snapshotKVs)), hydro.Durable)
	clients := hydro.MergeKeyed(hydro.Union(sessionsIn, hydro.FlatMap(installed, snapshotSessions)), hydro.Durable)
	progressTimer := hydro.Timer(replicas, ProgressPeriod)
	triggers := hydro.Fold(hydro.Union(hydro.Map(committed, commitOne), hydro.Map(applied, appliedOne), hydro.Map(progressTimer, timeOne)), count, add)
	from := hydro.CrossJoin(hydro.Filter(triggers, some), next, startAt, hydro.Tick, hydro.Tick)
	// Probe the ring from the prefix up to the highest slot committed
	// since the replica started, at most a window.
	highest := hydro.Fold(hydro.Map(committed, slotOf), noSlot, highestSlot, hydro.Static)
	probes := hydro.FlatMap(hydro.CrossJoin(from, highest, spanOf, hydro.Tick, hydro.Tick), func(sp span, emit func(Probe)) {
		for s := sp.From; s < sp.To && s < sp.From+ring(window); s++ {
			emit(Probe{Pos: s % ring(window)})
		}
	})
	run := hydro.CrossJoin(hydro.Fold(hydro.Join(probes, slots, hitSlotted, hydro.Tick, hydro.Tick), newCommits, addCommit), from, runOf, hydro.Tick, hydro.Tick)
	kvs := hydro.Fold(hydro.Join(hydro.Unique(hydro.FlatMap(run, runKeys), hydro.Tick), kv, hitKV, hydro.Tick, hydro.Tick), newKVs, addKV)
	sess := hydro.Fold(hydro.Join(hydro.Unique(hydro.FlatMap(run, runSessions), hydro.Tick), clients, hitSession, hydro.Tick, hydro.Tick), newSessions, addSession)
	who := hydro.CrossJoin(replicaID, hydro.ClusterSize(replicas, replicas), replicaOf, hydro.Static, hydro.Static)
	exec := hydro.Filter(hydro.Map(hydro.CrossJoin(hydro.CrossJoin(hydro.CrossJoin(run, kvs, withKVs, hydro.Tick, hydro.Tick),
		sess, withSessions, hydro.Tick, hydro.Tick), who, withReplica, hydro.Tick, hydro.Static), execute), ran)
	applyNext(hydro.DeferTick(hydro.Map(exec, appliedOf)))
	applyPuts(hydro.DeferTick(hydro.FlatMap(exec, emitPuts)))
	applySessions(hydro.DeferTick(hydro.FlatMap(exec, emitSessions)))
	hydro.Sink(hydro.CrossJoin(hydro.DeferTick(hydro.FlatMap(exec, emitDone)), replicaID, executedBy, hydro.Tick, hydro.Static), executed)
	answered(hydro.Send(hydro.DeferTick(hydro.FlatMap(exec, emitReplies)), client))
	// State transfer: the leader names this replica the donor for one
	// behind the checkpoint; it sends its prefix, store and sessions.
	wanted := hydro.Unique(hydro.Map(hydro.DemuxBy(hydro.FlatMap(core, emitTransfers), replicas, donorOf), transferTo), hydro.Tick)
	snapKVs := hydro.Fold(hydro.CrossJoin(wanted, kv, pickKV, hydro.Tick, hydro.Tick), newKVList, addKVItem)
	snapSessions := hydro.Fold(hydro.CrossJoin(wanted, clients, pickSession, hydro.Tick, hydro.Tick), newSessionList, addSessionItem)
	snapshots := hydro.CrossJoin(hydro.CrossJoin(hydro.CrossJoin(wanted, next, snapshotOf, hydro.Tick, hydro.Tick),
		snapKVs, withSnapshotKVs, hydro.Tick, hydro.Tick), snapSessions, withSnapshotSessions, hydro.Tick, hydro.Tick)
	install(hydro.DemuxBy(snapshots, replicas, snapshotTo))
	progressFrom(hydro.Broadcast(hydro.CrossJoin(hydro.CrossJoin(progressTimer, run, progressOf, hydro.Tick, hydro.Tick), replicaID, reportOf, hydro.Tick, hydro.Static), proposers))
}
