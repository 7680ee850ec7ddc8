package netio

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultReorderHold is how long a reordered frame waits for a later frame
// to overtake it when ChaosConfig.ReorderHold is zero.
const DefaultReorderHold = 10 * time.Millisecond

// ChaosConfig sets the faults a Chaos injects. Probabilities are in [0, 1];
// values outside act as the nearest bound.
type ChaosConfig struct {
	// Seed seeds the random decisions. Each wrapped endpoint draws from its
	// own generator, derived from Seed and its Addr.
	Seed uint64

	// Drop is the probability that a frame is discarded.
	Drop float64
	// Duplicate is the probability that a frame is sent twice.
	Duplicate float64
	// Reorder is the probability that a frame is held back and sent right
	// after the next frame to the same destination, or after ReorderHold
	// if no such frame comes.
	Reorder float64
	// ReorderHold bounds how long a reordered frame is held. Zero means
	// DefaultReorderHold.
	ReorderHold time.Duration
	// Delay is the probability that a frame is sent after a delay drawn
	// uniformly from [DelayMin, DelayMax]. Delayed frames are overtaken by
	// frames sent after them.
	Delay              float64
	DelayMin, DelayMax time.Duration
}

// ChaosStats counts the decisions a Chaos took, over all the endpoints it
// wraps.
type ChaosStats struct {
	Frames      uint64 // frames passed to Send on wrapped endpoints
	Dropped     uint64 // frames discarded by the Drop probability
	Duplicated  uint64 // frames sent twice
	Reordered   uint64 // frame copies held back for reordering
	Delayed     uint64 // frame copies delayed
	Partitioned uint64 // frames discarded by a partition, on send or on receive
}

// Chaos injects network faults into the endpoints it wraps: it drops,
// duplicates, reorders and delays frames, and partitions pairs of endpoints.
// Faults are applied on the sending side, where each wrapped endpoint draws
// its decisions from a generator seeded by the Seed and its own Addr:
// given the seed and the sequence of Sends on an endpoint, its decisions are
// deterministic whatever the other endpoints do. Over the in-memory network,
// without delays and with no reordered frame outliving ReorderHold, the
// whole run is deterministic given a deterministic sequence of calls.
// Partitions are also enforced when a wrapped endpoint drains, so that
// frames in flight or already waiting in its inbox, and frames from senders
// that are not wrapped, are cut off too.
//
// A Chaos is safe for concurrent use.
type Chaos struct {
	cfg ChaosConfig

	mu    sync.RWMutex
	parts map[addrPair]struct{}
	nPart atomic.Int32 // len(parts), for a lock-free fast path

	frames, dropped, duplicated     atomic.Uint64
	reordered, delayed, partitioned atomic.Uint64
}

type addrPair struct{ a, b Addr }

func makePair(a, b Addr) addrPair {
	if b < a {
		a, b = b, a
	}
	return addrPair{a, b}
}

// NewChaos returns a Chaos injecting the faults cfg describes.
func NewChaos(cfg ChaosConfig) *Chaos {
	if cfg.ReorderHold <= 0 {
		cfg.ReorderHold = DefaultReorderHold
	}
	cfg.DelayMin = max(cfg.DelayMin, 0)
	cfg.DelayMax = max(cfg.DelayMax, cfg.DelayMin)
	return &Chaos{cfg: cfg, parts: make(map[addrPair]struct{})}
}

// Partition cuts traffic between a and b, in both directions, until Heal.
func (c *Chaos) Partition(a, b Addr) {
	c.mu.Lock()
	c.parts[makePair(a, b)] = struct{}{}
	c.nPart.Store(int32(len(c.parts)))
	c.mu.Unlock()
}

// Heal restores traffic between a and b.
func (c *Chaos) Heal(a, b Addr) {
	c.mu.Lock()
	delete(c.parts, makePair(a, b))
	c.nPart.Store(int32(len(c.parts)))
	c.mu.Unlock()
}

// HealAll removes every partition.
func (c *Chaos) HealAll() {
	c.mu.Lock()
	clear(c.parts)
	c.nPart.Store(0)
	c.mu.Unlock()
}

// Partitioned reports whether traffic between a and b is cut.
func (c *Chaos) Partitioned(a, b Addr) bool {
	if c.nPart.Load() == 0 {
		return false
	}
	c.mu.RLock()
	_, ok := c.parts[makePair(a, b)]
	c.mu.RUnlock()
	return ok
}

// Stats returns the counts of the decisions taken so far.
func (c *Chaos) Stats() ChaosStats {
	return ChaosStats{
		Frames:      c.frames.Load(),
		Dropped:     c.dropped.Load(),
		Duplicated:  c.duplicated.Load(),
		Reordered:   c.reordered.Load(),
		Delayed:     c.delayed.Load(),
		Partitioned: c.partitioned.Load(),
	}
}

// Wrap returns ep with faults injected into its traffic. The wrapper owns
// ep: closing it closes ep and discards frames still held or delayed. Its
// Stats are those of ep, or zero if ep is not a StatsReporter.
func (c *Chaos) Wrap(ep Endpoint) Endpoint {
	addr := ep.Addr()
	return &chaosEndpoint{
		c:     c,
		inner: ep,
		addr:  addr,
		rng:   rand.New(rand.NewPCG(c.cfg.Seed, fnv64a(string(addr)))),
		held:  make(map[Addr][]*chaosFrame),
		wake:  make(chan struct{}, 1),
		done:  make(chan struct{}),
	}
}

func fnv64a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// chaosFrame is a copy of a frame that is held back or delayed.
type chaosFrame struct {
	due     time.Time
	seq     uint64
	to      Addr
	tag     uint16
	payload []byte
	held    bool // waiting in held for a later frame
	sent    bool
}

type chaosEndpoint struct {
	c     *Chaos
	inner Endpoint
	addr  Addr

	mu      sync.Mutex // serializes decisions and forwarding
	rng     *rand.Rand
	held    map[Addr][]*chaosFrame
	sched   frameHeap
	seq     uint64
	running bool
	closed  bool

	wake chan struct{}
	done chan struct{}
	wg   sync.WaitGroup
}

func (w *chaosEndpoint) Addr() Addr             { return w.addr }
func (w *chaosEndpoint) Ready() <-chan struct{} { return w.inner.Ready() }

func (w *chaosEndpoint) Stats() Stats {
	if r, ok := w.inner.(StatsReporter); ok {
		return r.Stats()
	}
	return Stats{}
}

func (w *chaosEndpoint) Send(to Addr, tag uint16, payload []byte) error {
	c := w.c
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return fmt.Errorf("netio: send to %s: %w", to, ErrClosed)
	}
	// Every frame takes the same draws, so that changing one probability
	// does not shift the decisions taken for the others.
	uDrop, uDup, uReorder, uDelay := w.rng.Float64(), w.rng.Float64(), w.rng.Float64(), w.rng.Float64()
	delay := c.cfg.DelayMin + time.Duration(w.rng.Uint64()%(uint64(c.cfg.DelayMax-c.cfg.DelayMin)+1))
	c.frames.Add(1)

	if c.Partitioned(w.addr, to) {
		c.partitioned.Add(1)
		return nil
	}
	if uDrop < c.cfg.Drop {
		c.dropped.Add(1)
		return nil
	}
	copies := 1
	if uDup < c.cfg.Duplicate {
		copies = 2
		c.duplicated.Add(1)
	}
	var err error
	for range copies {
		switch {
		case uDelay < c.cfg.Delay:
			c.delayed.Add(1)
			w.schedule(to, tag, payload, delay, false)
		case uReorder < c.cfg.Reorder:
			c.reordered.Add(1)
			f := w.schedule(to, tag, payload, c.cfg.ReorderHold, true)
			w.held[to] = append(w.held[to], f)
		default:
			if e := w.forward(to, tag, payload); e != nil && err == nil {
				err = e
			}
		}
	}
	return err
}

// forward sends a frame on the inner endpoint, then the frames held back for
// the same destination, which the frame has thus overtaken. w.mu is held.
func (w *chaosEndpoint) forward(to Addr, tag uint16, payload []byte) error {
	if w.c.Partitioned(w.addr, to) {
		w.c.partitioned.Add(1)
		return nil
	}
	err := w.inner.Send(to, tag, payload)
	held := w.held[to]
	if len(held) == 0 {
		return err
	}
	delete(w.held, to)
	for _, f := range held {
		f.sent, f.held = true, false
		w.sendCopy(f)
	}
	return err
}

// sendCopy sends a held or delayed frame. Errors are dropped: Send returned
// long ago. w.mu is held.
func (w *chaosEndpoint) sendCopy(f *chaosFrame) {
	if w.c.Partitioned(w.addr, f.to) {
		w.c.partitioned.Add(1)
		return
	}
	w.inner.Send(f.to, f.tag, f.payload)
}

// schedule queues a copy of the frame to be handled after d and starts the
// scheduler if needed. w.mu is held.
func (w *chaosEndpoint) schedule(to Addr, tag uint16, payload []byte, d time.Duration, held bool) *chaosFrame {
	w.seq++
	f := &chaosFrame{
		due:     time.Now().Add(d),
		seq:     w.seq,
		to:      to,
		tag:     tag,
		payload: append([]byte(nil), payload...),
		held:    held,
	}
	heap.Push(&w.sched, f)
	if !w.running {
		w.running = true
		w.wg.Add(1)
		go w.run()
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
	return f
}

// run sends scheduled frames when they fall due.
func (w *chaosEndpoint) run() {
	defer w.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		w.mu.Lock()
		now := time.Now()
		for len(w.sched) > 0 && !w.sched[0].due.After(now) {
			f := heap.Pop(&w.sched).(*chaosFrame)
			switch {
			case f.sent:
			case f.held:
				// No later frame came to overtake it in time.
				f.sent = true
				w.unhold(f)
				w.sendCopy(f)
			default:
				f.sent = true
				w.forward(f.to, f.tag, f.payload)
			}
		}
		wait := time.Hour
		if len(w.sched) > 0 {
			wait = w.sched[0].due.Sub(now)
		}
		w.mu.Unlock()
		timer.Reset(wait)
		select {
		case <-timer.C:
		case <-w.wake:
		case <-w.done:
			return
		}
	}
}

// unhold removes f from the frames held for its destination. w.mu is held.
func (w *chaosEndpoint) unhold(f *chaosFrame) {
	held := w.held[f.to]
	for i, g := range held {
		if g == f {
			held = append(held[:i], held[i+1:]...)
			break
		}
	}
	if len(held) == 0 {
		delete(w.held, f.to)
	} else {
		w.held[f.to] = held
	}
}

func (w *chaosEndpoint) Drain(fn func(from Addr, tag uint16, payload []byte)) int {
	return w.DrainN(0, fn)
}

// DrainN bounds the frames taken from the inner endpoint, if it can (see
// LimitedDrainer); frames a partition drops count against the limit.
func (w *chaosEndpoint) DrainN(limit int, fn func(from Addr, tag uint16, payload []byte)) int {
	drain := w.inner.Drain
	if ld, ok := w.inner.(LimitedDrainer); ok && limit > 0 {
		drain = func(fn func(from Addr, tag uint16, payload []byte)) int { return ld.DrainN(limit, fn) }
	}
	if w.c.nPart.Load() == 0 {
		return drain(fn)
	}
	n := 0
	drain(func(from Addr, tag uint16, payload []byte) {
		if w.c.Partitioned(from, w.addr) {
			w.c.partitioned.Add(1)
			return
		}
		n++
		fn(from, tag, payload)
	})
	return n
}

func (w *chaosEndpoint) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.sched = nil
	clear(w.held)
	w.mu.Unlock()
	close(w.done)
	w.wg.Wait()
	return w.inner.Close()
}

// frameHeap orders scheduled frames by due time, then by scheduling order.
type frameHeap []*chaosFrame

func (h frameHeap) Len() int { return len(h) }
func (h frameHeap) Less(i, j int) bool {
	if !h[i].due.Equal(h[j].due) {
		return h[i].due.Before(h[j].due)
	}
	return h[i].seq < h[j].seq
}
func (h frameHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *frameHeap) Push(x any)   { *h = append(*h, x.(*chaosFrame)) }
func (h *frameHeap) Pop() any {
	old := *h
	f := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return f
}
