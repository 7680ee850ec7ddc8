package shopping

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/hydrogo/hydro/hydro"
)

// BenchmarkDerivedAgainstHandWritten runs one workload (200 sessions of up
// to 8 requests, in batches of up to 16) through a fresh node of a
// hand-written figure and of the figure derived from Figure 2, and reports
// the cost per request. The hand-written figures read sessions a client
// numbered and sealed: "hand-written" leaves that work out of the timing,
// "hand-written+numbering" times it too (SessionRequests). The derived
// figures read Figure 2's requests and number and seal them themselves.
func BenchmarkDerivedAgainstHandWritten(b *testing.B) {
	w := NewWorkload(1, 200, 8)
	batches := w.Interleave(1, 16)
	sessions := SessionRequests(batches)
	requests := 0
	for _, bt := range batches {
		requests += len(bt)
	}
	want := len(w.ExpectedCarts())
	type node interface{ Tick() }
	runReq := func(b *testing.B, newNode func(hydro.Input[Request], []ClientClass, hydro.Output[Cart]) node) {
		benchRun(b, batches, requests, want, newNode)
	}
	runSess := func(b *testing.B, newNode func(hydro.Input[Session], []ClientClass, hydro.Output[Cart]) node) {
		benchRun(b, sessions, requests, want, newNode)
	}
	b.Run("Figure4/hand-written", func(b *testing.B) {
		runSess(b, func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) node {
			return NewFigure4Server(in, c, out)
		})
	})
	b.Run("Figure4/hand-written+numbering", func(b *testing.B) {
		benchNumbered(b, batches, requests, want, func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) node {
			return NewFigure4Server(in, c, out)
		})
	})
	b.Run("Figure4/derived", func(b *testing.B) {
		runReq(b, func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) node {
			return NewFigure4DerivedServer(in, c, out)
		})
	})
	b.Run("Figure5/hand-written", func(b *testing.B) {
		runSess(b, func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) node {
			return NewFigure5Server(in, c, out)
		})
	})
	b.Run("Figure5/hand-written+numbering", func(b *testing.B) {
		benchNumbered(b, batches, requests, want, func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) node {
			return NewFigure5Server(in, c, out)
		})
	})
	b.Run("Figure5/derived", func(b *testing.B) {
		runReq(b, func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) node {
			return NewFigure5DerivedServer(in, c, out)
		})
	})
}

// benchRun ticks a fresh node over batches per iteration and reports the
// time per request; every iteration must release want carts.
func benchRun[T any, N interface{ Tick() }](b *testing.B, batches [][]T, requests, want int, newNode func(hydro.Input[T], []ClientClass, hydro.Output[Cart]) N) {
	w := NewWorkload(1, 200, 8)
	b.ReportAllocs()
	released := 0
	cpu := cpuTime()
	for b.Loop() {
		in := hydro.NewInput[T]("shopping")
		out := hydro.NewOutputFunc("carts", func(Cart) { released++ })
		nd := newNode(in, w.Classes, out)
		for _, bt := range batches {
			in.Push(bt...)
			nd.Tick()
		}
		nd.Tick()
	}
	if released != want*b.N {
		b.Fatal(fmt.Sprintf("released %d carts in %d runs, want %d each", released, b.N, want))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*requests), "ns/request")
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N*requests), "cpu-ns/request")
}

// benchNumbered is benchRun of a node reading sessions, numbering and
// sealing the requests inside the timing.
func benchNumbered[N interface{ Tick() }](b *testing.B, batches [][]Request, requests, want int, newNode func(hydro.Input[Session], []ClientClass, hydro.Output[Cart]) N) {
	w := NewWorkload(1, 200, 8)
	b.ReportAllocs()
	released := 0
	cpu := cpuTime()
	for b.Loop() {
		in := hydro.NewInput[Session]("shopping")
		out := hydro.NewOutputFunc("carts", func(Cart) { released++ })
		nd := newNode(in, w.Classes, out)
		for _, bt := range SessionRequests(batches) {
			in.Push(bt...)
			nd.Tick()
		}
		nd.Tick()
	}
	if released != want*b.N {
		b.Fatal(fmt.Sprintf("released %d carts in %d runs, want %d each", released, b.N, want))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*requests), "ns/request")
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N*requests), "cpu-ns/request")
}

// cpuTime is the CPU time the process has used, user and system, its
// garbage collector's included: on a shared machine, a steadier measure of
// the work than the elapsed time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
