package rset

import (
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
	"github.com/hydrogo/hydro/lattices"
)

// TestMain makes the servers' costly step cheap: the tests check what the
// microprotocols do, the benchmarks what it costs.
func TestMain(m *testing.M) {
	Rounds = 16
	os.Exit(m.Run())
}

// ports are a run's inputs and outputs.
type ports struct {
	in         hydro.Input[Command]
	answers    hydro.Output[Answer]
	stored     hydro.Output[Ack]
	collisions hydro.Output[Collisions]
	snapshots  hydro.Output[Snapshot]
}

// program is one flow of the package: how to build it for the
// interpreter, its generated nodes, and its process locations (the
// replica cluster, if it has one, aside).
type program struct {
	name     string
	replicas bool
	// partitions is the number of partitions of every replica, in a
	// program that partitions them.
	partitions int
	// snapshots says the program's leader logs the replicas' snapshots.
	snapshots bool
	// counters says the program has a cluster of counters sending
	// integers (of counterMembers members).
	counters bool
	// maxSteps, if positive, is how many simulation steps a run of the
	// program may take to answer every command (100,000 otherwise).
	maxSteps  int
	ballot    ballotRule
	processes []string
	build     func(f *hydro.Flow, p ports)
	node      func(location string, p ports) hydro.NetNode
}

// ballotRule is what an answer's ballot must be.
type ballotRule int

const (
	ownBallot     ballotRule = iota // the command's own ballot
	stampedBallot                   // the highest ballot the leader had when the command arrived
	integerBallot                   // an integer the leader sent, or the command's own ballot before any
)

var programs = map[string]program{
	"RSet": {name: "RSet", replicas: true, processes: []string{"client", "leader"},
		build: func(f *hydro.Flow, p ports) { RSet(f, p.in, p.answers, p.stored) },
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetClient(p.in, p.answers, p.stored)
			case "leader":
				return NewRSetLeader(p.in, p.answers, p.stored)
			}
			return NewRSetReplica(p.in, p.answers, p.stored)
		}},
	"RSetCollector": {name: "RSetCollector", replicas: true, processes: []string{"client", "leader", "collector"},
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetCollectorClient(p.in, p.answers, p.stored)
			case "leader":
				return NewRSetCollectorLeader(p.in, p.answers, p.stored)
			case "collector":
				return NewRSetCollectorCollector(p.in, p.answers, p.stored)
			}
			return NewRSetCollectorReplica(p.in, p.answers, p.stored)
		}},
	"RSetBallot": {name: "RSetBallot", replicas: true, ballot: stampedBallot, processes: []string{"client", "leader"},
		build: func(f *hydro.Flow, p ports) { RSetBallot(f, p.in, p.answers, p.stored) },
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetBallotClient(p.in, p.answers, p.stored)
			case "leader":
				return NewRSetBallotLeader(p.in, p.answers, p.stored)
			}
			return NewRSetBallotReplica(p.in, p.answers, p.stored)
		}},
	"RSetReplier": {name: "RSetReplier", replicas: true, ballot: stampedBallot, processes: []string{"client", "leader", "replier"},
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetReplierClient(p.in, p.answers, p.stored)
			case "leader":
				return NewRSetReplierLeader(p.in, p.answers, p.stored)
			case "replier":
				return NewRSetReplierReplier(p.in, p.answers, p.stored)
			}
			return NewRSetReplierReplica(p.in, p.answers, p.stored)
		}},
	"RSetHighest": {name: "RSetHighest", ballot: stampedBallot, processes: []string{"client", "leader"},
		build: func(f *hydro.Flow, p ports) { RSetHighest(f, p.in, p.answers) },
		node: func(loc string, p ports) hydro.NetNode {
			if loc == "client" {
				return NewRSetHighestClient(p.in, p.answers)
			}
			return NewRSetHighestLeader(p.in, p.answers)
		}},
	"RSetEncrypter": {name: "RSetEncrypter", ballot: stampedBallot, processes: []string{"client", "leader", "encrypter"},
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetEncrypterClient(p.in, p.answers)
			case "leader":
				return NewRSetEncrypterLeader(p.in, p.answers)
			}
			return NewRSetEncrypterEncrypter(p.in, p.answers)
		}},
	"RSetCollisions": {name: "RSetCollisions", replicas: true, processes: []string{"client", "leader"},
		build: func(f *hydro.Flow, p ports) { RSetCollisions(f, p.in, p.answers, p.stored, p.collisions) },
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetCollisionsClient(p.in, p.answers, p.stored, p.collisions)
			case "leader":
				return NewRSetCollisionsLeader(p.in, p.answers, p.stored, p.collisions)
			}
			return NewRSetCollisionsReplica(p.in, p.answers, p.stored, p.collisions)
		}},
	"RSetPartitioned": {name: "RSetPartitioned", replicas: true, partitions: 2, processes: []string{"client", "leader"},
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetPartitionedClient(p.in, p.answers, p.stored)
			case "leader":
				return NewRSetPartitionedLeader(p.in, p.answers, p.stored)
			}
			return NewRSetPartitionedReplica(p.in, p.answers, p.stored)
		}},
	"RSetCollisionsPartitioned": {name: "RSetCollisionsPartitioned", replicas: true, partitions: 2, processes: []string{"client", "leader"},
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetCollisionsPartitionedClient(p.in, p.answers, p.stored, p.collisions)
			case "leader":
				return NewRSetCollisionsPartitionedLeader(p.in, p.answers, p.stored, p.collisions)
			}
			return NewRSetCollisionsPartitionedReplica(p.in, p.answers, p.stored, p.collisions)
		}},
	"RSetIntegerPartitioned": {name: "RSetIntegerPartitioned", replicas: true, partitions: 2, ballot: integerBallot, processes: []string{"client", "leader"},
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetIntegerPartitionedClient(p.in, p.answers, p.stored)
			case "leader":
				return NewRSetIntegerPartitionedLeader(p.in, p.answers, p.stored)
			}
			return NewRSetIntegerPartitionedReplica(p.in, p.answers, p.stored)
		}},
	"RSetSnapshot": {name: "RSetSnapshot", replicas: true, snapshots: true, processes: []string{"client", "leader"},
		build: func(f *hydro.Flow, p ports) { RSetSnapshot(f, p.in, p.answers, p.stored, p.snapshots) },
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetSnapshotClient(p.in, p.answers, p.stored, p.snapshots)
			case "leader":
				return NewRSetSnapshotLeader(p.in, p.answers, p.stored, p.snapshots)
			}
			return NewRSetSnapshotReplica(p.in, p.answers, p.stored, p.snapshots)
		}},
	"RSetSnapshotPartitioned": {name: "RSetSnapshotPartitioned", replicas: true, partitions: 2, snapshots: true, processes: []string{"client", "leader"},
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetSnapshotPartitionedClient(p.in, p.answers, p.stored, p.snapshots)
			case "leader":
				return NewRSetSnapshotPartitionedLeader(p.in, p.answers, p.stored, p.snapshots)
			}
			return NewRSetSnapshotPartitionedReplica(p.in, p.answers, p.stored, p.snapshots)
		}},
	"RSetCounters": {name: "RSetCounters", replicas: true, counters: true, ballot: integerBallot, processes: []string{"client", "leader"},
		build: func(f *hydro.Flow, p ports) { RSetCounters(f, p.in, p.answers, p.stored) },
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetCountersClient(p.in, p.answers, p.stored)
			case "leader":
				return NewRSetCountersLeader(p.in, p.answers, p.stored)
			case "counter":
				return NewRSetCountersCounter(p.in, p.answers, p.stored)
			}
			return NewRSetCountersReplica(p.in, p.answers, p.stored)
		}},
	// The replicas' partitions hold the commands during every round of
	// the coordination, which the counters keep busy: under the
	// simulator's random delivery a run takes up to about 60 times the
	// base's steps (seed 1909 of the long mode: 113,524).
	"RSetCountersPartitioned": {name: "RSetCountersPartitioned", replicas: true, counters: true, partitions: 2, ballot: integerBallot, processes: []string{"client", "leader"}, maxSteps: 1_000_000,
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetCountersPartitionedClient(p.in, p.answers, p.stored)
			case "leader":
				return NewRSetCountersPartitionedLeader(p.in, p.answers, p.stored)
			case "counter":
				return NewRSetCountersPartitionedCounter(p.in, p.answers, p.stored)
			}
			return NewRSetCountersPartitionedReplica(p.in, p.answers, p.stored)
		}},
	"RSetInteger": {name: "RSetInteger", replicas: true, ballot: integerBallot, processes: []string{"client", "leader"},
		build: func(f *hydro.Flow, p ports) { RSetInteger(f, p.in, p.answers, p.stored) },
		node: func(loc string, p ports) hydro.NetNode {
			switch loc {
			case "client":
				return NewRSetIntegerClient(p.in, p.answers, p.stored)
			case "leader":
				return NewRSetIntegerLeader(p.in, p.answers, p.stored)
			}
			return NewRSetIntegerReplica(p.in, p.answers, p.stored)
		}},
}

// counterMembers is the number of counters of the programs that have
// them.
const counterMembers = 2

// checker watches a simulated run through its outputs, as they are
// emitted, and records every violation of the microprotocols' invariants:
// a command is answered at most once, with its own payload and the receipt
// Certify gives it, only after every replica stored it, and with the
// ballot its program promises; where a replica attaches integers and no
// node crashes, the integers a replica attaches never decrease (its
// latest integer is a lattice fold: partitions that attach a replicated
// one must not attach an older one after a newer).
type checker struct {
	prog     program
	replicas int
	// monotone checks the integers attached (a run without crashes);
	// integers is every replica's highest attached so far.
	monotone bool
	integers map[hydro.MemberID]uint64
	// coordinated counts the messages between partitions of a replica
	// (a program whose replicas' partition 0 coordinates them).
	coordinated int
	sent        map[uint64]Command
	highest     uint64 // the highest ballot sent so far
	stored      map[uint64]map[hydro.MemberID]bool
	answered    map[uint64]Answer
	collisions  map[string]uint32 // replica/bucket → highest count logged
	// latest is every replica's snapshot of the highest round logged;
	// rounds counts the snapshots logged per round and replica; snapped
	// is the step at which each replica's last snapshot was logged.
	latest     map[hydro.MemberID]Snapshot
	rounds     map[[2]uint64]int
	snapped    map[hydro.MemberID]int
	step       int
	violations []string
}

func newChecker(prog program, replicas int) *checker {
	return &checker{prog: prog, replicas: replicas, sent: map[uint64]Command{},
		stored: map[uint64]map[hydro.MemberID]bool{}, answered: map[uint64]Answer{}, collisions: map[string]uint32{}, integers: map[hydro.MemberID]uint64{},
		latest: map[hydro.MemberID]Snapshot{}, rounds: map[[2]uint64]int{}, snapped: map[hydro.MemberID]int{}}
}

func (c *checker) violate(format string, args ...any) {
	c.violations = append(c.violations, fmt.Sprintf(format, args...))
}

func (c *checker) send(cmd Command) {
	c.sent[cmd.ID] = cmd
	c.highest = max(c.highest, cmd.Ballot)
}

func (c *checker) store(a Ack) {
	if c.stored[a.ID] == nil {
		c.stored[a.ID] = map[hydro.MemberID]bool{}
	}
	c.stored[a.ID][a.Replica] = true
	if want, ok := c.sent[a.ID]; !ok || want.Payload != a.Payload {
		c.violate("replica %d stored %d:%q, never sent as such", a.Replica, a.ID, a.Payload)
	}
	if c.monotone && c.prog.ballot == integerBallot {
		if last := c.integers[a.Replica]; a.Integer < last {
			c.violate("replica %d stored %d with integer %d after attaching %d", a.Replica, a.ID, a.Integer, last)
		}
		c.integers[a.Replica] = max(c.integers[a.Replica], a.Integer)
	}
}

// route checks a message sent by the node that ticked to the member of
// send's event, in a program where every replica's partition 0 of parts
// coordinates that replica's partitions: the counters send their integers
// to partition 0 only, and between replica partitions only a replica's own
// partitions talk, partition 0 with the others (publications and commit
// marks from it, votes to it).
func (c *checker) route(from, send sim.Event, parts int) {
	switch {
	case send.Location != "replica":
	case from.Location == "counter" && send.Member%parts != 0:
		c.violate("counter %d sent an integer to partition %d of replica %d", from.Member, send.Member%parts, send.Member/parts)
	case from.Location != "replica":
	case from.Member/parts != send.Member/parts:
		c.violate("partition %d of replica %d sent to replica %d", from.Member%parts, from.Member/parts, send.Member/parts)
	case from.Member%parts != 0 && send.Member%parts != 0:
		c.violate("partition %d of replica %d sent to its partition %d, not through partition 0", from.Member%parts, from.Member/parts, send.Member%parts)
	default:
		c.coordinated++
	}
}

func (c *checker) collide(x Collisions) {
	k := fmt.Sprintf("%d/%d", x.Replica, x.Bucket)
	c.collisions[k] = max(c.collisions[k], x.Count)
}

// snapshot checks a snapshot the leader logged: it holds only commands its
// replica stored before (a state the replica was in), whole or not.
func (c *checker) snapshot(s Snapshot) {
	for id := range s.IDs.All() {
		if !c.stored[id][s.Replica] {
			c.violate("snapshot %d of replica %d holds command %d, which the replica did not store", s.Round, s.Replica, id)
		}
	}
	c.rounds[[2]uint64{s.Round, uint64(s.Replica)}]++
	if l, ok := c.latest[s.Replica]; !ok || s.Round > l.Round || s.Round == l.Round && s.IDs.Len() > l.IDs.Len() {
		c.latest[s.Replica] = s
	}
	c.snapped[s.Replica] = c.step
}

// repeatedRounds lists the rounds a replica's snapshot was logged for more
// than once: without duplication, the base answers each query once, and
// the partitions' parts of one snapshot must be logged as one.
func (c *checker) repeatedRounds() []string {
	var out []string
	for k, n := range c.rounds {
		if n > 1 {
			out = append(out, fmt.Sprintf("round %d of replica %d logged %d times", k[0], k[1], n))
		}
	}
	slices.Sort(out)
	return out
}

func (c *checker) answer(a Answer) {
	if _, dup := c.answered[a.ID]; dup {
		c.violate("command %d answered twice", a.ID)
	}
	c.answered[a.ID] = a
	want, ok := c.sent[a.ID]
	switch {
	case !ok || want.Payload != a.Payload:
		c.violate("answer %d:%q to a command never sent as such", a.ID, a.Payload)
		return
	case a.Receipt != Certify(want.Payload):
		c.violate("answer %d carries receipt %x, not the payload's", a.ID, a.Receipt)
	}
	if c.prog.replicas {
		if got := len(c.stored[a.ID]); got < c.replicas {
			c.violate("command %d answered after %d of %d replicas stored it", a.ID, got, c.replicas)
		}
	}
	switch c.prog.ballot {
	case ownBallot:
		if a.Ballot != want.Ballot {
			c.violate("answer %d carries ballot %d, not its own %d", a.ID, a.Ballot, want.Ballot)
		}
	case stampedBallot:
		if a.Ballot < want.Ballot || a.Ballot > c.highest {
			c.violate("answer %d carries ballot %d, outside [%d, %d]", a.ID, a.Ballot, want.Ballot, c.highest)
		}
	}
}

// scenario is one simulated run.
type scenario struct {
	prog      program
	replicas  int
	commands  int
	generated bool
	faults    sim.Faults
	// faultSteps, if positive, stops the faults after that many steps.
	faultSteps int
	maxSteps   int
}

// command returns the i-th command of every run: ballots rise and fall,
// and payloads repeat, so that hashes collide.
func command(i int) Command {
	return Command{ID: uint64(i), Ballot: uint64(i*7919) % 50, Payload: fmt.Sprintf("cmd-%d", i%9)}
}

// simulate runs sc with seed and returns the checker and whether every
// command was answered. Commands arrive in waves, so that rounds overlap.
// A client that crashes loses what it had not been answered; the driver
// pushes those commands again, as a user would retry.
func simulate(t *testing.T, seed uint64, sc scenario) (*checker, bool) {
	t.Helper()
	c := newChecker(sc.prog, sc.replicas)
	c.monotone = sc.faults.Crash == 0
	p := ports{in: hydro.NewInput[Command]("commands"), answers: hydro.NewOutputFunc("answers", c.answer),
		stored: hydro.NewOutputFunc("stored", c.store), collisions: hydro.NewOutputFunc("collisions", c.collide),
		snapshots: hydro.NewOutputFunc("snapshots", c.snapshot)}
	clientCrashed := false
	var ticking sim.Event
	cfg := sim.Config{Seed: seed, Faults: sc.faults, Trace: func(e sim.Event) {
		switch {
		case e.Kind == sim.Crash && e.Location == "client":
			clientCrashed = true
		case e.Kind == sim.Tick:
			ticking = e
		case e.Kind == sim.Send && sc.generated && sc.prog.counters && sc.prog.partitions > 0:
			c.route(ticking, e, sc.prog.partitions)
		}
	}}
	if sc.faultSteps > 0 {
		cfg.Schedule = []sim.Phase{{From: sc.faultSteps}}
	}
	var s *sim.Sim
	var err error
	if sc.generated {
		var locs []sim.Location
		for _, l := range sc.prog.processes {
			locs = append(locs, sim.Location{Name: l, Members: 1})
		}
		if sc.prog.replicas {
			locs = append(locs, sim.Location{Name: "replica", Members: sc.replicas * max(1, sc.prog.partitions)})
		}
		if sc.prog.counters {
			locs = append(locs, sim.Location{Name: "counter", Members: counterMembers})
		}
		s, err = sim.NewNodes(locs, func(location string, _ int) (hydro.NetNode, error) {
			return sc.prog.node(location, p), nil
		}, cfg)
	} else {
		f := hydro.NewFlow(sc.prog.name)
		sc.prog.build(f, p)
		if sc.prog.replicas {
			cfg.Members = map[string]int{"replica": sc.replicas}
		}
		if sc.prog.counters {
			cfg.Members["counter"] = counterMembers
		}
		s, err = sim.New(f, cfg)
	}
	require.NoError(t, err)

	next := 0
	push := func(n int) {
		for ; n > 0 && next < sc.commands; n-- {
			next++
			cmd := command(next)
			c.send(cmd)
			p.in.Push(cmd)
		}
	}
	wave := max(1, sc.commands/4)
	steps, answeredAt := 0, 0
	done := func() bool {
		steps++
		c.step = steps
		if steps%200 == 1 {
			push(wave)
		}
		if clientCrashed {
			clientCrashed = false
			for id := uint64(1); id <= uint64(next); id++ {
				if _, ok := c.answered[id]; !ok {
					p.in.Push(c.sent[id])
				}
			}
		}
		if next < sc.commands || len(c.answered) < sc.commands {
			return false
		}
		if !sc.prog.snapshots {
			return true
		}
		// Snapshots go on: every replica logs one after every command was
		// answered and the faults stopped; without crashes, which lose
		// what a replica stored, its latest holds every command.
		if answeredAt == 0 {
			answeredAt = steps
		}
		for r := range sc.replicas {
			m := hydro.MemberID(r)
			if c.snapped[m] <= max(answeredAt, sc.faultSteps) || sc.faults.Crash == 0 && c.latest[m].IDs.Len() < sc.commands {
				return false
			}
		}
		return true
	}
	err = s.RunUntil(done, sc.maxSteps)
	return c, err == nil
}

// faulty loses, repeats and delays messages and crashes nodes heavily
// enough that most runs cannot finish before the schedule stops the faults
// at faultSteps.
var faulty = sim.Faults{Drop: 0.4, Duplicate: 0.3, Crash: 0.004}

const faultSteps = 2_000

// bases are the base programs, the ones written by hand.
var bases = []string{"RSet", "RSetBallot", "RSetHighest", "RSetCollisions", "RSetInteger", "RSetCounters", "RSetSnapshot"}

// TestBasePrograms runs every base program, interpreted and generated,
// without faults and with loss, duplication, reordering, delay and
// crash-restart until the faults stop: the invariants hold throughout and
// every command is answered.
func TestBasePrograms(t *testing.T) {
	for _, name := range bases {
		for _, generated := range []bool{false, true} {
			for _, tc := range []struct {
				name   string
				faults sim.Faults
			}{{"reorder", sim.Faults{}}, {"faults", faulty}} {
				t.Run(fmt.Sprintf("%s/generated=%v/%s", name, generated, tc.name), func(t *testing.T) {
					simtest.Seeds(t, simtest.Count(20, 2_000), func(t *testing.T, seed uint64) {
						c, ok := simulate(t, seed, scenario{prog: programs[name], replicas: 3, commands: 12, generated: generated,
							faults: tc.faults, faultSteps: faultSteps, maxSteps: 100_000})
						assert.Empty(t, c.violations)
						assert.True(t, ok, "every command answered: %d of 12", len(c.answered))
					})
				})
			}
		}
	}
}

// TestCheckerCatchesViolations makes sure the invariants can fail.
func TestCheckerCatchesViolations(t *testing.T) {
	c := newChecker(programs["RSetBallot"], 2)
	c.send(Command{ID: 1, Ballot: 5, Payload: "x"})
	c.store(Ack{ID: 1, Replica: 0, Payload: "x"})
	c.answer(Answer{ID: 1, Ballot: 4, Payload: "x", Receipt: Certify("x")})
	c.answer(Answer{ID: 1, Ballot: 6, Payload: "x"})
	c.answer(Answer{ID: 2, Payload: "y"})
	ci := newChecker(programs["RSetCounters"], 1)
	ci.monotone = true
	ci.send(Command{ID: 1, Payload: "x"})
	ci.store(Ack{ID: 1, Replica: 0, Payload: "x", Integer: 3})
	ci.store(Ack{ID: 1, Replica: 1, Payload: "x", Integer: 2})
	ci.store(Ack{ID: 1, Replica: 0, Payload: "x", Integer: 2})
	ci.route(sim.Event{Location: "counter"}, sim.Event{Location: "replica", Member: 3}, 2)
	ci.route(sim.Event{Location: "replica", Member: 2}, sim.Event{Location: "replica", Member: 1}, 2)
	ci.route(sim.Event{Location: "replica", Member: 3}, sim.Event{Location: "replica", Member: 3}, 2)
	ci.route(sim.Event{Location: "replica", Member: 2}, sim.Event{Location: "replica", Member: 3}, 2)
	ci.route(sim.Event{Location: "leader"}, sim.Event{Location: "replica", Member: 3}, 2)
	assert.Equal(t, []string{"replica 0 stored 1 with integer 2 after attaching 3",
		"counter 0 sent an integer to partition 1 of replica 1",
		"partition 0 of replica 1 sent to replica 0",
		"partition 1 of replica 1 sent to its partition 1, not through partition 0"}, ci.violations)
	assert.Equal(t, 1, ci.coordinated)
	c.snapshot(Snapshot{Round: 3, Replica: 0, IDs: lattices.NewSetUnion[uint64](1, 2)})
	c.snapshot(Snapshot{Round: 3, Replica: 0, IDs: lattices.NewSetUnion[uint64](1)})
	assert.Equal(t, []string{"round 3 of replica 0 logged 2 times"}, c.repeatedRounds())
	assert.Equal(t, []string{
		"command 1 answered after 1 of 2 replicas stored it",
		"answer 1 carries ballot 4, outside [5, 5]",
		"command 1 answered twice",
		"answer 1 carries receipt 00000000000000000000000000000000, not the payload's",
		"command 1 answered after 1 of 2 replicas stored it",
		"answer 1 carries ballot 6, outside [5, 5]",
		"answer 2:\"y\" to a command never sent as such",
		"snapshot 3 of replica 0 holds command 2, which the replica did not store",
	}, c.violations)
}

// outputs are a run's client-visible outputs at quiescence: the answers
// (less their ballots where the program attaches a ballot that depends on
// timing), what the replicas stored, and the collision counts.
func outputs(c *checker) (answers, stored, collisions []string) {
	for _, id := range slices.Sorted(maps.Keys(c.answered)) {
		a := c.answered[id]
		if c.prog.ballot != ownBallot {
			a.Ballot = 0
		}
		answers = append(answers, fmt.Sprintf("%+v", a))
	}
	for id, by := range c.stored {
		for r := range by {
			stored = append(stored, fmt.Sprintf("%d/%d", id, r))
		}
	}
	slices.Sort(stored)
	for k, n := range c.collisions {
		collisions = append(collisions, fmt.Sprintf("%s=%d", k, n))
	}
	slices.Sort(collisions)
	return answers, stored, collisions
}

// equivalent runs derived (generated) and its base (interpreted) with the
// same seeds and commands, without faults and with every fault until the
// faults stop: the base program's invariants hold on the derived program,
// and its outputs at quiescence equal the base program's.
func equivalent(t *testing.T, base, derived string, replicas int) {
	equivalentSeeds(t, base, derived, replicas, 50)
}

// equivalentSeeds is equivalent with short seeds per fault setting in the
// short mode (10,000 in the long mode).
func equivalentSeeds(t *testing.T, base, derived string, replicas, short int) {
	for _, tc := range []struct {
		name   string
		faults sim.Faults
	}{{"reorder", sim.Faults{}}, {"faults", faulty}} {
		t.Run(tc.name, func(t *testing.T) {
			simtest.Seeds(t, simtest.Count(short, 10_000), func(t *testing.T, seed uint64) {
				sc := scenario{prog: programs[base], replicas: replicas, commands: 12, faults: tc.faults, faultSteps: faultSteps, maxSteps: max(100_000, programs[derived].maxSteps)}
				b, ok := simulate(t, seed, sc)
				require.True(t, ok, "the base program answers every command")
				sc.prog, sc.generated = programs[derived], true
				d, ok := simulate(t, seed, sc)
				assert.Empty(t, d.violations)
				require.True(t, ok, "every command answered once faults stop: %d of %d", len(d.answered), sc.commands)
				wa, ws, wc := outputs(b)
				ga, gs, gc := outputs(d)
				assert.Equal(t, wa, ga)
				assert.Equal(t, ws, gs)
				assert.Equal(t, wc, gc)
				if sc.prog.counters && sc.prog.partitions > 0 {
					assert.Positive(t, d.coordinated, "the replicas' partitions coordinate")
				}
				if tc.faults.Duplicate == 0 && tc.faults.Crash == 0 {
					assert.Empty(t, b.repeatedRounds())
					assert.Empty(t, d.repeatedRounds())
				}
			})
		})
	}
}

// TestRSetCollectorEquivalent: RSetCollector is RSet with the collection
// decoupled to a collector by mutually independent decoupling.
func TestRSetCollectorEquivalent(t *testing.T) { equivalent(t, "RSet", "RSetCollector", 3) }

// TestRSetEncrypterEquivalent: RSetEncrypter is RSetHighest with the
// encryption of answers decoupled to an encrypter by functional
// decoupling.
func TestRSetEncrypterEquivalent(t *testing.T) { equivalent(t, "RSetHighest", "RSetEncrypter", 0) }

// TestRSetReplierEquivalent: RSetReplier is RSetBallot with the reply
// stage (the join of answers with their stamps, and the encryption)
// decoupled to a replier by monotonic decoupling.
func TestRSetReplierEquivalent(t *testing.T) { equivalent(t, "RSetBallot", "RSetReplier", 3) }

// TestRSetPartitionedEquivalent: RSetPartitioned is RSet with every
// replica partitioned in two by co-hashing (on the whole command, which
// its ID determines): each partition stores and acknowledges the commands
// routed to it, in its base replica's name.
func TestRSetPartitionedEquivalent(t *testing.T) { equivalent(t, "RSet", "RSetPartitioned", 3) }

// TestRSetCollisionsPartitionedEquivalent: RSetCollisionsPartitioned is
// RSetCollisions with every replica partitioned in two by the hash of the
// payload, which the leader computes (partitioning with dependencies):
// each bucket's collisions are counted whole at one partition, so the
// counts logged at quiescence equal the base replicas'.
func TestRSetCollisionsPartitionedEquivalent(t *testing.T) {
	equivalent(t, "RSetCollisions", "RSetCollisionsPartitioned", 3)
}

// TestRSetIntegerPartitionedEquivalent: RSetIntegerPartitioned is
// RSetInteger with every replica partitioned in two and the latest integer
// replicated at both partitions (partial partitioning): the leader numbers
// every integer it sends, every partition acknowledges it, and a partition
// holds the commands it receives while it has an integer the leader has
// not yet heard every partition acknowledge.
func TestRSetIntegerPartitionedEquivalent(t *testing.T) {
	equivalent(t, "RSetInteger", "RSetIntegerPartitioned", 3)
}

// TestRSetCountersPartitionedEquivalent: RSetCountersPartitioned is
// RSetCounters with every replica partitioned in two and its highest
// integer — raised by the leader and by every counter, a cluster —
// replicated at both partitions (partial partitioning fed by a cluster):
// every integer goes to partition 0 of every replica, which numbers its
// fold of them, publishes it to its replica's partitions and collects
// their votes; a partition holds the commands it receives while it has a
// publication not yet voted for by both. Without crashes, the integers a
// replica attaches never decrease, as in the base.
func TestRSetCountersPartitionedEquivalent(t *testing.T) {
	equivalentSeeds(t, "RSetCounters", "RSetCountersPartitioned", 3, 6)
}

// TestRSetSnapshotPartitionedEquivalent: RSetSnapshotPartitioned is
// RSetSnapshot with every replica partitioned in two, the queries sent to
// both partitions, and each snapshot recombined at the leader from the
// partitions' sealed parts (partitioning with sealing): every snapshot
// logged holds only what its replica stored, without duplication each
// round is logged once per replica (never a part alone), snapshots go on
// after crashes, and without crashes the latest holds every command (20
// seeds per setting in the short mode: a run goes on until snapshots are
// taken after the faults stop).
func TestRSetSnapshotPartitionedEquivalent(t *testing.T) {
	equivalentSeeds(t, "RSetSnapshot", "RSetSnapshotPartitioned", 3, 20)
}

// carriedParts returns the (round, replica) identities and first-arrival
// clock stamps (UnixNano) of the incomplete snapshots the leader of
// RSetSnapshotPartitioned carries to its next tick: the items of the
// hydro.DeferTickLazy whose elements are sealed parts (a Seals and a Since
// field), read after a tick.
func carriedParts(t *testing.T, l *RSetSnapshotPartitionedLeader) map[[2]uint64]int64 {
	t.Helper()
	v := reflect.ValueOf(l).Elem()
	var found []reflect.Value
	for i := range v.NumField() {
		f := v.Field(i)
		if !strings.HasSuffix(v.Type().Field(i).Name, "Now") || f.Kind() != reflect.Slice || f.Type().Elem().Kind() != reflect.Struct {
			continue
		}
		if _, ok := f.Type().Elem().FieldByName("Seals"); !ok {
			continue
		}
		if _, ok := f.Type().Elem().FieldByName("Since"); ok {
			found = append(found, f)
		}
	}
	require.Len(t, found, 1, "one carried stream of sealed parts")
	out := map[[2]uint64]int64{}
	for i := range found[0].Len() {
		p := found[0].Index(i)
		since := p.FieldByName("Since")
		require.True(t, since.FieldByName("ok").Bool(), "a carried part is stamped")
		out[[2]uint64{p.FieldByName("Round").Uint(), p.FieldByName("Replica").Uint()}] = since.FieldByName("v").Int()
	}
	return out
}

// TestRSetSnapshotPartitionedForgetsIncomplete: with a part of a snapshot
// lost (its message dropped, or its trigger, or its partition crashed),
// the snapshot is never complete; the leader forgets it 2s after its first
// part arrived and carries at most 16 (rset.hydroplan: "forgetting after
// 2s keeping 16"), however many are lost: without the bound it would
// carry every one for ever. Complete snapshots are still logged, during
// the losses and after them, and every snapshot logged holds only what
// its replica stored.
func TestRSetSnapshotPartitionedForgetsIncomplete(t *testing.T) {
	const forget, keep = 2 * time.Second, 16
	simtest.Seeds(t, simtest.Count(2, 200), func(t *testing.T, seed uint64) {
		prog := programs["RSetSnapshotPartitioned"]
		c := newChecker(prog, 3)
		p := ports{in: hydro.NewInput[Command]("commands"), answers: hydro.NewOutputFunc("answers", c.answer),
			stored: hydro.NewOutputFunc("stored", c.store), snapshots: hydro.NewOutputFunc("snapshots", c.snapshot)}
		const lossy = 4_000
		// Steps of 2ms on average let the simulator deliver more messages
		// than the nodes send, so no backlog grows without end.
		cfg := sim.Config{Seed: seed, Faults: sim.Faults{Drop: 0.3, Crash: 0.002, CrashOnly: []string{"replica"}},
			Schedule: []sim.Phase{{From: lossy}}, MaxClockStep: 4 * time.Millisecond}
		s, err := sim.NewNodes([]sim.Location{{Name: "client", Members: 1}, {Name: "leader", Members: 1}, {Name: "replica", Members: 6}},
			func(location string, _ int) (hydro.NetNode, error) { return prog.node(location, p), nil }, cfg)
		require.NoError(t, err)
		firstSeen := map[[2]uint64]bool{}
		var last map[[2]uint64]int64
		most, evicted := 0, 0
		for step := range 2 * lossy {
			if step%300 == 0 && step < lossy {
				for i := range 2 {
					cmd := command(step/300*2 + i + 1)
					c.send(cmd)
					p.in.Push(cmd)
				}
			}
			c.step = step
			require.NoError(t, s.Step())
			l := s.NetNode("leader", 0).(*RSetSnapshotPartitionedLeader)
			carried := carriedParts(t, l)
			require.LessOrEqual(t, len(carried), keep, "step %d: at most %d incomplete snapshots carried", step, keep)
			most = max(most, len(carried))
			now := l.Now().UnixNano()
			// A carried identity that went is released, aged out, or
			// evicted for one whose first part arrived no earlier.
			for id, since := range last {
				if _, ok := carried[id]; ok || c.rounds[id] > 0 || now-since >= int64(forget-forget/10) {
					continue
				}
				require.Len(t, carried, keep, "step %d: %v (since %d) dropped young with fewer than %d carried", step, id, since, keep)
				for other, s := range carried {
					require.GreaterOrEqual(t, s, since, "step %d: %v evicted before the older %v", step, id, other)
				}
				evicted++
			}
			last = carried
			for id, since := range carried {
				firstSeen[id] = true
				// The timer of a tenth of the timeout stamps and ages: an
				// identity is gone 1.1 times the timeout after it came.
				require.Less(t, now-since, int64(forget+forget/10+10*time.Millisecond), "step %d: %v carried since %v", step, id, time.Duration(now-since))
			}
		}
		assert.Empty(t, c.violations)
		assert.Greater(t, len(firstSeen), keep, "more snapshots went incomplete than the leader keeps: it forgot some")
		assert.Equal(t, keep, most, "the bound is reached and held")
		assert.Positive(t, evicted, "the bound evicts the oldest")
		for r := range hydro.MemberID(3) {
			assert.Greater(t, c.snapped[r], lossy+int(forget/(2*time.Millisecond)), "replica %d's snapshots are logged after the losses end", r)
		}
	})
}

// recordedLeader is RSetIntegerPartitioned's leader with every frame it
// sends also recorded.
type recordedLeader struct {
	*RSetIntegerPartitionedLeader
	sent func(to hydro.Dest, tag uint16, payload []byte)
}

func (l recordedLeader) OnSend(fn func(to hydro.Dest, tag uint16, payload []byte)) {
	l.RSetIntegerPartitionedLeader.OnSend(func(to hydro.Dest, tag uint16, payload []byte) {
		l.sent(to, tag, payload)
		fn(to, tag, payload)
	})
}

// TestRSetIntegerPartitionedDurableNumbering: the leader, which
// coordinates the replicas' partitions, numbers its publications durably,
// so that restarted it numbers above every number it issued: across
// crash-restarts of the leader (and only of it), no number is ever
// published again after a crash, nor with two different integers — a
// numbering kept in memory, restarting at 1, does at its first
// publication after a crash — and every command is still answered.
func TestRSetIntegerPartitionedDurableNumbering(t *testing.T) {
	simtest.Seeds(t, simtest.Count(3, 500), func(t *testing.T, seed uint64) {
		prog := programs["RSetIntegerPartitioned"]
		c := newChecker(prog, 3)
		p := ports{in: hydro.NewInput[Command]("commands"), answers: hydro.NewOutputFunc("answers", c.answer),
			stored: hydro.NewOutputFunc("stored", c.store)}
		// A publication is the only frame to every replica partition
		// that decodes whole as a number and a non-bottom integer (a
		// watermark, a lattices.Max alone, does not).
		type sent struct {
			value uint64
			life  int // the crashes of the leader before it
		}
		byTag := map[uint16]map[uint64]sent{}
		notPub := map[uint16]bool{}
		crashes := 0
		record := func(to hydro.Dest, tag uint16, payload []byte) {
			if to.Location != "replica" || to.Parts != 0 || notPub[tag] {
				return
			}
			var pub struct {
				Seq   uint64 `hydro:"key"`
				Value lattices.Max[uint64]
			}
			n, err := decodeHydroStructSeqUint64ValueLatticesMaxUint64(payload, &pub)
			v, ok := pub.Value.Value()
			if err != nil || n != len(payload) || !ok {
				notPub[tag] = true
				return
			}
			if byTag[tag] == nil {
				byTag[tag] = map[uint64]sent{}
			}
			was, seen := byTag[tag][pub.Seq]
			switch {
			case !seen:
				byTag[tag][pub.Seq] = sent{v, crashes}
			case was.life != crashes:
				t.Errorf("number %d published after %d crashes of the leader (integer %d) and again after %d (integer %d)", pub.Seq, was.life, was.value, crashes, v)
			case was.value != v:
				t.Errorf("number %d published with integer %d and with %d", pub.Seq, was.value, v)
			}
		}
		// Steps of 1ms on average let the simulator deliver more messages
		// than the nodes send, so no backlog grows without end.
		cfg := sim.Config{Seed: seed, Faults: sim.Faults{Crash: 0.002, CrashOnly: []string{"leader"}}, Schedule: []sim.Phase{{From: 6_000}},
			MaxClockStep: 2 * time.Millisecond, Trace: func(e sim.Event) {
				if e.Kind == sim.Crash || e.Kind == sim.CrashBeforeSync {
					crashes++
				}
			}}
		s, err := sim.NewNodes([]sim.Location{{Name: "client", Members: 1}, {Name: "leader", Members: 1}, {Name: "replica", Members: 6}},
			func(location string, _ int) (hydro.NetNode, error) {
				n := prog.node(location, p)
				if l, ok := n.(*RSetIntegerPartitionedLeader); ok {
					return recordedLeader{l, record}, nil
				}
				return n, nil
			}, cfg)
		require.NoError(t, err)
		const commands = 8
		for step := range 12_000 {
			if step%500 == 0 && step/500 < commands {
				cmd := command(step/500 + 1)
				c.send(cmd)
				p.in.Push(cmd)
			}
			c.step = step
			require.NoError(t, s.Step())
		}
		assert.Empty(t, c.violations)
		assert.Positive(t, crashes, "the leader crashed")
		published := 0
		for tag := range byTag {
			if !notPub[tag] {
				published += len(byTag[tag])
			}
		}
		assert.Greater(t, published, 10, "the leader published")
		assert.Len(t, c.answered, commands, "every command answered")
	})
}
