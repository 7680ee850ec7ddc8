package netio

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the TCP transport.
const (
	DefaultQueueFrames  = 1 << 16  // frames queued per peer before the oldest is dropped
	DefaultQueueBytes   = 32 << 20 // payload bytes queued per peer before the oldest frame is dropped
	DefaultReplyFrames  = 4096     // frames queued per reply connection (a client's) before the oldest is dropped
	DefaultReplyBytes   = 4 << 20  // payload bytes queued per reply connection before the oldest frame is dropped
	DefaultInboxBytes   = 64 << 20 // received bytes held for Drain before reading connections stall
	DefaultPeerInbox    = 16 << 20 // of which one inbound connection may hold
	DefaultMinBackoff   = 10 * time.Millisecond
	DefaultMaxBackoff   = 2 * time.Second
	DefaultDialTimeout  = 5 * time.Second  // connect, TLS handshake and hello, both ways
	DefaultIdleTimeout  = 60 * time.Second // an inbound connection that sends nothing for this long is closed
	DefaultFrameTimeout = 30 * time.Second // a frame begun must be received whole within this
	DefaultWriteTimeout = 30 * time.Second // one buffered write to a socket must complete within this
	DefaultMaxConns     = 512              // inbound connections a listener holds at once
)

// KeepaliveTag is the tag of the empty frames a connection's writer sends
// when it has been idle for a third of the idle timeout, so that the reading
// side's idle timeout only closes connections whose writer is gone. Readers
// discard them; no flow may use the tag.
const KeepaliveTag = uint16(0xffff)

const (
	handshakeTag        = uint16(0x6879) // "hy"
	handshakeVersion    = 2
	maxAdvertisedAddr   = 1024 // longest Addr a handshake may carry
	maxToken            = 1024 // longest token a handshake may carry
	maxHello            = tagSize + 1 + 2*binaryMaxVarintLen + maxAdvertisedAddr + maxToken
	binaryMaxVarintLen  = 10
	ioBufferSize        = 64 << 10
	replyReadBufferSize = 4 << 10
	maxAcceptRetryDelay = time.Second
)

// ConnInfo describes an inbound connection once its TLS handshake (if any)
// and its hello frame are done, for the admission function to decide who
// sent it.
type ConnInfo struct {
	// Remote is the connection's remote network address.
	Remote net.Addr
	// Claimed is the Addr the hello announced: the sender's listening
	// address, or "" for an endpoint that does not listen (a client). It is
	// what the sender says, not proof of anything.
	Claimed Addr
	// Token is the bearer token the hello carried, if any.
	Token string
	// TLS is the connection's TLS state, with verified chains when the
	// peer presented a certificate; nil for plaintext.
	TLS *tls.ConnectionState
}

// Admission is what an admission function decides about an inbound
// connection.
type Admission struct {
	// From is the Addr that Drain reports for the connection's frames.
	From Addr
	// Reply makes the connection a reply route: Send to the Addr that
	// Drain reports writes on this connection, which the sender opened,
	// instead of dialing. The endpoint makes the reply Addr unique per
	// connection by appending "#" and a sequence number to From; it is
	// valid while the connection is open.
	Reply bool
}

// TCPOption configures ListenTCP and DialOnlyTCP.
type TCPOption func(*tcpConfig)

type tcpConfig struct {
	maxFrame      int
	queueFrames   int
	queueBytes    int
	replyFrames   int
	replyBytes    int
	inboxBytes    int
	peerInbox     int
	minBackoff    time.Duration
	maxBackoff    time.Duration
	dialTimeout   time.Duration
	idleTimeout   time.Duration
	frameTimeout  time.Duration
	writeTimeout  time.Duration
	maxConns      int
	logger        *slog.Logger
	advertiseAddr Addr
	token         string
	tlsServer     *tls.Config
	tlsClient     func(to Addr) (*tls.Config, error)
	admit         func(ConnInfo) (Admission, error)
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

// WithReplyQueueLimit is WithQueueLimit for reply routes (see Admission).
// The defaults are DefaultReplyFrames and DefaultReplyBytes.
func WithReplyQueueLimit(frames, bytes int) TCPOption {
	return func(c *tcpConfig) { c.replyFrames, c.replyBytes = frames, bytes }
}

// WithInboxLimit bounds the received bytes waiting for Drain. When the inbox
// is full, reading connections stall until the next Drain, so TCP flow
// control pushes back on senders (whose queues then drop their oldest
// frames). The default is DefaultInboxBytes.
func WithInboxLimit(bytes int) TCPOption { return func(c *tcpConfig) { c.inboxBytes = bytes } }

// WithPeerInboxLimit bounds the received bytes of one inbound connection
// waiting for Drain: a connection at its limit stalls until the next Drain
// while others keep reading, so one peer flooding the endpoint cannot take
// the whole inbox. The default is DefaultPeerInbox.
func WithPeerInboxLimit(bytes int) TCPOption { return func(c *tcpConfig) { c.peerInbox = bytes } }

// WithBackoff sets the exponential backoff between attempts to reconnect to
// a peer: the step starts at initial and doubles up to limit, and each wait
// is drawn uniformly from the upper half of the current step. The defaults
// are DefaultMinBackoff and DefaultMaxBackoff.
func WithBackoff(initial, limit time.Duration) TCPOption {
	return func(c *tcpConfig) { c.minBackoff, c.maxBackoff = initial, limit }
}

// WithDialTimeout bounds connecting to a peer, the TLS handshake and sending
// the hello, and also how long an accepted connection may take to do its
// side of the same. The default is DefaultDialTimeout.
func WithDialTimeout(d time.Duration) TCPOption { return func(c *tcpConfig) { c.dialTimeout = d } }

// WithTimeouts sets the deadlines of established connections. An inbound
// connection on which no frame begins for idle is closed (writers send a
// keepalive frame after idle/3 without traffic, so only dead or stalled
// senders hit it); a frame that has begun must be received whole within
// frame; a buffered write must reach the socket within write, or the
// connection is closed and its unwritten frames counted as drops. The
// defaults are DefaultIdleTimeout, DefaultFrameTimeout and
// DefaultWriteTimeout.
func WithTimeouts(idle, frame, write time.Duration) TCPOption {
	return func(c *tcpConfig) { c.idleTimeout, c.frameTimeout, c.writeTimeout = idle, frame, write }
}

// WithMaxConns caps the inbound connections the listener holds at once,
// counting those still in their handshake. A connection accepted beyond the
// cap is closed at once and counted in Stats.Refused. The default is
// DefaultMaxConns.
func WithMaxConns(n int) TCPOption { return func(c *tcpConfig) { c.maxConns = n } }

// WithLogger sets the logger for connection events. The default is
// slog.Default().
func WithLogger(l *slog.Logger) TCPOption { return func(c *tcpConfig) { c.logger = l } }

// WithAdvertiseAddr sets the address the endpoint reports from Addr and
// announces to peers, for when the bound address is not the one peers can
// dial (a wildcard listen address, a DNS name in a cluster).
func WithAdvertiseAddr(a Addr) TCPOption { return func(c *tcpConfig) { c.advertiseAddr = a } }

// WithToken makes the endpoint's hellos carry a bearer token, for listeners
// that admit clients by token.
func WithToken(token string) TCPOption { return func(c *tcpConfig) { c.token = token } }

// WithTLS makes every connection TLS 1.3. server is the configuration of
// accepted connections (nil leaves them plaintext); client returns the
// configuration for dialing peer to, which is where the dialer checks the
// listener's identity. The endpoint sets MinVersion to TLS 1.3 on both.
func WithTLS(server *tls.Config, client func(to Addr) (*tls.Config, error)) TCPOption {
	return func(c *tcpConfig) { c.tlsServer, c.tlsClient = server, client }
}

// WithAdmit sets the function that decides, for every inbound connection,
// whether to accept it and whom its frames are from. A connection it
// rejects is closed, counted in Stats.Rejected and logged (rate-limited).
// Without it the endpoint trusts the hello: the claimed Addr is the sender,
// and a hello that claims none opens a reply route. That default is for
// tests and trusted networks only.
func WithAdmit(fn func(ConnInfo) (Admission, error)) TCPOption {
	return func(c *tcpConfig) { c.admit = fn }
}

func defaultConfig() tcpConfig {
	return tcpConfig{
		maxFrame:     DefaultMaxFrame,
		queueFrames:  DefaultQueueFrames,
		queueBytes:   DefaultQueueBytes,
		replyFrames:  DefaultReplyFrames,
		replyBytes:   DefaultReplyBytes,
		inboxBytes:   DefaultInboxBytes,
		peerInbox:    DefaultPeerInbox,
		minBackoff:   DefaultMinBackoff,
		maxBackoff:   DefaultMaxBackoff,
		dialTimeout:  DefaultDialTimeout,
		idleTimeout:  DefaultIdleTimeout,
		frameTimeout: DefaultFrameTimeout,
		writeTimeout: DefaultWriteTimeout,
		maxConns:     DefaultMaxConns,
	}
}

func (cfg *tcpConfig) check() error {
	switch {
	case cfg.maxFrame < tagSize || uint64(cfg.maxFrame) > 1<<32-1:
		return fmt.Errorf("max frame %d out of range [%d, %d]", cfg.maxFrame, tagSize, uint64(1<<32-1))
	case cfg.queueFrames < 1 || cfg.queueBytes < 1 || cfg.replyFrames < 1 || cfg.replyBytes < 1:
		return errors.New("queue limits must be positive")
	case cfg.inboxBytes < 1 || cfg.peerInbox < 1:
		return errors.New("inbox limits must be positive")
	case cfg.minBackoff <= 0 || cfg.maxBackoff < cfg.minBackoff:
		return fmt.Errorf("invalid backoff range [%v, %v]", cfg.minBackoff, cfg.maxBackoff)
	case cfg.dialTimeout <= 0:
		return errors.New("dial timeout must be positive")
	case cfg.idleTimeout <= 0 || cfg.frameTimeout <= 0 || cfg.writeTimeout <= 0:
		return errors.New("idle, frame and write timeouts must be positive")
	case cfg.maxConns < 1:
		return errors.New("connection cap must be positive")
	case len(cfg.advertiseAddr) > maxAdvertisedAddr:
		return fmt.Errorf("advertised address longer than %d bytes", maxAdvertisedAddr)
	case len(cfg.token) > maxToken:
		return fmt.Errorf("token longer than %d bytes", maxToken)
	case cfg.tlsServer != nil && cfg.tlsClient == nil:
		return errors.New("TLS for accepted connections needs TLS for dialed ones too")
	}
	return nil
}

// ListenTCP listens on addr ("host:port"; port 0 picks a free port) and
// returns an endpoint whose Addr is the bound address, unless
// WithAdvertiseAddr says otherwise. The endpoint implements StatsReporter.
//
// Each peer gets one long-lived outbound connection, dialed on the first
// Send to it and opened by a hello frame that carries this endpoint's Addr
// (and token). One goroutine per connection writes: it takes everything
// queued, writes it through a buffer and flushes only once the queue is
// empty, so frames are batched under load and flushed at once when idle. A
// broken connection is redialed, when frames are waiting, with capped
// exponential backoff and jitter; frames queued meanwhile are kept up to the
// queue limit. Frames the listener sends back on an outbound connection are
// received like any other. Inbound connections are read by one goroutine
// each, and admitted by the function of WithAdmit.
func ListenTCP(addr string, opts ...TCPOption) (Endpoint, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("netio: listen %s: %w", addr, err)
	}
	ep, err := ServeTCP(ln, opts...)
	if err != nil {
		ln.Close()
		return nil, err
	}
	return ep, nil
}

// ServeTCP is ListenTCP on a listener that is already open, for instance one
// inherited from the process that started this one so that no other
// process can take its port in between. The endpoint owns ln from then on.
func ServeTCP(ln net.Listener, opts ...TCPOption) (Endpoint, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("netio: listen %s: %w", ln.Addr(), err)
	}
	self := cfg.advertiseAddr
	if self == "" {
		self = Addr(ln.Addr().String())
	}
	e := newTCPEndpoint(cfg, self, ln)
	e.wg.Add(1)
	go e.accept()
	return e, nil
}

// DialOnlyTCP returns an endpoint that does not listen: it only dials, its
// hellos claim no address, and it receives the frames that the listeners it
// dialed send back on those connections (reply routes, see Admission). Its
// Addr is "". It is how a client reaches a node.
func DialOnlyTCP(opts ...TCPOption) (Endpoint, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	cfg.advertiseAddr = ""
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("netio: dial-only endpoint: %w", err)
	}
	return newTCPEndpoint(cfg, "", nil), nil
}

func newTCPEndpoint(cfg tcpConfig, self Addr, ln net.Listener) *tcpEndpoint {
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	if cfg.tlsServer != nil {
		cfg.tlsServer = cfg.tlsServer.Clone()
		cfg.tlsServer.MinVersion = tls.VersionTLS13
	}
	ctx, cancel := context.WithCancel(context.Background())
	log := cfg.logger
	if self != "" {
		log = log.With("local", string(self))
	}
	e := &tcpEndpoint{
		cfg:     cfg,
		addr:    self,
		ln:      ln,
		log:     log,
		warn:    NewLogLimiter(log, 10, 10*time.Second),
		ctx:     ctx,
		cancel:  cancel,
		peers:   make(map[Addr]*tcpPeer),
		replies: make(map[Addr]*tcpPeer),
		byPeer:  make(map[Addr]*peerCounters),
		conns:   make(map[net.Conn]struct{}),
	}
	e.in.init(cfg.inboxBytes)
	hello := append([]byte{handshakeVersion}, AppendString(nil, string(self))...)
	hello = AppendString(hello, cfg.token)
	e.hello = AppendFrame(nil, handshakeTag, hello)
	e.keepalive = AppendFrame(nil, KeepaliveTag, nil)
	return e
}

type tcpEndpoint struct {
	cfg       tcpConfig
	addr      Addr
	ln        net.Listener // nil for a dial-only endpoint
	log       *slog.Logger
	warn      *LogLimiter // per-connection and per-frame warnings
	hello     []byte      // hello frame
	keepalive []byte      // keepalive frame
	ctx       context.Context
	cancel    context.CancelFunc
	in        inbox
	stats     counters
	replySeq  atomic.Uint64
	inbound   atomic.Int64 // inbound connections held
	down      atomic.Bool  // closed, for routes, which do not take mu

	mu      sync.Mutex
	closed  bool
	peers   map[Addr]*tcpPeer // outbound, dialed
	replies map[Addr]*tcpPeer // reply routes on inbound connections
	byPeer  map[Addr]*peerCounters
	conns   map[net.Conn]struct{} // open connections, both directions
	wg      sync.WaitGroup
}

func (e *tcpEndpoint) Addr() Addr             { return e.addr }
func (e *tcpEndpoint) Ready() <-chan struct{} { return e.in.ready }
func (e *tcpEndpoint) Stats() Stats {
	s := e.stats.snapshot()
	s.LogSuppressed = e.warn.Suppressed()
	return s
}

func (e *tcpEndpoint) Drain(fn func(from Addr, tag uint16, payload []byte)) int {
	return e.in.drain(fn)
}

func (e *tcpEndpoint) DrainN(limit int, fn func(from Addr, tag uint16, payload []byte)) int {
	return e.in.drainN(limit, fn)
}

// ErrNoRoute is returned (wrapped) by Send to a reply Addr whose connection
// is closed, or to an Addr that names no dialable host:port.
var ErrNoRoute = errors.New("netio: no route")

// IsReplyAddr reports whether a is the Addr of a reply route (see
// Admission), which the endpoint never dials.
func IsReplyAddr(a Addr) bool { return strings.Contains(string(a), "#") }

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

// Route returns the outbound queue to to as a Route.
func (e *tcpEndpoint) Route(to Addr) (Route, error) {
	if IsReplyAddr(to) {
		return nil, fmt.Errorf("netio: route to %s: a reply address has no route: %w", to, ErrNoRoute)
	}
	p, err := e.peer(to)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Send queues a frame for the peer, as the endpoint's Send does once it has
// found the peer.
func (p *tcpPeer) Send(tag uint16, payload []byte) error {
	e := p.e
	if err := checkFrameSize(len(payload), e.cfg.maxFrame); err != nil {
		return fmt.Errorf("netio: send to %s: %w", p.addr, err)
	}
	if e.down.Load() {
		return fmt.Errorf("netio: send to %s: %w", p.addr, ErrClosed)
	}
	p.enqueue(tag, payload)
	return nil
}

// peer returns the outbound state for to, starting its writer on first use,
// or the reply route named to.
func (e *tcpEndpoint) peer(to Addr) (*tcpPeer, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, fmt.Errorf("netio: send to %s: %w", to, ErrClosed)
	}
	if IsReplyAddr(to) {
		if p := e.replies[to]; p != nil {
			return p, nil
		}
		return nil, fmt.Errorf("netio: send to %s: connection closed: %w", to, ErrNoRoute)
	}
	if p := e.peers[to]; p != nil {
		return p, nil
	}
	if _, _, err := net.SplitHostPort(string(to)); err != nil {
		return nil, fmt.Errorf("netio: send to %q: %w (%w)", to, ErrNoRoute, err)
	}
	p := &tcpPeer{e: e, addr: to, wake: make(chan struct{}, 1), maxFrames: e.cfg.queueFrames, maxBytes: e.cfg.queueBytes,
		counts: e.countersLocked(to)}
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
	e.down.Store(true)
	e.cancel()
	for c := range e.conns {
		c.Close()
	}
	e.mu.Unlock()
	var err error
	if e.ln != nil {
		err = e.ln.Close()
	}
	e.in.close()
	e.wg.Wait()
	if err != nil {
		return fmt.Errorf("netio: close %s: %w", e.addr, err)
	}
	return nil
}

// peerCounters are the traffic counters of one peer, or of all the
// connections of one client identity.
type peerCounters struct {
	framesSent, bytesSent         atomic.Uint64
	framesReceived, bytesReceived atomic.Uint64
	drops                         atomic.Uint64
}

// counters returns the counters of peer a, creating them.
func (e *tcpEndpoint) counters(a Addr) *peerCounters {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.countersLocked(a)
}

func (e *tcpEndpoint) countersLocked(a Addr) *peerCounters {
	c := e.byPeer[a]
	if c == nil {
		c = &peerCounters{}
		e.byPeer[a] = c
	}
	return c
}

func (e *tcpEndpoint) received(c *peerCounters, n int) {
	e.stats.framesReceived.Add(1)
	e.stats.bytesReceived.Add(uint64(n))
	c.framesReceived.Add(1)
	c.bytesReceived.Add(uint64(n))
}

func (e *tcpEndpoint) dropped(c *peerCounters, n int) {
	e.stats.drops.Add(uint64(n))
	c.drops.Add(uint64(n))
}

// PeerStats returns the traffic counters of every peer the endpoint has
// exchanged frames with, by Addr. The connections of a client (reply
// routes) are counted under the Addr its admission gave, without the
// per-connection suffix, so the map grows with the peers and client
// identities, not with connections. Only FramesSent, BytesSent,
// FramesReceived, BytesReceived and Drops are set.
func (e *tcpEndpoint) PeerStats() map[Addr]Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[Addr]Stats, len(e.byPeer))
	for a, c := range e.byPeer {
		out[a] = Stats{
			FramesSent:     c.framesSent.Load(),
			BytesSent:      c.bytesSent.Load(),
			FramesReceived: c.framesReceived.Load(),
			BytesReceived:  c.bytesReceived.Load(),
			Drops:          c.drops.Load(),
		}
	}
	return out
}

// tcpPeer is the outbound side towards one peer: a bounded queue and the
// goroutine that dials (or, for a reply route, owns a connection) and
// writes.
type tcpPeer struct {
	e                   *tcpEndpoint
	addr                Addr
	wake                chan struct{} // capacity 1: something was queued
	maxFrames, maxBytes int
	counts              *peerCounters

	mu     sync.Mutex
	q      sendQueue
	spare  []byte // slab handed back by the writer
	shrink shrinker
}

func (p *tcpPeer) enqueue(tag uint16, payload []byte) {
	p.mu.Lock()
	dropped := p.q.push(tag, payload, p.maxFrames, p.maxBytes)
	p.mu.Unlock()
	if dropped > 0 {
		p.e.dropped(p.counts, dropped)
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
	failures := 0 // dial failures in a row
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
		raw, conn, err := p.dial(bw)
		if err != nil {
			if e.ctx.Err() != nil {
				return
			}
			e.stats.dialErrors.Add(1)
			step = min(max(2*step, e.cfg.minBackoff), e.cfg.maxBackoff)
			// The first failure of a run, then every time the backoff is
			// at its cap: an operator sees a peer that stays down without
			// a line per attempt.
			failures++
			if failures == 1 || step == e.cfg.maxBackoff && failures%16 == 0 {
				log.Warn("netio: dial failed", "err", err, "failures", failures, "retry_in", step)
			}
			continue
		}
		if failures > 0 {
			log.Info("netio: dial succeeded", "after_failures", failures)
		}
		failures = 0
		if connected {
			e.stats.reconnects.Add(1)
		}
		connected = true
		start := time.Now()
		hungUp := make(chan struct{})
		go p.readReplies(conn, hungUp)
		err = p.serve(raw, conn, bw, hungUp)
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
			log.Info("netio: outbound connection closed by the peer")
		} else {
			log.Warn("netio: outbound connection lost", "err", err)
		}
	}
}

// readReplies reads what the listener sends back on an outbound connection
// into the inbox, as frames from the peer, and closes hungUp when the
// connection ends. Node listeners send nothing back to nodes, so for them
// this only notices at once that the peer went away.
func (p *tcpPeer) readReplies(conn net.Conn, hungUp chan<- struct{}) {
	defer close(hungUp)
	e := p.e
	fr := NewFrameReader(bufio.NewReaderSize(conn, replyReadBufferSize), e.cfg.maxFrame)
	for {
		tag, payload, err := fr.Next()
		if err != nil {
			var tooLarge *FrameTooLargeError
			if errors.As(err, &tooLarge) {
				e.stats.rejectedFrames.Add(1)
				e.warn.Warn("netio: closing outbound connection: reply frame exceeds limit", "peer", string(p.addr), "len", tooLarge.Len, "max", tooLarge.Max)
				conn.Close()
			}
			return
		}
		if tag == KeepaliveTag && len(payload) == 0 {
			continue
		}
		if !e.in.push(p.addr, tag, payload) {
			return
		}
		e.received(p.counts, len(payload))
	}
}

// dial connects to the peer, does the TLS handshake, if any, and sends the
// hello. It returns the raw connection (tracked) and the one to use.
func (p *tcpPeer) dial(bw *bufio.Writer) (raw, conn net.Conn, err error) {
	e := p.e
	d := net.Dialer{Timeout: e.cfg.dialTimeout}
	raw, err = d.DialContext(e.ctx, "tcp", string(p.addr))
	if err != nil {
		return nil, nil, fmt.Errorf("netio: dial %s: %w", p.addr, err)
	}
	if !e.track(raw) {
		return nil, nil, fmt.Errorf("netio: dial %s: %w", p.addr, ErrClosed)
	}
	raw.SetDeadline(time.Now().Add(e.cfg.dialTimeout))
	conn = raw
	if e.cfg.tlsClient != nil {
		cfg, err := e.cfg.tlsClient(p.addr)
		if err != nil {
			e.untrack(raw)
			return nil, nil, fmt.Errorf("netio: dial %s: %w", p.addr, err)
		}
		cfg = cfg.Clone()
		cfg.MinVersion = tls.VersionTLS13
		tc := tls.Client(raw, cfg)
		if err := tc.HandshakeContext(e.ctx); err != nil {
			e.untrack(raw)
			return nil, nil, fmt.Errorf("netio: TLS handshake with %s: %w", p.addr, err)
		}
		conn = tc
	}
	bw.Reset(conn)
	_, err = bw.Write(e.hello)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		e.untrack(raw)
		return nil, nil, fmt.Errorf("netio: hello to %s: %w", p.addr, err)
	}
	raw.SetDeadline(time.Time{})
	return raw, conn, nil
}

var errPeerHungUp = errors.New("peer closed the connection")

// serve writes queued frames to conn until it breaks, hungUp is closed or
// the endpoint closes. The writer drains the whole queue into the buffered
// writer and flushes only when the queue is empty; every write to the
// socket has the write deadline, and an idle connection gets a keepalive
// frame every third of the idle timeout.
func (p *tcpPeer) serve(raw, conn net.Conn, bw *bufio.Writer, hungUp <-chan struct{}) error {
	e := p.e
	defer func() {
		e.untrack(raw)
		<-hungUp
	}()
	keepalive := time.NewTimer(e.cfg.idleTimeout / 3)
	defer keepalive.Stop()

	var unflushed, unflushedBytes int // frames written to bw but not yet flushed
	lost := func() { e.dropped(p.counts, unflushed) }
	deadline := func() { raw.SetWriteDeadline(time.Now().Add(e.cfg.writeTimeout)) }
	for {
		slab, frames, count, payload := p.take()
		if frames == nil {
			if unflushed > 0 {
				deadline()
				if err := bw.Flush(); err != nil {
					lost()
					return err
				}
				e.stats.flushes.Add(1)
				e.stats.framesSent.Add(uint64(unflushed))
				e.stats.bytesSent.Add(uint64(unflushedBytes))
				p.counts.framesSent.Add(uint64(unflushed))
				p.counts.bytesSent.Add(uint64(unflushedBytes))
				unflushed, unflushedBytes = 0, 0
				keepalive.Reset(e.cfg.idleTimeout / 3)
			}
			select {
			case <-p.wake:
				continue
			case <-keepalive.C:
				deadline()
				bw.Write(e.keepalive)
				if err := bw.Flush(); err != nil {
					return err
				}
				keepalive.Reset(e.cfg.idleTimeout / 3)
				continue
			case <-hungUp:
				return errPeerHungUp
			case <-e.ctx.Done():
				return e.ctx.Err()
			}
		}
		if bw.Available() < len(frames) {
			deadline() // the write reaches the socket
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
