package microbench

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hydrogo/hydro/examples/microbench/pingpong"
	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/netio"
)

// BenchmarkRoundTrip sends pings from one node to another and back, over
// netio TCP endpoints on loopback: window1 keeps one ping in flight, so its
// ns/op is the round-trip latency; window256 keeps 256 in flight, for
// throughput. An op is one round trip. The generated variant runs the nodes
// of the PingPong flow, each ticked by its own goroutine as a node's main
// loop does; the hand-written one does the same work in two plain loops.
func BenchmarkRoundTrip(b *testing.B) {
	for _, window := range []int{1, 256} {
		b.Run(fmt.Sprintf("window%d", window), func(b *testing.B) {
			b.Run("generated", func(b *testing.B) { roundTrips(b, window, generatedPingers) })
			b.Run("handwritten", func(b *testing.B) { roundTrips(b, window, handwrittenPingers) })
		})
	}
}

// pinger is the side of a round-trip pair that the benchmark drives.
type pinger struct {
	// ping sends a ping.
	ping func(seq uint64)
	// receive handles the frames that have arrived and returns the number of
	// pongs received so far.
	receive func() uint64
	// ready receives a value when frames may have arrived.
	ready <-chan struct{}
}

// pingers starts a ponger that runs until done is closed, on a goroutine
// counted by wg and reporting errors with fail, and returns its pinger.
type pingers func(b *testing.B, done <-chan struct{}, wg *sync.WaitGroup, fail func(error)) pinger

// stallTimeout bounds the wait for a pong: the benchmark fails rather than
// hangs if the pair stops answering.
const stallTimeout = 10 * time.Second

// roundTrips runs the benchmark loop with up to window pings in flight.
func roundTrips(b *testing.B, window int, start pingers) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	fail := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	p := start(b, done, &wg, fail)
	defer func() {
		close(done)
		wg.Wait()
		select {
		case err := <-errs:
			b.Error(err)
		default:
		}
	}()

	var sent, received uint64
	stall := time.NewTimer(stallTimeout)
	defer stall.Stop()
	await := func() {
		stall.Reset(stallTimeout)
		select {
		case <-p.ready:
			received = p.receive()
		case <-stall.C:
			b.Fatalf("stalled: %d pings sent, %d pongs received", sent, received)
		case err := <-errs:
			b.Fatal(err)
		}
	}
	// The first round trip dials both connections: outside the measurement.
	p.ping(sent)
	sent++
	for received < sent {
		await()
	}

	b.ReportAllocs()
	for b.Loop() {
		for sent-received >= uint64(window) {
			await()
		}
		p.ping(sent)
		sent++
	}
	// The pongs still in flight, at most window, are not timed.
	rate := float64(b.N) / b.Elapsed().Seconds()
	for received < sent {
		await()
	}
	b.ReportMetric(rate, "msgs/s")
}

// listen returns a TCP endpoint on loopback, closed when b ends.
func listen(b *testing.B) netio.Endpoint {
	ep, err := netio.ListenTCP("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ep.Close() })
	return ep
}

// generatedPingers runs the generated nodes of PingPong: the ponger on a
// goroutine of its own, the pinger on the benchmark's, pushing pings into
// its input and counting the pongs on its output.
func generatedPingers(b *testing.B, done <-chan struct{}, wg *sync.WaitGroup, fail func(error)) pinger {
	pingEP, pongEP := listen(b), listen(b)
	peers := map[string]netio.Addr{"pinger": pingEP.Addr(), "ponger": pongEP.Addr()}

	ponger := pingpong.NewPingPongPonger(hydro.Input[pingpong.Ping]{}, hydro.Output[pingpong.Ping]{})
	pongRound := attach(ponger, pongEP, peers, fail)
	wg.Go(func() {
		for {
			select {
			case <-pongEP.Ready():
				pongRound()
			case <-done:
				return
			}
		}
	})

	in := hydro.NewInput[pingpong.Ping]("in")
	var pongs uint64
	out := hydro.NewOutputFunc("out", func(pingpong.Ping) { pongs++ })
	node := pingpong.NewPingPongPinger(in, out)
	pingRound := attach(node, pingEP, peers, fail)
	return pinger{
		ping: func(seq uint64) {
			in.Push(pingpong.Ping{Seq: seq})
			node.Tick()
		},
		receive: func() uint64 {
			pingRound()
			return pongs
		},
		ready: pingEP.Ready(),
	}
}

// attach connects nd to ep and returns a function that runs one round of a
// node's main loop: deliver the frames that have arrived and tick, until
// nothing is pending.
func attach(nd hydro.NetNode, ep netio.Endpoint, peers map[string]netio.Addr, fail func(error)) func() {
	nd.OnSend(func(to hydro.Dest, tag uint16, payload []byte) {
		if err := ep.Send(peers[to.Location], tag, payload); err != nil {
			fail(err)
		}
	})
	deliver := func(_ netio.Addr, tag uint16, payload []byte) {
		if err := nd.Deliver(tag, payload); err != nil {
			fail(err)
		}
	}
	return func() {
		for {
			ep.Drain(deliver)
			nd.Tick()
			if !nd.Pending() {
				return
			}
		}
	}
}

// Frame tags of the hand-written pair.
const (
	pingTag uint16 = 1
	pongTag uint16 = 2
)

// pingSize is the encoded size of a Ping.
const pingSize = 8 + 4

var errPingSize = errors.New("a ping frame is not 12 bytes")

func appendPing(dst []byte, p *pingpong.Ping) []byte {
	dst = binary.LittleEndian.AppendUint64(dst, p.Seq)
	return binary.LittleEndian.AppendUint32(dst, p.Hops)
}

func decodePing(src []byte, p *pingpong.Ping) error {
	if len(src) != pingSize {
		return errPingSize
	}
	p.Seq = binary.LittleEndian.Uint64(src)
	p.Hops = binary.LittleEndian.Uint32(src[8:])
	return nil
}

// handwrittenPingers is the same pair without hydro: each side drains its
// endpoint and answers in a plain loop.
func handwrittenPingers(b *testing.B, done <-chan struct{}, wg *sync.WaitGroup, fail func(error)) pinger {
	pingEP, pongEP := listen(b), listen(b)

	wg.Go(func() {
		var buf []byte
		reply := func(from netio.Addr, _ uint16, payload []byte) {
			var p pingpong.Ping
			if err := decodePing(payload, &p); err != nil {
				fail(err)
				return
			}
			p = pingpong.Hop(p)
			buf = appendPing(buf[:0], &p)
			if err := pongEP.Send(from, pongTag, buf); err != nil {
				fail(err)
			}
		}
		for {
			select {
			case <-pongEP.Ready():
				pongEP.Drain(reply)
			case <-done:
				return
			}
		}
	})

	var buf []byte
	var pongs uint64
	count := func(_ netio.Addr, _ uint16, payload []byte) {
		var p pingpong.Ping
		if err := decodePing(payload, &p); err != nil {
			fail(err)
			return
		}
		pongs++
	}
	return pinger{
		ping: func(seq uint64) {
			buf = appendPing(buf[:0], &pingpong.Ping{Seq: seq})
			if err := pingEP.Send(pongEP.Addr(), pingTag, buf); err != nil {
				fail(err)
			}
		},
		receive: func() uint64 {
			pingEP.Drain(count)
			return pongs
		},
		ready: pingEP.Ready(),
	}
}
