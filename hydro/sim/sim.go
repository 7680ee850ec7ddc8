// Package sim runs every node of a multi-location flow in one goroutine under
// a seeded scheduler. The scheduler decides everything a real deployment
// leaves to chance: which node ticks next, which message is delivered next
// (so messages are reordered and delayed), which messages are lost or
// duplicated, how the clock advances, and which nodes crash and restart with
// fresh state. A run is a function of its seed: a failing run replays
// identically from the seed it prints.
package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/internal/ir"
)

// Faults are the probabilities of the network and node failures the scheduler
// injects.
type Faults struct {
	// Drop is the probability that a message is lost instead of delivered.
	Drop float64
	// Duplicate is the probability that a delivered message stays in flight to
	// be delivered again.
	Duplicate float64
	// Crash is the probability, per step, that a node crashes and restarts
	// with fresh state (what it had not made durable is lost, including the
	// messages it had received but not yet processed).
	Crash float64
}

// Config configures a simulation.
type Config struct {
	// Seed determines the whole run.
	Seed uint64
	// Members gives the number of members of every cluster, by name.
	Members map[string]int
	// Faults are the failures to inject.
	Faults Faults
	// MaxClockStep bounds how far the clock advances per step (default 10ms).
	MaxClockStep time.Duration
}

// Sim is a running simulation.
type Sim struct {
	flow  *hydro.Flow
	cfg   Config
	rng   *rand.Rand
	now   time.Time
	nodes []*node
	byLoc map[string][]int
	wire  []flight
	steps int
	stats Stats
}

// Stats counts what the scheduler did.
type Stats struct {
	Steps, Ticks, Sent, Delivered, Dropped, Duplicated, Crashes int
}

type node struct {
	cfg hydro.NodeConfig
	it  *hydro.Interpreter
}

type flight struct {
	to   int // node index
	op   int
	item any
}

// New places every member of every location of f, which must be built and
// free of errors. The flow's inputs and outputs are shared with the caller:
// push into inputs and take from outputs as the simulation runs.
func New(f *hydro.Flow, cfg Config) (*Sim, error) {
	if err := f.Err(); err != nil {
		return nil, err
	}
	if cfg.MaxClockStep <= 0 {
		cfg.MaxClockStep = 10 * time.Millisecond
	}
	s := &Sim{flow: f, cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		now: time.Unix(0, 0).UTC(), byLoc: map[string][]int{}}
	g := f.Graph()
	for _, l := range g.Locations {
		n := 1
		if l.Kind == ir.ClusterLoc {
			n = cfg.Members[l.Name]
			if n < 1 {
				return nil, fmt.Errorf("sim: cluster %q needs a size of at least 1 in Config.Members", l.Name)
			}
		}
		for m := range n {
			nc := hydro.NodeConfig{Location: l.Name, Member: hydro.MemberID(m), Members: cfg.Members}
			s.byLoc[l.Name] = append(s.byLoc[l.Name], len(s.nodes))
			s.nodes = append(s.nodes, &node{cfg: nc})
			if err := s.start(len(s.nodes) - 1); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// start (re)creates node i's interpreter with fresh state.
func (s *Sim) start(i int) error {
	it, err := hydro.InterpretAt(s.flow, s.nodes[i].cfg)
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	it.SetNow(s.now)
	it.OnSend(func(m hydro.Message) { s.send(m) })
	s.nodes[i].it = it
	return nil
}

func (s *Sim) send(m hydro.Message) {
	targets := s.byLoc[m.To]
	if m.Member >= 0 {
		targets = targets[m.Member : m.Member+1]
	}
	for _, t := range targets {
		s.wire = append(s.wire, flight{to: t, op: m.Op, item: deepCopy(m.Item)})
		s.stats.Sent++
	}
}

// Stats returns what the scheduler has done so far.
func (s *Sim) Stats() Stats { return s.stats }

// Now returns the simulated clock.
func (s *Sim) Now() time.Time { return s.now }

// InFlight returns the number of messages on the wire.
func (s *Sim) InFlight() int { return len(s.wire) }

// Node returns the interpreter of one member of a location (for inspecting
// state in tests); it changes when the node restarts.
func (s *Sim) Node(location string, member int) *hydro.Interpreter {
	idx := s.byLoc[location]
	if member < 0 || member >= len(idx) {
		return nil
	}
	return s.nodes[idx[member]].it
}

// Quiet reports whether nothing is in flight and no node has pending work.
func (s *Sim) Quiet() bool {
	if len(s.wire) > 0 {
		return false
	}
	for _, n := range s.nodes {
		if n.it.Pending() {
			return false
		}
	}
	return true
}

// Step makes one scheduling decision: deliver (or lose) a message, tick a
// node, or crash one. It advances the clock by a random amount.
func (s *Sim) Step() error {
	s.steps++
	s.stats.Steps++
	s.now = s.now.Add(time.Duration(s.rng.Int64N(int64(s.cfg.MaxClockStep) + 1)))
	if s.cfg.Faults.Crash > 0 && s.rng.Float64() < s.cfg.Faults.Crash {
		i := s.rng.IntN(len(s.nodes))
		s.stats.Crashes++
		return s.start(i)
	}
	var busy []int
	for i, n := range s.nodes {
		if n.it.Pending() {
			busy = append(busy, i)
		}
	}
	if len(s.wire) > 0 && (len(busy) == 0 || s.rng.IntN(2) == 0) {
		return s.deliver()
	}
	var i int
	if len(busy) > 0 && s.rng.IntN(8) != 0 {
		i = busy[s.rng.IntN(len(busy))]
	} else {
		i = s.rng.IntN(len(s.nodes)) // an idle tick lets timers fire
	}
	s.tick(i)
	return nil
}

func (s *Sim) tick(i int) {
	it := s.nodes[i].it
	it.SetNow(s.now)
	it.Tick()
	s.stats.Ticks++
}

func (s *Sim) deliver() error {
	k := s.rng.IntN(len(s.wire))
	m := s.wire[k]
	if s.cfg.Faults.Duplicate > 0 && s.rng.Float64() < s.cfg.Faults.Duplicate {
		s.stats.Duplicated++
	} else {
		s.wire = slices.Delete(s.wire, k, k+1)
	}
	if s.cfg.Faults.Drop > 0 && s.rng.Float64() < s.cfg.Faults.Drop {
		s.stats.Dropped++
		return nil
	}
	// Each delivery gets its own copy: a duplicate must not alias the first.
	if err := s.nodes[m.to].it.Deliver(m.op, deepCopy(m.item)); err != nil {
		return fmt.Errorf("sim: seed %d: %w", s.cfg.Seed, err)
	}
	s.stats.Delivered++
	return nil
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
	return fmt.Errorf("sim: seed %d: not quiet after %d steps (%d messages in flight)", s.cfg.Seed, maxSteps, len(s.wire))
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

// TickAll ticks every node once, in placement order.
func (s *Sim) TickAll() {
	for i := range s.nodes {
		s.tick(i)
	}
}
