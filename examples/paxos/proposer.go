package paxos

import (
	"hash/fnv"
	"slices"
	"time"

	"github.com/hydrogo/hydro/hydro"
)

// EventKind says which field of an Event is set.
type EventKind uint8

// The events a proposer reacts to within a tick.
const (
	EvCommand EventKind = iota
	EvP1b
	EvRejected
	EvHeartbeat
	EvCommit
	EvProgress
	EvTimer
)

// Event is one thing a proposer learned this tick.
type Event struct {
	Kind     EventKind
	Cmd      Command
	P1b      P1b
	Ballot   Ballot
	Commit   Commit
	Progress Progress
}

// Inbox is everything a proposer learned in one tick: its state machine
// takes one Inbox per tick, so that the order in which the tick's messages
// arrived does not matter.
type Inbox struct {
	Cmds     []Command
	P1bs     []P1b
	Rejected []Ballot
	Beats    []Ballot
	Commits  []Commit
	Progress []Progress
	Timer    bool
	Config   Config
}

// Config is what a proposer knows of the deployment.
type Config struct {
	Self      hydro.MemberID
	Acceptors int
	Replicas  int
	Window    uint64
	// Batch is the most commands the leader proposes in one slot (the
	// flow's batch parameter, DefaultBatch when 0).
	Batch int
}

func newInbox() Inbox { return Inbox{} }

func collect(in *Inbox, e Event) {
	switch e.Kind {
	case EvCommand:
		in.Cmds = append(in.Cmds, e.Cmd)
	case EvP1b:
		in.P1bs = append(in.P1bs, e.P1b)
	case EvRejected:
		in.Rejected = append(in.Rejected, e.Ballot)
	case EvHeartbeat:
		in.Beats = append(in.Beats, e.Ballot)
	case EvCommit:
		in.Commits = append(in.Commits, e.Commit)
	case EvProgress:
		in.Progress = append(in.Progress, e.Progress)
	case EvTimer:
		in.Timer = true
	}
}

func commandEvent(c Command) Event   { return Event{Kind: EvCommand, Cmd: c} }
func p1bEvent(p P1b) Event           { return Event{Kind: EvP1b, P1b: p} }
func beatEvent(h Heartbeat) Event    { return Event{Kind: EvHeartbeat, Ballot: h.Ballot} }
func commitEvent(c Commit) Event     { return Event{Kind: EvCommit, Commit: c} }
func progressEvent(p Progress) Event { return Event{Kind: EvProgress, Progress: p} }
func timerEvent(time.Time) Event     { return Event{Kind: EvTimer} }

// Used is the highest ballot a proposer started, kept durable.
type Used struct {
	Key    uint8 `hydro:"key"`
	Ballot Ballot
}

func usedOf(m P1a) Used { return Used{Ballot: m.Ballot} }

func raiseUsed(acc *Used, u Used) { acc.Ballot = maxBallot(acc.Ballot, u.Ballot) }

// usedEvent makes the proposer's own highest ballot a ballot it has seen.
func usedEvent(u Used) Event { return Event{Kind: EvRejected, Ballot: u.Ballot} }

// rejecting is a vote for a ballot higher than the P2a's: the acceptor
// promised another proposer since.
func rejecting(p P2b) bool { return p.Max.Compare(p.Ballot) > 0 }

func rejectedEvent(p P2b) Event { return Event{Kind: EvRejected, Ballot: p.Max} }

// Proposal is a value the leader proposed for a slot, kept until the
// replicas executed the slot, to propose again what is not yet chosen and
// to send again what was chosen to a replica that missed it.
type Proposal struct {
	Set       bool
	Slot      uint64
	Ballot    Ballot
	Cmds      []Command
	Committed bool
	// Sent is the leader's heartbeat period (Core.Periods) in which the
	// slot's P2a was last sent.
	Sent uint64
}

// Core is a proposer's state: its ballot, the election, and as leader the
// slots in flight. Step advances it by one tick's Inbox and leaves the
// tick's messages in its output fields.
type Core struct {
	Config Config
	// Ballot is the proposer's ballot, zero before its first election;
	// Seen the highest ballot it has seen anywhere.
	Ballot, Seen Ballot
	// Leader: phase 1 of Ballot completed and no higher ballot seen.
	Leader bool
	// Promised are the acceptors that promised Ballot; Learned the value
	// of the highest ballot each slot at or after Floor was accepted with,
	// by those acceptors.
	Promised map[hydro.MemberID]bool
	Learned  map[uint64]Accepted
	Floor    uint64
	// Missed counts heartbeat periods without a heartbeat of the highest
	// ballot; at Threshold the proposer starts an election. Elections
	// counts them, and varies the threshold.
	Missed, Threshold int
	Elections         uint64
	// Periods counts the heartbeat periods the proposer has seen; a slot
	// not chosen one whole period after its P2a was sent is proposed
	// again.
	Periods uint64
	// Next is the next slot to assign; Checkpoint the slot below which a
	// majority of the replicas executed the log; Reported each replica's
	// last report. Behind are the replicas that reported, since the last
	// heartbeat period, a prefix below the checkpoint whose next slot is
	// gone from the leader's ring (and the acceptors' logs), so another
	// replica sends them its state (Transfers). Donors counts the
	// transfers, to vary the donor.
	Next, Checkpoint uint64
	Reported         map[hydro.MemberID]uint64
	Behind           map[hydro.MemberID]bool
	Donors           uint64
	// Ring holds the proposal of slot s at s mod Window.
	Ring []Proposal
	// Chosen is the lowest slot the leader has not seen committed; the
	// slots from Chosen to Next are in flight. Queue holds the commands
	// that wait for one of at most inFlight slots in flight.
	Chosen uint64
	Queue  []Command

	// The tick's messages.
	P1as      []P1a
	P2as      []P2a
	Beats     []Heartbeat
	Resends   []Resend
	Transfers []Transfer
}

// The proposer's timing, in heartbeat periods.
const (
	// HeartbeatPeriod is how often the leader announces its ballot, and
	// how often every proposer counts a missed heartbeat.
	HeartbeatPeriod = 50 * time.Millisecond
	// electionMin is the fewest missed heartbeats that start an
	// election; each election draws its threshold from
	// [electionMin, 2*electionMin) by the proposer's ID and the count of
	// its elections, so that duelling proposers drift apart.
	electionMin = 4
	// resendBatch is the fewest chosen slots the leader sends again to
	// a replica whose prefix stopped advancing (as many as can be in
	// flight when that is more).
	resendBatch = 64
	// minInFlight is the fewest slots the leader keeps in flight
	// (proposed, not yet seen chosen; see inFlight); maxQueued the most
	// commands that wait for a slot.
	minInFlight = 4
	maxQueued   = 8 * DefaultBatch
	// inFlightCmds is the most commands the slots in flight hold when
	// their batches are full.
	inFlightCmds = minInFlight * DefaultBatch
)

// inFlight is the most slots the leader keeps in flight: at least
// minInFlight, as many as hold 4 default batches of commands
// (inFlightCmds/Batch), and at most the window. With the default batch
// of 1,024 that is 4: under load, the commands that arrive while slots
// are being chosen make larger batches rather than more slots. With a
// batch of 1 (each command its own slot) it is the window, up to 4,096.
func inFlight(c Config) uint64 {
	return min(c.Window, uint64(max(minInFlight, inFlightCmds/max(c.Batch, 1))))
}

func newCore() Core { return Core{} }

func quorum(n int) int { return n/2 + 1 }

func threshold(self hydro.MemberID, elections uint64) int {
	h := fnv.New64a()
	var b [12]byte
	for i := range 8 {
		b[i] = byte(elections >> (8 * i))
	}
	for i := range 4 {
		b[8+i] = byte(uint32(self) >> (8 * i))
	}
	h.Write(b[:])
	return electionMin + int(h.Sum64()%electionMin)
}

// step advances the proposer by one tick.
func step(c *Core, in Inbox) {
	c.P1as, c.P2as, c.Beats, c.Resends, c.Transfers = c.P1as[:0], c.P2as[:0], c.Beats[:0], c.Resends[:0], c.Transfers[:0]
	if c.Ring == nil {
		c.Config = in.Config
		if c.Config.Batch <= 0 {
			c.Config.Batch = DefaultBatch
		}
		c.Ring = make([]Proposal, in.Config.Window)
		c.Promised = map[hydro.MemberID]bool{}
		c.Learned = map[uint64]Accepted{}
		c.Reported = map[hydro.MemberID]uint64{}
		c.Behind = map[hydro.MemberID]bool{}
		c.Threshold = threshold(in.Config.Self, 0)
	}
	w := c.Config.Window

	// Every higher ballot preempts.
	for _, b := range in.Rejected {
		c.Seen = maxBallot(c.Seen, b)
	}
	for _, p := range in.P1bs {
		c.Seen = maxBallot(c.Seen, p.Max)
	}
	beat := false
	for _, b := range in.Beats {
		c.Seen = maxBallot(c.Seen, b)
		if b.Compare(c.Seen) >= 0 {
			beat = true
		}
	}
	if c.Seen.Compare(c.Ballot) > 0 {
		c.Leader = false
		clear(c.Promised)
		c.Queue = c.Queue[:0] // their clients resend them
	}

	// What the replicas executed.
	for _, p := range in.Progress {
		last, seen := c.Reported[p.Replica]
		if p.Next > last || !seen {
			c.Reported[p.Replica] = p.Next
		}
		// A replica behind the checkpoint whose next slot the ring no
		// longer holds cannot catch up by resent commits.
		if r := c.Ring[p.Next%w]; c.Leader && p.Next < c.Checkpoint && (!r.Set || r.Slot != p.Next) {
			c.Behind[p.Replica] = true
		}
		// A prefix that did not advance in a whole period below what
		// the leader has committed: a commit lost on its way, in a
		// hole or at the tail. A hole alone is most likely a commit
		// still on its way (with the batch of 1 hundreds of slots are
		// in flight, and commits from several p2b proxies overtake
		// each other), so it sends nothing.
		if c.Leader && seen && p.Next == last {
			// As many as can be in flight, at least resendBatch: with
			// the batch of 1 the commits a loss took are many slots.
			n := max(resendBatch, inFlight(c.Config))
			for s := p.Next; s < p.Next+n && s < c.Next; s++ {
				if r := c.Ring[s%w]; r.Set && r.Slot == s && r.Committed {
					c.Resends = append(c.Resends, Resend{To: p.Replica, Commit: Commit{Slot: s, Ballot: r.Ballot, Cmds: r.Cmds}})
				}
			}
		}
	}
	// The checkpoint is the prefix a majority of the replicas executed,
	// so that a replica that is down stops nothing: it catches up by a
	// transfer when it is back.
	if q := quorum(c.Config.Replicas); len(c.Reported) >= q {
		prefixes := make([]uint64, 0, len(c.Reported))
		for _, n := range c.Reported {
			prefixes = append(prefixes, n)
		}
		slices.Sort(prefixes)
		c.Checkpoint = max(c.Checkpoint, prefixes[len(prefixes)-q])
	}
	// A slot chosen: the tally sent it to the replicas with its batch;
	// the ring marks it committed, which stops its P2a being sent again,
	// lets the slots in flight advance, and lets the leader send it again
	// to a replica that reports a gap or a stalled prefix (Resends).
	for _, cm := range in.Commits {
		if r := &c.Ring[cm.Slot%w]; r.Set && r.Slot == cm.Slot && r.Ballot == cm.Ballot {
			r.Committed = true
		}
	}

	// Phase 1: promises for the proposer's ballot.
	if !c.Leader && c.Ballot == c.Seen && c.Ballot.Num > 0 {
		for _, p := range in.P1bs {
			if p.For != c.Ballot || p.Max != c.Ballot {
				continue
			}
			c.Promised[p.Acceptor] = true
			c.Floor = max(c.Floor, p.Log.Checkpoint)
			for _, a := range p.Log.Slots {
				if have, ok := c.Learned[a.Slot]; !ok || have.Ballot.Compare(a.Ballot) < 0 {
					c.Learned[a.Slot] = a
				}
			}
		}
		if len(c.Promised) >= quorum(c.Config.Acceptors) {
			c.lead()
		}
	}

	// Heartbeats and elections.
	if in.Timer {
		c.Periods++
		switch {
		case c.Leader:
			c.Missed = 0
			c.Beats = append(c.Beats, Heartbeat{Ballot: c.Ballot})
			c.transfer()
			// Propose again what is not chosen a whole period after its
			// P2a was sent (a P2a or its votes lost, or an acceptor that
			// was down): a slot sent in the period that just ended is
			// most likely on its way, and with the batch of 1 the
			// window's slots can all be in flight.
			for i := range c.Ring {
				if r := &c.Ring[i]; r.Set && !r.Committed && r.Slot >= c.Checkpoint && c.Periods-r.Sent >= 2 {
					r.Sent = c.Periods
					c.P2as = append(c.P2as, P2a{Slot: r.Slot, Ballot: c.Ballot, Cmds: r.Cmds, Checkpoint: c.Checkpoint})
				}
			}
		case beat:
			c.Missed = 0
		default:
			c.Missed++
			if c.Missed >= c.Threshold {
				c.elect()
			}
		}
	} else if beat && !c.Leader {
		c.Missed = 0
	}

	// The commands, as one batch per slot (at most Batch commands) in
	// the slots after the last one assigned, within the window and with at
	// most inFlight slots in flight: under load, the commands that
	// arrive while the slots in flight are being chosen wait and make the
	// next batch. Those beyond maxQueued are resent by their clients.
	if c.Leader {
		c.Chosen = max(c.Chosen, c.Checkpoint)
		for c.Chosen < c.Next {
			if r := c.Ring[c.Chosen%w]; !r.Set || r.Slot != c.Chosen || !r.Committed {
				break
			}
			c.Chosen++
		}
		c.Queue = append(c.Queue, in.Cmds[:min(len(in.Cmds), maxQueued-len(c.Queue))]...)
		for len(c.Queue) > 0 && c.Next < c.Checkpoint+w && c.Next-c.Chosen < inFlight(c.Config) {
			n := min(len(c.Queue), c.Config.Batch)
			c.propose(c.Next, slices.Clone(c.Queue[:n]))
			c.Next++
			c.Queue = append(c.Queue[:0], c.Queue[n:]...)
		}
	}
}

// transfer names, for every replica behind the checkpoint, a donor that
// executed at least the checkpoint, taking such replicas in turn.
func (c *Core) transfer() {
	for r := range hydro.MemberID(c.Config.Replicas) {
		if !c.Behind[r] {
			continue
		}
		var donors []hydro.MemberID
		for d := range hydro.MemberID(c.Config.Replicas) {
			if n, ok := c.Reported[d]; ok && d != r && n >= c.Checkpoint {
				donors = append(donors, d)
			}
		}
		if len(donors) > 0 {
			c.Transfers = append(c.Transfers, Transfer{Donor: donors[c.Donors%uint64(len(donors))], To: r})
			c.Donors++
		}
	}
	clear(c.Behind)
}

// elect starts phase 1 with a ballot above every ballot seen.
func (c *Core) elect() {
	c.Elections++
	c.Missed = 0
	c.Threshold = threshold(c.Config.Self, c.Elections)
	c.Ballot = Ballot{Num: c.Seen.Num + 1, Proposer: c.Config.Self}
	c.Seen = c.Ballot
	clear(c.Promised)
	clear(c.Learned)
	c.Floor = 0
	c.P1as = append(c.P1as, P1a{Ballot: c.Ballot})
}

// lead makes the proposer leader of its ballot: every slot from the
// checkpoint to the highest one a promising acceptor accepted is proposed
// again, with the value of the highest ballot it was accepted with, or a
// no-op where none was.
func (c *Core) lead() {
	c.Leader = true
	c.Missed = 0
	start := max(c.Floor, c.Checkpoint)
	end := start
	for s := range c.Learned {
		if s >= start && s+1 > end {
			end = s + 1
		}
	}
	// Nothing proposed under an earlier ballot may be proposed again
	// unless phase 1 learned it.
	clear(c.Ring)
	for s := start; s < end; s++ {
		var cmds []Command // a no-op
		if a, ok := c.Learned[s]; ok {
			cmds = a.Cmds
		}
		c.propose(s, cmds)
	}
	c.Next = end
	c.Chosen = start
	clear(c.Learned)
	c.Beats = append(c.Beats, Heartbeat{Ballot: c.Ballot})
}

func (c *Core) propose(slot uint64, cmds []Command) {
	c.Ring[slot%c.Config.Window] = Proposal{Set: true, Slot: slot, Ballot: c.Ballot, Cmds: cmds, Sent: c.Periods}
	c.P2as = append(c.P2as, P2a{Slot: slot, Ballot: c.Ballot, Cmds: cmds, Checkpoint: c.Checkpoint})
}

func emitP1as(c Core, emit func(P1a)) {
	for _, m := range c.P1as {
		emit(m)
	}
}

func emitP2as(c Core, emit func(P2a)) {
	for _, m := range c.P2as {
		m.Pos = m.Slot % ring(c.Config.Window)
		emit(m)
	}
}

func emitBeats(c Core, emit func(Heartbeat)) {
	for _, m := range c.Beats {
		emit(m)
	}
}

func emitResends(c Core, emit func(Resend)) {
	for _, m := range c.Resends {
		emit(m)
	}
}

func emitTransfers(c Core, emit func(Transfer)) {
	for _, m := range c.Transfers {
		emit(m)
	}
}

func donorOf(t Transfer) hydro.MemberID { return t.Donor }

func commitOf(r Resend) Commit         { return r.Commit }
func resendTo(r Resend) hydro.MemberID { return r.To }

func withConfig(in Inbox, c Config) Inbox {
	in.Config = c
	return in
}

func configOf(self hydro.MemberID, acceptors int) Config {
	return Config{Self: self, Acceptors: acceptors}
}

func withReplicas(c Config, replicas int) Config {
	c.Replicas = replicas
	return c
}

// Phase 2b at the proposer: votes are tallied per ring position; a slot is
// chosen when a majority of acceptors accepted it with one ballot.

func accepted(p P2b) (P2b, bool) { return p, p.Max == p.Ballot }

func toProposer(p P2b) hydro.MemberID { return p.Ballot.Proposer }

func voters(a hydro.MemberID) uint64 { return 1 << (uint32(a) % 64) }

// committedBy is the proposer whose ballot a commit is at: the one that
// proposed it, whose ring holds its batch.
func committedBy(c Commit) hydro.MemberID { return c.Ballot.Proposer }

// chosen is the tally a vote found for its slot and ballot.
type chosen struct {
	Commit    Commit
	Voters    uint64
	Acceptors int
}

func tallied(v Votes, t Tally) chosen {
	if t.T.Slot != v.Slot || t.T.Ballot != v.Ballot {
		return chosen{}
	}
	return chosen{Commit: Commit{Slot: t.T.Slot, Ballot: t.T.Ballot}, Voters: t.T.Voters}
}

func popcount(x uint64) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

func withAcceptors(c chosen, acceptors int) chosen {
	c.Acceptors = acceptors
	return c
}

// reached is a slot chosen: the vote found its tally at a majority. Every
// vote from the majority on commits the slot, which the state machine
// takes once; so the commits are monotone in the votes. They carry no
// batch: the tally sends the batch to the replicas (crossed).
func reached(c chosen) (Commit, bool) {
	return c.Commit, c.Voters != 0 && popcount(c.Voters) >= quorum(c.Acceptors)
}

// crossing is a ring position's tally after the tick's votes (Voters)
// and the voters of the tick's votes for its (slot, ballot) (Fresh), with
// their batch.
type crossing struct {
	Commit    Commit
	Voters    uint64
	Fresh     uint64
	Acceptors int
}

// crossingOf is the tally a position's votes of the tick found. Votes of
// the tick for a (slot, ballot) below the tally's are stale: they find no
// crossing.
func crossingOf(f Fresh, t Tally) crossing {
	if !f.F.Set || t.T.Slot != f.F.Slot || t.T.Ballot != f.F.Ballot {
		return crossing{}
	}
	return crossing{Commit: Commit{Slot: t.T.Slot, Ballot: t.T.Ballot, Cmds: f.F.Cmds}, Voters: t.T.Voters, Fresh: f.F.Voters}
}

func withQuorum(c crossing, acceptors int) crossing {
	c.Acceptors = acceptors
	return c
}

// crossed is a slot whose tally the tick's votes took across the
// majority: it is at a majority with them and was not without them. A
// tally that jumps past the majority in one tick crosses; an acceptor
// that votes again (its vote is fresh again) takes its own bit out of the
// tally before them, so a P2a sent again crosses again while the votes
// that answer it are what makes the majority; a vote in a later tick
// beyond the majority does not.
func crossed(c crossing) (Commit, bool) {
	q := quorum(c.Acceptors)
	return c.Commit, c.Voters != 0 && popcount(c.Voters) >= q && popcount(c.Voters&^c.Fresh) < q
}
