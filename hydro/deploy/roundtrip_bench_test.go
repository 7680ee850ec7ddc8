package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/hydrogo/hydro/examples/microbench/pingpong"
	"github.com/hydrogo/hydro/examples/shopping"
	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/internal/cputime"
	"github.com/hydrogo/hydro/netio"
)

// BenchmarkNodeRoundTrip measures the latency of a window-1 round trip over
// TCP on loopback, one message in flight: handwritten is the raw transport's
// ping-pong (a frame out, the echo back, as in netio's BenchmarkPingPong,
// with the 12-byte payload of a Ping); generated is the same round trip
// through the two generated nodes of pingpong.PingPong, each run by Run as
// a node process runs it (plaintext). The pinger's output pushes the next
// ping into its input from the node's goroutine, so that the loop crosses
// the same goroutines as the raw one: an op is one round trip in both.
// Besides the wall-clock time, which a loaded machine stretches, each
// reports the CPU time of the whole process per round trip (cpu-ns/op),
// both ends together.
func BenchmarkNodeRoundTrip(b *testing.B) {
	b.Run("tcp/generated", benchNodeRoundTrip)
	b.Run("tcp/handwritten", benchRawRoundTrip)
}

func benchRawRoundTrip(b *testing.B) {
	a, err := netio.ListenTCP("127.0.0.1:0", netio.WithLogger(quietLogger()))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	e, err := netio.ListenTCP("127.0.0.1:0", netio.WithLogger(quietLogger()))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		reply := func(from netio.Addr, tag uint16, payload []byte) { e.Send(from, tag, payload) }
		for {
			select {
			case <-e.Ready():
				e.Drain(reply)
			case <-stop:
				return
			}
		}
	}()
	payload := pingpong.PingPongInPort().Append(nil, &pingpong.Ping{Seq: 1})
	none := func(netio.Addr, uint16, []byte) {}
	roundTrip := func() {
		a.Send(e.Addr(), 1, payload)
		for a.Drain(none) == 0 {
			<-a.Ready()
		}
	}
	roundTrip() // dial outside the measurement
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cputime.Process()
	for range b.N {
		roundTrip()
	}
	b.ReportMetric(float64(cputime.Process()-cpu)/float64(b.N), "cpu-ns/op")
}

func benchNodeRoundTrip(b *testing.B) {
	pingerAddr, pongerAddr := benchAddr(b), benchAddr(b)
	peers := fmt.Sprintf("pinger=%s; ponger=%s", pingerAddr, pongerAddr)
	args := []string{"-insecure-plaintext", "-peers", peers, "-log-level", "error"}

	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 2)
	defer func() {
		cancel()
		for range 2 {
			if err := <-stopped; err != nil {
				b.Error(err)
			}
		}
	}()
	ponger := Role{Name: "ponger", Flows: map[string]Builder{"PingPong": func(env *Env) (hydro.NetNode, error) {
		return pingpong.NewPingPongPonger(hydro.Input[pingpong.Ping]{}, hydro.Output[pingpong.Ping]{}), nil
	}}}
	go func() { stopped <- Run(ctx, ponger, args, noEnv, io.Discard, io.Discard) }()

	// The pinger sends ping i+1 when pong i arrives, up to last; pongs
	// receives the sequence number of every pong the loop stops at.
	var last uint64
	pongs := make(chan uint64, 1)
	built := make(chan hydro.Input[pingpong.Ping], 1)
	pinger := Role{Name: "pinger", Flows: map[string]Builder{"PingPong": func(env *Env) (hydro.NetNode, error) {
		in := Input(env, pingpong.PingPongInPort())
		out := hydro.NewOutputFunc("out", func(p pingpong.Ping) {
			if p.Seq < last {
				in.Push(pingpong.Ping{Seq: p.Seq + 1})
				return
			}
			pongs <- p.Seq
		})
		built <- in
		return pingpong.NewPingPongPinger(in, out), nil
	}}}
	go func() { stopped <- Run(ctx, pinger, args, noEnv, io.Discard, io.Discard) }()
	in := <-built

	await := func(want uint64) {
		select {
		case got := <-pongs:
			if got != want {
				b.Fatalf("pong %d, want %d", got, want)
			}
		case err := <-stopped:
			stopped <- err
			b.Fatalf("a node stopped: %v", err)
		case <-time.After(30 * time.Second):
			b.Fatalf("no pong %d", want)
		}
	}
	// The first round trip dials both connections: outside the measurement.
	in.Push(pingpong.Ping{Seq: 0})
	await(0)
	last = uint64(b.N)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cputime.Process()
	in.Push(pingpong.Ping{Seq: 1})
	await(last)
	b.ReportMetric(float64(cputime.Process()-cpu)/float64(b.N), "cpu-ns/op")
	b.StopTimer()
}

// benchAddr returns a loopback address with a port free at the time of the
// call.
func benchAddr(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// BenchmarkOutputLine measures what printing one output item costs: a
// Figure 6 cart of three line items as a JSON line, by the port's generated
// AppendJSON and by encoding/json (reflection), and, for comparison, its
// binary encoding, which subscribers receive.
func BenchmarkOutputLine(b *testing.B) {
	port := shopping.Figure6OutPort()
	cart := shopping.Cart{Client: 7, Class: shopping.Premium, Items: []shopping.LineItem{
		{Item: "apple", Qty: 2}, {Item: "pear", Qty: -1}, {Item: "plum \"ripe\"", Qty: 1, Checkout: true},
	}}
	b.Run("generated", func(b *testing.B) {
		var buf []byte
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if buf, err = port.AppendJSON(buf[:0], &cart); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reflection", func(b *testing.B) {
		var line bytes.Buffer
		enc := json.NewEncoder(&line)
		enc.SetEscapeHTML(false)
		b.ReportAllocs()
		for b.Loop() {
			line.Reset()
			if err := enc.Encode(&cart); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("binary", func(b *testing.B) {
		var buf []byte
		b.ReportAllocs()
		for b.Loop() {
			buf = port.Append(buf[:0], &cart)
		}
	})
}
