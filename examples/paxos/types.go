package paxos

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/hydrogo/hydro/hydro"
)

// Ballot is a proposer's ballot: a number and the proposer that chose it,
// ordered lexicographically, so that two proposers never share a ballot.
type Ballot struct {
	Num      uint32
	Proposer hydro.MemberID
}

// Compare orders ballots by number, then by proposer.
func (b Ballot) Compare(o Ballot) int {
	if c := cmp.Compare(b.Num, o.Num); c != 0 {
		return c
	}
	return cmp.Compare(b.Proposer, o.Proposer)
}

func (b Ballot) String() string { return fmt.Sprintf("(%d,%d)", b.Num, b.Proposer) }

func maxBallot(a, b Ballot) Ballot {
	if a.Compare(b) >= 0 {
		return a
	}
	return b
}

// Op is a key-value operation.
type Op uint8

// The operations of the replicated key-value store. A no-op fills a slot
// that a new leader found empty.
const (
	OpNoop Op = iota
	OpGet
	OpPut
)

// Request is what a user asks the client for: a get or a put of one key.
// Its ID, unique per request, names the answer.
type Request struct {
	ID    uint64 `hydro:"key,fd=Op+Key+Value"`
	Op    Op
	Key   string
	Value string
}

// Validate rejects a request that is neither a get nor a put.
func (r Request) Validate() error {
	if r.Op != OpGet && r.Op != OpPut {
		return fmt.Errorf("request %d: op %d is neither get (%d) nor put (%d)", r.ID, r.Op, OpGet, OpPut)
	}
	return nil
}

// Reply answers request ID: the value a get read (Found if the key was
// set), or the value a put wrote.
type Reply struct {
	ID    uint64 `hydro:"key"`
	Value string
	Found bool
}

// Command is a request as the client sends it into the protocol: numbered
// Seq within the client's incarnation Inc, with Low, the lowest sequence
// number the client still waits for (every lower one was answered), which
// lets replicas forget the answers they keep for resent commands.
type Command struct {
	ID    uint64 `hydro:"key"`
	Inc   uint64
	Seq   uint64
	Low   uint64
	Op    Op
	Key   string
	Value string
}

// P1a is phase 1a: a proposer asks the acceptors to promise its ballot.
type P1a struct {
	Ballot Ballot
}

// P1b is an acceptor's answer to a P1a: the ballot it answers (For), its
// highest ballot after the P1a (Max; a promise if it equals For, a
// rejection if higher), and its log: the checkpoint it knows and every
// value it accepted at or after that checkpoint. The log is a lattice, so
// that the parts of a P1b from an acceptor partitioned by slot merge into
// it (partitioning with sealing, docs/rewrites.md).
type P1b struct {
	For      Ballot
	Acceptor hydro.MemberID
	Max      Ballot
	Log      AcceptorLog
}

// Accepted is a value an acceptor accepted for a slot, with its ballot:
// a batch of commands (none for a no-op).
type Accepted struct {
	Slot   uint64
	Ballot Ballot
	Cmds   []Command
}

// P2a is phase 2a: the leader proposes the batch Cmds for Slot at Ballot.
// Checkpoint is the slot below which a majority of the replicas executed
// the log, so that the acceptor may forget it.
type P2a struct {
	Slot uint64
	// Pos is the slot's position in the ring of window positions, which
	// the P2b carries back: what the votes are tallied by.
	Pos        uint64
	Ballot     Ballot
	Cmds       []Command
	Checkpoint uint64
}

// P2b is an acceptor's answer to a P2a: accepted if Max, its highest
// ballot, equals Ballot; otherwise a rejection carrying the higher ballot.
// It does not carry the batch: the leader holds it.
type P2b struct {
	Slot uint64
	// Pos is the P2a's ring position of the slot.
	Pos      uint64
	Ballot   Ballot
	Acceptor hydro.MemberID
	Max      Ballot
	// Cmds is the batch the acceptor accepted (Max == Ballot), which the
	// tally sends the replicas once the slot is chosen; a rejection
	// carries none.
	Cmds []Command
}

// Heartbeat is the leader's periodic announcement of its ballot to every
// proposer, the leader included.
type Heartbeat struct {
	Ballot Ballot
}

// Commit is a chosen batch of commands: the replicas execute slots in
// order, and a slot's commands in their order. Ballot is the ballot it
// was chosen with, which tells the clients the leader.
type Commit struct {
	Slot   uint64
	Ballot Ballot
	Cmds   []Command
}

// Resend is a commit the leader sends again to one replica that reported
// a gap in its log.
type Resend struct {
	To     hydro.MemberID
	Commit Commit
}

// Transfer asks replica Donor to send its state to replica To, which
// reported an executed prefix below the checkpoint.
type Transfer struct {
	Donor, To hydro.MemberID
}

// Snapshot is a replica's state, sent to replica To in one message so
// that it arrives in one tick: its executed prefix Next, and its store and
// client sessions as they were after executing every slot below Next.
// Every part is a lattice, so the receiver merges it into its own state;
// one that arrives late changes nothing.
type Snapshot struct {
	To       hydro.MemberID
	Next     uint64
	KVs      []KV
	Sessions []Session
}

// Progress is a replica's periodic report to the proposers: it executed
// every slot below Next.
type Progress struct {
	Replica hydro.MemberID
	Next    uint64
}

// Executed is a slot a replica executed, logged on output executed.
type Executed struct {
	Replica hydro.MemberID
	Slot    uint64
	Cmds    []Command
}

// Answer is a replica's reply to the client, with the ballot of the
// commit that answered it: the client sends new commands to that
// ballot's proposer, the leader it knows.
type Answer struct {
	Reply  Reply
	Ballot Ballot
}

// Directed is a new command the client sends to the leader it knows.
type Directed struct {
	To  hydro.MemberID
	Cmd Command
}

// Promise is an acceptor's highest ballot, a lattice: the higher ballot
// wins. Its zero value, ballot (0, 0), is bottom: proposers start at
// number 1.
type Promise struct {
	Ballot Ballot
}

// Merge keeps the higher ballot.
func (p *Promise) Merge(o Promise) bool {
	if o.Ballot.Compare(p.Ballot) <= 0 {
		return false
	}
	p.Ballot = o.Ballot
	return true
}

// LessEq reports whether p's ballot is at most o's.
func (p *Promise) LessEq(o Promise) bool { return p.Ballot.Compare(o.Ballot) <= 0 }

// IsBot reports whether p is ballot (0, 0).
func (p *Promise) IsBot() bool { return p.Ballot == Ballot{} }

// Clone returns a copy of p.
func (p *Promise) Clone() Promise { return *p }

// AcceptorLog is an acceptor's log, a lattice: the highest checkpoint a
// proposer told it, and per slot at or after it the value accepted with
// the highest ballot; a value below the checkpoint is dropped. The leader
// proposes slot s only below its checkpoint + Window, and every P2a
// carries that checkpoint, so the log holds at most Window slots. A slot
// and ballot determine the command.
type AcceptorLog struct {
	Checkpoint uint64
	Slots      map[uint64]Accepted
}

// logOf is the log of a P2a's checkpoint cp and, if accepted, of the value
// it accepted.
func logOf(cp uint64, a Accepted, accepted bool) AcceptorLog {
	l := AcceptorLog{Checkpoint: cp}
	if accepted && a.Slot >= cp {
		l.Slots = map[uint64]Accepted{a.Slot: a}
	}
	return l
}

// Merge raises the checkpoint, dropping the values below it, and keeps
// for every slot the value of the higher ballot.
func (l *AcceptorLog) Merge(o AcceptorLog) bool {
	changed := false
	if o.Checkpoint > l.Checkpoint {
		// Every slot held is at or after the old checkpoint: drop those
		// below the new one, by slot or by value, whichever is fewer.
		if o.Checkpoint-l.Checkpoint > uint64(len(l.Slots)) {
			for s := range l.Slots {
				if s < o.Checkpoint {
					delete(l.Slots, s)
				}
			}
		} else {
			for s := l.Checkpoint; s < o.Checkpoint; s++ {
				delete(l.Slots, s)
			}
		}
		l.Checkpoint, changed = o.Checkpoint, true
	}
	for s, a := range o.Slots {
		if s < l.Checkpoint {
			continue
		}
		if have, ok := l.Slots[s]; ok && have.Ballot.Compare(a.Ballot) >= 0 {
			continue
		}
		if l.Slots == nil {
			l.Slots = map[uint64]Accepted{}
		}
		l.Slots[s], changed = a, true
	}
	return changed
}

// LessEq reports whether merging l into o changes nothing: l's checkpoint
// is at most o's, and o holds a ballot at least as high for every slot l
// holds at or after o's checkpoint.
func (l *AcceptorLog) LessEq(o AcceptorLog) bool {
	if l.Checkpoint > o.Checkpoint {
		return false
	}
	for s, a := range l.Slots {
		if s < o.Checkpoint {
			continue
		}
		if have, ok := o.Slots[s]; !ok || have.Ballot.Compare(a.Ballot) < 0 {
			return false
		}
	}
	return true
}

// IsBot reports whether l holds nothing.
func (l *AcceptorLog) IsBot() bool { return l.Checkpoint == 0 && len(l.Slots) == 0 }

// Clone returns a copy of l sharing no map with it (the values' commands
// are never changed, and are shared).
func (l *AcceptorLog) Clone() AcceptorLog {
	return AcceptorLog{Checkpoint: l.Checkpoint, Slots: maps.Clone(l.Slots)}
}

func lessRank(s1 uint64, b1 Ballot, s2 uint64, b2 Ballot) bool {
	return s1 < s2 || s1 == s2 && b1.Compare(b2) < 0
}

// Probe asks for one ring position of a log.
type Probe struct {
	Pos uint64 `hydro:"key"`
}

// Tally is, at a proposer, the phase-2b votes for one ring position.
type Tally struct {
	Pos uint64       `hydro:"key"`
	T   TallyLattice `hydro:"lattice"`
}

// TallyLattice is the acceptors that accepted a (slot, ballot), as a
// bitmask of acceptor IDs: a higher (slot, ballot) replaces a lower one,
// and votes for the same one are unioned.
type TallyLattice struct {
	Set    bool
	Slot   uint64
	Ballot Ballot
	Voters uint64
}

// Merge keeps the higher (slot, ballot) and unions the voters of equal ones.
func (t *TallyLattice) Merge(o TallyLattice) bool {
	switch {
	case !o.Set:
		return false
	case !t.Set || lessRank(t.Slot, t.Ballot, o.Slot, o.Ballot):
		*t = o
		return true
	case t.Slot == o.Slot && t.Ballot == o.Ballot && t.Voters|o.Voters != t.Voters:
		t.Voters |= o.Voters
		return true
	}
	return false
}

// LessEq is the order Merge joins in.
func (t *TallyLattice) LessEq(o TallyLattice) bool {
	switch {
	case !t.Set:
		return true
	case !o.Set:
		return false
	case t.Slot == o.Slot && t.Ballot == o.Ballot:
		return t.Voters&^o.Voters == 0
	}
	return lessRank(t.Slot, t.Ballot, o.Slot, o.Ballot)
}

// IsBot reports whether t holds nothing.
func (t *TallyLattice) IsBot() bool { return !t.Set }

// Clone returns a copy of t.
func (t *TallyLattice) Clone() TallyLattice { return *t }

// Fresh is, at a proposer, one tick's votes for one ring position, with
// the batch they accepted.
type Fresh struct {
	Pos uint64       `hydro:"key"`
	F   FreshLattice `hydro:"lattice"`
}

// FreshLattice is one tick's votes for a (slot, ballot) with its batch, as
// TallyLattice: a higher (slot, ballot) replaces a lower one, and votes
// for the same one are unioned (they carry the same batch: a leader
// proposes one value per slot at its ballot).
type FreshLattice struct {
	Set    bool
	Slot   uint64
	Ballot Ballot
	Voters uint64
	Cmds   []Command
}

// tally is t without its batch.
func (t *FreshLattice) tally() TallyLattice {
	return TallyLattice{Set: t.Set, Slot: t.Slot, Ballot: t.Ballot, Voters: t.Voters}
}

// Merge merges as TallyLattice does, the batch going with a higher
// (slot, ballot).
func (t *FreshLattice) Merge(o FreshLattice) bool {
	if o.Set && (!t.Set || lessRank(t.Slot, t.Ballot, o.Slot, o.Ballot)) {
		*t = o
		return true
	}
	tally := t.tally()
	if !tally.Merge(o.tally()) {
		return false
	}
	t.Voters = tally.Voters
	return true
}

// LessEq is TallyLattice's order.
func (t *FreshLattice) LessEq(o FreshLattice) bool {
	a, b := t.tally(), o.tally()
	return a.LessEq(b)
}

// IsBot reports whether t holds nothing.
func (t *FreshLattice) IsBot() bool { return !t.Set }

// Clone returns a copy of t (the batch is never changed, and is shared).
func (t *FreshLattice) Clone() FreshLattice { return *t }

// Votes is a vote for a slot at a ballot, by ring position, to probe the
// slot's tally with.
type Votes struct {
	Pos    uint64 `hydro:"key"`
	Slot   uint64
	Ballot Ballot
	Voters uint64
}

// Slotted is one position of a replica's log of commits.
type Slotted struct {
	Pos uint64        `hydro:"key"`
	C   CommitLattice `hydro:"lattice"`
}

// CommitLattice is a commit ordered by slot: a later slot replaces an
// earlier one at its ring position, which the replica executed before
// (the leader proposes slot s only once every replica executed s-Window).
type CommitLattice struct {
	Set bool
	Commit
}

// Merge keeps the commit of the later slot.
func (c *CommitLattice) Merge(o CommitLattice) bool {
	if !o.Set || c.Set && o.Slot <= c.Slot {
		return false
	}
	*c = o
	return true
}

// LessEq reports whether c is bottom or of a slot at most o's.
func (c *CommitLattice) LessEq(o CommitLattice) bool {
	return !c.Set || o.Set && c.Slot <= o.Slot
}

// IsBot reports whether c holds nothing.
func (c *CommitLattice) IsBot() bool { return !c.Set }

// Clone returns a copy of c.
func (c *CommitLattice) Clone() CommitLattice { return *c }

// KV is one key of a replica's store.
type KV struct {
	Key  string `hydro:"key"`
	Cell Cell   `hydro:"lattice"`
}

// Cell is a key's value, written by the put of slot Slot: the later slot
// wins.
type Cell struct {
	Set   bool
	Slot  uint64
	Value string
}

// Merge keeps the value of the later slot.
func (c *Cell) Merge(o Cell) bool {
	if !o.Set || c.Set && o.Slot <= c.Slot {
		return false
	}
	*c = o
	return true
}

// LessEq reports whether c is bottom or written no later than o.
func (c *Cell) LessEq(o Cell) bool { return !c.Set || o.Set && c.Slot <= o.Slot }

// IsBot reports whether c holds nothing.
func (c *Cell) IsBot() bool { return !c.Set }

// Clone returns a copy of c.
func (c *Cell) Clone() Cell { return *c }

// KeyProbe asks for one key of a replica's store.
type KeyProbe struct {
	Key string `hydro:"key"`
}

// Session is, at a replica, what it keeps of one client incarnation to
// execute each command at most once.
type Session struct {
	Inc uint64         `hydro:"key"`
	S   SessionLattice `hydro:"lattice"`
}

// SessionLattice is a client incarnation's low-water mark (every command
// below it was answered) and the answers of the commands executed at or
// above it, kept to answer a resent command again without executing it.
// Answers below the mark are forgotten: the client never resends them.
// The answers are sorted by sequence number, each at most once: a raised
// mark forgets a prefix, and a run's new answers, which mostly follow the
// ones held, are appended.
type SessionLattice struct {
	Low     uint64
	Answers []Answered
}

// Answered is the answer of a client's command Seq.
type Answered struct {
	Seq   uint64
	Reply Reply
}

// find returns the position of seq among answers sorted by sequence
// number, or where it would go, and whether it is there.
func find(answers []Answered, seq uint64) (int, bool) {
	i, j := 0, len(answers)
	if j == 0 || answers[0].Seq >= seq {
		// No answer below seq: a mark that forgets none, the first
		// answer of a run.
		j = 0
	}
	for i < j {
		h := int(uint(i+j) >> 1)
		if answers[h].Seq < seq {
			i = h + 1
		} else {
			j = h
		}
	}
	return i, i < len(answers) && answers[i].Seq == seq
}

// Answer returns the answer of seq, if s holds it.
func (s *SessionLattice) Answer(seq uint64) (Reply, bool) {
	if i, ok := find(s.Answers, seq); ok {
		return s.Answers[i].Reply, true
	}
	return Reply{}, false
}

// Merge raises the mark, unions the answers and forgets those below it.
// It writes only past the end of s's answers or into a copy of them, so a
// slice of them taken before (the answers a run reads) stays as it was.
func (s *SessionLattice) Merge(o SessionLattice) bool {
	changed := false
	if o.Low > s.Low {
		// Only a raised mark forgets answers: a prefix, which the slice
		// drops without copying the rest.
		i, _ := find(s.Answers, o.Low)
		s.Answers = s.Answers[i:]
		s.Low = o.Low
		changed = true
	}
	add, _ := find(o.Answers, s.Low)
	add0 := add
	if n := len(s.Answers); n == 0 || add < len(o.Answers) && o.Answers[add].Seq > s.Answers[n-1].Seq {
		// The new answers all follow those held: append them.
		s.Answers = append(s.Answers, o.Answers[add:]...)
		return changed || add < len(o.Answers)
	}
	// Interleaved: merge the two into a new slice, if o adds any.
	fresh := 0
	for _, a := range o.Answers[add:] {
		if _, ok := find(s.Answers, a.Seq); !ok {
			fresh++
		}
	}
	if fresh == 0 {
		return changed
	}
	merged := make([]Answered, 0, len(s.Answers)+fresh)
	i, j := 0, add0
	for i < len(s.Answers) || j < len(o.Answers) {
		switch {
		case j == len(o.Answers) || i < len(s.Answers) && s.Answers[i].Seq < o.Answers[j].Seq:
			merged = append(merged, s.Answers[i])
			i++
		case i == len(s.Answers) || o.Answers[j].Seq < s.Answers[i].Seq:
			merged = append(merged, o.Answers[j])
			j++
		default: // the same command: its answer is the one held
			merged = append(merged, s.Answers[i])
			i++
			j++
		}
	}
	s.Answers = merged
	return true
}

// LessEq reports whether merging s into o changes nothing.
func (s *SessionLattice) LessEq(o SessionLattice) bool {
	if s.Low > o.Low {
		return false
	}
	for _, a := range s.Answers {
		if _, ok := find(o.Answers, a.Seq); !ok && a.Seq >= o.Low {
			return false
		}
	}
	return true
}

// IsBot reports whether s holds nothing.
func (s *SessionLattice) IsBot() bool { return s.Low == 0 && len(s.Answers) == 0 }

// Clone returns a copy of s sharing nothing with it.
func (s *SessionLattice) Clone() SessionLattice {
	return SessionLattice{Low: s.Low, Answers: slices.Clone(s.Answers)}
}

// SessionProbe asks for one client incarnation's session.
type SessionProbe struct {
	Inc uint64 `hydro:"key"`
}

// Applied is a replica's durable executed prefix: every slot below Next.
type Applied struct {
	Key  uint8 `hydro:"key"`
	Next uint64
}
