package netio

import (
	"encoding/binary"
	"testing"
	"time"
)

func noopFrame(Addr, uint16, []byte) {}

// echo serves ep until stop is closed, sending every frame back to its sender.
func echo(ep Endpoint, stop <-chan struct{}) {
	reply := func(from Addr, tag uint16, payload []byte) { ep.Send(from, tag, payload) }
	for {
		select {
		case <-ep.Ready():
			ep.Drain(reply)
		case <-stop:
			return
		}
	}
}

// BenchmarkPingPong measures round-trip latency: one frame out, the echo
// back, nothing else in flight.
func BenchmarkPingPong(b *testing.B) {
	for _, tr := range []struct {
		name string
		pair func(testing.TB) (Endpoint, Endpoint)
	}{
		{"TCP", func(tb testing.TB) (Endpoint, Endpoint) { return listen(tb), listen(tb) }},
		{"TLS", tlsPair},
		{"Mem", memPair},
	} {
		for _, size := range []int{16, 1024} {
			b.Run(tr.name+"/"+byteSize(size), func(b *testing.B) {
				a, e := tr.pair(b)
				stop := make(chan struct{})
				defer close(stop)
				go echo(e, stop)
				payload := make([]byte, size)
				roundTrip := func() {
					a.Send(e.Addr(), 1, payload)
					for a.Drain(noopFrame) == 0 {
						<-a.Ready()
					}
				}
				roundTrip() // dial and handshake outside the measurement
				b.ReportAllocs()
				n := 0
				for b.Loop() {
					roundTrip()
					n++
				}
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "roundtrips/s")
			})
		}
	}
}

// BenchmarkStream measures one-way throughput: the sender keeps up to a
// window of frames in flight and the receiver acknowledges every ackEvery
// frames, as a flow-controlled node pipeline would. The window stays well
// inside the default queue and inbox limits, so that nothing is dropped.
func BenchmarkStream(b *testing.B) {
	const windowBytes, ackEvery = 8 << 20, 1 << 10
	for _, tr := range []struct {
		name string
		pair func(testing.TB) (Endpoint, Endpoint)
	}{
		{"TCP", func(tb testing.TB) (Endpoint, Endpoint) { return listen(tb), listen(tb) }},
		{"TLS", tlsPair},
		{"Mem", memPair},
	} {
		for _, size := range []int{16, 256, 4096} {
			b.Run(tr.name+"/"+byteSize(size), func(b *testing.B) {
				src, dst := tr.pair(b)
				stop := make(chan struct{})
				defer close(stop)
				go func() {
					var received uint64
					var ack [8]byte
					count := func(Addr, uint16, []byte) { received++ }
					for {
						select {
						case <-dst.Ready():
						case <-stop:
							return
						}
						before := received
						dst.Drain(count)
						if received/ackEvery != before/ackEvery {
							binary.LittleEndian.PutUint64(ack[:], received)
							dst.Send(src.Addr(), 2, ack[:])
						}
					}
				}()
				window := uint64(min(windowBytes/size, DefaultQueueFrames/2))
				var sent, acked uint64
				readAcks := func(_ Addr, _ uint16, p []byte) { acked = max(acked, binary.LittleEndian.Uint64(p)) }
				payload := make([]byte, size)
				flushesBefore := src.(StatsReporter).Stats()

				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					for sent-acked >= window {
						<-src.Ready()
						src.Drain(readAcks)
					}
					src.Send(dst.Addr(), 1, payload)
					sent++
				}
				// Count only what arrived: wait for the last acknowledgement.
				for acked < sent/ackEvery*ackEvery {
					select {
					case <-src.Ready():
						src.Drain(readAcks)
					case <-time.After(10 * time.Second):
						b.Fatalf("stalled: %d sent, %d acknowledged", sent, acked)
					}
				}
				el := b.Elapsed().Seconds()
				b.ReportMetric(float64(sent)/el, "msgs/s")
				after := src.(StatsReporter).Stats()
				if f := after.Flushes - flushesBefore.Flushes; f > 0 {
					b.ReportMetric(float64(after.FramesSent-flushesBefore.FramesSent)/float64(f), "frames/flush")
				}
			})
		}
	}
}

func memPair(tb testing.TB) (Endpoint, Endpoint) {
	n := NewMemNetwork()
	a, _ := n.Endpoint("a")
	b, _ := n.Endpoint("b")
	tb.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}
