package netio

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

// frame is a received frame, copied out of Drain.
type frame struct {
	from    Addr
	tag     uint16
	payload string
}

// collect drains ep until it has at least n frames or the timeout passes.
func collect(t testing.TB, ep Endpoint, n int, timeout time.Duration) []frame {
	t.Helper()
	var got []frame
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for len(got) < n {
		select {
		case <-ep.Ready():
		case <-deadline.C:
			t.Fatalf("%s: received %d of %d frames within %v", ep.Addr(), len(got), n, timeout)
		}
		ep.Drain(func(from Addr, tag uint16, payload []byte) {
			got = append(got, frame{from, tag, string(payload)})
		})
	}
	return got
}

// drainFor drains ep for d and returns what arrived.
func drainFor(ep Endpoint, d time.Duration) []frame {
	var got []frame
	deadline := time.After(d)
	for {
		ep.Drain(func(from Addr, tag uint16, payload []byte) {
			got = append(got, frame{from, tag, string(payload)})
		})
		select {
		case <-ep.Ready():
		case <-deadline:
			ep.Drain(func(from Addr, tag uint16, payload []byte) {
				got = append(got, frame{from, tag, string(payload)})
			})
			return got
		}
	}
}

// seqPayload encodes a sequence number, padded to size bytes.
func seqPayload(seq uint32, size int) []byte {
	p := make([]byte, max(size, 4))
	binary.LittleEndian.PutUint32(p, seq)
	for i := 4; i < len(p); i++ {
		p[i] = byte(seq) + byte(i)
	}
	return p
}

// checkSeq checks that frames carry seqPayload(first..first+len-1) in order.
func checkSeq(t *testing.T, frames []frame, from Addr, first uint32, size func(uint32) int) {
	t.Helper()
	for i, f := range frames {
		seq := first + uint32(i)
		want := string(seqPayload(seq, size(seq)))
		if f.from != from || f.payload != want {
			t.Fatalf("frame %d: from %s, %d bytes (seq %d); want from %s, seq %d",
				i, f.from, len(f.payload), binary.LittleEndian.Uint32([]byte(f.payload+"\x00\x00\x00\x00")), from, seq)
		}
	}
}

// endpointSuite runs the behaviour every transport shares.
func endpointSuite(t *testing.T, newPair func(t *testing.T) (a, b Endpoint)) {
	t.Run("RoundTrip", func(t *testing.T) {
		a, b := newPair(t)
		if err := a.Send(b.Addr(), 7, []byte("ping")); err != nil {
			t.Fatal(err)
		}
		got := collect(t, b, 1, 5*time.Second)
		if got[0] != (frame{a.Addr(), 7, "ping"}) {
			t.Fatalf("b received %+v", got[0])
		}
		// Reply to the address the frame came from.
		if err := b.Send(got[0].from, 8, []byte("pong")); err != nil {
			t.Fatal(err)
		}
		if got := collect(t, a, 1, 5*time.Second); got[0] != (frame{b.Addr(), 8, "pong"}) {
			t.Fatalf("a received %+v", got[0])
		}
	})
	t.Run("ManyFramesBothWays", func(t *testing.T) {
		a, b := newPair(t)
		const n = 5000
		size := func(seq uint32) int { return int(seq*7919) % 3000 }
		errc := make(chan error, 2)
		for _, pair := range [][2]Endpoint{{a, b}, {b, a}} {
			go func(from, to Endpoint) {
				for i := range uint32(n) {
					if err := from.Send(to.Addr(), uint16(i), seqPayload(i, size(i))); err != nil {
						errc <- err
						return
					}
				}
				errc <- nil
			}(pair[0], pair[1])
		}
		for range 2 {
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		}
		checkSeq(t, collect(t, b, n, 10*time.Second), a.Addr(), 0, size)
		checkSeq(t, collect(t, a, n, 10*time.Second), b.Addr(), 0, size)
		// A TCP sender counts frames once its flush returns, which may be
		// after they arrived.
		deadline := time.Now().Add(5 * time.Second)
		for {
			sa, sb := a.(StatsReporter).Stats(), b.(StatsReporter).Stats()
			if sa.FramesSent == n && sb.FramesReceived == n && sa.BytesSent == sb.BytesReceived && sa.Drops == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("stats: a %+v, b %+v", sa, sb)
			}
			time.Sleep(time.Millisecond)
		}
	})
	t.Run("SendAfterClose", func(t *testing.T) {
		a, b := newPair(t)
		a.Close()
		if err := a.Send(b.Addr(), 1, nil); !errors.Is(err, ErrClosed) {
			t.Fatalf("Send after Close: %v, want ErrClosed", err)
		}
		if err := a.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		a, b := newPair(t)
		err := a.Send(b.Addr(), 1, make([]byte, DefaultMaxFrame-1))
		var tl *FrameTooLargeError
		if !errors.As(err, &tl) || tl.Len != DefaultMaxFrame+1 {
			t.Fatalf("oversize Send: %v", err)
		}
		if err := a.Send(b.Addr(), 1, make([]byte, DefaultMaxFrame-2)); err != nil {
			t.Fatalf("Send at the limit: %v", err)
		}
		if got := collect(t, b, 1, 10*time.Second); len(got[0].payload) != DefaultMaxFrame-2 {
			t.Fatalf("frame at the limit: %d bytes", len(got[0].payload))
		}
	})
	t.Run("PayloadCopied", func(t *testing.T) {
		a, b := newPair(t)
		p := []byte("original")
		a.Send(b.Addr(), 1, p)
		copy(p, "CHANGED!")
		if got := collect(t, b, 1, 5*time.Second); got[0].payload != "original" {
			t.Fatalf("payload %q: Send did not copy", got[0].payload)
		}
	})
}
