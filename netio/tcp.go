package netio

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"time"
)

// Defaults of the TCP transport.
const (
	DefaultQueueFrames = 1 << 16  // frames queued per peer before the oldest is dropped
	DefaultQueueBytes  = 32 << 20 // payload bytes queued per peer before the oldest frame is dropped
	DefaultInboxBytes  = 64 << 20 // received bytes held for Drain before reading connections stall
	DefaultMinBackoff  = 10 * time.Millisecond
	DefaultMaxBackoff  = 2 * time.Second
	DefaultDialTimeout = 5 * time.Second
)

const (
	handshakeTag        = uint16(0x6879) // "hy"
	handshakeVersion    = 1
	maxAdvertisedAddr   = 1024 // longest Addr a handshake may carry
	ioBufferSize        = 64 << 10
	maxAcceptRetryDelay = time.Second
)

// TCPOption configures ListenTCP.
type TCPOption func(*tcpConfig)

type tcpConfig struct {
	maxFrame      int
	queueFrames   int
	queueBytes    int
	inboxBytes    int
	minBackoff    time.Duration
	maxBackoff    time.Duration
	dialTimeout   time.Duration
	logger        *slog.Logger
	advertiseAddr Addr
}

// WithMaxFrame sets the largest frame length (tag plus payload) the endpoint
// sends or accepts. The default is DefaultMaxFrame.
func WithMaxFrame(n int) TCPOption { return func(c *tcpConfig) { c.maxFrame = n } }

// WithQueueLimit bounds the frames queued for one peer, by count and by
// payload bytes. When a Send would exceed either bound, the oldest queued
// frames are dropped (the newest frame is always kept) and counted in
// Stats.Drops. The defaults are DefaultQueueFrames and DefaultQueueBytes.
func WithQueueLimit(frames, bytes int) TCPOption {
	return func(c *tcpConfig) { c.queueFrames, c.queueBytes = frames, bytes }
}

// WithInboxLimit bounds the received bytes waiting for Drain. When the inbox
// is full, reading connections stall until the next Drain, so TCP flow
// control pushes back on senders (whose queues then drop their oldest
// frames). The default is DefaultInboxBytes.
func WithInboxLimit(bytes int) TCPOption { return func(c *tcpConfig) { c.inboxBytes = bytes } }

// WithBackoff sets the exponential backoff between attempts to reconnect to
// a peer: the step starts at initial and doubles up to limit, and each wait
// is drawn uniformly from the upper half of the current step. The defaults
// are DefaultMinBackoff and DefaultMaxBackoff.
func WithBackoff(initial, limit time.Duration) TCPOption {
	return func(c *tcpConfig) { c.minBackoff, c.maxBackoff = initial, limit }
}

// WithDialTimeout bounds connecting to a peer and sending the handshake, and
// also how long an accepted connection may take to send its handshake. The
// default is DefaultDialTimeout.
func WithDialTimeout(d time.Duration) TCPOption { return func(c *tcpConfig) { c.dialTimeout = d } }

// WithLogger sets the logger for connection events. The default is
// slog.Default().
func WithLogger(l *slog.Logger) TCPOption { return func(c *tcpConfig) { c.logger = l } }

// WithAdvertiseAddr sets the address the endpoint reports from Addr and
// announces to peers, for when the bound address is not the one peers can
// dial (a wildcard listen address, a DNS name in a cluster).
func WithAdvertiseAddr(a Addr) TCPOption { return func(c *tcpConfig) { c.advertiseAddr = a } }

// ListenTCP listens on addr ("host:port"; port 0 picks a free port) and
// returns an endpoint whose Addr is the bound address, unless
// WithAdvertiseAddr says otherwise. The endpoint implements StatsReporter.
//
// Each peer gets one long-lived outbound connection, dialed on the first
// Send to it and opened by a handshake frame that carries this endpoint's
// Addr. One goroutine per connection writes: it takes everything queued,
// writes it through a buffer and flushes only once the queue is empty, so
// frames are batched under load and flushed at once when idle. A broken
// connection is redialed, when frames are waiting, with capped exponential
// backoff and jitter; frames queued meanwhile are kept up to the queue limit.
// Inbound connections are read by one goroutine each.
func ListenTCP(addr string, opts ...TCPOption) (Endpoint, error) {
	cfg := tcpConfig{
		maxFrame:    DefaultMaxFrame,
		queueFrames: DefaultQueueFrames,
		queueBytes:  DefaultQueueBytes,
		inboxBytes:  DefaultInboxBytes,
		minBackoff:  DefaultMinBackoff,
		maxBackoff:  DefaultMaxBackoff,
		dialTimeout: DefaultDialTimeout,
	}
	for _, o := range opts {
		o(&cfg)
	}
	switch {
	case cfg.maxFrame < tagSize || uint64(cfg.maxFrame) > 1<<32-1:
		return nil, fmt.Errorf("netio: listen %s: max frame %d out of range [%d, %d]", addr, cfg.maxFrame, tagSize, uint64(1<<32-1))
	case cfg.queueFrames < 1 || cfg.queueBytes < 1:
		return nil, fmt.Errorf("netio: listen %s: queue limits must be positive", addr)
	case cfg.inboxBytes < 1:
		return nil, fmt.Errorf("netio: listen %s: inbox limit must be positive", addr)
	case cfg.minBackoff <= 0 || cfg.maxBackoff < cfg.minBackoff:
		return nil, fmt.Errorf("netio: listen %s: invalid backoff range [%v, %v]", addr, cfg.minBackoff, cfg.maxBackoff)
	case cfg.dialTimeout <= 0:
		return nil, fmt.Errorf("netio: listen %s: dial timeout must be positive", addr)
	case len(cfg.advertiseAddr) > maxAdvertisedAddr:
		return nil, fmt.Errorf("netio: listen %s: advertised address longer than %d bytes", addr, maxAdvertisedAddr)
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("netio: listen %s: %w", addr, err)
	}
	self := cfg.advertiseAddr
	if self == "" {
		self = Addr(ln.Addr().String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &tcpEndpoint{
		cfg:    cfg,
		addr:   self,
		ln:     ln,
		log:    cfg.logger.With("local", string(self)),
		ctx:    ctx,
		cancel: cancel,
		peers:  make(map[Addr]*tcpPeer),
		conns:  make(map[net.Conn]struct{}),
	}
	e.in.init(cfg.inboxBytes)
	hello := append([]byte{handshakeVersion}, self...)
	e.hello = AppendFrame(nil, handshakeTag, hello)
	e.wg.Add(1)
	go e.accept()
	return e, nil
}

type tcpEndpoint struct {
	cfg    tcpConfig
	addr   Addr
	ln     net.Listener
	log    *slog.Logger
	hello  []byte // handshake frame
	ctx    context.Context
	cancel context.CancelFunc
	in     inbox
	stats  counters

	mu     sync.Mutex
	closed bool
	peers  map[Addr]*tcpPeer
	conns  map[net.Conn]struct{} // open connections, both directions
	wg     sync.WaitGroup
}

func (e *tcpEndpoint) Addr() Addr             { return e.addr }
func (e *tcpEndpoint) Ready() <-chan struct{} { return e.in.ready }
func (e *tcpEndpoint) Stats() Stats           { return e.stats.snapshot() }

func (e *tcpEndpoint) Drain(fn func(from Addr, tag uint16, payload []byte)) int {
	return e.in.drain(fn)
}

func (e *tcpEndpoint) Send(to Addr, tag uint16, payload []byte) error {
	if err := checkFrameSize(len(payload), e.cfg.maxFrame); err != nil {
		return fmt.Errorf("netio: send to %s: %w", to, err)
	}
	p, err := e.peer(to)
	if err != nil {
		return err
	}
	p.enqueue(tag, payload)
	return nil
}

// peer returns the outbound state for to, starting its writer on first use.
func (e *tcpEndpoint) peer(to Addr) (*tcpPeer, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, fmt.Errorf("netio: send to %s: %w", to, ErrClosed)
	}
	if p := e.peers[to]; p != nil {
		return p, nil
	}
	if _, _, err := net.SplitHostPort(string(to)); err != nil {
		return nil, fmt.Errorf("netio: send to %q: %w", to, err)
	}
	p := &tcpPeer{e: e, addr: to, wake: make(chan struct{}, 1)}
	e.peers[to] = p
	e.wg.Add(1)
	go p.run()
	return p, nil
}

// track registers an open connection so that Close can interrupt it. It
// reports false, having closed c, if the endpoint is already closed.
func (e *tcpEndpoint) track(c net.Conn) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		c.Close()
		return false
	}
	e.conns[c] = struct{}{}
	return true
}

func (e *tcpEndpoint) untrack(c net.Conn) {
	e.mu.Lock()
	delete(e.conns, c)
	e.mu.Unlock()
	c.Close()
}

func (e *tcpEndpoint) isClosed() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.closed
}

func (e *tcpEndpoint) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	e.cancel()
	for c := range e.conns {
		c.Close()
	}
	e.mu.Unlock()
	err := e.ln.Close()
	e.in.close()
	e.wg.Wait()
	if err != nil {
		return fmt.Errorf("netio: close %s: %w", e.addr, err)
	}
	return nil
}

// accept runs the listener loop, one reader goroutine per connection.
func (e *tcpEndpoint) accept() {
	defer e.wg.Done()
	var delay time.Duration
	for {
		c, err := e.ln.Accept()
		if err != nil {
			if e.isClosed() {
				return
			}
			// Out of file descriptors and the like: wait and retry, as
			// net/http does, rather than spin or give up.
			delay = min(max(2*delay, 5*time.Millisecond), maxAcceptRetryDelay)
			e.log.Warn("netio: accept failed; retrying", "err", err, "delay", delay)
			select {
			case <-time.After(delay):
			case <-e.ctx.Done():
				return
			}
			continue
		}
		delay = 0
		e.mu.Lock()
		if e.closed {
			e.mu.Unlock()
			c.Close()
			return
		}
		e.conns[c] = struct{}{}
		e.wg.Add(1)
		e.mu.Unlock()
		go e.read(c)
	}
}

// read serves one inbound connection: handshake, then frames into the inbox.
func (e *tcpEndpoint) read(c net.Conn) {
	defer e.wg.Done()
	defer e.untrack(c)
	remote := c.RemoteAddr().String()
	br := bufio.NewReaderSize(c, ioBufferSize)

	c.SetReadDeadline(time.Now().Add(e.cfg.dialTimeout))
	tag, hello, err := NewFrameReader(br, tagSize+1+maxAdvertisedAddr).Next()
	if err != nil {
		switch {
		case e.isClosed():
		case err == io.EOF:
			// Closed before sending a byte: a port probe or a peer that
			// gave up. Not worth a warning.
			e.log.Debug("netio: inbound connection closed before its handshake", "remote", remote)
		default:
			e.log.Warn("netio: closing inbound connection: handshake failed", "remote", remote, "err", err)
		}
		return
	}
	if tag != handshakeTag || len(hello) < 2 || hello[0] != handshakeVersion {
		e.log.Warn("netio: closing inbound connection: bad handshake", "remote", remote)
		return
	}
	from := Addr(hello[1:])
	c.SetReadDeadline(time.Time{})

	fr := NewFrameReader(br, e.cfg.maxFrame)
	for {
		tag, payload, err := fr.Next()
		if err != nil {
			var tooLarge *FrameTooLargeError
			switch {
			case errors.As(err, &tooLarge):
				e.log.Warn("netio: closing inbound connection: frame exceeds limit",
					"peer", string(from), "remote", remote, "len", tooLarge.Len, "max", tooLarge.Max)
			case err == io.EOF || e.isClosed():
			default:
				e.log.Info("netio: inbound connection lost", "peer", string(from), "remote", remote, "err", err)
			}
			return
		}
		if !e.in.push(from, tag, payload) {
			return
		}
		e.stats.framesReceived.Add(1)
		e.stats.bytesReceived.Add(uint64(len(payload)))
	}
}

// tcpPeer is the outbound side towards one peer: a bounded queue and the
// goroutine that dials and writes.
type tcpPeer struct {
	e    *tcpEndpoint
	addr Addr
	wake chan struct{} // capacity 1: something was queued

	mu     sync.Mutex
	q      sendQueue
	spare  []byte // slab handed back by the writer
	shrink shrinker
}

func (p *tcpPeer) enqueue(tag uint16, payload []byte) {
	p.mu.Lock()
	dropped := p.q.push(tag, payload, p.e.cfg.queueFrames, p.e.cfg.queueBytes)
	p.mu.Unlock()
	if dropped > 0 {
		p.e.stats.drops.Add(uint64(dropped))
	}
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// take removes every queued frame. It returns the slab to give back with
// release, the framed bytes to write, their frame count and payload bytes.
func (p *tcpPeer) take() (slab, frames []byte, count, payload int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.q.len() == 0 {
		return nil, nil, 0, 0
	}
	slab, frames, count, payload = p.q.buf, p.q.buf[p.q.head:], p.q.len(), p.q.payload
	p.q.reset(p.spare)
	p.spare = nil
	return slab, frames, count, payload
}

func (p *tcpPeer) release(slab []byte, used int) {
	p.mu.Lock()
	if p.spare == nil && p.shrink.keep(used, cap(slab)) {
		p.spare = slab[:0]
	}
	p.mu.Unlock()
}

func (p *tcpPeer) pending() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.q.len() > 0
}

// run dials, writes and redials until the endpoint closes. It dials only
// when frames are waiting.
func (p *tcpPeer) run() {
	e := p.e
	defer e.wg.Done()
	log := e.log.With("peer", string(p.addr))
	bw := bufio.NewWriterSize(nil, ioBufferSize)
	var step time.Duration // current backoff step; 0 means dial at once
	connected := false
	for {
		for !p.pending() {
			select {
			case <-p.wake:
			case <-e.ctx.Done():
				return
			}
		}
		if step > 0 {
			t := time.NewTimer(step/2 + rand.N(step/2+1))
			select {
			case <-t.C:
			case <-e.ctx.Done():
				t.Stop()
				return
			}
		}
		conn, err := p.dial(bw)
		if err != nil {
			if e.ctx.Err() != nil {
				return
			}
			e.stats.dialErrors.Add(1)
			step = min(max(2*step, e.cfg.minBackoff), e.cfg.maxBackoff)
			log.Debug("netio: dial failed", "err", err, "retry_in", step)
			continue
		}
		if connected {
			e.stats.reconnects.Add(1)
		}
		connected = true
		start := time.Now()
		err = p.serve(conn, bw)
		if e.ctx.Err() != nil {
			return
		}
		// A connection that lived long enough proves the peer healthy: redial
		// at once. One that broke at once (a peer that accepts and hangs up)
		// backs off like a failed dial.
		if time.Since(start) >= e.cfg.maxBackoff {
			step = 0
		} else {
			step = min(max(2*step, e.cfg.minBackoff), e.cfg.maxBackoff)
		}
		if errors.Is(err, errPeerHungUp) {
			// A peer that stops closes its connections: not news, and
			// the next Send redials.
			log.Debug("netio: outbound connection closed by the peer")
		} else {
			log.Info("netio: outbound connection lost", "err", err)
		}
	}
}

// dial connects to the peer and sends the handshake.
func (p *tcpPeer) dial(bw *bufio.Writer) (net.Conn, error) {
	e := p.e
	d := net.Dialer{Timeout: e.cfg.dialTimeout}
	conn, err := d.DialContext(e.ctx, "tcp", string(p.addr))
	if err != nil {
		return nil, fmt.Errorf("netio: dial %s: %w", p.addr, err)
	}
	if !e.track(conn) {
		return nil, fmt.Errorf("netio: dial %s: %w", p.addr, ErrClosed)
	}
	bw.Reset(conn)
	conn.SetWriteDeadline(time.Now().Add(e.cfg.dialTimeout))
	_, err = bw.Write(e.hello)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		e.untrack(conn)
		return nil, fmt.Errorf("netio: handshake with %s: %w", p.addr, err)
	}
	conn.SetWriteDeadline(time.Time{})
	return conn, nil
}

var errPeerHungUp = errors.New("peer closed the connection")

// serve writes queued frames to conn until it breaks or the endpoint closes.
// The writer drains the whole queue into the buffered writer and flushes
// only when the queue is empty. A second goroutine reads from conn, on which
// the peer never writes, to notice at once when the peer goes away.
func (p *tcpPeer) serve(conn net.Conn, bw *bufio.Writer) error {
	e := p.e
	hungUp := make(chan struct{})
	go func() {
		var b [1]byte
		conn.Read(b[:]) // returns on EOF, on error, or on a protocol violation
		close(hungUp)
	}()
	defer func() {
		e.untrack(conn)
		<-hungUp
	}()

	var unflushed, unflushedBytes int // frames written to bw but not yet flushed
	lost := func() { e.stats.drops.Add(uint64(unflushed)) }
	for {
		slab, frames, count, payload := p.take()
		if frames == nil {
			if unflushed > 0 {
				if err := bw.Flush(); err != nil {
					lost()
					return err
				}
				e.stats.flushes.Add(1)
				e.stats.framesSent.Add(uint64(unflushed))
				e.stats.bytesSent.Add(uint64(unflushedBytes))
				unflushed, unflushedBytes = 0, 0
			}
			select {
			case <-p.wake:
				continue
			case <-hungUp:
				return errPeerHungUp
			case <-e.ctx.Done():
				return e.ctx.Err()
			}
		}
		_, err := bw.Write(frames)
		p.release(slab, len(frames))
		unflushed += count
		unflushedBytes += payload
		if err != nil {
			lost()
			return err
		}
	}
}

// sendQueue holds framed outbound bytes, oldest first, in one slab:
// buf[head:] are the live frames and sizes[first:] their framed lengths.
type sendQueue struct {
	buf     []byte
	head    int
	sizes   []int
	first   int
	payload int // payload bytes of the live frames
}

func (q *sendQueue) len() int { return len(q.sizes) - q.first }

// push appends a frame, then drops the oldest frames while the queue exceeds
// either limit, always keeping the newest. It returns how many it dropped.
func (q *sendQueue) push(tag uint16, payload []byte, maxFrames, maxBytes int) (dropped int) {
	q.buf = AppendFrame(q.buf, tag, payload)
	q.sizes = append(q.sizes, FrameHeaderSize+len(payload))
	q.payload += len(payload)
	for q.len() > 1 && (q.len() > maxFrames || q.payload > maxBytes) {
		size := q.sizes[q.first]
		q.first++
		q.head += size
		q.payload -= size - FrameHeaderSize
		dropped++
	}
	if dropped > 0 {
		// Keep the dead prefix under half of each slice, so memory stays
		// within twice the limit and compaction is amortized O(1).
		if q.head > len(q.buf)/2 {
			q.buf = q.buf[:copy(q.buf, q.buf[q.head:])]
			q.head = 0
		}
		if q.first > len(q.sizes)/2 {
			q.sizes = q.sizes[:copy(q.sizes, q.sizes[q.first:])]
			q.first = 0
		}
	}
	return dropped
}

// reset empties the queue, making slab (possibly nil) its new storage.
func (q *sendQueue) reset(slab []byte) {
	q.buf = slab[:0]
	q.head = 0
	q.sizes = q.sizes[:0]
	q.first = 0
	q.payload = 0
}
