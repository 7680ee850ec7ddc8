package netio

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/hydrogo/hydro/netio/pki"
)

// mtls returns the options of an endpoint with identity id in a deployment
// of ca: TLS both ways, admitting node certificates of ca as the address
// they map to in addrs and clients as reply routes.
func mtls(t testing.TB, ca *pki.CA, id pki.Identity, addrs map[pki.Identity]Addr) []TCPOption {
	t.Helper()
	cert, err := ca.Issue(id)
	if err != nil {
		t.Fatal(err)
	}
	roots := ca.Pool()
	server := pki.ServerConfig(roots, cert)
	client := func(to Addr) (*tls.Config, error) {
		return pki.ClientConfig(roots, &cert, func(got pki.Identity) error {
			if addrs[got] != to {
				return fmt.Errorf("%s is not the node at %s", got, to)
			}
			return nil
		}), nil
	}
	admit := func(ci ConnInfo) (Admission, error) {
		got, ok, err := pki.PeerIdentity(ci.TLS)
		switch {
		case err != nil:
			return Admission{}, err
		case !ok:
			return Admission{}, errors.New("no certificate")
		case got.Kind == pki.Client:
			return Admission{From: Addr(got.String()), Reply: true}, nil
		case addrs[got] == "":
			return Admission{}, fmt.Errorf("%s is not a configured peer", got)
		}
		return Admission{From: addrs[got]}, nil
	}
	return []TCPOption{WithTLS(server, client), WithAdmit(admit)}
}

func TestTCPMutualTLS(t *testing.T) {
	ca, err := pki.NewCA("test")
	if err != nil {
		t.Fatal(err)
	}
	a0, a1 := freeAddr(t), freeAddr(t)
	addrs := map[pki.Identity]Addr{pki.NodeID("a", 0): Addr(a0), pki.NodeID("a", 1): Addr(a1)}
	n0 := listenAt(t, a0, mtls(t, ca, pki.NodeID("a", 0), addrs)...)
	n1 := listenAt(t, a1, mtls(t, ca, pki.NodeID("a", 1), addrs)...)
	n0.Send(n1.Addr(), 1, []byte("over TLS"))
	got := collect(t, n1, 1, 5*time.Second)
	if got[0].from != n0.Addr() || got[0].payload != "over TLS" {
		t.Fatalf("got %+v", got[0])
	}

	// A node of the deployment that n1 does not list, a node of another
	// deployment claiming n0's address, and a plaintext dialer are all
	// rejected and counted; none of their frames is delivered.
	other, err := pki.NewCA("other")
	if err != nil {
		t.Fatal(err)
	}
	stranger := listen(t, mtls(t, ca, pki.NodeID("a", 7), map[pki.Identity]Addr{pki.NodeID("a", 1): Addr(a1)})...)
	forger := listen(t, append(mtls(t, other, pki.NodeID("a", 0), map[pki.Identity]Addr{pki.NodeID("a", 1): Addr(a1)}), WithAdvertiseAddr(Addr(a0)))...)
	plain := listen(t, WithAdvertiseAddr(Addr(a0)))
	for _, ep := range []Endpoint{stranger, forger, plain} {
		ep.Send(n1.Addr(), 1, []byte("forged"))
	}
	s := waitStats(t, n1, func(s Stats) bool { return s.Rejected >= 3 })
	if len(drainFor(n1, 100*time.Millisecond)) != 0 {
		t.Fatal("a frame from a rejected connection was delivered")
	}
	if s.Accepted != 1 {
		t.Errorf("stats %+v: want only n0's connection accepted", s)
	}
	// The forger cannot pass as n1 either: n0 checks whom it dialed.
	wrong := listen(t, mtls(t, ca, pki.NodeID("a", 0), addrs)...)
	imposter := listen(t, mtls(t, ca, pki.NodeID("a", 0), addrs)...)
	wrong.Send(imposter.Addr(), 1, []byte("to whom?"))
	waitStats(t, wrong, func(s Stats) bool { return s.DialErrors >= 1 })
	if len(drainFor(imposter, 50*time.Millisecond)) != 0 {
		t.Fatal("a node sent to a listener whose certificate names another node")
	}
}

func TestTCPReplyRoutes(t *testing.T) {
	node := listen(t)
	client, err := DialOnlyTCP(WithLogger(quietLogger), WithBackoff(2*time.Millisecond, 50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if client.Addr() != "" {
		t.Fatalf("a dial-only endpoint has Addr %q", client.Addr())
	}
	client.Send(node.Addr(), 3, []byte("subscribe"))
	got := collect(t, node, 1, 5*time.Second)
	from := got[0].from
	if !IsReplyAddr(from) {
		t.Fatalf("from = %q, want a reply address", from)
	}
	for i := range uint32(5) {
		if err := node.Send(from, 4, seqPayload(i, 8)); err != nil {
			t.Fatal(err)
		}
	}
	checkSeq(t, collect(t, client, 5, 5*time.Second), node.Addr(), 0, func(uint32) int { return 8 })
	// Traffic is counted per peer, a client's connections under the
	// address its admission gave.
	waitStats(t, node, func(s Stats) bool { return s.FramesSent == 5 })
	if ps := node.(PeerStatsReporter).PeerStats()["client"]; ps.FramesReceived != 1 || ps.FramesSent != 5 || ps.BytesSent != 40 {
		t.Errorf("per-peer stats of the client: %+v", ps)
	}
	if ps := client.(PeerStatsReporter).PeerStats()[node.Addr()]; ps.FramesReceived != 5 || ps.FramesSent != 1 {
		t.Errorf("the client's stats of the node: %+v", ps)
	}

	// Once the client is gone, the route is too: Send says so, and the
	// node holds nothing for it.
	client.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := node.Send(from, 4, []byte("late"))
		if errors.Is(err, ErrNoRoute) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Send to a closed reply route: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := node.Send("nobody#1", 4, nil); !errors.Is(err, ErrNoRoute) {
		t.Fatalf("Send to an unknown reply address: %v", err)
	}
}

func TestTCPIdleAndStalledConnectionsAreClosed(t *testing.T) {
	ep := listen(t, WithTimeouts(150*time.Millisecond, 150*time.Millisecond, time.Second))
	start := time.Now()
	idle := rawHello(t, ep)
	stalled := rawHello(t, ep)
	// A header announcing 100 bytes, then 3 of them, then nothing.
	stalled.Write(AppendFrame(nil, 1, make([]byte, 100))[:9])
	for name, c := range map[string]net.Conn{"idle": idle, "stalled": stalled} {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("%s connection: read %v, want it closed by the endpoint", name, err)
		}
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("connections closed after %v, before their deadline", d)
	}
	waitStats(t, ep, func(s Stats) bool { return s.Timeouts == 2 })

	// Endpoints keep an idle connection alive with keepalives (with a
	// longer timeout, so that a loaded machine delays no keepalive past it).
	recv := listen(t, WithTimeouts(time.Second, time.Second, time.Second))
	a := listen(t, WithTimeouts(time.Second, time.Second, time.Second))
	a.Send(recv.Addr(), 1, []byte("x"))
	collect(t, recv, 1, 5*time.Second)
	time.Sleep(2500 * time.Millisecond)
	a.Send(recv.Addr(), 1, []byte("y"))
	collect(t, recv, 1, 5*time.Second)
	if s := a.(StatsReporter).Stats(); s.Reconnects != 0 {
		t.Errorf("an idle connection with keepalives was closed: %+v", s)
	}
	if s := recv.(StatsReporter).Stats(); s.Timeouts != 0 {
		t.Errorf("Timeouts = %d after an idle period with keepalives, want 0", s.Timeouts)
	}
}

// tlsPair returns two endpoints of one deployment that speak mutual TLS.
func tlsPair(tb testing.TB) (Endpoint, Endpoint) {
	ca, err := pki.NewCA("bench")
	if err != nil {
		tb.Fatal(err)
	}
	a, b := freeAddr(tb), freeAddr(tb)
	addrs := map[pki.Identity]Addr{pki.NodeID("n", 0): Addr(a), pki.NodeID("n", 1): Addr(b)}
	return listenAt(tb, a, mtls(tb, ca, pki.NodeID("n", 0), addrs)...), listenAt(tb, b, mtls(tb, ca, pki.NodeID("n", 1), addrs)...)
}

// rawHello dials ep and sends a valid hello.
func rawHello(t *testing.T, ep Endpoint) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", string(ep.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Write(AppendFrame(nil, handshakeTag, hello(freeAddr(t), ""))); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTCPConnectionCap(t *testing.T) {
	ep := listen(t, WithMaxConns(3))
	for range 3 {
		rawHello(t, ep)
	}
	waitStats(t, ep, func(s Stats) bool { return s.Accepted == 3 })
	before := runtime.NumGoroutine()
	for range 50 {
		c, err := net.Dial("tcp", string(ep.Addr()))
		if err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Fatal("a connection over the cap was served")
		}
		c.Close()
	}
	s := waitStats(t, ep, func(s Stats) bool { return s.Refused == 50 })
	if s.Accepted != 3 {
		t.Errorf("stats %+v", s)
	}
	if g := runtime.NumGoroutine(); g > before+2 {
		t.Errorf("%d goroutines before 50 refused connections, %d after", before, g)
	}
}

func TestTCPPeerInboxShare(t *testing.T) {
	recv := listen(t, WithInboxLimit(1<<20), WithPeerInboxLimit(4096))
	flood, other := listen(t), listen(t)
	for i := range uint32(2000) {
		flood.Send(recv.Addr(), 0, seqPayload(i, 100))
	}
	// The flooding connection stalls at its share; the other still gets
	// its frame into the inbox before any Drain.
	other.Send(recv.Addr(), 1, []byte("me too"))
	in := &recv.(*tcpEndpoint).in
	deadline := time.Now().Add(5 * time.Second)
	for {
		in.mu.Lock()
		size, frames := in.size, slices.Clone(in.frames)
		in.mu.Unlock()
		if slices.ContainsFunc(frames, func(f inFrame) bool { return f.from == other.Addr() }) {
			if size > 4096+100+inFrameOverhead+2*(100+inFrameOverhead) {
				t.Fatalf("inbox holds %d bytes with a share of 4096 per connection", size)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the other peer's frame never reached the inbox while one peer flooded")
		}
		time.Sleep(time.Millisecond)
	}
	checkSeq(t, collectFrom(t, recv, flood.Addr(), 2000, 10*time.Second), flood.Addr(), 0, func(uint32) int { return 100 })
}

// collectFrom drains ep until n frames from one sender arrived, dropping
// the others.
func collectFrom(t *testing.T, ep Endpoint, from Addr, n int, timeout time.Duration) []frame {
	t.Helper()
	var got []frame
	deadline := time.Now().Add(timeout)
	for len(got) < n {
		for _, f := range drainFor(ep, 10*time.Millisecond) {
			if f.from == from {
				got = append(got, f)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d of %d frames from %s", len(got), n, from)
		}
	}
	return got
}
