package twopc

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

// checker watches a simulated run of TwoPC through its outputs, as they are
// emitted, and records every violation of the protocol's invariants:
//
//   - every participant that decides a transaction decides the same, and
//     never both outcomes;
//   - nothing commits (at a participant or at the client) without a yes
//     vote from every participant, and a payload some participant refuses
//     never commits;
//   - the client learns an outcome at most once per transaction, and it is
//     the outcome the participants decide.
type checker struct {
	participants int
	sent         map[uint64]Request
	yes          map[uint64]map[hydro.MemberID]bool
	decided      map[uint64]map[hydro.MemberID]bool
	outcome      map[uint64]bool
	answered     map[uint64]int
	violations   []string
	// stats are the simulator's counts at the end of the run.
	stats sim.Stats
}

func newChecker(participants int) *checker {
	return &checker{participants: participants, sent: map[uint64]Request{}, yes: map[uint64]map[hydro.MemberID]bool{},
		decided: map[uint64]map[hydro.MemberID]bool{}, outcome: map[uint64]bool{}, answered: map[uint64]int{}}
}

func (c *checker) violate(format string, args ...any) {
	c.violations = append(c.violations, fmt.Sprintf(format, args...))
}

func (c *checker) vote(v Vote) {
	if v.Yes && Refuses(v.Participant, c.sent[v.ID].Payload) {
		c.violate("participant %d voted yes on %d, which it refuses", v.Participant, v.ID)
	}
	if !v.Yes {
		return
	}
	if c.yes[v.ID] == nil {
		c.yes[v.ID] = map[hydro.MemberID]bool{}
	}
	c.yes[v.ID][v.Participant] = true
}

// settle records that transaction id has outcome committed, as learned by
// who, and checks it against what is known of it.
func (c *checker) settle(id uint64, committed bool, who string) {
	if prev, ok := c.outcome[id]; ok && prev != committed {
		c.violate("transaction %d: %s learned committed=%v after committed=%v", id, who, committed, prev)
	}
	c.outcome[id] = committed
	if committed {
		if got := len(c.yes[id]); got < c.participants {
			c.violate("transaction %d committed (%s) after %d of %d yes votes", id, who, got, c.participants)
		}
		for p := range c.participants {
			if Refuses(hydro.MemberID(p), c.sent[id].Payload) {
				c.violate("transaction %d committed (%s), which participant %d refuses", id, who, p)
			}
		}
	}
}

func (c *checker) decide(d Decision) {
	if c.decided[d.ID] == nil {
		c.decided[d.ID] = map[hydro.MemberID]bool{}
	}
	if prev, ok := c.decided[d.ID][d.Participant]; ok && prev != d.Committed {
		c.violate("participant %d decided %d both ways", d.Participant, d.ID)
	}
	c.decided[d.ID][d.Participant] = d.Committed
	if !c.yes[d.ID][d.Participant] {
		c.violate("participant %d decided %d without voting yes", d.Participant, d.ID)
	}
	c.settle(d.ID, d.Committed, fmt.Sprintf("participant %d", d.Participant))
}

func (c *checker) learn(o Outcome) {
	c.answered[o.ID]++
	if n := c.answered[o.ID]; n > 1 {
		c.violate("transaction %d answered %d times", o.ID, n)
	}
	if _, ok := c.sent[o.ID]; !ok {
		c.violate("outcome %+v of a transaction never sent", o)
	}
	c.settle(o.ID, o.Committed, "client")
}

// settled reports whether every transaction was answered and every
// participant that voted yes on one has decided it.
func (c *checker) settled(n int) bool {
	if len(c.answered) < n {
		return false
	}
	for id, by := range c.yes {
		for p := range by {
			if _, ok := c.decided[id][p]; !ok {
				return false
			}
		}
	}
	return true
}

// decidedEverywhere reports whether every participant that does not refuse
// a transaction has decided it: where no message is lost and nothing
// times out, every such participant eventually votes yes and learns the
// outcome (one that hears of a transaction only after it aborted votes
// yes, and is answered the abort), so this is quiescence.
func (c *checker) decidedEverywhere() bool {
	for id, r := range c.sent {
		for p := range c.participants {
			if _, ok := c.decided[id][hydro.MemberID(p)]; !ok && !Refuses(hydro.MemberID(p), r.Payload) {
				return false
			}
		}
	}
	return true
}

// scenario is one simulated run.
type scenario struct {
	participants, requests int
	// refuse makes every refuse-th request refused by one participant.
	refuse    int
	generated bool
	// derived runs the generated nodes of ScalableTwoPC instead.
	derived bool
	// dead, if set, replaces the last participant by a node that never
	// answers, so that every transaction must time out.
	dead   bool
	faults sim.Faults
	// clockStep, if set, bounds how far the simulated clock moves per step.
	clockStep time.Duration
	// quiesce runs until every participant decided every transaction it
	// does not refuse, not only until every transaction is answered.
	quiesce    bool
	faultSteps int
	maxSteps   int
}

// deadNode is a participant that has failed for good: it receives and
// says nothing.
type deadNode struct{}

func (deadNode) Tick()                                   {}
func (deadNode) Pending() bool                           { return false }
func (deadNode) Deliver(uint16, []byte) error            { return nil }
func (deadNode) OnSend(func(hydro.Dest, uint16, []byte)) {}
func (deadNode) SetMember(hydro.MemberID)                {}
func (deadNode) SetNow(time.Time)                        {}
func (deadNode) NextTimer() (time.Time, bool)            { return time.Time{}, false }

// refusedByAny reports whether one of n participants refuses r.
func refusedByAny(r Request, n int) bool {
	for p := range n {
		if Refuses(hydro.MemberID(p), r.Payload) {
			return true
		}
	}
	return false
}

// payloadOf is request id's payload: every refuse-th request is refused by
// participant id mod participants.
func payloadOf(id uint64, participants, refuse int) string {
	if refuse > 0 && id%uint64(refuse) == 0 {
		return fmt.Sprintf("txn-%d refuse=%d", id, id%uint64(participants))
	}
	return fmt.Sprintf("txn-%d", id)
}

// partitions is the number of partitions scalable.hydroplan splits every
// vote requester, committer, ender and participant into.
const partitions = 5

// locations are the locations of TwoPC's generated nodes, or of
// ScalableTwoPC's, whose partitioned locations have partitions members
// per base member.
func locations(sc scenario) []sim.Location {
	locs := []sim.Location{{Name: "client", Members: 1}, {Name: "coordinator", Members: 1}, {Name: "participant", Members: sc.participants}}
	if sc.derived {
		locs[2].Members *= partitions
		locs = append(locs, sim.Location{Name: "voterequester", Members: partitions}, sim.Location{Name: "committer", Members: partitions},
			sim.Location{Name: "ender", Members: partitions})
	}
	return locs
}

// simulate runs sc with seed and returns the checker and whether the run
// settled. Requests arrive in waves, so that transactions overlap. A
// client that crashes loses what it had not been answered; the driver then
// pushes those requests again, as a user would retry.
func simulate(t *testing.T, seed uint64, sc scenario) (*checker, bool) {
	t.Helper()
	c := newChecker(sc.participants)
	in := hydro.NewInput[Request]("requests")
	outcomes := hydro.NewOutputFunc("outcomes", c.learn)
	votes := hydro.NewOutputFunc("votesCast", c.vote)
	decisions := hydro.NewOutputFunc("decisions", c.decide)
	clientCrashed := false
	cfg := sim.Config{Seed: seed, Faults: sc.faults, MaxClockStep: sc.clockStep, Trace: func(e sim.Event) {
		if (e.Kind == sim.Crash || e.Kind == sim.CrashBeforeSync) && e.Location == "client" {
			clientCrashed = true
		}
	}}
	if sc.faultSteps > 0 {
		cfg.Schedule = []sim.Phase{{From: sc.faultSteps}}
	}
	var s *sim.Sim
	var err error
	if sc.generated || sc.derived || sc.dead {
		s, err = sim.NewNodes(locations(sc), func(location string, member int) (hydro.NetNode, error) {
			if sc.dead && location == "participant" && member == sc.participants-1 {
				return deadNode{}, nil
			}
			if sc.derived {
				return scalableNode(location, in, outcomes, votes, decisions), nil
			}
			switch location {
			case "client":
				return NewTwoPCClient(in, outcomes, votes, decisions), nil
			case "coordinator":
				return NewTwoPCCoordinator(in, outcomes, votes, decisions), nil
			}
			return NewTwoPCParticipant(in, outcomes, votes, decisions), nil
		}, cfg)
	} else {
		f := hydro.NewFlow("TwoPC")
		TwoPC(f, in, outcomes, votes, decisions)
		cfg.Members = map[string]int{"participant": sc.participants}
		s, err = sim.New(f, cfg)
	}
	require.NoError(t, err)

	next := 0
	push := func(n int) {
		for ; n > 0 && next < sc.requests; n-- {
			next++
			r := Request{ID: uint64(next), Payload: payloadOf(uint64(next), sc.participants, sc.refuse)}
			c.sent[r.ID] = r
			in.Push(r)
		}
	}
	wave := max(1, sc.requests/4)
	steps := 0
	done := func() bool {
		steps++
		if steps%200 == 1 {
			push(wave)
		}
		if clientCrashed {
			clientCrashed = false
			for id := uint64(1); id <= uint64(next); id++ {
				if c.answered[id] == 0 {
					in.Push(c.sent[id])
				}
			}
		}
		return next == sc.requests && c.settled(sc.requests) && (!sc.quiesce || c.decidedEverywhere())
	}
	err = s.RunUntil(done, sc.maxSteps)
	c.stats = s.Stats()
	return c, err == nil
}

// faulty loses, repeats and delays messages and crashes nodes — half of
// the crashes of the durable coordinator and participants between a log
// write and its sync — heavily enough that many transactions time out
// before the schedule stops the faults at faultSteps.
var faulty = sim.Faults{Drop: 0.3, Duplicate: 0.3, Crash: 0.004}

const faultSteps = 3_000

// modes are the two ways TwoPC runs: interpreted and generated.
var modes = []bool{false, true}

func TestTwoPCCommitsWithoutFaults(t *testing.T) {
	for _, generated := range modes {
		t.Run(fmt.Sprintf("generated=%v", generated), func(t *testing.T) {
			simtest.Seeds(t, simtest.Count(40, 10_000), func(t *testing.T, seed uint64) {
				// The clock moves slowly enough that no vote takes a VoteRound.
				c, ok := simulate(t, seed, scenario{participants: 3, requests: 16, refuse: 5, generated: generated,
					clockStep: 50 * time.Microsecond, maxSteps: 60_000})
				assert.Empty(t, c.violations)
				require.True(t, ok, "every transaction settled: %d of 16 answered", len(c.answered))
				for id, r := range c.sent {
					refused := refusedByAny(r, 3)
					assert.Equal(t, !refused, c.outcome[id], "transaction %d (%q): without faults it commits unless refused", id, r.Payload)
					if !refused {
						assert.Len(t, c.decided[id], 3, "transaction %d committed at every participant", id)
					}
				}
			})
		})
	}
}

func TestTwoPCUnderFaults(t *testing.T) {
	for _, generated := range modes {
		t.Run(fmt.Sprintf("generated=%v", generated), func(t *testing.T) {
			beforeSync, timedOut := 0, 0
			simtest.Seeds(t, simtest.Count(40, 10_000), func(t *testing.T, seed uint64) {
				c, ok := simulate(t, seed, scenario{participants: 3, requests: 16, refuse: 5, generated: generated,
					faults: faulty, faultSteps: faultSteps, maxSteps: 150_000})
				assert.Empty(t, c.violations)
				require.True(t, ok, "every transaction settled once faults stop: %d of 16 answered", len(c.answered))
				for id, committed := range c.outcome {
					if committed {
						assert.Len(t, c.decided[id], 3, "transaction %d committed at every participant", id)
					} else if !refusedByAny(c.sent[id], 3) {
						timedOut++
					}
				}
				beforeSync += c.stats.CrashesBeforeSync
			})
			// The faults must reach the paths they are there for.
			assert.Positive(t, beforeSync, "crashes between a log write and its sync")
			assert.Positive(t, timedOut, "transactions aborted by the coordinator without a no vote")
		})
	}
}

// TestTwoPCTimesOutADeadParticipant runs a participant that never answers:
// every transaction must abort by the coordinator's timeout, and the live
// participants, which voted yes, must learn the abort.
func TestTwoPCTimesOutADeadParticipant(t *testing.T) {
	simtest.Seeds(t, simtest.Count(20, 10_000), func(t *testing.T, seed uint64) {
		c, ok := simulate(t, seed, scenario{participants: 3, requests: 6, dead: true,
			faults: sim.Faults{Duplicate: 0.2}, maxSteps: 100_000})
		assert.Empty(t, c.violations)
		require.True(t, ok, "every transaction settled: %d of 6 answered", len(c.answered))
		for id := range c.sent {
			assert.False(t, c.outcome[id], "transaction %d aborts", id)
			assert.Len(t, c.decided[id], 2, "both live participants decided %d", id)
		}
	})
}

// TestTwoPCCheckerCatchesViolations makes sure the invariants can fail.
func TestTwoPCCheckerCatchesViolations(t *testing.T) {
	c := newChecker(3)
	c.sent[1] = Request{ID: 1, Payload: "a"}
	c.sent[2] = Request{ID: 2, Payload: "b refuse=2"}
	c.vote(Vote{ID: 1, Participant: 0, Yes: true})
	c.vote(Vote{ID: 1, Participant: 1, Yes: true})
	c.decide(Decision{ID: 1, Participant: 0, Committed: true})
	c.learn(Outcome{ID: 1, Committed: false})
	c.learn(Outcome{ID: 1, Committed: false})
	c.vote(Vote{ID: 2, Participant: 2, Yes: true})
	c.decide(Decision{ID: 2, Participant: 1, Committed: false})
	assert.Equal(t, []string{
		"transaction 1 committed (participant 0) after 2 of 3 yes votes",
		"transaction 1: client learned committed=false after committed=true",
		"transaction 1 answered 2 times",
		"participant 2 voted yes on 2, which it refuses",
		"participant 1 decided 2 without voting yes",
	}, c.violations)
}

// outputs are a run's client-visible outputs at quiescence: the outcome of
// every transaction and every participant's decisions.
func outputs(c *checker) (outcomes, decisions []string) {
	for _, id := range slices.Sorted(maps.Keys(c.outcome)) {
		outcomes = append(outcomes, fmt.Sprintf("%d=%v", id, c.outcome[id]))
	}
	for id, by := range c.decided {
		for p, v := range by {
			decisions = append(decisions, fmt.Sprintf("%d/%d=%v", id, p, v))
		}
	}
	slices.Sort(decisions)
	return outcomes, decisions
}
