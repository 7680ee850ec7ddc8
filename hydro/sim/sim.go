// Package sim runs every node of a multi-location program in one goroutine
// under a seeded scheduler. The scheduler decides everything a real
// deployment leaves to chance: which node ticks next, which message is
// delivered next (so messages are reordered and delayed), which messages are
// lost or duplicated, how the clock advances, and which nodes crash and
// restart. A run is a function of its seed: a failing run replays
// identically from the seed it prints.
//
// The nodes are either reference interpreters of a flow (New) or nodes that
// hydrogen generated, or any other hydro.NetNode (NewNodes). The scheduler
// treats both alike; docs/simulation.md describes its choices.
package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/durable"
)

// Faults are the probabilities of the network and node failures the scheduler
// injects.
type Faults struct {
	// Drop is the probability that a message is lost instead of delivered.
	Drop float64
	// Duplicate is the probability that a delivered message stays in flight to
	// be delivered again.
	Duplicate float64
	// Crash is the probability, per step, that a node crashes and restarts.
	// What it had not made durable is lost: the messages it had received but
	// not yet processed, and the messages in flight to it. A node with
	// durable state (a hydro.DurableNode) crashes, half the time, in the
	// middle of a tick: after it wrote the tick's log records and before
	// their sync completed, so the records are lost (a torn prefix of them
	// may reach the disk) and none of the tick's messages leave. It restarts
	// from its simulated disk, which the simulator keeps per member.
	Crash float64
	// CrashOnly, if not empty, names the locations whose members crash;
	// the others never do (a client whose requests live only in memory).
	CrashOnly []string
}

// Config configures a simulation.
type Config struct {
	// Seed determines the whole run.
	Seed uint64
	// Members gives the number of members of every cluster of a flow, by
	// name. Only New reads it; NewNodes takes the sizes with its locations.
	Members map[string]int
	// Faults are the failures to inject.
	Faults Faults
	// Schedule changes the faults partway through a run: from step
	// Phase.From on, Phase.Faults replace Faults (the phase with the
	// latest From at or before the step applies). A last phase with zero
	// Faults stops injecting faults, so that a test can check liveness once
	// the network has healed:
	//
	//	Schedule: []sim.Phase{{From: 20_000}} // faults for 20,000 steps, then none
	Schedule []Phase
	// MaxClockStep bounds how far the clock advances per step (default 10ms).
	MaxClockStep time.Duration
	// Trace, if set, is called with every decision of the scheduler.
	Trace func(Event)
}

// Phase is one entry of Config.Schedule: the faults injected from step From
// (counted from 1) on.
type Phase struct {
	From   int
	Faults Faults
}

// Stats counts what the scheduler did.
type Stats struct {
	// Steps counts calls of Step.
	Steps int
	// Ticks counts node ticks.
	Ticks int
	// Sent counts messages put on the wire, one per receiving member.
	Sent int
	// Delivered counts messages handed to their receiver.
	Delivered int
	// Dropped counts messages lost, by the network or with their receiver's
	// crash.
	Dropped int
	// Duplicated counts deliveries after which the message stayed in flight.
	Duplicated int
	// Crashes counts node crashes; CrashesBeforeSync those in the middle
	// of a tick, between the log write and its sync.
	Crashes, CrashesBeforeSync int
}

// Sim is a running simulation.
type Sim struct {
	cfg   Config
	rng   *rand.Rand
	now   time.Time
	nodes []*member
	all   []int            // every node's index
	byLoc map[string][]int // node indexes of every location's members
	wire  wire
	// targets is post's scratch space.
	targets []int
	stats   Stats
	spawn   func(location string, member int) (node, error)
	// ticking is the node whose tick is running, or -1.
	ticking int
	// sendErr is the first routing error of the running tick.
	sendErr error
}

// member is one member of one location, and the node that currently runs it.
type member struct {
	location string
	index    int
	node     node
	// disk is the member's simulated disk, kept across its crashes.
	disk *durable.MemFS
}

func (m *member) String() string { return fmt.Sprintf("%s/%d", m.location, m.index) }

// flight is a message on the wire to node to.
type flight struct {
	to  int
	msg message
}

// newSim returns a simulation with no nodes yet.
func newSim(cfg Config, spawn func(string, int) (node, error)) *Sim {
	if cfg.MaxClockStep <= 0 {
		cfg.MaxClockStep = 10 * time.Millisecond
	}
	return &Sim{
		cfg:     cfg,
		rng:     rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		now:     time.Unix(0, 0).UTC(),
		byLoc:   map[string][]int{},
		spawn:   spawn,
		ticking: -1,
	}
}

// place adds the members of a location and starts their nodes.
func (s *Sim) place(location string, members int) error {
	if _, dup := s.byLoc[location]; dup {
		return fmt.Errorf("sim: location %q is listed twice", location)
	}
	for m := range members {
		s.byLoc[location] = append(s.byLoc[location], len(s.nodes))
		s.all = append(s.all, len(s.nodes))
		s.nodes = append(s.nodes, &member{location: location, index: m, disk: durable.NewMemFS()})
		if err := s.start(len(s.nodes) - 1); err != nil {
			return err
		}
	}
	return nil
}

// start (re)creates node i, fresh but for what its kind keeps durable.
func (s *Sim) start(i int) error {
	m := s.nodes[i]
	return s.guard(i, "start", func() error {
		n, err := s.spawn(m.location, m.index)
		if err != nil {
			return fmt.Errorf("sim: seed %d: start %s: %w", s.cfg.Seed, m, err)
		}
		if d := n.durable(); d != nil {
			if err := d.Recover(m.disk, durable.Options{SnapshotBytes: snapshotBytes}); err != nil {
				return fmt.Errorf("sim: seed %d: recover %s: %w", s.cfg.Seed, m, err)
			}
		}
		m.node = n
		return nil
	})
}

// post puts a message sent by the ticking node on the wire, to the members
// of location to.Location that to addresses (hydro.Dest.AppendTargets), the
// sender included.
func (s *Sim) post(dest hydro.Dest, msg message) {
	to := dest.Location
	members, ok := s.byLoc[to]
	if !ok {
		if s.sendErr == nil {
			s.sendErr = fmt.Errorf("sim: seed %d: %s sent a message (tag %d) to location %q, which is not simulated",
				s.cfg.Seed, s.describe(s.ticking), msg.tag, to)
		}
		return
	}
	s.targets = dest.AppendTargets(s.targets[:0], len(members))
	for _, k := range s.targets {
		t := members[k]
		s.wire.push(flight{to: t, msg: msg})
		s.stats.Sent++
		s.trace(Send, t, msg.tag)
	}
}

// describe names node i for errors.
func (s *Sim) describe(i int) string {
	if i < 0 {
		return "a node outside a tick"
	}
	return s.nodes[i].String()
}

func (s *Sim) trace(kind EventKind, i, tag int) {
	if s.cfg.Trace == nil {
		return
	}
	m := s.nodes[i]
	s.cfg.Trace(Event{Step: s.stats.Steps, Now: s.now, Kind: kind, Location: m.location, Member: m.index, Tag: tag})
}

// Stats returns what the scheduler has done so far.
func (s *Sim) Stats() Stats { return s.stats }

// Seed returns the seed that determines the run.
func (s *Sim) Seed() uint64 { return s.cfg.Seed }

// Now returns the simulated clock, which starts at the Unix epoch.
func (s *Sim) Now() time.Time { return s.now }

// InFlight returns the number of messages on the wire.
func (s *Sim) InFlight() int { return s.wire.Len() }

// Quiet reports whether nothing is in flight and no node has pending work.
// Timers do not count: a program that resends on a timer is never quiet, and
// runs with RunUntil instead.
func (s *Sim) Quiet() bool {
	if s.wire.Len() > 0 {
		return false
	}
	for _, m := range s.nodes {
		if m.node.pending() {
			return false
		}
	}
	return true
}

// Step makes one scheduling decision: crash a node, deliver (or lose) a
// message, or tick a node. It first advances the clock by a random amount up
// to Config.MaxClockStep. A node that rejects a delivered message, sends one
// to a location that is not simulated, or panics makes Step return an error
// naming the seed.
func (s *Sim) Step() error {
	s.stats.Steps++
	s.now = s.now.Add(time.Duration(s.rng.Int64N(int64(s.cfg.MaxClockStep) + 1)))
	if s.faults().Crash > 0 && s.rng.Float64() < s.faults().Crash {
		if victims := s.crashable(); len(victims) > 0 {
			return s.crash(victims[s.rng.IntN(len(victims))])
		}
	}
	var busy []int
	for i, m := range s.nodes {
		if m.node.pending() || m.node.due(s.now) {
			busy = append(busy, i)
		}
	}
	if s.wire.Len() > 0 && (len(busy) == 0 || s.rng.IntN(2) == 0) {
		return s.deliver()
	}
	var i int
	if len(busy) > 0 && s.rng.IntN(8) != 0 {
		i = busy[s.rng.IntN(len(busy))]
	} else {
		i = s.rng.IntN(len(s.nodes)) // an idle tick
	}
	return s.tick(i)
}

// faults returns the faults of the current step: Config.Faults, or the
// scheduled phase in force.
func (s *Sim) faults() Faults {
	fs, from := s.cfg.Faults, 0
	for _, p := range s.cfg.Schedule {
		if p.From <= s.stats.Steps && p.From >= from {
			fs, from = p.Faults, p.From
		}
	}
	return fs
}

// crashable returns the nodes that may crash.
func (s *Sim) crashable() []int {
	if len(s.faults().CrashOnly) == 0 {
		return s.all
	}
	var out []int
	for i, m := range s.nodes {
		if slices.Contains(s.faults().CrashOnly, m.location) {
			out = append(out, i)
		}
	}
	return out
}

// snapshotBytes is the log size at which simulated nodes snapshot: small,
// so that simulations exercise snapshots and recovery from them.
const snapshotBytes = 4 << 10

// crash restarts node i; the messages in flight to it are lost. A node with
// durable state crashes half the time in the middle of a tick, between its
// log write and the sync.
func (s *Sim) crash(i int) error {
	s.stats.Crashes++
	m := s.nodes[i]
	if d := m.node.durable(); d != nil && d.Log() != nil && s.rng.IntN(2) == 0 {
		s.stats.CrashesBeforeSync++
		s.trace(CrashBeforeSync, i, -1)
		m.disk.FailNextSync()
		if err := s.tick(i); err != nil {
			return err
		}
	} else {
		s.trace(Crash, i, -1)
	}
	m.disk.Crash(func(n int) int { return s.rng.IntN(n) })
	if d := m.node.durable(); d != nil {
		d.Close()
	}
	s.wire.removeFunc(func(f flight) bool {
		if f.to != i {
			return false
		}
		s.stats.Dropped++
		s.trace(Drop, i, f.msg.tag)
		return true
	})
	return s.start(i)
}

// tick runs one tick of node i at the simulated time.
func (s *Sim) tick(i int) error {
	s.stats.Ticks++
	s.trace(Tick, i, -1)
	s.ticking = i
	defer func() { s.ticking, s.sendErr = -1, nil }()
	if err := s.guard(i, "tick", func() error { s.nodes[i].node.tick(s.now); return nil }); err != nil {
		return err
	}
	if d := s.nodes[i].node.durable(); d != nil && d.Err() != nil && !errors.Is(d.Err(), durable.ErrCrashed) {
		return fmt.Errorf("sim: seed %d: step %d: %s stopped: %w", s.cfg.Seed, s.stats.Steps, s.nodes[i], d.Err())
	}
	return s.sendErr
}

// guard runs fn, which runs code of node i, and turns a panic into an error
// naming the seed, the step and the node, with the panic's stack.
func (s *Sim) guard(i int, what string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sim: seed %d: step %d: %s of %s panicked: %v\n%s", s.cfg.Seed, s.stats.Steps, what, s.nodes[i], r, debug.Stack())
		}
	}()
	return fn()
}

// deliver picks a message on the wire and delivers, duplicates or drops it.
func (s *Sim) deliver() error {
	k := s.wire.at(s.rng.IntN(s.wire.Len()))
	f := s.wire.slots[k]
	fs := s.faults()
	if fs.Duplicate > 0 && s.rng.Float64() < fs.Duplicate {
		s.stats.Duplicated++
		s.trace(Duplicate, f.to, f.msg.tag)
	} else {
		s.wire.remove(k)
	}
	if fs.Drop > 0 && s.rng.Float64() < fs.Drop {
		s.stats.Dropped++
		s.trace(Drop, f.to, f.msg.tag)
		return nil
	}
	s.stats.Delivered++
	s.trace(Deliver, f.to, f.msg.tag)
	return s.guard(f.to, "delivery", func() error {
		if err := s.nodes[f.to].node.deliver(f.msg); err != nil {
			return fmt.Errorf("sim: seed %d: step %d: deliver to %s: %w", s.cfg.Seed, s.stats.Steps, s.nodes[f.to], err)
		}
		return nil
	})
}

// RunUntilQuiet steps until Quiet or maxSteps steps. It reports an error,
// naming the seed, if the run did not quiesce.
func (s *Sim) RunUntilQuiet(maxSteps int) error {
	for range maxSteps {
		if s.Quiet() {
			return nil
		}
		if err := s.Step(); err != nil {
			return err
		}
	}
	if s.Quiet() {
		return nil
	}
	return fmt.Errorf("sim: seed %d: not quiet after %d steps (%d messages in flight)", s.cfg.Seed, maxSteps, s.wire.Len())
}

// RunUntil steps until done reports true, checking before every step, or
// until maxSteps steps; it reports an error naming the seed if done never
// held. Use it for programs that resend on timers and so never fall quiet.
func (s *Sim) RunUntil(done func() bool, maxSteps int) error {
	for range maxSteps {
		if done() {
			return nil
		}
		if err := s.Step(); err != nil {
			return err
		}
	}
	if done() {
		return nil
	}
	return fmt.Errorf("sim: seed %d: condition not reached after %d steps (%+v)", s.cfg.Seed, maxSteps, s.stats)
}

// Run takes exactly n steps.
func (s *Sim) Run(n int) error {
	for range n {
		if err := s.Step(); err != nil {
			return err
		}
	}
	return nil
}

// TickAll ticks every node once, in placement order, without advancing the
// clock, and returns the first error of a tick.
func (s *Sim) TickAll() error {
	for i := range s.nodes {
		if err := s.tick(i); err != nil {
			return err
		}
	}
	return nil
}
