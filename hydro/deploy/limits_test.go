package deploy

import (
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/netio"
	"github.com/hydrogo/hydro/netio/pki"
)

// clientHello is the hello of a plaintext client: no address, no token.
func clientHello() []byte {
	return netio.AppendFrame(nil, 0x6879, netio.AppendString(netio.AppendString([]byte{2}, ""), ""))
}

func TestStalledAndIdleConnectionsAreClosed(t *testing.T) {
	addr := freeAddr(t)
	n := start(t, relayRole("relay"), "-insecure-plaintext", "-listen", addr, "-idle-timeout", "200ms", "-frame-timeout", "200ms")
	idle, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer idle.Close()
	_, err = idle.Write(clientHello())
	require.NoError(t, err)
	stalled, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer stalled.Close()
	_, err = stalled.Write(append(clientHello(), netio.AppendFrame(nil, inPort.Tag, make([]byte, 64))[:10]...))
	require.NoError(t, err)
	for _, c := range []net.Conn{idle, stalled} {
		// The node's keepalives come back, then the connection closes.
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err := io.Copy(io.Discard, c)
		require.NotErrorIs(t, err, os.ErrDeadlineExceeded, "the node did not close the connection")
	}
	require.Eventually(t, func() bool {
		return metric(t, n, `hydro_connections_total{event="timeout"}`) == 2
	}, 5*time.Second, 10*time.Millisecond)
}

func TestSubscriptionAttemptsAreBounded(t *testing.T) {
	addr := freeAddr(t)
	n := start(t, relayRole("relay"), "-insecure-plaintext", "-listen", addr, "-max-conns", "64", "-max-subscribers", "16", "-out.out.quiet")
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()

	// 10,000 subscriptions, from 32 clients at a time, each of which
	// subscribes and hangs up at once, and some of which keep the
	// connection open until the end.
	subscribe := append(clientHello(), netio.AppendFrame(nil, outPort.Tag, nil)...)
	var mu sync.Mutex
	var kept []net.Conn
	var wg sync.WaitGroup
	work := make(chan int)
	for range 32 {
		wg.Go(func() {
			for i := range work {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					continue // at the listener's backlog: also an attempt
				}
				c.Write(subscribe)
				if i%500 == 0 {
					mu.Lock()
					kept = append(kept, c)
					mu.Unlock()
					continue
				}
				c.Close()
			}
		})
	}
	for i := range 10000 {
		work <- i
	}
	close(work)
	wg.Wait()

	// The node still serves a real client, whose items reach it.
	c := dialInsecure(t, addr)
	got := make(chan string, 100)
	require.NoError(t, Subscribe(c, outPort, func(v note) { got <- v.Text }))
	require.Eventually(t, func() bool {
		require.NoError(t, Push(c, inPort, note{"after"}))
		select {
		case <-got:
			return true
		case <-time.After(50 * time.Millisecond):
			return false
		}
	}, 10*time.Second, time.Millisecond)
	require.LessOrEqual(t, metric(t, n, `hydro_subscribers{output="out"}`), 16.0)

	for _, c := range kept {
		c.Close()
	}
	require.NoError(t, c.Close())
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("heap %d KiB before, %d KiB after 10,000 subscription attempts; goroutines %d before, %d after",
		before.HeapAlloc>>10, after.HeapAlloc>>10, goroutines, runtime.NumGoroutine())
	require.Less(t, int64(after.HeapAlloc)-int64(before.HeapAlloc), int64(16<<20), "heap grew by more than 16 MiB")
	require.Eventually(t, func() bool { return runtime.NumGoroutine() <= goroutines+8 }, 5*time.Second, 10*time.Millisecond,
		"goroutines: %d before, %d after", goroutines, runtime.NumGoroutine())
}

// dialInsecure returns a plaintext client of the node at addr.
func dialInsecure(t *testing.T, addr string) *Client {
	t.Helper()
	c, err := Dial(addr, WithInsecurePlaintext())
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestFloodOfValidFramesKeepsTheHeapBounded(t *testing.T) {
	a, b := freeAddr(t), freeAddr(t)
	peers := fmt.Sprintf("a=%s;b=%s", a, b)
	const inbox = 1 << 20
	n := start(t, relayRole("a"), "-peers", peers, "-inbox-bytes", fmt.Sprint(inbox), "-out.out.quiet")

	// b/0, a legitimate peer, floods a with valid frames as fast as its
	// own queue (256 KiB) lets it.
	flooder := peerAt(t, "b", b, netio.WithQueueLimit(1<<12, 256<<10))

	runtime.GC()
	var before, peak runtime.MemStats
	runtime.ReadMemStats(&before)
	payload := appendNote(nil, &note{Text: string(make([]byte, 1000))})
	const total = 64 << 20 // bytes flooded
	for sent := 0; sent < total; sent += len(payload) {
		flooder.Send(netio.Addr(a), relayTag, payload)
		if sent%(4<<20) < len(payload) {
			var ms runtime.MemStats
			runtime.GC() // the live heap, not garbage waiting for collection
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.HeapAlloc {
				peak = ms
			}
		}
	}
	require.Eventually(t, func() bool {
		return metric(t, n, `hydro_frames_total{direction="received"}`) > 1000
	}, 10*time.Second, 10*time.Millisecond)
	grew := int64(peak.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("flooded %d MiB; heap %d KiB before, peak %d KiB (grew %d KiB; inbox budget %d KiB)", total>>20, before.HeapAlloc>>10, peak.HeapAlloc>>10, grew>>10, inbox>>10)
	// What is live is bounded by the budgets, not by the flood: the
	// inbox (its budget, twice over while a drained slab is handed to the
	// node), the items one drain decodes and the node keeps (the relay
	// keeps its high-water mark), connection buffers, and the in-process
	// flooder's own queue (up to four times over with its spare slab and
	// compaction). A heap profile at the peak (with a 1 MiB flooder queue)
	// showed about 4 MiB for the flooder and 10 MiB for the node: the bound
	// is a small multiple of the budgets and far below the flood.
	require.Less(t, grew, int64(24<<20), "heap grew by more than 24 MiB under a 64 MiB flood")
}

// peerAt returns an endpoint at addr with the test certificate of member 0
// of location loc: a legitimate peer.
func peerAt(t *testing.T, loc, addr string, opts ...netio.TCPOption) netio.Endpoint {
	t.Helper()
	ca, err := pki.LoadCA(testCerts())
	require.NoError(t, err)
	cert, err := pki.LoadCert(testCerts(), pki.NodeID(loc, 0))
	require.NoError(t, err)
	cfg := pki.ClientConfig(ca.Pool(), &cert, nil)
	opts = append([]netio.TCPOption{netio.WithLogger(quietLogger()),
		netio.WithTLS(pki.ServerConfig(ca.Pool(), cert), func(netio.Addr) (*tls.Config, error) { return cfg, nil })}, opts...)
	ep, err := netio.ListenTCP(addr, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { ep.Close() })
	return ep
}

// swell is a node whose items are small on the wire and large once
// decoded: a frame is a sequence number and a length n, and decodes to n
// words, like a collection-heavy lattice. It keeps nothing across ticks;
// each tick records the live heap (after a GC) while it holds what it was
// handed, and checks that sequence numbers arrive in order, none missing.
type swell struct {
	mu       sync.Mutex
	recv     [][]uint64
	next     uint64 // the sequence number expected next
	err      error
	peakHeap uint64
	maxBatch int
}

const swellTag = 1

func (s *swell) Tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.recv) == 0 {
		return
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	s.peakHeap = max(s.peakHeap, ms.HeapAlloc)
	s.maxBatch = max(s.maxBatch, len(s.recv))
	for _, v := range s.recv {
		if v[0] != s.next && s.err == nil {
			s.err = fmt.Errorf("item %d arrived when %d was due", v[0], s.next)
		}
		s.next = v[0] + 1
	}
	clear(s.recv)
	s.recv = s.recv[:0]
}

func (s *swell) Pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.recv) > 0
}

func (s *swell) Deliver(tag uint16, payload []byte) error {
	seq, n1 := binary.Uvarint(payload)
	size, n2 := binary.Uvarint(payload[max(n1, 0):])
	if tag != swellTag || n1 <= 0 || n2 <= 0 || size == 0 || size > 1<<16 {
		return errors.New("bad swell frame")
	}
	v := make([]uint64, size)
	v[0] = seq
	s.mu.Lock()
	s.recv = append(s.recv, v)
	s.mu.Unlock()
	return nil
}

func (s *swell) OnSend(func(hydro.Dest, uint16, []byte)) {}
func (s *swell) SetMember(hydro.MemberID)                {}
func (s *swell) SetNow(time.Time)                        {}
func (s *swell) NextTimer() (time.Time, bool)            { return time.Time{}, false }

// TestDecodedItemsPerTickAreBounded floods a node with small frames that
// each decode to 64 KiB: 4,000 of them fit easily in the inbox's byte
// budget (they are 5 bytes each on the wire) but would decode to 250 MiB at
// once. -max-tick-items bounds what the node decodes before a tick; the
// rest wait (their connection stalls) and every frame arrives, in order.
func TestDecodedItemsPerTickAreBounded(t *testing.T) {
	a, b := freeAddr(t), freeAddr(t)
	node := &swell{}
	role := Role{Name: "a", Flows: map[string]Builder{"Swell": func(*Env) (hydro.NetNode, error) { return node, nil }}}
	const budget, total, words = 64, 4000, 8192
	n := start(t, role, "-peers", fmt.Sprintf("a=%s;b=%s", a, b), "-max-tick-items", fmt.Sprint(budget))
	flooder := peerAt(t, "b", b, netio.WithQueueLimit(total, 1<<20))

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for seq := range uint64(total) {
		payload := binary.AppendUvarint(binary.AppendUvarint(nil, seq), words)
		require.NoError(t, flooder.Send(netio.Addr(a), swellTag, payload))
	}
	require.Eventually(t, func() bool {
		node.mu.Lock()
		defer node.mu.Unlock()
		return node.next == total || node.err != nil
	}, 20*time.Second, 10*time.Millisecond, "not every frame arrived")
	node.mu.Lock()
	defer node.mu.Unlock()
	require.NoError(t, node.err)
	require.LessOrEqual(t, node.maxBatch, budget, "a tick was handed more than the budget")
	grew := int64(node.peakHeap) - int64(before.HeapAlloc)
	decoded := int64(budget * words * 8)
	t.Logf("%d frames decoding to %d MiB in all; budget %d items (%d KiB); heap grew by at most %d KiB",
		total, total*words*8>>20, budget, decoded>>10, grew>>10)
	// The live heap holds one tick's items, plus the inbox and connection
	// buffers: a small multiple of the budget, far below the 250 MiB the
	// frames decode to.
	require.Less(t, grew, 4*decoded+(8<<20), "heap grew by %d KiB", grew>>10)
	require.Positive(t, metric(t, n, "hydro_tick_budget_stops_total"), "the budget was never hit")
}
