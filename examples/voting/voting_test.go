package voting

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

// checker watches a simulated run of Voting through its outputs, as they
// are emitted, and records every violation of the protocol's invariants:
// a request is answered only after every participant voted on it, at most
// once, with its own command.
type checker struct {
	participants int
	sent         map[uint64]Request
	voted        map[uint64]map[hydro.MemberID]bool
	answered     map[uint64]int
	violations   []string
}

func newChecker(participants int) *checker {
	return &checker{participants: participants, sent: map[uint64]Request{},
		voted: map[uint64]map[hydro.MemberID]bool{}, answered: map[uint64]int{}}
}

func (c *checker) vote(v Vote) {
	if c.voted[v.ID] == nil {
		c.voted[v.ID] = map[hydro.MemberID]bool{}
	}
	c.voted[v.ID][v.Participant] = true
}

func (c *checker) commit(r Request) {
	c.answered[r.ID]++
	if n := c.answered[r.ID]; n > 1 {
		c.violations = append(c.violations, fmt.Sprintf("request %d answered %d times", r.ID, n))
	}
	if got := len(c.voted[r.ID]); got < c.participants {
		c.violations = append(c.violations, fmt.Sprintf("request %d answered after %d of %d votes", r.ID, got, c.participants))
	}
	if want, ok := c.sent[r.ID]; !ok || want != r {
		c.violations = append(c.violations, fmt.Sprintf("answer %+v for a request never sent as such", r))
	}
}

// scenario is one simulated run: how many participants and requests, the
// faults, and whether to run the generated nodes or the interpreter.
type scenario struct {
	participants, requests int
	generated              bool
	// derived runs the generated nodes of ScalableVoting instead, the flow
	// scalable.hydroplan derives from Voting: its broadcaster and every
	// participant are partitioned into scalablePartitions members.
	derived bool
	faults  sim.Faults
	// faultSteps, if positive, stops the faults after that many steps.
	faultSteps int
	maxSteps   int
}

// scalablePartitions is the number of partitions scalable.hydroplan splits
// the broadcaster, the collector and each participant into.
const scalablePartitions = 5

// simulate runs sc with seed and returns the checker and whether every
// request was answered. Requests arrive in a few waves, so that rounds
// overlap. A client that crashes loses what it had not been answered; the
// driver then pushes those requests again, as a user would retry.
func simulate(t *testing.T, seed uint64, sc scenario) (*checker, bool) {
	t.Helper()
	c := newChecker(sc.participants)
	in := hydro.NewInput[Request]("requests")
	committed := hydro.NewOutputFunc("committed", c.commit)
	votes := hydro.NewOutputFunc("votes", c.vote)
	clientCrashed := false
	cfg := sim.Config{Seed: seed, Faults: sc.faults, Trace: func(e sim.Event) {
		if e.Kind == sim.Crash && e.Location == "client" {
			clientCrashed = true
		}
	}}
	if sc.faultSteps > 0 {
		cfg.Schedule = []sim.Phase{{From: sc.faultSteps}}
	}
	var s *sim.Sim
	var err error
	switch {
	case sc.derived:
		s, err = sim.NewNodes([]sim.Location{{Name: "client", Members: 1}, {Name: "leader", Members: 1},
			{Name: "participant", Members: sc.participants * scalablePartitions}, {Name: "broadcaster", Members: scalablePartitions}, {Name: "collector", Members: scalablePartitions}},
			func(location string, _ int) (hydro.NetNode, error) {
				switch location {
				case "client":
					return NewScalableVotingClient(in, committed, votes), nil
				case "leader":
					return NewScalableVotingLeader(in, committed, votes), nil
				case "broadcaster":
					return NewScalableVotingBroadcaster(in, committed, votes), nil
				case "collector":
					return NewScalableVotingCollector(in, committed, votes), nil
				}
				return NewScalableVotingParticipant(in, committed, votes), nil
			}, cfg)
	case sc.generated:
		s, err = sim.NewNodes([]sim.Location{{Name: "client", Members: 1}, {Name: "leader", Members: 1}, {Name: "participant", Members: sc.participants}},
			func(location string, _ int) (hydro.NetNode, error) {
				switch location {
				case "client":
					return NewVotingClient(in, committed, votes), nil
				case "leader":
					return NewVotingLeader(in, committed, votes), nil
				}
				return NewVotingParticipant(in, committed, votes), nil
			}, cfg)
	default:
		f := hydro.NewFlow("Voting")
		Voting(f, in, committed, votes)
		cfg.Members = map[string]int{"participant": sc.participants}
		s, err = sim.New(f, cfg)
	}
	require.NoError(t, err)

	next := 0
	push := func(n int) {
		for ; n > 0 && next < sc.requests; n-- {
			next++
			r := Request{ID: uint64(next), Command: fmt.Sprintf("cmd-%d", next)}
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
		return next == sc.requests && len(c.answered) == sc.requests
	}
	err = s.RunUntil(done, sc.maxSteps)
	return c, err == nil
}

// faulty loses, repeats and delays messages and crashes nodes heavily
// enough that most runs cannot finish before the schedule stops the faults
// at faultSteps.
var faulty = sim.Faults{Drop: 0.4, Duplicate: 0.3, Crash: 0.004}

const faultSteps = 2_000

func TestVotingCompletesWithoutFaults(t *testing.T) {
	for _, generated := range []bool{false, true} {
		t.Run(fmt.Sprintf("generated=%v", generated), func(t *testing.T) {
			simtest.Seeds(t, simtest.Count(120, 10_000), func(t *testing.T, seed uint64) {
				c, ok := simulate(t, seed, scenario{participants: 3, requests: 20, generated: generated, maxSteps: 50_000})
				assert.Empty(t, c.violations)
				assert.True(t, ok, "every request answered: %d of 20", len(c.answered))
			})
		})
	}
}

func TestVotingUnderFaults(t *testing.T) {
	for _, generated := range []bool{false, true} {
		t.Run(fmt.Sprintf("generated=%v", generated), func(t *testing.T) {
			simtest.Seeds(t, simtest.Count(120, 10_000), func(t *testing.T, seed uint64) {
				c, ok := simulate(t, seed, scenario{participants: 3, requests: 20, generated: generated,
					faults: faulty, faultSteps: faultSteps, maxSteps: 100_000})
				assert.Empty(t, c.violations)
				assert.True(t, ok, "every request answered once faults stop: %d of 20", len(c.answered))
			})
		})
	}
}

// TestVotingQuorumFollowsTheDeployment runs five participants: the leader
// waits for five votes because the deployment has five, with no constant
// in the flow to change.
func TestVotingQuorumFollowsTheDeployment(t *testing.T) {
	for _, generated := range []bool{false, true} {
		simtest.Seeds(t, simtest.Count(20, 1_000), func(t *testing.T, seed uint64) {
			c, ok := simulate(t, seed, scenario{participants: 5, requests: 8, generated: generated,
				faults: sim.Faults{Duplicate: 0.3}, maxSteps: 50_000})
			assert.Empty(t, c.violations)
			assert.True(t, ok)
		})
	}
}

// TestVotingCheckerCatchesEarlyAnswers makes sure the invariant can fail: a
// checker that expects a fourth participant sees every answer as early.
func TestVotingCheckerCatchesEarlyAnswers(t *testing.T) {
	c := newChecker(4)
	c.sent[1] = Request{ID: 1, Command: "x"}
	for p := range 3 {
		c.vote(Vote{ID: 1, Participant: hydro.MemberID(p), Command: "x"})
	}
	c.commit(Request{ID: 1, Command: "x"})
	c.commit(Request{ID: 1, Command: "x"})
	assert.Equal(t, []string{"request 1 answered after 3 of 4 votes", "request 1 answered 2 times", "request 1 answered after 3 of 4 votes"}, c.violations)
}

// TestVotingLeaderNeedsTheParticipantsSize: a deployment that does not size
// the participant cluster cannot start a leader, which would otherwise wait
// for a quorum it cannot know.
func TestVotingLeaderNeedsTheParticipantsSize(t *testing.T) {
	leader := NewVotingLeader(hydro.Input[Request]{}, hydro.Output[Request]{}, hydro.Output[Vote]{})
	assert.EqualError(t, leader.SetSizes(map[string]int{"client": 1, "leader": 1}),
		`flow Voting reads the size of cluster "participant", which the deployment does not size`)
	assert.NoError(t, leader.SetSizes(map[string]int{"client": 1, "leader": 1, "participant": 3}))
	_, err := sim.NewNodes([]sim.Location{{Name: "client", Members: 1}, {Name: "leader", Members: 1}},
		func(location string, _ int) (hydro.NetNode, error) {
			if location == "leader" {
				return NewVotingLeader(hydro.Input[Request]{}, hydro.Output[Request]{}, hydro.Output[Vote]{}), nil
			}
			return NewVotingClient(hydro.Input[Request]{}, hydro.Output[Request]{}, hydro.Output[Vote]{}), nil
		}, sim.Config{})
	assert.ErrorContains(t, err, `reads the size of cluster "participant"`)
}
