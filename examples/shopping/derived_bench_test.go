package shopping

import (
	"fmt"
	"testing"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/internal/cputime"
)

// BenchmarkDerivedAgainstHandWritten runs one workload (200 sessions of up
// to 8 requests, in batches of up to 16) through fresh nodes of a
// hand-written figure and of the figure derived from Figure 2, and reports
// the cost per request. The hand-written figures read sessions a client
// numbered and sealed (Figure 3: prefixes a client built knowing each
// session's length): "hand-written" leaves that work out of the timing,
// "hand-written+numbering" times it too (SessionRequests, PrefixRequests).
// The derived figures read Figure 2's requests and number and seal them
// themselves. The single-node Figures 3-5 tick one node; the distributed
// Figures 6-8 run their client and servers (3 replicas for Figure 8) over a
// reliable network in rounds (benchNet) until every server released every
// cart.
func BenchmarkDerivedAgainstHandWritten(b *testing.B) {
	w := NewWorkload(1, 200, 8)
	batches := w.Interleave(1, 16)
	sessions := SessionRequests(batches)
	prefixes := w.PrefixRequests(batches)
	requests := 0
	for _, bt := range batches {
		requests += len(bt)
	}
	want := len(w.ExpectedCarts())
	type node interface{ Tick() }
	fixed := func(b [][]Request) func() [][]Request { return func() [][]Request { return b } }
	numbered := func() [][]Session { return SessionRequests(batches) }
	asIs := func() [][]Session { return sessions }

	b.Run("Figure3/hand-written", func(b *testing.B) {
		benchRun(b, func() [][]PrefixSession { return prefixes }, requests, want, func(in hydro.Input[PrefixSession], c []ClientClass, out hydro.Output[Cart]) node {
			return NewFigure3Server(in, c, out)
		})
	})
	b.Run("Figure3/hand-written+numbering", func(b *testing.B) {
		benchRun(b, func() [][]PrefixSession { return w.PrefixRequests(batches) }, requests, want, func(in hydro.Input[PrefixSession], c []ClientClass, out hydro.Output[Cart]) node {
			return NewFigure3Server(in, c, out)
		})
	})
	b.Run("Figure3/derived", func(b *testing.B) {
		benchRun(b, fixed(batches), requests, want, func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) node {
			return NewFigure3DerivedServer(in, c, out)
		})
	})
	for _, fig := range []struct {
		name    string
		hand    func(hydro.Input[Session], []ClientClass, hydro.Output[Cart]) node
		derived func(hydro.Input[Request], []ClientClass, hydro.Output[Cart]) node
	}{
		{"Figure4",
			func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) node {
				return NewFigure4Server(in, c, out)
			},
			func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) node {
				return NewFigure4DerivedServer(in, c, out)
			}},
		{"Figure5",
			func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) node {
				return NewFigure5Server(in, c, out)
			},
			func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) node {
				return NewFigure5DerivedServer(in, c, out)
			}},
	} {
		b.Run(fig.name+"/hand-written", func(b *testing.B) { benchRun(b, asIs, requests, want, fig.hand) })
		b.Run(fig.name+"/hand-written+numbering", func(b *testing.B) { benchRun(b, numbered, requests, want, fig.hand) })
		b.Run(fig.name+"/derived", func(b *testing.B) { benchRun(b, fixed(batches), requests, want, fig.derived) })
	}

	type net = hydro.NetNode
	for _, fig := range []struct {
		name     string
		replicas int
		hand     func(in hydro.Input[Session], released func()) sim.Spawn
		derived  func(in hydro.Input[Request], released func()) sim.Spawn
	}{
		{"Figure6", 1,
			func(in hydro.Input[Session], released func()) sim.Spawn {
				return clientServerSpawn(in, w.Classes, released,
					func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) net {
						return NewFigure6Client(in, c, out)
					},
					func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) net {
						return NewFigure6Server(in, c, out)
					})
			},
			func(in hydro.Input[Request], released func()) sim.Spawn {
				return clientServerSpawn(in, w.Classes, released,
					func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) net {
						return NewFigure6DerivedClient(in, c, out)
					},
					func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) net {
						return NewFigure6DerivedServer(in, c, out)
					})
			}},
		{"Figure7", 1,
			func(in hydro.Input[Session], released func()) sim.Spawn {
				return clientServerSpawn(in, w.Classes, released,
					func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) net {
						return NewFigure7Client(in, c, out)
					},
					func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) net {
						return NewFigure7Server(in, c, out)
					})
			},
			func(in hydro.Input[Request], released func()) sim.Spawn {
				return clientServerSpawn(in, w.Classes, released,
					func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) net {
						return NewFigure7DerivedClient(in, c, out)
					},
					func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) net {
						return NewFigure7DerivedServer(in, c, out)
					})
			}},
		{"Figure8", replicas,
			func(in hydro.Input[Session], released func()) sim.Spawn {
				return clientServerSpawn(in, w.Classes, released,
					func(in hydro.Input[Session], c []ClientClass, out hydro.Output[ReplicaCart]) net {
						return NewFigure8Client(in, c, out)
					},
					func(in hydro.Input[Session], c []ClientClass, out hydro.Output[ReplicaCart]) net {
						return NewFigure8Server(in, c, out)
					})
			},
			func(in hydro.Input[Request], released func()) sim.Spawn {
				return clientServerSpawn(in, w.Classes, released,
					func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) net {
						return NewFigure8DerivedClient(in, c, out)
					},
					func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) net {
						return NewFigure8DerivedServer(in, c, out)
					})
			}},
	} {
		b.Run(fig.name+"/hand-written", func(b *testing.B) { benchNet(b, asIs, requests, want, fig.replicas, fig.hand) })
		b.Run(fig.name+"/hand-written+numbering", func(b *testing.B) { benchNet(b, numbered, requests, want, fig.replicas, fig.hand) })
		b.Run(fig.name+"/derived", func(b *testing.B) { benchNet(b, fixed(batches), requests, want, fig.replicas, fig.derived) })
	}
}

// benchRun ticks a fresh node over the batches prep builds, inside the
// timing, per iteration and reports the time per request; every iteration
// must release want carts.
func benchRun[T any, N interface{ Tick() }](b *testing.B, prep func() [][]T, requests, want int, newNode func(hydro.Input[T], []ClientClass, hydro.Output[Cart]) N) {
	w := NewWorkload(1, 200, 8)
	b.ReportAllocs()
	released := 0
	cpu := cputime.Process()
	for b.Loop() {
		in := hydro.NewInput[T]("shopping")
		out := hydro.NewOutputFunc("carts", func(Cart) { released++ })
		nd := newNode(in, w.Classes, out)
		for _, bt := range prep() {
			in.Push(bt...)
			nd.Tick()
		}
		nd.Tick()
	}
	if released != want*b.N {
		b.Fatal(fmt.Sprintf("released %d carts in %d runs, want %d each", released, b.N, want))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*requests), "ns/request")
	b.ReportMetric(float64((cputime.Process()-cpu).Nanoseconds())/float64(b.N*requests), "cpu-ns/request")
}

// benchNet runs a distributed figure's generated nodes once per
// iteration over a reliable network, in rounds: the client gets the next
// of the batches prep builds (inside the timing), every member ticks, and
// every frame sent is delivered before the next round, until every
// replica released want carts. The clock advances 1ms a round, so the
// 50ms resend timers fire only for sessions not acknowledged in time.
func benchNet[T any](b *testing.B, prep func() [][]T, requests, want, replicas int, spawn func(in hydro.Input[T], released func()) sim.Spawn) {
	b.ReportAllocs()
	locs := map[string]int{"client": 1, "server": replicas}
	cpu := cputime.Process()
	for b.Loop() {
		batches := prep()
		in := hydro.NewInput[T]("shopping")
		released := 0
		node := spawn(in, func() { released++ })
		r := newRun(locs, func(loc string, id int) hydro.NetNode {
			n, err := node(loc, id)
			if err != nil {
				b.Fatal(err)
			}
			return n
		})
		now := time.Unix(0, 0).UTC()
		for round := 0; released < want*replicas; round++ {
			if round > len(batches)+1000 {
				b.Fatalf("released %d carts in %d rounds, want %d", released, round, want*replicas)
			}
			if round < len(batches) {
				in.Push(batches[round]...)
			}
			now = now.Add(time.Millisecond)
			for _, f := range r.tick(now) {
				if err := r.deliver(f); err != nil {
					b.Fatal(err)
				}
			}
		}
		if released != want*replicas {
			b.Fatalf("released %d carts, want %d", released, want*replicas)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*requests), "ns/request")
	b.ReportMetric(float64((cputime.Process()-cpu).Nanoseconds())/float64(b.N*requests), "cpu-ns/request")
}

// clientServerSpawn builds a figure's client and server (or replica)
// nodes; every cart a server releases calls released.
func clientServerSpawn[T, O any](in hydro.Input[T], classes []ClientClass, released func(),
	client func(hydro.Input[T], []ClientClass, hydro.Output[O]) hydro.NetNode,
	server func(hydro.Input[T], []ClientClass, hydro.Output[O]) hydro.NetNode) sim.Spawn {
	out := hydro.NewOutputFunc("carts", func(O) { released() })
	return func(loc string, _ int) (hydro.NetNode, error) {
		if loc == "client" {
			return client(in, classes, hydro.Output[O]{}), nil
		}
		return server(hydro.Input[T]{}, classes, out), nil
	}
}
