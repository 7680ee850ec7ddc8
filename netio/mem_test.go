package netio

import (
	"sync"
	"testing"
	"time"
)

func newMemPair(t *testing.T) (Endpoint, Endpoint) {
	t.Helper()
	n := NewMemNetwork()
	a, err := n.Endpoint("a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := n.Endpoint("b")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

func TestMemEndpoint(t *testing.T) {
	endpointSuite(t, newMemPair)
}

func TestMemSynchronousFIFO(t *testing.T) {
	n := NewMemNetwork()
	a, _ := n.Endpoint("a")
	b, _ := n.Endpoint("b")
	c, _ := n.Endpoint("c")
	a.Send("c", 1, []byte("a1"))
	b.Send("c", 1, []byte("b1"))
	a.Send("c", 2, []byte("a2"))
	c.Send("c", 3, []byte("self"))
	select {
	case <-c.Ready():
	default:
		t.Fatal("Ready not signalled after a synchronous Send")
	}
	var got []frame
	cnt := c.Drain(func(from Addr, tag uint16, p []byte) { got = append(got, frame{from, tag, string(p)}) })
	want := []frame{{"a", 1, "a1"}, {"b", 1, "b1"}, {"a", 2, "a2"}, {"c", 3, "self"}}
	if cnt != len(want) || len(got) != len(want) {
		t.Fatalf("Drain returned %d, got %v", cnt, got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("frame %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if cnt := c.Drain(func(Addr, uint16, []byte) { t.Fatal("frame drained twice") }); cnt != 0 {
		t.Fatalf("second Drain returned %d", cnt)
	}
}

func TestMemAddresses(t *testing.T) {
	n := NewMemNetwork()
	a, err := n.Endpoint("a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Endpoint("a"); err == nil {
		t.Fatal("second endpoint at a taken address")
	}
	if _, err := n.Endpoint(""); err == nil {
		t.Fatal("endpoint at the empty address")
	}
	// Unknown destinations drop and count.
	if err := a.Send("nowhere", 1, nil); err != nil {
		t.Fatal(err)
	}
	if s := a.(StatsReporter).Stats(); s.Drops != 1 || s.FramesSent != 0 {
		t.Fatalf("stats after send to unknown address: %+v", s)
	}
	// A closed endpoint's address can be taken again: a restart.
	b, _ := n.Endpoint("b")
	b.Close()
	a.Send("b", 1, []byte("lost"))
	b2, err := n.Endpoint("b")
	if err != nil {
		t.Fatalf("reopen after close: %v", err)
	}
	a.Send("b", 1, []byte("found"))
	if got := collect(t, b2, 1, time.Second); got[0].payload != "found" || len(got) != 1 {
		t.Fatalf("restarted endpoint received %v", got)
	}
	if s := a.(StatsReporter).Stats(); s.Drops != 2 {
		t.Fatalf("drops = %d, want 2", s.Drops)
	}
	// Frames received before Close can still be drained.
	a.Send("b", 1, []byte("kept"))
	b2.Close()
	if cnt := b2.Drain(func(Addr, uint16, []byte) {}); cnt != 1 {
		t.Fatalf("drained %d frames after Close, want 1", cnt)
	}
}

func TestMemConcurrent(t *testing.T) {
	n := NewMemNetwork()
	dst, _ := n.Endpoint("dst")
	const senders, each = 8, 2000
	var wg sync.WaitGroup
	for s := range senders {
		ep, err := n.Endpoint(Addr(rune('a' + s)))
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			for i := range uint32(each) {
				ep.Send("dst", 0, seqPayload(i, 8))
			}
		})
	}
	// Drain concurrently with the senders; per-sender order must hold.
	next := map[Addr]uint32{}
	received := 0
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	check := func(from Addr, _ uint16, p []byte) {
		if want := string(seqPayload(next[from], 8)); string(p) != want {
			t.Errorf("from %s: out of order at %d", from, next[from])
		}
		next[from]++
		received++
	}
	for finished := false; !finished; {
		select {
		case <-dst.Ready():
		case <-done:
			finished = true
		}
		dst.Drain(check)
	}
	dst.Drain(check)
	if received != senders*each {
		t.Fatalf("received %d, want %d", received, senders*each)
	}
}

func TestMemAllocs(t *testing.T) {
	a, b := newMemPair(t)
	payload := make([]byte, 64)
	var n int
	tick := func() {
		for range 16 {
			a.Send("b", 1, payload)
		}
		n += b.Drain(func(Addr, uint16, []byte) {})
	}
	tick()
	tick() // both inbox slabs are grown
	if allocs := testing.AllocsPerRun(100, tick); allocs != 0 {
		t.Errorf("Send+Drain steady state: %v allocs per tick, want 0", allocs)
	}
}

func TestMemDrainNLeavesTheRestInOrder(t *testing.T) {
	a, b := newMemPair(t)
	for i := range uint32(10) {
		a.Send(b.Addr(), 0, seqPayload(i, 8))
	}
	ld := b.(LimitedDrainer)
	var got []frame
	for _, want := range []int{3, 3, 3, 1, 0} {
		k := ld.DrainN(3, func(from Addr, tag uint16, p []byte) { got = append(got, frame{from, tag, string(p)}) })
		if k != want {
			t.Fatalf("DrainN(3) = %d after %d frames, want %d", k, len(got), want)
		}
		if want == 3 {
			select {
			case <-b.Ready():
			default:
				t.Fatal("Ready not signalled while frames are left")
			}
		}
	}
	if len(got) != 10 {
		t.Fatalf("got %d frames, want 10", len(got))
	}
	checkSeq(t, got, a.Addr(), 0, func(uint32) int { return 8 })
	// A later full drain sees only what was sent since.
	a.Send(b.Addr(), 0, seqPayload(10, 8))
	got = got[:0]
	if k := b.Drain(func(from Addr, tag uint16, p []byte) { got = append(got, frame{from, tag, string(p)}) }); k != 1 {
		t.Fatalf("Drain = %d, want 1", k)
	}
	checkSeq(t, got, a.Addr(), 10, func(uint32) int { return 8 })
}

// TestMemDrainNUnderSustainedPressure drains fewer frames than arrive
// between drains, so a full drain never happens: the inbox's slabs must
// hold what waits, not everything received.
func TestMemDrainNUnderSustainedPressure(t *testing.T) {
	a, b := newMemPair(t)
	ld := b.(LimitedDrainer)
	in := &b.(*memEndpoint).in
	var next, want uint32
	for range 2000 {
		for range 4 {
			a.Send(b.Addr(), 0, seqPayload(next, 100))
			next++
		}
		ld.DrainN(3, func(from Addr, tag uint16, p []byte) {
			checkSeq(t, []frame{{from, tag, string(p)}}, a.Addr(), want, func(uint32) int { return 100 })
			want++
		})
		in.mu.Lock()
		waiting, slab := len(in.frames)-in.head, len(in.buf)
		in.mu.Unlock()
		if slab > 100*(2*waiting+3+4) { // what waits, twice, and a round of drained and new frames
			t.Fatalf("slab holds %d bytes for %d waiting frames of 100", slab, waiting)
		}
	}
	for ld.DrainN(3, func(from Addr, tag uint16, p []byte) {
		checkSeq(t, []frame{{from, tag, string(p)}}, a.Addr(), want, func(uint32) int { return 100 })
		want++
	}) > 0 {
	}
	if want != next {
		t.Fatalf("drained %d of %d frames", want, next)
	}
}
