// Package twopc is two-phase commit with presumed abort, the protocol of
// "Optimizing Distributed Protocols with Query Rewrites" (§5.2), as a Hydro
// for Go flow: the plain base program, one coordinator and a cluster of
// participants, from which the rewrites derive the scaled versions.
//
// Unlike the paper's artifact, participants may vote no, the coordinator
// aborts a transaction whose votes do not arrive in time, every log record
// is durable (synced) before the message that depends on it leaves, and
// every node recovers after a crash. See docs/protocols.md.
package twopc

//go:generate go run github.com/hydrogo/hydro/cmd/hydrogen

import (
	"strconv"
	"strings"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

const (
	// Timeout is how long a client waits for an outcome before it resends
	// a request.
	Timeout = 500 * time.Millisecond
	// VoteRound is the period of the coordinator's timer: a transaction
	// whose votes have not all arrived within two rounds of its first vote
	// or inquiry (between one and two periods) aborts.
	VoteRound = 500 * time.Millisecond
	// DoubtRound is the period of a participant's timer: a participant that
	// has voted yes and heard no outcome for two rounds asks the
	// coordinator, and asks again every round until it hears.
	DoubtRound = time.Second
)

// Request is a client's transaction. Its ID, unique per transaction,
// determines the payload.
type Request struct {
	ID      uint64 `hydro:"key,fd=Payload"`
	Payload string
}

// Outcome is the outcome of a transaction: what the coordinator sends the
// participants and answers the client.
type Outcome struct {
	ID        uint64 `hydro:"key"`
	Committed bool
}

// Vote is a participant's vote on a transaction.
type Vote struct {
	ID          uint64 `hydro:"key"`
	Participant hydro.MemberID
	Yes         bool
}

// Ack is a participant's acknowledgement that it has made a commit
// durable.
type Ack struct {
	ID          uint64 `hydro:"key"`
	Participant hydro.MemberID
}

// Inquiry is an in-doubt participant's question about a transaction's
// outcome.
type Inquiry struct {
	ID          uint64 `hydro:"key"`
	Participant hydro.MemberID
}

// Phases of a participant's record of a transaction, merged by maximum.
// The protocol never sends both outcomes of one transaction, so a record
// that is Aborted never becomes Committed (the tests check that no
// participant outputs both).
const (
	Prepared  uint8 = 1 // voted yes
	Aborted   uint8 = 2 // voted yes, then learned the abort
	Committed uint8 = 3
)

// Record is a participant's durable record of a transaction it voted yes
// on. A participant that votes no records nothing (presumed abort).
type Record struct {
	ID    uint64              `hydro:"key"`
	Phase lattices.Max[uint8] `hydro:"lattice"`
}

// Decision is a participant's output: the outcome of a transaction it
// voted yes on, once it is durable there.
type Decision struct {
	ID          uint64 `hydro:"key"`
	Participant hydro.MemberID
	Committed   bool
}

// Doubt is a transaction a participant voted yes on and has no outcome for
// yet, with the number of its timer rounds it has waited.
type Doubt struct {
	ID     uint64            `hydro:"key"`
	Rounds lattices.Max[int] `hydro:"lattice"`
}

// Phases of the coordinator's decision log, merged by maximum. A fence is
// an abort that the coordinator chose (a timeout, an inquiry) rather than
// one a participant forced by voting no; it is logged, so that the
// transaction can never commit after a restart. Aborts forced by a no vote
// are not logged (presumed abort): the participant votes no again on any
// retry.
const (
	Fenced uint8 = 1
	Commit uint8 = 2
)

// Entry is the coordinator's durable record of a decision.
type Entry struct {
	ID      uint64              `hydro:"key"`
	Outcome lattices.Max[uint8] `hydro:"lattice"`
}

// Txn names a transaction.
type Txn struct {
	ID uint64 `hydro:"key"`
}

// End is the coordinator's durable end record of a transaction: how many
// participants acknowledged its commit.
type End struct {
	ID    uint64            `hydro:"key"`
	Acked lattices.Max[int] `hydro:"lattice"`
}

// Tally is, at the coordinator, what it knows of an undecided transaction:
// who voted yes, whether anyone voted no, whether a participant asked, and
// how many timer rounds have passed since it first heard of it.
type Tally struct {
	ID      uint64                            `hydro:"key"`
	Yes     lattices.SetUnion[hydro.MemberID] `hydro:"lattice"`
	Refused lattices.Max[uint8]               `hydro:"lattice"`
	Asked   lattices.Max[uint8]               `hydro:"lattice"`
	Rounds  lattices.Max[int]                 `hydro:"lattice"`
}

// Quorum is a tally with the number of participants.
type Quorum struct {
	Tally
	Needed int
}

// Decided is a decision of the coordinator: commit, or abort, and whether
// the abort must be logged (a fence).
type Decided struct {
	ID        uint64 `hydro:"key"`
	Committed bool
	Fence     bool
}

// Acks is, at the coordinator, the set of participants that acknowledged a
// commit so far.
type Acks struct {
	ID uint64                            `hydro:"key"`
	By lattices.SetUnion[hydro.MemberID] `hydro:"lattice"`
}

// AckQuorum is an ack set with the number of participants.
type AckQuorum struct {
	Acks
	Needed int
}

// Standing is a participant's record of a transaction as it answers a
// request for its vote or a commit.
type Standing struct {
	ID          uint64 `hydro:"key"`
	Participant hydro.MemberID
	Phase       uint8
}

// Redrive is the coordinator's answer, from its log, to a participant that
// voted on or asked about a decided transaction.
type Redrive struct {
	ID        uint64 `hydro:"key"`
	To        hydro.MemberID
	Committed bool
}

// Refuses is the participants' deterministic voting rule: participant p
// votes no on a payload one of whose space-separated words is
// "refuse=<p>" (so "pay 10 refuse=1" is refused by participant 1 alone).
func Refuses(p hydro.MemberID, payload string) bool {
	want := "refuse=" + strconv.Itoa(int(p))
	for w := range strings.FieldsSeq(payload) {
		if w == want {
			return true
		}
	}
	return false
}

// TwoPC is the base two-phase commit protocol with presumed abort.
//
// Client: every request is kept, and resent every Timeout, until its
// outcome arrives; the outcome is output once, and the request forgotten.
//
// Coordinator, vote requests: every request that arrives (a resent one
// again) is broadcast to the participants as a request for their vote.
//
// Participant: votes no on a payload its deterministic rule refuses
// (Refuses), logging nothing; otherwise logs that it is prepared and, once
// that is durable, votes yes. A participant that already knows the outcome
// answers a repeated request by it: a no vote if it learned the abort, an
// acknowledgement if it committed. It makes a commit durable before it
// acknowledges it, and an abort of a transaction it voted yes on durable
// (for presumed abort it does not acknowledge it). Each outcome it makes
// durable is output on decisions, once, and after a restart once more for
// every outcome it recovers: a crash after the log's sync and before the
// output left would otherwise lose it for good (at least once, the same
// outcome every time). Every vote it sends is output on votesCast. A
// transaction it voted yes on and
// heard nothing of for two DoubtRound rounds is in doubt: it asks the
// coordinator, every round until it hears.
//
// Coordinator, commit: merges the votes and inquiries of each undecided
// transaction into a tally. All participants voted yes: commit. A no vote:
// abort. Two VoteRound rounds since the tally started, or an inquiry,
// without all the yes votes: abort, logged as a fence. A decision is made
// once per transaction, logged (commits and fences) and synced in the next
// tick, and only then broadcast and, if it is an abort, answered to the
// client. A vote or inquiry about a transaction already in the log is
// answered by the logged outcome, to its sender (and one about a
// transaction a no vote aborted, which is remembered until a restart, by
// the abort): a restarted coordinator
// re-drives its decisions from its durable log, and a transaction it has
// no record of is presumed aborted — it can commit only if every
// participant still votes yes, which none that learned an abort does.
//
// Coordinator, end: merges the acknowledgements of each transaction; once
// every participant acknowledged, it logs the end record and, once that is
// durable, answers the client that the transaction committed, again on
// every later acknowledgement (a retry).
//
//hydro:flow
func TwoPC(f *hydro.Flow, requests hydro.Input[Request], outcomes hydro.Output[Outcome], votesCast hydro.Output[Vote], decisions hydro.Output[Decision]) {
	client, coordinator, participants := f.Process("client"), f.Process("coordinator"), f.Cluster("participant")

	// Client: send, resend until answered, output each outcome once.
	asked := hydro.Source(client, requests)
	waiting, wait := hydro.Cycle[Request](client)
	resent := hydro.CrossJoin(waiting, hydro.Timer(client, Timeout), again, hydro.Tick, hydro.Tick)
	answers, answer := hydro.Cycle[Outcome](client)
	pending := hydro.Union(asked, waiting)
	hydro.Sink(hydro.Unique(hydro.Join(answers, pending, learned, hydro.Tick, hydro.Tick), hydro.Tick), outcomes)
	wait(hydro.DeferTickLazy(hydro.AntiJoin(pending, answers, hydro.Tick)))
	arrived := hydro.Send(hydro.Union(asked, resent), coordinator)

	// Coordinator: ask every participant to vote.
	prepares := hydro.Broadcast(arrived, participants)

	// Participant: vote, log, acknowledge, output what is durable.
	self := hydro.SelfID(participants)
	told, tell := hydro.Cycle[Outcome](participants)
	refused := hydro.FilterMap(hydro.CrossJoin(prepares, self, refusal, hydro.Tick, hydro.Static), refusedVote)
	willing := hydro.AntiJoin(prepares, refused, hydro.Tick)
	commitsTold := hydro.Map(hydro.Filter(told, committedOutcome), txnOf)
	aborting, abort := hydro.Cycle[Record](participants)
	records := hydro.MergeKeyed(hydro.Union(hydro.Map(willing, prepared), hydro.Map(commitsTold, committed), aborting), hydro.Durable)
	abort(hydro.DeferTick(hydro.FilterMap(hydro.Join(hydro.Filter(told, abortedOutcome), records, recordOf, hydro.Tick, hydro.Tick), abortPrepared)))
	standing := hydro.CrossJoin(hydro.Join(hydro.Union(hydro.Map(willing, requestTxn), commitsTold), records, txnRecord, hydro.Tick, hydro.Tick), self, stand, hydro.Tick, hydro.Static)
	votes := hydro.Union(refused, hydro.FilterMap(standing, voteOf))
	acks := hydro.FilterMap(standing, ackOf)
	hydro.Sink(votes, votesCast)
	known := hydro.Unique(hydro.FilterMap(records, final), hydro.Static)
	hydro.Sink(hydro.CrossJoin(known, self, decidedBy, hydro.Tick, hydro.Static), decisions)

	// Participant: ask about what stays in doubt.
	doubt, carryDoubt := hydro.Cycle[Doubt](participants)
	fresh := hydro.Map(hydro.Unique(hydro.FilterMap(records, preparedOnly), hydro.Static), newDoubt)
	doubted := hydro.MergeKeyed(hydro.Union(fresh, doubt, hydro.CrossJoin(doubt, hydro.Timer(participants, DoubtRound), longer, hydro.Tick, hydro.Tick)), hydro.Tick)
	undecided := hydro.AntiJoin(doubted, known, hydro.Tick)
	carryDoubt(hydro.DeferTickLazy(undecided))
	inquiries := hydro.CrossJoin(hydro.Filter(undecided, inDoubt), self, inquiry, hydro.Tick, hydro.Static)

	// Coordinator: decide, log, then tell.
	n := hydro.ClusterSize(coordinator, participants)
	voted := hydro.Send(votes, coordinator)
	inquired := hydro.Send(inquiries, coordinator)
	later, deferDecisions := hydro.Cycle[Decided](coordinator)
	decisionLog := hydro.MergeKeyed(hydro.FilterMap(later, entryOf), hydro.Durable)
	decidedBefore := hydro.Unique(hydro.Map(decisionLog, entryTxn), hydro.Static)
	refusedBefore := hydro.Unique(hydro.FilterMap(later, refusedTxn), hydro.Static)
	open, carry := hydro.Cycle[Tally](coordinator)
	heard := hydro.Union(hydro.Map(voted, tallyVote), hydro.Map(inquired, tallyInquiry), open,
		hydro.CrossJoin(open, hydro.Timer(coordinator, VoteRound), aged, hydro.Tick, hydro.Tick))
	tallies := hydro.MergeKeyed(hydro.AntiJoin(heard, hydro.Union(decidedBefore, refusedBefore), hydro.Static), hydro.Tick)
	decided := hydro.FilterMap(hydro.CrossJoin(tallies, n, quorum, hydro.Tick, hydro.Static), decide)
	carry(hydro.DeferTickLazy(hydro.Map(hydro.AntiJoin(tallies, decided, hydro.Tick), keep)))
	deferDecisions(hydro.DeferTick(decided))
	redrive := hydro.Union(
		hydro.Join(voted, decisionLog, voteRedrive, hydro.Tick, hydro.Tick),
		hydro.Join(inquired, decisionLog, inquiryRedrive, hydro.Tick, hydro.Tick),
		hydro.Join(voted, refusedBefore, voteRefused, hydro.Tick, hydro.Static),
		hydro.Join(inquired, refusedBefore, inquiryRefused, hydro.Tick, hydro.Static))
	outcomesTold := hydro.Map(later, outcomeOf)
	broadcast := hydro.Broadcast(outcomesTold, participants)
	redriven := hydro.DemuxBy(redrive, participants, redriveTo)
	tell(hydro.Union(broadcast, hydro.Map(redriven, redriveOutcome)))
	aborts := hydro.Filter(hydro.Union(outcomesTold, hydro.Map(redrive, redriveOutcome)), abortedOutcome)

	// Coordinator: collect acknowledgements, log the end, answer.
	m := hydro.ClusterSize(coordinator, participants)
	acked := hydro.Send(acks, coordinator)
	over, overAfter := hydro.Cycle[Txn](coordinator)
	openAcks, carryAcks := hydro.Cycle[Acks](coordinator)
	ackSets := hydro.MergeKeyed(hydro.AntiJoin(hydro.Union(hydro.Map(acked, ackSet), openAcks), over, hydro.Static), hydro.Tick)
	complete := hydro.FilterMap(hydro.CrossJoin(ackSets, m, ackQuorum, hydro.Tick, hydro.Static), allAcked)
	carryAcks(hydro.DeferTickLazy(hydro.Map(hydro.AntiJoin(ackSets, complete, hydro.Tick), keepAcks)))
	ends := hydro.MergeKeyed(complete, hydro.Durable)
	overAfter(hydro.DeferTick(hydro.Unique(hydro.Map(ends, endTxn), hydro.Static)))
	commits := hydro.Unique(hydro.Join(acked, ends, ackCommitted, hydro.Tick, hydro.Tick), hydro.Tick)

	abortsAnswered := hydro.Send(aborts, client)
	commitsAnswered := hydro.Send(commits, client)
	answer(hydro.Union(abortsAnswered, commitsAnswered))
}

func again(r Request, _ time.Time) Request { return r }

func learned(o Outcome, _ Request) Outcome { return o }

// refusal pairs a request with the participant considering it.
func refusal(r Request, p hydro.MemberID) Vote {
	return Vote{ID: r.ID, Participant: p, Yes: !Refuses(p, r.Payload)}
}

func refusedVote(v Vote) (Vote, bool) {
	return Vote{ID: v.ID, Participant: v.Participant, Yes: v.Yes}, !v.Yes
}

func committedOutcome(o Outcome) bool { return o.Committed }

func abortedOutcome(o Outcome) bool { return !o.Committed }

func txnOf(o Outcome) Txn { return Txn{ID: o.ID} }

func requestTxn(r Request) Txn { return Txn{ID: r.ID} }

func prepared(r Request) Record { return Record{ID: r.ID, Phase: lattices.NewMax(Prepared)} }

func committed(t Txn) Record { return Record{ID: t.ID, Phase: lattices.NewMax(Committed)} }

func recordOf(_ Outcome, r Record) Record { return Record{ID: r.ID, Phase: r.Phase} }

func txnRecord(_ Txn, r Record) Record { return Record{ID: r.ID, Phase: r.Phase} }

func phase(r Record) uint8 {
	p, _ := r.Phase.Value()
	return p
}

// abortPrepared is the abort of a transaction the participant is prepared
// for; one it committed (which the protocol never aborts) or never voted
// yes on is left alone.
func abortPrepared(r Record) (Record, bool) {
	return Record{ID: r.ID, Phase: lattices.NewMax(Aborted)}, phase(r) == Prepared
}

func stand(r Record, p hydro.MemberID) Standing {
	return Standing{ID: r.ID, Participant: p, Phase: phase(r)}
}

func voteOf(s Standing) (Vote, bool) {
	return Vote{ID: s.ID, Participant: s.Participant, Yes: s.Phase == Prepared}, s.Phase != Committed
}

func ackOf(s Standing) (Ack, bool) {
	return Ack{ID: s.ID, Participant: s.Participant}, s.Phase == Committed
}

func final(r Record) (Outcome, bool) {
	p := phase(r)
	return Outcome{ID: r.ID, Committed: p == Committed}, p == Committed || p == Aborted
}

func decidedBy(o Outcome, p hydro.MemberID) Decision {
	return Decision{ID: o.ID, Participant: p, Committed: o.Committed}
}

func preparedOnly(r Record) (Txn, bool) { return Txn{ID: r.ID}, phase(r) == Prepared }

func newDoubt(t Txn) Doubt { return Doubt{ID: t.ID, Rounds: lattices.NewMax(0)} }

func rounds(m lattices.Max[int]) int {
	r, _ := m.Value()
	return r
}

func longer(d Doubt, _ time.Time) Doubt {
	return Doubt{ID: d.ID, Rounds: lattices.NewMax(rounds(d.Rounds) + 1)}
}

func inDoubt(d Doubt) bool { return rounds(d.Rounds) >= 2 }

func inquiry(d Doubt, p hydro.MemberID) Inquiry { return Inquiry{ID: d.ID, Participant: p} }

func entryTxn(e Entry) Txn { return Txn{ID: e.ID} }

func tallyVote(v Vote) Tally {
	if v.Yes {
		return Tally{ID: v.ID, Yes: lattices.NewSetUnion(v.Participant)}
	}
	return Tally{ID: v.ID, Refused: lattices.NewMax[uint8](1)}
}

func tallyInquiry(q Inquiry) Tally { return Tally{ID: q.ID, Asked: lattices.NewMax[uint8](1)} }

func aged(t Tally, _ time.Time) Tally {
	return Tally{ID: t.ID, Yes: t.Yes, Refused: t.Refused, Asked: t.Asked, Rounds: lattices.NewMax(rounds(t.Rounds) + 1)}
}

func quorum(t Tally, n int) Quorum { return Quorum{Tally: t, Needed: n} }

// decide is the coordinator's rule: commit once every participant voted
// yes and none no; abort on a no vote; abort with a fence on an inquiry or
// after two rounds of its timer.
func decide(q Quorum) (Decided, bool) {
	refused, _ := q.Refused.Value()
	inquired, _ := q.Asked.Value()
	switch {
	case refused > 0:
		return Decided{ID: q.ID}, true
	case q.Yes.Len() >= q.Needed:
		return Decided{ID: q.ID, Committed: true}, true
	case inquired > 0 || rounds(q.Rounds) >= 2:
		return Decided{ID: q.ID, Fence: true}, true
	}
	return Decided{ID: q.ID}, false
}

// keep copies a tally carried to the next tick: the merge's state, which
// the tally shares, is cleared at the end of this one.
func keep(t Tally) Tally {
	return Tally{ID: t.ID, Yes: t.Yes.Clone(), Refused: t.Refused, Asked: t.Asked, Rounds: t.Rounds}
}

func entryOf(d Decided) (Entry, bool) {
	switch {
	case d.Committed:
		return Entry{ID: d.ID, Outcome: lattices.NewMax(Commit)}, true
	case d.Fence:
		return Entry{ID: d.ID, Outcome: lattices.NewMax(Fenced)}, true
	}
	return Entry{ID: d.ID}, false
}

func entryCommitted(e Entry) bool {
	o, _ := e.Outcome.Value()
	return o == Commit
}

func voteRedrive(v Vote, e Entry) Redrive {
	return Redrive{ID: e.ID, To: v.Participant, Committed: entryCommitted(e)}
}

func inquiryRedrive(q Inquiry, e Entry) Redrive {
	return Redrive{ID: e.ID, To: q.Participant, Committed: entryCommitted(e)}
}

// refusedTxn is a transaction aborted by a no vote, which is not logged:
// the coordinator remembers it only until it restarts, to answer late
// votes and inquiries at once.
func refusedTxn(d Decided) (Txn, bool) { return Txn{ID: d.ID}, !d.Committed && !d.Fence }

func voteRefused(v Vote, t Txn) Redrive { return Redrive{ID: t.ID, To: v.Participant} }

func inquiryRefused(q Inquiry, t Txn) Redrive { return Redrive{ID: t.ID, To: q.Participant} }

func outcomeOf(d Decided) Outcome { return Outcome{ID: d.ID, Committed: d.Committed} }

func redriveTo(r Redrive) hydro.MemberID { return r.To }

func redriveOutcome(r Redrive) Outcome { return Outcome{ID: r.ID, Committed: r.Committed} }

func ackSet(a Ack) Acks { return Acks{ID: a.ID, By: lattices.NewSetUnion(a.Participant)} }

func ackQuorum(a Acks, n int) AckQuorum { return AckQuorum{Acks: a, Needed: n} }

func allAcked(q AckQuorum) (End, bool) {
	return End{ID: q.ID, Acked: lattices.NewMax(q.By.Len())}, q.By.Len() >= q.Needed
}

func endTxn(e End) Txn { return Txn{ID: e.ID} }

// keepAcks copies an ack set carried to the next tick.
func keepAcks(a Acks) Acks { return Acks{ID: a.ID, By: a.By.Clone()} }

func ackCommitted(a Ack, _ End) Outcome { return Outcome{ID: a.ID, Committed: true} }
