package netio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var quietLogger = slog.New(slog.DiscardHandler)

// listen opens a TCP endpoint on a free loopback port with test-friendly
// defaults and closes it when the test ends.
func listen(t testing.TB, opts ...TCPOption) Endpoint {
	t.Helper()
	return listenAt(t, "127.0.0.1:0", opts...)
}

func listenAt(t testing.TB, addr string, opts ...TCPOption) Endpoint {
	t.Helper()
	opts = append([]TCPOption{WithLogger(quietLogger), WithBackoff(2*time.Millisecond, 50*time.Millisecond)}, opts...)
	ep, err := ListenTCP(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ep.Close() })
	return ep
}

func newTCPPair(t *testing.T) (Endpoint, Endpoint) {
	return listen(t), listen(t)
}

// freeAddr returns a loopback address with no listener on it.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// logBuffer is a concurrency-safe sink for a text slog handler.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// waitStats polls ep's Stats until cond holds.
func waitStats(t *testing.T, ep Endpoint, cond func(Stats) bool) Stats {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s := ep.(StatsReporter).Stats()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("stats never reached the expected state: %+v", s)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestTCPEndpoint(t *testing.T) {
	endpointSuite(t, newTCPPair)
}

func TestTCPAddr(t *testing.T) {
	ep := listen(t)
	host, port, err := net.SplitHostPort(string(ep.Addr()))
	if err != nil || host != "127.0.0.1" || port == "0" {
		t.Fatalf("Addr() = %q: want the bound loopback address", ep.Addr())
	}
	adv := listen(t, WithAdvertiseAddr("node-1.example:7000"))
	if adv.Addr() != "node-1.example:7000" {
		t.Fatalf("advertised Addr() = %q", adv.Addr())
	}
	// The handshake carries the advertised address.
	adv.Send(ep.Addr(), 1, nil)
	if got := collect(t, ep, 1, 5*time.Second); got[0].from != "node-1.example:7000" {
		t.Fatalf("from = %q, want the advertised address", got[0].from)
	}
}

func TestTCPOptionValidation(t *testing.T) {
	for name, opt := range map[string]TCPOption{
		"max frame":  WithMaxFrame(1),
		"queue":      WithQueueLimit(0, 10),
		"inbox":      WithInboxLimit(0),
		"backoff":    WithBackoff(time.Second, time.Millisecond),
		"dial":       WithDialTimeout(0),
		"advertised": WithAdvertiseAddr(Addr(strings.Repeat("x", 2000))),
	} {
		if ep, err := ListenTCP("127.0.0.1:0", opt); err == nil {
			ep.Close()
			t.Errorf("%s: invalid option accepted", name)
		}
	}
	if _, err := ListenTCP("127.0.0.1:not-a-port"); err == nil {
		t.Error("bad listen address accepted")
	}
	ep := listen(t)
	if err := ep.Send("no-port", 1, nil); err == nil {
		t.Error("Send to an address without a port accepted")
	}
}

func TestTCPReconnectAfterPeerRestart(t *testing.T) {
	a := listen(t)
	b := listen(t)
	addr := string(b.Addr())
	a.Send(b.Addr(), 1, []byte("before"))
	if got := collect(t, b, 1, 5*time.Second); got[0].payload != "before" {
		t.Fatalf("got %v", got)
	}
	b.Close()

	b2 := listenAt(t, addr)
	// Frames may be lost around the restart: keep sending until one lands.
	deadline := time.Now().Add(5 * time.Second)
	for {
		a.Send(b2.Addr(), 2, []byte("after"))
		got := drainFor(b2, 20*time.Millisecond)
		if len(got) > 0 {
			if got[0].payload != "after" || got[0].from != a.Addr() {
				t.Fatalf("restarted peer received %+v", got[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no frame reached the restarted peer; stats %+v", a.(StatsReporter).Stats())
		}
	}
	if s := a.(StatsReporter).Stats(); s.Reconnects < 1 {
		t.Fatalf("Reconnects = %d, want >= 1 (stats %+v)", s.Reconnects, s)
	}
}

func TestTCPQueueWhileDisconnected(t *testing.T) {
	addr := freeAddr(t)
	a := listen(t, WithQueueLimit(4, 1<<20))
	for i := range uint32(10) {
		if err := a.Send(Addr(addr), 0, seqPayload(i, 16)); err != nil {
			t.Fatal(err)
		}
	}
	// Nobody listens yet: the queue keeps the newest four frames.
	if s := a.(StatsReporter).Stats(); s.Drops != 6 {
		t.Fatalf("Drops = %d, want 6", s.Drops)
	}
	deadline := time.Now().Add(5 * time.Second)
	for a.(StatsReporter).Stats().DialErrors < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no failed dials counted")
		}
		time.Sleep(time.Millisecond)
	}
	b := listenAt(t, addr)
	got := collect(t, b, 4, 5*time.Second)
	checkSeq(t, got, a.Addr(), 6, func(uint32) int { return 16 })
	// The sender counts frames once its flush returns, which may be after
	// they arrived.
	s := waitStats(t, a, func(s Stats) bool { return s.FramesSent == 4 })
	if s.Drops != 6 || s.Reconnects != 0 {
		t.Errorf("stats %+v: want 4 sent, 6 dropped, no reconnect (the first connection is not one)", s)
	}
}

func TestSendQueueDropOldest(t *testing.T) {
	var q sendQueue
	dropped := 0
	for i := range uint32(1000) {
		dropped += q.push(uint16(i), seqPayload(i, int(i%50)), 8, 1<<20)
	}
	if dropped != 992 || q.len() != 8 {
		t.Fatalf("dropped %d, len %d; want 992, 8", dropped, q.len())
	}
	if len(q.buf) > 2*8*(50+FrameHeaderSize)+64 {
		t.Errorf("queue slab holds %d bytes for 8 small frames", len(q.buf))
	}
	fr := NewFrameReader(bytes.NewReader(q.buf[q.head:]), 0)
	for i := uint32(992); i < 1000; i++ {
		tag, p, err := fr.Next()
		if err != nil || tag != uint16(i) || string(p) != string(seqPayload(i, int(i%50))) {
			t.Fatalf("frame %d: tag %d, err %v", i, tag, err)
		}
	}
	// The byte limit drops too, but always keeps the newest frame.
	q.reset(nil)
	q.push(1, make([]byte, 100), 100, 150)
	if d := q.push(2, make([]byte, 100), 100, 150); d != 1 || q.len() != 1 {
		t.Fatalf("byte limit: dropped %d, len %d", d, q.len())
	}
	if d := q.push(3, make([]byte, 1000), 100, 150); d != 1 || q.len() != 1 || q.payload != 1000 {
		t.Fatalf("oversized newest frame: dropped %d, len %d, payload %d", d, q.len(), q.payload)
	}
}

func TestTCPOversizeInbound(t *testing.T) {
	var logs logBuffer
	recv := listen(t, WithMaxFrame(1024), WithLogger(logs.logger()))
	send := listen(t, WithMaxFrame(1<<20))

	// The receiver's limit rejects the frame and drops the connection.
	if err := send.Send(recv.Addr(), 1, make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "frame exceeds limit") {
		if time.Now().After(deadline) {
			t.Fatalf("no warning logged; logs: %q", logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("oversize frame not logged at Warn: %q", logs.String())
	}
	// The sender reconnects and small frames flow again.
	for {
		send.Send(recv.Addr(), 2, []byte("small"))
		got := drainFor(recv, 20*time.Millisecond)
		if len(got) > 0 {
			for _, f := range got {
				if f.tag != 2 {
					t.Fatalf("oversize frame delivered: tag %d, %d bytes", f.tag, len(f.payload))
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no frame arrived after the oversize one")
		}
	}
	// Send itself enforces the sender's limit.
	var tl *FrameTooLargeError
	if err := recv.Send(send.Addr(), 1, make([]byte, 1023)); !errors.As(err, &tl) || tl.Max != 1024 {
		t.Fatalf("oversize Send: %v", err)
	}
}

func TestTCPBadHandshake(t *testing.T) {
	var logs logBuffer
	ep := listen(t, WithLogger(logs.logger()), WithDialTimeout(200*time.Millisecond))
	for name, input := range map[string][]byte{
		"wrong tag":     AppendFrame(nil, 1, hello("x:1", "")),
		"wrong version": AppendFrame(nil, handshakeTag, append([]byte{99}, hello("x:1", "")[1:]...)),
		"no token":      AppendFrame(nil, handshakeTag, []byte{handshakeVersion, 1, 'x'}),
		"trailing":      AppendFrame(nil, handshakeTag, append(hello("x:1", ""), 0)),
		"long token":    AppendFrame(nil, handshakeTag, hello("x:1", strings.Repeat("t", maxToken+1))),
		"huge":          AppendFrame(nil, handshakeTag, make([]byte, 5000)),
		"garbage":       []byte("GET / HTTP/1.1\r\n\r\n"),
		"silence":       nil,
	} {
		c, err := net.Dial("tcp", string(ep.Addr()))
		if err != nil {
			t.Fatal(err)
		}
		c.Write(input)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err != io.EOF && !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("%s: read after bad handshake: %v, want EOF or a reset (closed by endpoint)", name, err)
		}
		c.Close()
	}
	if n := ep.Drain(func(Addr, uint16, []byte) {}); n != 0 {
		t.Fatalf("%d frames delivered from bad connections", n)
	}
	if s := ep.(StatsReporter).Stats(); s.Rejected != 8 || s.Accepted != 0 {
		t.Errorf("stats %+v: want every connection rejected, none accepted", s)
	}
	if !strings.Contains(logs.String(), "bad hello") {
		t.Errorf("bad handshakes not logged: %q", logs.String())
	}
}

// hello returns the payload of a hello frame.
func hello(addr, token string) []byte {
	return AppendString(AppendString([]byte{handshakeVersion}, addr), token)
}

func TestTCPInboxBackpressure(t *testing.T) {
	recv := listen(t, WithInboxLimit(4096))
	send := listen(t)
	const n = 2000
	for i := range uint32(n) {
		send.Send(recv.Addr(), 0, seqPayload(i, 100))
	}
	// Let the reader fill the inbox and stall before draining.
	time.Sleep(50 * time.Millisecond)
	in := recv.(*tcpEndpoint)
	in.in.mu.Lock()
	size := in.in.size
	in.in.mu.Unlock()
	if size > 4096 {
		t.Fatalf("inbox holds %d bytes, limit 4096", size)
	}
	checkSeq(t, collect(t, recv, n, 10*time.Second), send.Addr(), 0, func(uint32) int { return 100 })
}

func TestTCPCoalescedFlushes(t *testing.T) {
	a, b := listen(t), listen(t)
	const n = 20000
	for i := range uint32(n) {
		a.Send(b.Addr(), 0, seqPayload(i, 32))
	}
	collect(t, b, n, 10*time.Second)
	s := waitStats(t, a, func(s Stats) bool { return s.FramesSent == n })
	if s.Flushes == 0 || s.Flushes >= n/2 {
		t.Fatalf("stats %+v: want %d frames in far fewer flushes", s, n)
	}
	t.Logf("%d frames in %d flushes (%.0f frames per flush)", s.FramesSent, s.Flushes, float64(s.FramesSent)/float64(s.Flushes))
}

func TestTCPCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		opts := []TCPOption{WithLogger(quietLogger), WithBackoff(time.Millisecond, 10*time.Millisecond), WithInboxLimit(1024)}
		a, err := ListenTCP("127.0.0.1:0", opts...)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ListenTCP("127.0.0.1:0", opts...)
		if err != nil {
			t.Fatal(err)
		}
		// Traffic both ways, a peer that cannot be reached (dialing with
		// backoff), a reader stalled on a full inbox and an idle inbound
		// connection waiting for its handshake.
		for i := range uint32(200) {
			a.Send(b.Addr(), 0, seqPayload(i, 500))
			b.Send(a.Addr(), 0, seqPayload(i, 10))
		}
		a.Send(Addr(freeAddr(t)), 0, []byte("unreachable"))
		idle, err := net.Dial("tcp", string(a.Addr()))
		if err != nil {
			t.Fatal(err)
		}
		defer idle.Close()
		collect(t, a, 200, 5*time.Second)
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines before, %d after Close:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestTCPDrainNBacksPressureWithoutLoss drains a flood a few frames at a
// time: what is left waits in the inbox, charged against the peer's share,
// so the sender stalls, and every frame arrives, in order.
func TestTCPDrainNBacksPressureWithoutLoss(t *testing.T) {
	recv := listen(t, WithInboxLimit(1<<20), WithPeerInboxLimit(8192))
	send := listen(t)
	const n, limit = 3000, 50
	for i := range uint32(n) {
		send.Send(recv.Addr(), 0, seqPayload(i, 100))
	}
	ld := recv.(LimitedDrainer)
	in := &recv.(*tcpEndpoint).in
	var got []frame
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < n {
		select {
		case <-recv.Ready():
		case <-time.After(time.Until(deadline)):
			t.Fatalf("received %d of %d frames", len(got), n)
		}
		k := ld.DrainN(limit, func(from Addr, tag uint16, p []byte) { got = append(got, frame{from, tag, string(p)}) })
		if k > limit {
			t.Fatalf("DrainN(%d) handed out %d frames", limit, k)
		}
		in.mu.Lock()
		size := in.size
		in.mu.Unlock()
		if size > 8192+100+inFrameOverhead {
			t.Fatalf("inbox holds %d bytes, the peer's share is 8192", size)
		}
	}
	checkSeq(t, got, send.Addr(), 0, func(uint32) int { return 100 })
}

func TestRouteSendsLikeSend(t *testing.T) {
	a, b := newTCPPair(t)
	r, err := a.(Router).Route(b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Send(b.Addr(), 1, []byte("by address")); err != nil {
		t.Fatal(err)
	}
	if err := r.Send(2, []byte("by route")); err != nil {
		t.Fatal(err)
	}
	var got []string
	deadline := time.After(5 * time.Second)
	for len(got) < 2 {
		select {
		case <-b.Ready():
		case <-deadline:
			t.Fatalf("received %q, want two frames", got)
		}
		b.Drain(func(from Addr, tag uint16, p []byte) {
			if from != a.Addr() {
				t.Errorf("frame from %s, want %s", from, a.Addr())
			}
			got = append(got, fmt.Sprintf("%d %s", tag, p))
		})
	}
	if want := []string{"1 by address", "2 by route"}; !slices.Equal(got, want) {
		t.Errorf("received %q, want %q (one queue, in order)", got, want)
	}

	var tooLarge *FrameTooLargeError
	if err := r.Send(1, make([]byte, DefaultMaxFrame)); !errors.As(err, &tooLarge) {
		t.Errorf("oversized frame by route: %v, want a *FrameTooLargeError", err)
	}
	if _, err := a.(Router).Route("client/app#1"); !errors.Is(err, ErrNoRoute) {
		t.Errorf("route to a reply address: %v, want ErrNoRoute", err)
	}
	a.Close()
	if err := r.Send(1, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("send by route after Close: %v, want ErrClosed", err)
	}
}
