package shopping

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/internal/cputime"
	"github.com/hydrogo/hydro/lattices"
)

// frame is one item a node sent, as the network would carry it.
type frame struct {
	to      hydro.Dest
	tag     uint16
	payload []byte
}

// collect makes a node's OnSend keep every frame it sends in *into.
func collect(into *[]frame) func(to hydro.Dest, tag uint16, payload []byte) {
	return func(to hydro.Dest, tag uint16, payload []byte) {
		*into = append(*into, frame{to, tag, append([]byte(nil), payload...)})
	}
}

// deliverAll hands frames to a node, as its runtime does before a tick.
func deliverAll(tb testing.TB, frames []frame, deliver func(tag uint16, payload []byte) error) {
	tb.Helper()
	for _, f := range frames {
		if err := deliver(f.tag, f.payload); err != nil {
			tb.Fatal(err)
		}
	}
}

// completeSession is client c's whole session: one item, then checkout.
func completeSession(c uint32) Session {
	return Session{Client: c, Items: lattices.NewSSIV([]LineItem{{Item: "apple", Qty: 1}, {Checkout: true}})}
}

// openRequest is one request of client c's open session: the item at
// position pos, unsealed.
func openRequest(c uint32, pos int) Session {
	var s lattices.SSIV[LineItem]
	s.Add(pos, LineItem{Item: fmt.Sprintf("item%d", pos), Qty: 1})
	return Session{Client: c, Items: s}
}

// shopNode is a generated node of a client-server figure as the
// benchmarks drive it.
type shopNode interface {
	Tick()
	OnSend(func(to hydro.Dest, tag uint16, payload []byte))
	Deliver(tag uint16, payload []byte) error
}

// newShopNode makes a generated node of a client-server figure.
type newShopNode[N shopNode] func(hydro.Input[Session], []ClientClass, hydro.Output[Cart]) N

// figure6WithHistory runs Figure 6's generated client and server over a
// fault-free network until n sessions (clients 0..n-1) are complete at the
// server and acknowledged at the client. It returns both nodes, their
// inputs, and the tags of the client's request frames and of the server's
// acknowledgements.
func figure6WithHistory(tb testing.TB, n int) (cl *Figure6Client, sv *Figure6Server, in hydro.Input[Session], requestTag, ackTag uint16) {
	return withHistory(tb, n, NewFigure6Client, NewFigure6Server)
}

// withHistory is figure6WithHistory for the client and server of any
// client-server figure.
func withHistory[C, S shopNode](tb testing.TB, n int, newClient newShopNode[C], newServer newShopNode[S]) (cl C, sv S, in hydro.Input[Session], requestTag, ackTag uint16) {
	tb.Helper()
	classes := make([]ClientClass, 0, n+openClients)
	for c := range uint32(n + openClients) {
		classes = append(classes, ClientClass{Client: c, Class: Class(c % 2)})
	}
	in = hydro.NewInput[Session]("shopping")
	cl = newClient(in, classes, hydro.NewOutputFunc("out", func(Cart) {}))
	sv = newServer(hydro.NewInput[Session]("shopping"), classes, hydro.NewOutputFunc("out", func(Cart) {}))
	var toServer, toClient []frame
	cl.OnSend(collect(&toServer))
	sv.OnSend(collect(&toClient))
	for c := range uint32(n) {
		in.Push(completeSession(c))
	}
	cl.Tick()
	if len(toServer) == 0 {
		tb.Fatal("the client sent no requests")
	}
	requestTag = toServer[0].tag
	deliverAll(tb, toServer, sv.Deliver)
	sv.Tick()
	if len(toClient) < n {
		tb.Fatalf("the server acknowledged %d of %d sessions", len(toClient), n)
	}
	ackTag = toClient[0].tag
	deliverAll(tb, toClient, cl.Deliver)
	cl.Tick()
	sv.OnSend(nil)
	return cl, sv, in, requestTag, ackTag
}

// openClients is how many clients, beyond the completed ones, keep a
// session open during the benchmarks.
const openClients = 64

var scalingSizes = []int{1000, 10000, 100000}

// BenchmarkStateScaling is the cost of one tick of Figure 6's generated
// server that carries one new request (an item of an open session), with
// n complete sessions in its state. Ideally the cost does not depend on n.
func BenchmarkStateScaling(b *testing.B) {
	for _, n := range scalingSizes {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			_, sv, _, tag, _ := figure6WithHistory(b, n)
			// The requests cycle through 16 positions of 64 open sessions,
			// so the state stays the same size however long the benchmark
			// runs (a repeated item merges idempotently).
			var frames [openClients * 16][]byte
			for i := range frames {
				s := openRequest(uint32(n+i%openClients), i/openClients)
				frames[i] = appendHydroSession(nil, &s)
			}
			b.ReportAllocs()
			var cpu cpuClock
			i := 0
			for b.Loop() {
				if i == 0 {
					cpu.start()
				}
				if err := sv.Deliver(tag, frames[i%len(frames)]); err != nil {
					b.Fatal(err)
				}
				sv.Tick()
				i++
			}
			cpu.stop()
			cpu.report(b)
		})
	}
}

// BenchmarkStateScalingClient is the cost of one tick of Figure 6's
// generated client that carries one new request, a whole session of a new
// client, with the n requests of complete, acknowledged sessions in its
// history; the server's acknowledgement of each new session arrives before
// the next tick, as in a fault-free run. Every request adds to what the
// client has received, so it is rebuilt every n requests to keep that
// within twice n.
func BenchmarkStateScalingClient(b *testing.B) {
	benchmarkClientScaling(b, NewFigure6Client, NewFigure6Server)
}

// BenchmarkStateScalingFigure7Client is BenchmarkStateScalingClient for
// Figure 7's client, which assembles sessions in a keyed merge and resends
// the complete ones until acknowledged.
func BenchmarkStateScalingFigure7Client(b *testing.B) {
	benchmarkClientScaling(b, NewFigure7Client, NewFigure7Server)
}

func benchmarkClientScaling[C, S shopNode](b *testing.B, newClient newShopNode[C], newServer newShopNode[S]) {
	for _, n := range scalingSizes {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			// The client encodes every frame it sends, as over a network;
			// the benchmark keeps none of them.
			history := func() (C, hydro.Input[Session], uint16) {
				cl, _, in, _, ackTag := withHistory(b, n, newClient, newServer)
				cl.OnSend(func(hydro.Dest, uint16, []byte) {})
				runtime.GC()
				return cl, in, ackTag
			}
			cl, in, ackTag := history()
			b.ReportAllocs()
			b.ResetTimer()
			var cpu cpuClock
			cpu.start()
			var ackBuf []byte
			for i := range b.N {
				if i > 0 && i%n == 0 {
					b.StopTimer()
					cpu.stop()
					cl, in, ackTag = history()
					cpu.start()
					b.StartTimer()
				}
				c := uint32(n + openClients + i)
				in.Push(completeSession(c))
				cl.Tick()
				ackBuf = appendHydroClientID(ackBuf[:0], &ClientID{Client: c})
				if err := cl.Deliver(ackTag, ackBuf); err != nil {
					b.Fatal(err)
				}
			}
			cpu.stop()
			cpu.report(b)
		})
	}
}

// cpuClock adds up the CPU time of the process (every thread, the garbage
// collector's included) between start and stop: on a shared machine it
// measures a node's work more steadily than wall time.
type cpuClock struct{ total, at time.Duration }

func (c *cpuClock) start() { c.at = cputime.Process() }
func (c *cpuClock) stop()  { c.total += cputime.Process() - c.at }

// report adds the CPU time per operation to the benchmark's results.
func (c *cpuClock) report(b *testing.B) {
	b.ReportMetric(float64(c.total.Nanoseconds())/float64(b.N), "cpu-ns/op")
}
