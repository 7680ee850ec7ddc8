//go:build !hydrogen

// (Excluded when hydrogen loads packages, as the protocols' ports are.)

package bench

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/hydrogo/hydro/examples/shopping"
	"github.com/hydrogo/hydro/hydro/deploy"
	"github.com/hydrogo/hydro/lattices"
)

// ScalingPoint is Figure 6 measured with Sessions completed sessions in
// its state: a Point whose commands are requests, each one complete
// session of a new client pushed into the client node and answered by
// the server's release of its cart.
type ScalingPoint struct {
	Sessions int `json:"sessions"`
	Point
}

// ScalingConfig says what StateScaling measures.
type ScalingConfig struct {
	Config
	// Sessions are the numbers of completed sessions to preload, one
	// deployment each, in the order measured.
	Sessions []int
	// Clients is the number of closed-loop clients of the measured window.
	Clients int
	// Rounds is how often the whole list of sessions is measured, one
	// round after another, so that a load that comes and goes hits every
	// number of sessions alike; at least 1.
	Rounds int
	// Spare is how many client IDs beyond the largest preload the class
	// table covers, for the ready check, the warm-up and the window: a
	// session of a client without a class releases no cart. A run that
	// needs more fails.
	Spare int
}

// StateScaling measures Figure 6 of examples/shopping as real processes
// (a client and a server under the launcher) against the state it holds:
// for each number of sessions n it starts the figure, completes n sessions
// through it, then runs cfg.Clients closed-loop clients for cfg.Warmup and
// cfg.Window. Each request is one complete session of a new client, pushed
// into the client node, which sends it to the server and resends it until
// acknowledged; it is answered when the server releases the session's
// cart. Every point has the requests/s, the latencies, every process's CPU
// per request and the frames each node received per request (Point.Frames,
// from its hydro_frames_total{direction="received"}).
func StateScaling(ctx context.Context, cfg ScalingConfig) ([]ScalingPoint, error) {
	if len(cfg.Sessions) == 0 || cfg.Clients < 1 || cfg.Spare < 1 || cfg.Rounds < 1 {
		return nil, fmt.Errorf("state scaling: need sessions, at least one client, spare client IDs and a round")
	}
	dir, err := os.MkdirTemp("", "statescaling")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ids := slices.Max(cfg.Sessions) + cfg.Spare
	classes := filepath.Join(dir, "classes.json")
	if err := writeClasses(classes, ids); err != nil {
		return nil, err
	}
	run := cfg.Config
	var pts []ScalingPoint
	for range cfg.Rounds {
		for _, n := range cfg.Sessions {
			pt, err := scalingPoint(ctx, run, classes, ids, n, cfg.Clients)
			if err != nil {
				return pts, fmt.Errorf("state scaling with %d sessions: %w", n, err)
			}
			run.logf("figure 6 with %d sessions: %.0f requests/s, p50 %.2fms, %.2f frames received per request at the server",
				n, pt.Throughput, pt.P50, pt.Frames["server"])
			pts = append(pts, pt)
		}
	}
	return pts, nil
}

// writeClasses writes the class of every client 1..ids as the JSON of
// Figure 6's classes parameter.
func writeClasses(path string, ids int) error {
	classes := make([]shopping.ClientClass, ids)
	for i := range classes {
		classes[i] = shopping.ClientClass{Client: uint32(i + 1), Class: shopping.Class(i % 2)}
	}
	b, err := json.Marshal(classes)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// completeSession is client c's whole session: one item, then checkout.
func completeSession(c uint32) shopping.Session {
	return shopping.Session{Client: c, Items: lattices.NewSSIV([]shopping.LineItem{{Item: "apple", Qty: 1}, {Checkout: true}})}
}

// scalingPoint starts Figure 6, preloads n sessions and measures.
func scalingPoint(ctx context.Context, cfg Config, classes string, ids, n, clients int) (ScalingPoint, error) {
	p := Protocol{Name: "figure6", Package: "./examples/shopping", Flow: "Figure6"}
	d := Deployment{Name: fmt.Sprintf("%d sessions", n), Flags: []string{"-param.classes=@" + classes, "-out.out.quiet"}}
	cfg.logf("figure 6 with %d sessions: starting", n)
	dep, err := start(ctx, cfg, p, d)
	if err != nil {
		return ScalingPoint{}, err
	}
	defer dep.stop()
	client, err := dep.dial("client")
	if err != nil {
		return ScalingPoint{}, err
	}
	defer client.Close()
	server, err := dep.dial("server")
	if err != nil {
		return ScalingPoint{}, err
	}
	defer server.Close()
	// A command's ID is the client whose session it completes.
	l := newLoop(client, Driver{Send: func(c *deploy.Client, id uint64, _ [16]byte) error {
		if id > uint64(ids) {
			return fmt.Errorf("client %d has no class: raise the spare client IDs", id)
		}
		return deploy.Push(c, shopping.Figure6ShoppingPort(), completeSession(uint32(id)))
	}})
	if err := deploy.Subscribe(server, shopping.Figure6OutPort(), func(c shopping.Cart) { l.answered(uint64(c.Client)) }); err != nil {
		return ScalingPoint{}, err
	}
	if err := l.ready(ctx, dep, 30*time.Second); err != nil {
		return ScalingPoint{}, err
	}
	if err := dep.findMetrics(ctx); err != nil {
		return ScalingPoint{}, err
	}
	t0 := time.Now()
	if err := l.preload(ctx, dep, n, 64); err != nil {
		return ScalingPoint{}, err
	}
	cfg.logf("figure 6 with %d sessions: preloaded in %v", n, time.Since(t0).Round(time.Millisecond))
	pt, err := l.measure(ctx, cfg, dep, clients)
	if err != nil {
		return ScalingPoint{}, err
	}
	pt.Protocol, pt.Deployment = p.Name, d.Name
	return ScalingPoint{Sessions: n, Point: pt}, nil
}

// preload completes n commands, issued by width closed-loop clients; a
// command not answered within 10 seconds fails it.
func (l *loop) preload(ctx context.Context, dep *deployment, n, width int) error {
	var (
		issued atomic.Int64
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed error
	)
	fail := func(err error) {
		mu.Lock()
		failed = cmp.Or(failed, err)
		mu.Unlock()
	}
	for range width {
		wg.Go(func() {
			for issued.Add(1) <= int64(n) {
				id, ch, err := l.call()
				if err != nil {
					fail(err)
					return
				}
				select {
				case <-ch:
				case <-dep.exited:
					fail(fmt.Errorf("the launcher stopped: %s\n%s", dep.cmd.ProcessState, dep.tail))
					return
				case <-ctx.Done():
					fail(ctx.Err())
					return
				case <-time.After(10 * time.Second):
					l.forget(id)
					fail(fmt.Errorf("command %d was not answered within 10s", id))
					return
				}
			}
		})
	}
	wg.Wait()
	return failed
}

// WriteScaling prints the state scaling points as a table, one row per
// number of sessions with the medians of its rounds: requests/s, and the
// bottleneck model's requests/s on this machine (from the CPU per request
// of every process, Point.PredictedHere), each also as a ratio to the
// first row's; latencies; the frames the server and the
// client received per request, and the CPU per request of every process.
func WriteScaling(w io.Writer, pts []ScalingPoint) error {
	var order []int
	rounds := map[int][]ScalingPoint{}
	for _, pt := range pts {
		if _, ok := rounds[pt.Sessions]; !ok {
			order = append(order, pt.Sessions)
		}
		rounds[pt.Sessions] = append(rounds[pt.Sessions], pt)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "sessions\trounds\tclients\trequests/s\t÷ first\tmodel here\t÷ first\tp50 ms\tp99 ms\tserver frames/req\tclient frames/req\tserver µs/req\tclient µs/req\tdriver µs/req\t")
	var first, firstModel float64
	for i, n := range order {
		r := rounds[n]
		med := func(f func(ScalingPoint) float64) float64 {
			vs := make([]float64, len(r))
			for j, pt := range r {
				vs[j] = f(pt)
			}
			return median(vs)
		}
		tput := med(func(pt ScalingPoint) float64 { return pt.Throughput })
		model := med(func(pt ScalingPoint) float64 { return pt.PredictedHere })
		if i == 0 {
			first, firstModel = tput, model
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\t%.0f\t%.2f\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\t%.1f\t%.1f\t\n", n, len(r), r[0].Clients, tput, tput/first, model, model/firstModel,
			med(func(pt ScalingPoint) float64 { return pt.P50 }), med(func(pt ScalingPoint) float64 { return pt.P99 }),
			med(func(pt ScalingPoint) float64 { return pt.Frames["server"] }), med(func(pt ScalingPoint) float64 { return pt.Frames["client"] }),
			med(func(pt ScalingPoint) float64 { return pt.CPU["server"] }), med(func(pt ScalingPoint) float64 { return pt.CPU["client"] }),
			med(func(pt ScalingPoint) float64 { return pt.CPU[driverLabel] }))
	}
	return tw.Flush()
}

// median returns the median of vs (the mean of the middle two of an even
// count), reordering vs.
func median(vs []float64) float64 {
	slices.Sort(vs)
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2]
	}
	return (vs[n/2-1] + vs[n/2]) / 2
}
