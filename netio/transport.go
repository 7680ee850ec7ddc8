package netio

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"
)

// Addr names an endpoint: "host:port" for TCP, any string for the in-memory
// network.
type Addr string

// Endpoint is one node's attachment to a network.
//
// Guarantees, common to every transport in this package:
//
//   - Integrity: a frame is delivered whole, with the tag and payload it was
//     sent with, or not at all.
//   - At most once: a transport never delivers a frame twice (the Chaos
//     wrapper does so on purpose) and never retransmits one. A nil error
//     from Send means the frame was queued, not that it will arrive: frames
//     are lost when a queue overflows, when a connection breaks or when the
//     destination is unknown or closed. Stats counts such drops.
//   - Order: frames from one sender to one receiver arrive in the order they
//     were sent while the connection that carries them stays up (always, for
//     the in-memory network). Across a reconnect frames may be lost, and
//     frames sent before the break may arrive after frames sent after it.
//     There is no order between different senders.
//   - Source: the from address passed to Drain is the sender's Addr, so a
//     receiver can reply to it. For TCP it is what the endpoint's admission
//     function decided (see WithAdmit), which with TLS comes from the
//     sender's certificate.
//
// All methods are safe for concurrent use.
type Endpoint interface {
	// Addr returns the address peers send to in order to reach this endpoint.
	Addr() Addr
	// Send queues one frame for peer to. It never blocks on the network; it
	// copies payload, which the caller may reuse as soon as Send returns.
	// It returns an error only for local conditions: the endpoint is closed,
	// the frame exceeds the maximum frame size, or to is malformed.
	Send(to Addr, tag uint16, payload []byte) error
	// Ready receives a value (non-blocking send, capacity 1) whenever inbound
	// frames are waiting. A value may be stale, so a Drain that follows may
	// find nothing, but no frame arrives without a value being available
	// after it.
	Ready() <-chan struct{}
	// Drain calls fn for every inbound frame received since the last Drain,
	// in arrival order; payload is valid only during fn. Returns the count.
	// fn may call Send.
	Drain(fn func(from Addr, tag uint16, payload []byte)) int
	// Close stops the endpoint and waits for its goroutines to exit. Queued
	// outbound frames are discarded; inbound frames already received can
	// still be drained. Send after Close returns an error wrapping ErrClosed.
	Close() error
}

// LimitedDrainer is implemented by every Endpoint in this package: DrainN
// is Drain that hands fn at most limit frames, the oldest (all of them for
// a limit of 0 or less), and leaves the rest waiting, still charged against
// the inbox's limits, so that the connections behind them stall until a
// later drain makes room. Ready receives a value while frames are left.
// A receiver uses it to bound what it decodes before its next tick.
type LimitedDrainer interface {
	DrainN(limit int, fn func(from Addr, tag uint16, payload []byte)) int
}

// Router is implemented by endpoints that resolve a destination once, so
// that sending to it later costs no address lookup and no lock of the
// endpoint: the TCP endpoints. A node's runtime resolves each peer of its
// deployment on the first frame to it.
type Router interface {
	// Route returns the route to the endpoint listening at to, starting its
	// outbound connection as the first Send to it would. A reply address
	// (IsReplyAddr) has no route: its connection may close at any time.
	Route(to Addr) (Route, error)
}

// Route sends frames to one destination that Router.Route resolved. It is
// safe for concurrent use and stays valid until its endpoint closes.
type Route interface {
	// Send is Endpoint.Send to the route's destination.
	Send(tag uint16, payload []byte) error
}

// ErrClosed is returned (wrapped) by Send on a closed endpoint.
var ErrClosed = errors.New("netio: endpoint closed")

// Stats is a snapshot of an endpoint's counters. Byte counts are payload
// bytes, without frame headers, so that they compare across transports.
type Stats struct {
	FramesSent     uint64 // frames handed to the network: flushed to a socket, or placed in an in-memory inbox
	BytesSent      uint64 // payload bytes of FramesSent
	FramesReceived uint64 // frames placed in this endpoint's inbox
	BytesReceived  uint64 // payload bytes of FramesReceived
	Drops          uint64 // frames this endpoint discarded after Send accepted them: queue overflow, broken connection, unknown or closed destination
	Flushes        uint64 // TCP: buffered writes pushed to a socket; FramesSent/Flushes is the batching factor
	Reconnects     uint64 // TCP: outbound connections re-established after one to the same peer broke
	DialErrors     uint64 // TCP: failed dials and handshakes
	Accepted       uint64 // TCP: inbound connections admitted
	Rejected       uint64 // TCP: inbound connections closed for a failed TLS handshake or hello, or refused by the admission function
	Refused        uint64 // TCP: inbound connections closed at once because the listener was at its connection cap
	Timeouts       uint64 // TCP: inbound connections closed for idling or for stalling mid-frame
	RejectedFrames uint64 // TCP: frames over the size limit (each closes its connection)
	LogSuppressed  uint64 // TCP: warnings about connections and frames held back by the rate limit
}

// StatsReporter is implemented by every Endpoint in this package.
type StatsReporter interface {
	Stats() Stats
}

// PeerStatsReporter is implemented by endpoints that count traffic per
// peer (the TCP endpoint).
type PeerStatsReporter interface {
	PeerStats() map[Addr]Stats
}

// counters is the live, atomically updated form of Stats.
type counters struct {
	framesSent, bytesSent         atomic.Uint64
	framesReceived, bytesReceived atomic.Uint64
	drops, flushes                atomic.Uint64
	reconnects, dialErrors        atomic.Uint64
	accepted, rejected, refused   atomic.Uint64
	timeouts, rejectedFrames      atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		FramesSent:     c.framesSent.Load(),
		BytesSent:      c.bytesSent.Load(),
		FramesReceived: c.framesReceived.Load(),
		BytesReceived:  c.bytesReceived.Load(),
		Drops:          c.drops.Load(),
		Flushes:        c.flushes.Load(),
		Reconnects:     c.reconnects.Load(),
		DialErrors:     c.dialErrors.Load(),
		Accepted:       c.accepted.Load(),
		Rejected:       c.rejected.Load(),
		Refused:        c.refused.Load(),
		Timeouts:       c.timeouts.Load(),
		RejectedFrames: c.rejectedFrames.Load(),
	}
}

// inFrameOverhead is what one queued inbound frame is charged against the
// inbox limit on top of its payload, so that empty frames are bounded too.
const inFrameOverhead = 32

// inFrame locates one received frame in an inbox's byte slab.
type inFrame struct {
	from Addr
	tag  uint16
	off  int
	n    int
	sh   *share // the sender's share, or nil
}

// inbox collects inbound frames between two Drains. Payloads are copied into
// one byte slab; Drain swaps the slab with a spare one, so that receiving and
// draining allocate nothing in steady state.
type inbox struct {
	drainMu sync.Mutex // serializes drains
	mu      sync.Mutex
	space   sync.Cond // signalled when Drain or close frees room
	frames  []inFrame
	head    int // frames before head were handed out by a bounded drain
	buf     []byte
	size    int // bytes charged against limit
	limit   int // 0 means unbounded
	closed  bool
	shares  []*share // with bytes waiting

	spareFrames []inFrame
	spareBuf    []byte
	bufShrink   shrinker
	frameShrink shrinker

	ready chan struct{}
}

func (in *inbox) init(limit int) {
	in.space.L = &in.mu
	in.limit = limit
	in.ready = make(chan struct{}, 1)
}

// share is one connection's part of an inbox: the bytes it has waiting
// there, against a limit of its own, so that one peer cannot fill the inbox
// and stall every other.
type share struct {
	used, limit int
}

// push copies one frame into the inbox. With a limit, it waits while the
// inbox is full (a lone frame is always admitted), or while the sender's
// share, if any, is (again, one frame is always admitted), which stalls the
// reading connection and so pushes back on the sender. It reports false if
// the inbox was closed.
func (in *inbox) push(from Addr, tag uint16, payload []byte) bool {
	return in.pushShare(from, tag, payload, nil)
}

func (in *inbox) pushShare(from Addr, tag uint16, payload []byte, sh *share) bool {
	cost := len(payload) + inFrameOverhead
	in.mu.Lock()
	for !in.closed && (in.limit > 0 && in.size > 0 && in.size+cost > in.limit ||
		sh != nil && sh.used > 0 && sh.used+cost > sh.limit) {
		in.space.Wait()
	}
	if sh != nil {
		if sh.used == 0 {
			in.shares = append(in.shares, sh)
		}
		sh.used += cost
	}
	if in.closed {
		in.mu.Unlock()
		return false
	}
	off := len(in.buf)
	in.buf = append(in.buf, payload...)
	in.frames = append(in.frames, inFrame{from: from, tag: tag, off: off, n: len(payload), sh: sh})
	in.size += cost
	in.mu.Unlock()
	select {
	case in.ready <- struct{}{}:
	default:
	}
	return true
}

// close makes push fail from now on and releases blocked pushers. Frames
// already queued can still be drained.
func (in *inbox) close() {
	in.mu.Lock()
	in.closed = true
	in.space.Broadcast()
	in.mu.Unlock()
}

// shrinkAbove and shrinkAfter let reused buffers give memory back: every
// shrinkAfter rounds, a buffer larger than shrinkAbove whose peak use over
// those rounds stayed under 1/8 of its capacity is released. One burst then
// does not pin its memory forever, while steady or bursty traffic keeps its
// buffers and never reallocates.
const (
	shrinkAbove = 1 << 20
	shrinkAfter = 256
)

// shrinker tracks the peak use of a reused buffer.
type shrinker struct{ rounds, peak int }

// keep records that used bytes of a buffer with the given capacity served a
// round and reports whether the buffer should be kept for the next one.
func (s *shrinker) keep(used, capacity int) bool {
	s.peak = max(s.peak, used)
	s.rounds++
	if s.rounds < shrinkAfter {
		return true
	}
	idle := capacity > shrinkAbove && s.peak < capacity/8
	s.rounds, s.peak = 0, 0
	return !idle
}

func (in *inbox) drain(fn func(from Addr, tag uint16, payload []byte)) int {
	return in.drainN(0, fn)
}

// drainN is drain that hands out at most limit frames (all of them for a
// limit of 0 or less). Frames beyond the limit stay in the inbox, charged
// against its limits, so that the connections that sent them stall: the
// receiver pushes back on its senders instead of holding more than it can
// take.
func (in *inbox) drainN(limit int, fn func(from Addr, tag uint16, payload []byte)) int {
	in.drainMu.Lock()
	defer in.drainMu.Unlock()
	in.mu.Lock()
	if in.head > 0 && in.head >= len(in.frames)-in.head {
		in.compact()
	}
	if limit > 0 && len(in.frames)-in.head > limit {
		return in.drainPart(limit, fn)
	}
	all, buf := in.frames, in.buf
	frames := all[in.head:]
	in.head = 0
	in.frames, in.buf = in.spareFrames[:0], in.spareBuf[:0]
	in.spareFrames, in.spareBuf = nil, nil
	if in.size > 0 {
		in.size = 0
		for _, sh := range in.shares {
			sh.used = 0
		}
		clear(in.shares)
		in.shares = in.shares[:0]
		in.space.Broadcast()
	}
	in.mu.Unlock()

	for _, f := range frames {
		fn(f.from, f.tag, buf[f.off:f.off+f.n:f.off+f.n])
	}
	count := len(frames)

	frames = all
	clear(frames) // drop references to sender addresses
	in.mu.Lock()
	if in.spareBuf == nil && in.spareFrames == nil {
		if !in.bufShrink.keep(len(buf), cap(buf)) {
			buf = nil
		}
		if !in.frameShrink.keep(len(frames)*inFrameOverhead, cap(frames)*inFrameOverhead) {
			frames = nil
		}
		in.spareFrames, in.spareBuf = frames[:0], buf[:0]
	}
	in.mu.Unlock()
	return count
}

// drainPart hands out the limit oldest frames of the inbox and releases
// their charge, leaving the rest, with in.mu held (it unlocks it) and
// in.drainMu held. Pushers may append to the slab meanwhile, but never
// write the part handed out, and no other drain runs until it returns.
func (in *inbox) drainPart(limit int, fn func(from Addr, tag uint16, payload []byte)) int {
	part, buf := in.frames[in.head:in.head+limit], in.buf
	in.head += limit
	for _, f := range part {
		cost := f.n + inFrameOverhead
		in.size -= cost
		if sh := f.sh; sh != nil {
			sh.used -= cost
			if sh.used == 0 {
				if i := slices.Index(in.shares, sh); i >= 0 {
					in.shares = slices.Delete(in.shares, i, i+1)
				}
			}
		}
	}
	in.space.Broadcast()
	in.mu.Unlock()
	// Frames are still waiting: the next drain must not wait for a push.
	select {
	case in.ready <- struct{}{}:
	default:
	}
	for _, f := range part {
		fn(f.from, f.tag, buf[f.off:f.off+f.n:f.off+f.n])
	}
	return len(part)
}

// compact moves the frames a bounded drain left, and their bytes, to the
// start of fresh slabs, so that under sustained pressure (bounded drains
// and no full one) the slabs hold what waits, not everything received
// since the last full drain. It runs once the part handed out is at least
// as large as what waits, so each frame is copied at most once on average.
// in.mu and in.drainMu are held: no drain is reading the slabs.
func (in *inbox) compact() {
	rest := in.frames[in.head:]
	base := len(in.buf)
	if len(rest) > 0 {
		base = rest[0].off
	}
	frames := make([]inFrame, len(rest), max(len(rest)*2, 64))
	for i, f := range rest {
		f.off -= base
		frames[i] = f
	}
	buf := make([]byte, len(in.buf)-base, max(2*(len(in.buf)-base), 4096))
	copy(buf, in.buf[base:])
	clear(in.frames) // drop references to sender addresses
	in.frames, in.buf, in.head = frames, buf, 0
}
