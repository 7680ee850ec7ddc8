package paxos

import (
	"slices"
	"time"

	"github.com/hydrogo/hydro/hydro"
)

// Replica functions.

// arrived is a commit with the replica's executed prefix.
type arrived struct {
	Commit Commit
	Next   uint64
}

func arrival(c Commit, next uint64) arrived { return arrived{Commit: c, Next: next} }

func noApplied() uint64 { return 0 }

func takeApplied(acc *uint64, a Applied) { *acc = max(*acc, a.Next) }

func raiseApplied(acc *Applied, a Applied) { acc.Next = max(acc.Next, a.Next) }

func commitOne(Commit) int { return 1 }

func appliedOne(Applied) int { return 1 }

func timeOne(time.Time) int { return 1 }

func count() int { return 0 }

func add(n *int, k int) { *n += k }

func some(n int) bool { return n > 0 }

func startAt(_ int, next uint64) uint64 { return next }

func slotOf(c Commit) uint64 { return c.Slot + 1 }

func noSlot() uint64 { return 0 }

func highestSlot(acc *uint64, s uint64) { *acc = max(*acc, s) }

// span is the slots a replica looks up in its ring: From, its executed
// prefix, to To, one past the highest slot committed since it started.
type span struct {
	From, To uint64
}

func spanOf(from, to uint64) span { return span{From: from, To: to} }

func hitSlotted(_ Probe, s Slotted) Commit { return s.C.Commit }

func newCommits() []Commit { return nil }

func addCommit(acc *[]Commit, c Commit) { *acc = append(*acc, c) }

// Run is what a replica can execute this tick: the commits of the slots
// from Next on, without a gap.
type Run struct {
	Next uint64
	Cmds []Commit
}

func runOf(cs []Commit, next uint64) Run {
	slices.SortFunc(cs, func(a, b Commit) int {
		switch {
		case a.Slot < b.Slot:
			return -1
		case a.Slot > b.Slot:
			return 1
		}
		return 0
	})
	r := Run{Next: next}
	s := next
	for _, c := range cs {
		switch {
		case c.Slot < s:
		case c.Slot == s:
			r.Cmds = append(r.Cmds, c)
			s++
		}
	}
	return r
}

func runKeys(r Run, emit func(KeyProbe)) {
	for _, c := range r.Cmds {
		for _, cmd := range c.Cmds {
			if cmd.Op != OpNoop {
				emit(KeyProbe{Key: cmd.Key})
			}
		}
	}
}

func runSessions(r Run, emit func(SessionProbe)) {
	for _, c := range r.Cmds {
		for _, cmd := range c.Cmds {
			if cmd.Op != OpNoop {
				emit(SessionProbe{Inc: cmd.Inc})
			}
		}
	}
}

func hitKV(_ KeyProbe, kv KV) KV { return kv }

func hitSession(_ SessionProbe, s Session) Session { return s }

// The keys and sessions a run reads are collected in slices, each key
// once (a Unique precedes each fold); the run indexes them once it knows
// how many there are (stored).

func newKVs() []KV { return nil }

func addKV(acc *[]KV, kv KV) { *acc = append(*acc, kv) }

func newSessions() []Session { return nil }

func addSession(acc *[]Session, s Session) { *acc = append(*acc, s) }

// batch is a run with the state it reads, and the replica that runs it.
type batch struct {
	Run      Run
	KV       []KV
	Sessions []Session
	Replica  replica
}

// replica is a replica's ID and the number of replicas.
type replica struct {
	ID    hydro.MemberID
	Count int
}

func replicaOf(id hydro.MemberID, n int) replica { return replica{ID: id, Count: n} }

func withReplica(b batch, r replica) batch {
	b.Replica = r
	return b
}

// answers reports whether the replica answers the new commands of slot:
// one replica per slot, in turn, so that each command is answered once
// (a command answered again, from the session, is answered by every
// replica: its client resent it, and the replica that should have
// answered may be down).
func (r replica) answers(slot uint64) bool {
	return r.Count <= 1 || slot%uint64(r.Count) == uint64(r.ID)
}

func withKVs(r Run, kv []KV) batch { return batch{Run: r, KV: kv} }

func withSessions(b batch, s []Session) batch {
	b.Sessions = s
	return b
}

// Exec is what executing a run changed and answered. Its sessions are
// what the run changed of each session it touched: the raised mark and
// the new answers, not the answers the session held before, so that
// merging them into the durable sessions costs what the run did.
type Exec struct {
	Next     uint64
	Done     []Commit
	Puts     []KV
	Sessions []Session
	Replies  []Answer
}

// touched is a session as a run reads it: the session before the run
// (Old, shared with the durable sessions and never written) and what the
// run changed (New: its mark and the answers it added).
type touched struct {
	Inc      uint64
	Old, New SessionLattice
	// cmds is the run's commands of the incarnation: the most answers
	// the run can add to the session.
	cmds int
}

// answer looks up the answer of seq, from the run or from before it.
func (t *touched) answer(seq uint64) (Reply, bool) {
	if r, ok := t.New.Answer(seq); ok {
		return r, true
	}
	return t.Old.Answer(seq)
}

// add adds the answer of seq, which t holds no answer of, keeping the new
// answers sorted; they have room for the run's commands of the session.
func (t *touched) add(seq uint64, r Reply) {
	a := t.New.Answers
	if n := len(a); n == 0 || a[n-1].Seq < seq {
		t.New.Answers = append(a, Answered{Seq: seq, Reply: r})
		return
	}
	i, _ := find(a, seq)
	t.New.Answers = slices.Insert(a, i, Answered{Seq: seq, Reply: r})
}

// fewKeys is how many keys a firstSeen finds by a linear search before
// it builds a map.
const fewKeys = 8

// firstSeen numbers keys in the order they are first added: a run's
// sessions and the keys it writes, a handful in a small batch, so that
// finding one costs a few comparisons and no map until there are more
// than fewKeys.
type firstSeen[K comparable] struct {
	keys []K
	at   map[K]int
}

// find returns the number of k, if it was added.
func (f *firstSeen[K]) find(k K) (int, bool) {
	if f.at != nil {
		i, ok := f.at[k]
		return i, ok
	}
	for i, x := range f.keys {
		if x == k {
			return i, true
		}
	}
	return 0, false
}

// stored numbers n keys, each once, in order, from key(i) for i < n,
// with a map only if there are more than fewKeys, and made at its size.
func stored[K comparable](n int, key func(i int) K) firstSeen[K] {
	f := firstSeen[K]{keys: make([]K, n)}
	for i := range n {
		f.keys[i] = key(i)
	}
	if n > fewKeys {
		f.at = make(map[K]int, n)
		for i, k := range f.keys {
			f.at[k] = i
		}
	}
	return f
}

// add numbers k, which must not have been added, and returns its number.
func (f *firstSeen[K]) add(k K) int {
	i := len(f.keys)
	f.keys = append(f.keys, k)
	switch {
	case f.at != nil:
		f.at[k] = i
	case len(f.keys) > fewKeys:
		f.at = make(map[K]int, max(2*len(f.keys), cap(f.keys)))
		for j, x := range f.keys {
			f.at[x] = j
		}
	}
	return i
}

// execute runs a batch's commands in slot order against the store. A
// command of a client incarnation runs at most once: one below the
// client's low-water mark was answered before and is skipped; one already
// executed is answered again with its answer. The puts and the sessions
// come out in the order the run first wrote or touched them.
func execute(b batch) Exec {
	x := Exec{Next: b.Run.Next + uint64(len(b.Run.Cmds)), Done: b.Run.Cmds}
	// A first pass sizes what the run fills, so that no map or slice
	// grows command by command: the puts, the answers, and each session
	// touched with its commands.
	total := 0
	for _, c := range b.Run.Cmds {
		total += len(c.Cmds)
	}
	if total == 0 {
		return x
	}
	// At most one session per command, up to a bound: a run of many
	// commands of few clients sizes them by doubling instead.
	most := min(total, 64)
	r := runState{sessions: firstSeen[uint64]{keys: make([]uint64, 0, most)}, touched: make([]touched, 0, most),
		held: stored(len(b.Sessions), func(i int) uint64 { return b.Sessions[i].Inc })}
	cmds, puts := 0, 0
	for _, c := range b.Run.Cmds {
		for _, cmd := range c.Cmds {
			if cmd.Op == OpNoop {
				continue
			}
			cmds++
			if cmd.Op == OpPut {
				puts++
			}
			i, ok := r.sessions.find(cmd.Inc)
			if !ok {
				i = r.sessions.add(cmd.Inc)
				var old SessionLattice
				if j, ok := r.held.find(cmd.Inc); ok {
					old = b.Sessions[j].S
				}
				r.touched = append(r.touched, touched{Inc: cmd.Inc, Old: old, New: SessionLattice{Low: old.Low}})
			}
			r.touched[i].cmds++
		}
	}
	if cmds == 0 {
		return x
	}
	// The sessions' new answers share one array, each with room for its
	// commands.
	answers := make([]Answered, cmds)
	for i := range r.touched {
		t := &r.touched[i]
		t.New.Answers, answers = answers[:0:t.cmds], answers[t.cmds:]
	}
	x.Puts = make([]KV, 0, puts)
	r.store = stored(len(b.KV), func(i int) string { return b.KV[i].Key })
	r.written.keys = make([]string, 0, min(puts, fewKeys+1))
	x.Replies = make([]Answer, 0, cmds)
	for _, c := range b.Run.Cmds {
		for _, cmd := range c.Cmds {
			x.run(b, c, cmd, &r)
		}
	}
	x.Sessions = make([]Session, 0, len(r.touched))
	for i := range r.touched {
		t := &r.touched[i]
		s := t.New
		i, _ := find(s.Answers, s.Low)
		s.Answers = s.Answers[i:]
		if len(s.Answers) == 0 {
			s.Answers = nil
		}
		x.Sessions = append(x.Sessions, Session{Inc: t.Inc, S: s})
	}
	return x
}

// runState is what a run wrote so far: the sessions it touched (every
// session the run touches is among them, from its first pass) and the
// keys it put, numbered as the run's Puts; and the store's keys and the
// sessions it reads, numbered as the batch's KV and Sessions.
type runState struct {
	sessions firstSeen[uint64]
	touched  []touched
	written  firstSeen[string]
	store    firstSeen[string]
	held     firstSeen[uint64]
}

// run executes one command of commit c, with the run's writes so far in
// r and x.Puts.
func (x *Exec) run(b batch, c Commit, cmd Command, r *runState) {
	if cmd.Op == OpNoop {
		return
	}
	i, _ := r.sessions.find(cmd.Inc)
	t := &r.touched[i]
	// Raise the mark; the answers below it are forgotten once, after
	// the run (none is looked up: a command below the mark is skipped).
	t.New.Low = max(t.New.Low, cmd.Low)
	if cmd.Seq < t.New.Low {
		return
	}
	if a, ok := t.answer(cmd.Seq); ok {
		x.Replies = append(x.Replies, Answer{Reply: a, Ballot: c.Ballot})
		return
	}
	a := Reply{ID: cmd.ID}
	switch cmd.Op {
	case OpGet:
		var cell Cell
		if k, ok := r.written.find(cmd.Key); ok {
			cell = x.Puts[k].Cell
		} else if k, ok := r.store.find(cmd.Key); ok {
			cell = b.KV[k].Cell
		}
		a.Value, a.Found = cell.Value, cell.Set
	case OpPut:
		cell := Cell{Set: true, Slot: c.Slot, Value: cmd.Value}
		if k, ok := r.written.find(cmd.Key); ok {
			x.Puts[k].Cell = cell
		} else {
			r.written.add(cmd.Key)
			x.Puts = append(x.Puts, KV{Key: cmd.Key, Cell: cell})
		}
		a.Value, a.Found = cmd.Value, true
	}
	t.add(cmd.Seq, a)
	if b.Replica.answers(c.Slot) {
		x.Replies = append(x.Replies, Answer{Reply: a, Ballot: c.Ballot})
	}
}

func ran(x Exec) bool { return len(x.Done) > 0 }

func appliedOf(x Exec) Applied { return Applied{Next: x.Next} }

func emitPuts(x Exec, emit func(KV)) {
	for _, p := range x.Puts {
		emit(p)
	}
}

func emitSessions(x Exec, emit func(Session)) {
	for _, s := range x.Sessions {
		emit(s)
	}
}

func emitReplies(x Exec, emit func(Answer)) {
	for _, r := range x.Replies {
		emit(r)
	}
}

func emitDone(x Exec, emit func(Commit)) {
	for _, c := range x.Done {
		emit(c)
	}
}

func executedBy(c Commit, r hydro.MemberID) Executed {
	return Executed{Replica: r, Slot: c.Slot, Cmds: c.Cmds}
}

func progressOf(_ time.Time, r Run) Run { return r }

func reportOf(r Run, id hydro.MemberID) Progress {
	return Progress{Replica: id, Next: r.Next}
}

// State transfer.

func transferTo(t Transfer) hydro.MemberID { return t.To }

func pickKV(_ hydro.MemberID, kv KV) KV { return kv }

func newKVList() []KV { return nil }

func addKVItem(acc *[]KV, kv KV) { *acc = append(*acc, kv) }

func pickSession(_ hydro.MemberID, s Session) Session { return s }

func newSessionList() []Session { return nil }

func addSessionItem(acc *[]Session, s Session) { *acc = append(*acc, s) }

func snapshotOf(to hydro.MemberID, next uint64) Snapshot { return Snapshot{To: to, Next: next} }

func withSnapshotKVs(s Snapshot, kvs []KV) Snapshot {
	s.KVs = kvs
	return s
}

func withSnapshotSessions(s Snapshot, sessions []Session) Snapshot {
	s.Sessions = sessions
	return s
}

func snapshotTo(s Snapshot) hydro.MemberID { return s.To }

func snapshotApplied(s Snapshot) Applied { return Applied{Next: s.Next} }

func snapshotKVs(s Snapshot, emit func(KV)) {
	for _, kv := range s.KVs {
		emit(kv)
	}
}

func snapshotSessions(s Snapshot, emit func(Session)) {
	for _, x := range s.Sessions {
		emit(x)
	}
}

// Client functions.

func incarnation(t time.Time) uint64 { return uint64(t.UnixNano()) }

func earliest(acc *uint64, t uint64) { *acc = min(*acc, t) }

func number(r hydro.Indexed[Request], inc uint64) Command {
	return Command{ID: r.Value.ID, Inc: inc, Seq: uint64(r.Index) + 1,
		Op: r.Value.Op, Key: r.Value.Key, Value: r.Value.Value}
}

func noLow() uint64 { return ^uint64(0) }

func lowest(acc *uint64, c Command) { *acc = min(*acc, c.Seq) }

func again(c Command, _ time.Time) Command { return c }

func withLow(c Command, low uint64) Command {
	c.Low = min(low, c.Seq)
	return c
}

func replyOf(r Reply, _ Command) Reply { return r }

func answerReply(a Answer) Reply { return a.Reply }

func answerBallot(a Answer) Ballot { return a.Ballot }

func noLeader() Ballot { return Ballot{} }

func latestLeader(acc *Ballot, b Ballot) { *acc = maxBallot(*acc, b) }

// directed is a new command with the leader the client knows: ballot 0
// before any answer, when the command goes to every proposer.
type directed struct {
	Cmd    Command
	Leader Ballot
}

func directedOf(c Command, leader Ballot) directed { return directed{Cmd: c, Leader: leader} }

func toLeader(d directed) (Directed, bool) {
	return Directed{To: d.Leader.Proposer, Cmd: d.Cmd}, d.Leader.Num > 0
}

func toEveryone(d directed) (Command, bool) { return d.Cmd, d.Leader.Num == 0 }

func directedTo(d Directed) hydro.MemberID { return d.To }

func directedCmd(d Directed) Command { return d.Cmd }
