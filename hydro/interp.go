package hydro

import (
	"fmt"
	"slices"
	"time"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
	"github.com/hydrogo/hydro/internal/strata"
)

// Interpreter runs a flow with the reference semantics, one tick at a time.
// It is slow and simple on purpose: generated code must agree with it.
type Interpreter struct {
	g       *ir.Graph
	plan    *strata.Plan
	nodes   []*inode // by node ID; nil for nodes at other locations
	strata  [][]*inode
	env     ops.Env
	current int
	queue   []work
	cfg     NodeConfig
	send    func(Message)
	sent    []Message // messages kept while no OnSend function is set

	// Durable state (see durable.go): the location's durable operators,
	// the log once recovered, the error that stopped the node, and the
	// messages and outputs held until the tick commits.
	durable []durableOp
	journal Journal
	outbox  []Message
	held    []heldOutput
}

// NodeConfig places an interpreter at one member of one location of a
// multi-location flow.
type NodeConfig struct {
	// Location names the location whose operators the interpreter runs.
	Location string
	// Member is the member's number within a cluster (0 for a process).
	Member MemberID
	// Members gives the size of every cluster of the flow, by name.
	Members map[string]int
}

// Message is an item leaving a node over a network operator.
type Message struct {
	// Op is the network operator's node ID; the receiver delivers the item to
	// the operator of the same ID.
	Op int
	// To names the destination location.
	To string
	// Member is the destination member, or -1 for every member.
	Member int
	// Item is the item itself.
	Item any
}

type inode struct {
	it       *Interpreter
	n        *ir.Node
	spec     *ops.Spec
	impl     ops.Interp
	out      []ir.Edge
	pending  [][]any // items for a later stratum, by port
	emitFunc ops.Emit
}

type work struct {
	to   *inode
	port int
	item any
}

// Interpret checks a built flow and returns an interpreter for it. The flow
// must have exactly one location; multi-location flows run in hydro/sim.
func Interpret(f *Flow) (*Interpreter, error) {
	if err := f.Err(); err != nil {
		return nil, err
	}
	g := f.Graph()
	switch len(g.Locations) {
	case 0:
		return nil, fmt.Errorf("flow %s declares no location; declare one with Flow.Process", g.Name)
	case 1:
	default:
		return nil, fmt.Errorf("flow %s has %d locations; Interpret runs one location, run multi-location flows with hydro/sim", g.Name, len(g.Locations))
	}
	return newInterpreter(g, f.codecs, 0, NodeConfig{Location: g.Locations[0].Name, Members: map[string]int{}})
}

// InterpretAt returns an interpreter for the operators of one member of one
// location of f. Items leaving over network operators go to the function set
// by OnSend; items arriving are handed over with Deliver.
func InterpretAt(f *Flow, cfg NodeConfig) (*Interpreter, error) {
	if err := f.Err(); err != nil {
		return nil, err
	}
	g := f.Graph()
	for _, l := range g.Locations {
		if l.Kind == ir.ClusterLoc && cfg.Members[l.Name] < 1 {
			return nil, fmt.Errorf("flow %s: cluster %q needs a size of at least 1 in NodeConfig.Members", g.Name, l.Name)
		}
		if l.Name != cfg.Location {
			continue
		}
		if l.Kind == ir.ProcessLoc && cfg.Member != 0 {
			return nil, fmt.Errorf("flow %s: %q is a process; its only member is 0", g.Name, l.Name)
		}
		if l.Kind == ir.ClusterLoc && int(cfg.Member) >= cfg.Members[l.Name] {
			return nil, fmt.Errorf("flow %s: member %d is outside cluster %q of %d members", g.Name, cfg.Member, l.Name, cfg.Members[l.Name])
		}
		return newInterpreter(g, f.codecs, l.ID, cfg)
	}
	return nil, fmt.Errorf("flow %s has no location %q", g.Name, cfg.Location)
}

// OnSend sets the function called, on the interpreter's goroutine, for every
// item leaving the node over a network operator. Until it is set, such items
// are kept for TakeSent.
func (it *Interpreter) OnSend(fn func(Message)) { it.send = fn }

// TakeSent returns and forgets the messages sent while no OnSend function was
// set.
func (it *Interpreter) TakeSent() []Message {
	m := it.sent
	it.sent = nil
	return m
}

// SetNow sets the interpreter's clock; timers see it from the next tick on.
// The clock never moves backwards: an earlier time is ignored.
func (it *Interpreter) SetNow(t time.Time) {
	if t.After(it.env.Now) {
		it.env.Now = t
	}
}

// Deliver hands the interpreter an item that arrived over network operator
// op; the operator emits it in the next tick.
func (it *Interpreter) Deliver(op int, item any) error {
	if op < 0 || op >= len(it.nodes) || it.nodes[op] == nil {
		return fmt.Errorf("flow %s: no network operator %d at %s", it.g.Name, op, it.cfg.Location)
	}
	r, ok := it.nodes[op].impl.(ops.Receiver)
	if !ok {
		return fmt.Errorf("flow %s: operator %d (%s) at %s is not a network operator", it.g.Name, op, it.nodes[op].spec.API, it.cfg.Location)
	}
	r.Deliver(item)
	return nil
}

// Config returns the interpreter's placement.
func (it *Interpreter) Config() NodeConfig { return it.cfg }

// newInterpreter returns an interpreter for the operators of g at location loc.
func newInterpreter(g *ir.Graph, codecs map[int]valueCodec, loc int, cfg NodeConfig) (*Interpreter, error) {
	if ds := ir.Verify(g); len(ds) > 0 {
		return nil, ds
	}
	plan, err := strata.Compute(g)
	if err != nil {
		return nil, err
	}
	it := &Interpreter{g: g, plan: plan, nodes: make([]*inode, len(g.Nodes)), strata: make([][]*inode, plan.Count), cfg: cfg}
	it.env.Now = time.Unix(0, 0).UTC()
	it.env.Member = int(cfg.Member)
	it.env.Sizes = cfg.Members
	consumers := g.Consumers()
	for _, n := range g.Nodes {
		if n.Loc != loc {
			continue
		}
		spec := ops.Lookup(n.Op)
		in := &inode{it: it, n: n, spec: spec, impl: spec.New(n.Instance(), spec), out: consumers[n.ID], pending: make([][]any, len(n.Inputs))}
		in.emitFunc = in.emit
		it.nodes[n.ID] = in
		it.strata[plan.Of[n.ID]] = append(it.strata[plan.Of[n.ID]], in)
		if slices.Contains(n.Lifetimes, ir.Durable) {
			st, ok := in.impl.(ops.DurableState)
			c, coded := codecs[n.ID]
			if !ok || !coded {
				return nil, fmt.Errorf("%s: %s: internal error: durable state without a log encoding", n.Pos, spec.API)
			}
			it.durable = append(it.durable, durableOp{id: n.ID, state: st, codec: c})
		}
	}
	if len(it.durable) > 0 {
		// Outputs of a durable node leave only once its tick is committed;
		// ForEach runs during the tick, as in generated code.
		for _, in := range it.nodes {
			if in != nil && in.spec == ops.Sink {
				in.impl = holdSink{it: it, inner: in.impl}
			}
		}
	}
	return it, nil
}

// Ticks returns the number of ticks run so far.
func (it *Interpreter) Ticks() int { return it.env.Tick }

// Now returns the interpreter's clock, which starts at the Unix epoch and
// moves only by Advance.
func (it *Interpreter) Now() time.Time { return it.env.Now }

// Advance moves the clock forward by d; timers see the new time from the next
// tick on.
func (it *Interpreter) Advance(d time.Duration) { it.env.Now = it.env.Now.Add(d) }

// Tick runs one tick: every stratum in order, each to its fixpoint. A node
// with durable state then commits the tick's changes to its log before its
// messages and outputs leave; a node stopped by a failed commit (see Err)
// does nothing.
func (it *Interpreter) Tick() {
	if it.journal.Err() != nil {
		return
	}
	for s, nodes := range it.strata {
		it.current = s
		// Phase 1: complete blocking inputs, then let every operator emit what
		// it holds (sources, replays, aggregates) before any item of this
		// stratum reaches it.
		for _, n := range nodes {
			for port, items := range n.pending {
				if n.spec.IsBlocking(port) {
					n.deliver(port, items)
				}
			}
			n.impl.Flush(&it.env, n.emitFunc)
		}
		// Phase 2: items buffered for non-blocking inputs.
		for _, n := range nodes {
			for port, items := range n.pending {
				if !n.spec.IsBlocking(port) {
					n.deliver(port, items)
				}
			}
		}
		// Phase 3: run to fixpoint.
		for i := 0; i < len(it.queue); i++ {
			w := it.queue[i]
			w.to.impl.Push(&it.env, w.port, w.item, w.to.emitFunc)
			it.queue[i] = work{}
		}
		it.queue = it.queue[:0]
	}
	if len(it.durable) > 0 {
		it.commit()
	}
	for _, n := range it.nodes {
		if n != nil {
			n.impl.EndTick()
		}
	}
	it.env.Tick++
}

// Pending reports whether a tick would have work: deferred items or queued
// input.
func (it *Interpreter) Pending() bool {
	for _, n := range it.nodes {
		if n == nil {
			continue
		}
		if w, ok := n.impl.(ops.Waiter); ok && w.Pending() {
			return true
		}
	}
	return false
}

// NextTimer returns the node-clock time at which the next timer of the
// interpreter's location is due, and false if it has no timers, as a
// generated node's NextTimer does.
func (it *Interpreter) NextTimer() (time.Time, bool) {
	var next time.Time
	found := false
	for _, n := range it.nodes {
		if n == nil {
			continue
		}
		if tm, ok := n.impl.(ops.Timed); ok {
			if d := tm.Due(); !found || d.Before(next) {
				next, found = d, true
			}
		}
	}
	return next, found
}

// RunUntilQuiet runs ticks until none is pending, at most max ticks, and
// returns the number run. It always runs at least one tick.
func (it *Interpreter) RunUntilQuiet(max int) (int, error) {
	for i := 1; ; i++ {
		it.Tick()
		if !it.Pending() {
			return i, nil
		}
		if i >= max {
			return i, fmt.Errorf("flow %s still has work after %d ticks", it.g.Name, max)
		}
	}
}

func (n *inode) deliver(port int, items []any) {
	for i, x := range items {
		n.impl.Push(&n.it.env, port, x, n.emitFunc)
		items[i] = nil
	}
	n.pending[port] = items[:0]
}

func (n *inode) emit(x any) {
	it := n.it
	for _, e := range n.out {
		c := it.nodes[e.To]
		switch {
		case c == nil || c.spec.Network:
			// Network operators deliver through the network, even to their
			// own location (a cluster broadcasting to itself).
			it.route(e.To, x)
		case c.spec.Defer:
			c.impl.Push(&it.env, e.Port, x, c.emitFunc)
		case it.plan.Of[e.To] > it.current:
			c.pending[e.Port] = append(c.pending[e.Port], x)
		default:
			it.queue = append(it.queue, work{to: c, port: e.Port, item: x})
		}
	}
}

// route sends an item into network operator op. validate guarantees that
// every consumer reached this way is a network operator.
func (it *Interpreter) route(op int, x any) {
	n := it.g.Nodes[op]
	dest := it.g.Locations[n.Loc]
	size := 1
	if dest.Kind == ir.ClusterLoc {
		size = it.cfg.Members[dest.Name]
	}
	var member int
	if n.Paired {
		// Between a location and the one paired with it (a decoupling off
		// a cluster): to the member with the sender's own number.
		member = int(it.cfg.Member) % size
	} else {
		member = n.Payload.(ops.NetworkPayload).Route(x, size)
	}
	m := Message{Op: op, To: dest.Name, Member: member, Item: x}
	if len(it.durable) > 0 {
		it.outbox = append(it.outbox, m)
		return
	}
	it.deliverSend(m)
}

// deliverSend passes a message to the OnSend function, or keeps it.
func (it *Interpreter) deliverSend(m Message) {
	if it.send == nil {
		it.sent = append(it.sent, m)
		return
	}
	it.send(m)
}
