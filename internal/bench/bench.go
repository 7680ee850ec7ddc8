// Package bench is the protocol benchmark harness: it starts every role of
// a protocol as a real process through the launcher (hydrogen run), drives
// the protocol with N closed-loop clients from its own process — each
// sends a 16-byte command, waits for its answer, and repeats —, warms up,
// measures a fixed window, and sweeps N until throughput saturates.
//
// During each window it records every process's CPU time (from /proc), its
// ticks and received frames (from its metrics endpoint) and its sleeps
// (voluntary context switches), and the commands completed. From the CPU
// per command a bottleneck model predicts the throughput the deployment
// would reach with one machine per process (the slowest process's rate)
// and on this machine (its cores shared by every process); a batching
// model (Fit) separates each process's CPU per tick, per sleep and per
// command and predicts what it handles on a machine of its own when it
// batches the commands in flight. Both are printed next to the
// measurement.
package bench

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/deploy"
)

// Protocol is a program to benchmark: where it is, how it is deployed, and
// how clients talk to it.
type Protocol struct {
	// Name names the protocol in reports ("voting").
	Name string
	// Package is the launcher's package argument ("./examples/voting"),
	// relative to Config.Dir.
	Package string
	// Flow is the flow to run.
	Flow string
	// Deployments are the configurations to measure.
	Deployments []Deployment
	// Driver issues commands and recognises their answers.
	Driver Driver
	// Base, for a flow derived by a rewrite, names the protocol of its
	// base flow, and Rewrite the rewrite: the report gives the rewrite's
	// scale factor, this protocol's peak throughput over the base's.
	Base, Rewrite string
}

// Deployment is one configuration of a protocol.
type Deployment struct {
	// Name describes it in reports ("3 participants").
	Name string
	// Members gives the size of every cluster (the launcher's -n).
	Members map[string]int
	// Flags are node flags, passed to the launcher after "--".
	Flags []string
}

// Driver is how closed-loop clients talk to a protocol: they push commands
// into an input of one location's node and subscribe to an output of it.
type Driver struct {
	// Role is the location whose node (member 0) the clients reach.
	Role string
	// Subscribe asks c for the protocol's answers and calls done with the
	// ID of each command answered.
	Subscribe func(c *deploy.Client, done func(id uint64)) error
	// Send issues command id, with 16 bytes of payload.
	Send func(c *deploy.Client, id uint64, payload [16]byte) error
}

// Commands returns the Driver of a protocol whose clients push items of
// type In into port in, built by request from a command ID and payload,
// and receive items of type Out on port out, each naming the command it
// answers by answered.
func Commands[In, Out any](role string, in hydro.Port[In], out hydro.Port[Out], request func(id uint64, payload [16]byte) In, answered func(Out) uint64) Driver {
	return Driver{
		Role: role,
		Subscribe: func(c *deploy.Client, done func(uint64)) error {
			return deploy.Subscribe(c, out, func(o Out) { done(answered(o)) })
		},
		Send: func(c *deploy.Client, id uint64, payload [16]byte) error {
			return deploy.Push(c, in, request(id, payload))
		},
	}
}

// Config is what a benchmark run measures and how long it takes.
type Config struct {
	// Launcher is the command line that starts a program ("hydrogen",
	// "run"); the harness appends -flow, -n, the package and the node
	// flags.
	Launcher []string
	// Dir is the module root, where the launcher runs.
	Dir string
	// Clients are the numbers of closed-loop clients to sweep, in
	// increasing order. The sweep stops early once throughput saturates,
	// unless AllClients is set.
	Clients    []int
	AllClients bool
	// Warmup runs before every measured window.
	Warmup time.Duration
	// Window is how long each point is measured.
	Window time.Duration
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// Short is a configuration that measures a few points quickly.
func Short() Config {
	return Config{Clients: []int{1, 8, 32}, Warmup: 500 * time.Millisecond, Window: 2 * time.Second}
}

// Full sweeps clients from 1 to 512, doubling, until saturation.
func Full() Config {
	return Config{Clients: []int{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}, Warmup: 2 * time.Second, Window: 5 * time.Second}
}

// Point is one measured (protocol, deployment, N).
type Point struct {
	Protocol   string  `json:"protocol"`
	Deployment string  `json:"deployment"`
	Clients    int     `json:"clients"`
	Completed  int     `json:"completed"`
	Throughput float64 `json:"throughput"` // commands/s
	P50        float64 `json:"p50_ms"`
	P99        float64 `json:"p99_ms"`
	// CPU is every process's CPU time per command completed, in
	// microseconds, by node ("leader", "participant/1"); "driver" is the
	// harness's own process, which runs the clients.
	CPU map[string]float64 `json:"cpu_us_per_command"`
	// Bottleneck is the protocol process with the most CPU per command.
	Bottleneck string `json:"bottleneck"`
	// Predicted is the bottleneck model's throughput with one machine per
	// protocol process: 1 / the bottleneck's CPU per command.
	Predicted float64 `json:"predicted_one_machine_per_process"`
	// PredictedHere is the model's throughput on this machine: at most
	// Predicted, and at most its cores divided by the CPU per command of
	// every process, the driver included.
	PredictedHere float64 `json:"predicted_this_machine"`
	// Cores is the number of CPUs of this machine.
	Cores int `json:"cores"`
	// Ticks is every protocol process's ticks per command completed, from
	// its metrics endpoint (the count of hydro_tick_duration_seconds).
	Ticks map[string]float64 `json:"ticks_per_command,omitempty"`
	// Frames is every protocol process's frames received per command
	// completed (hydro_frames_total{direction="received"}).
	Frames map[string]float64 `json:"frames_per_command,omitempty"`
	// Sleeps is every protocol process's voluntary context switches per
	// command completed, summed over its threads: how often it went to
	// sleep waiting for work (and was woken).
	Sleeps map[string]float64 `json:"sleeps_per_command,omitempty"`
	// Batched is the batching model's throughput at this N with one
	// machine per process, and BatchedBottleneck the process that bounds
	// it (see Model); zero where no model was fitted.
	Batched           float64 `json:"predicted_batched_one_machine_per_process,omitempty"`
	BatchedBottleneck string  `json:"batched_bottleneck,omitempty"`
	// BatchedLow is the batching model's lower bound (Model.Predict with
	// low), and BatchedLowBottleneck its bottleneck.
	BatchedLow           float64 `json:"predicted_batched_low,omitempty"`
	BatchedLowBottleneck string  `json:"batched_low_bottleneck,omitempty"`
	// BatchedServers is the batching model's throughput without the
	// processes of ClientRole, and BatchedServersBottleneck its
	// bottleneck: the paper's deployments run their clients on machines
	// of their own, as many as they need, where this one runs them all in
	// one process of the deployment.
	BatchedServers           float64 `json:"predicted_batched_servers,omitempty"`
	BatchedServersBottleneck string  `json:"batched_servers_bottleneck,omitempty"`
	// ClientRole is the location whose processes stand for the clients
	// (the driver's Role).
	ClientRole string `json:"client_role,omitempty"`
}

// driverLabel is the name of the harness's own process in Point.CPU.
const driverLabel = "driver"

// Run measures every deployment of every protocol and returns the points,
// in order.
func Run(ctx context.Context, cfg Config, protocols []Protocol) ([]Point, error) {
	var all []Point
	for _, p := range protocols {
		for _, d := range p.Deployments {
			pts, err := runDeployment(ctx, cfg, p, d)
			all = append(all, pts...)
			if err != nil {
				return all, fmt.Errorf("%s (%s): %w", p.Name, d.Name, err)
			}
		}
	}
	return all, nil
}

func (cfg Config) logf(format string, args ...any) {
	if cfg.Log != nil {
		fmt.Fprintf(cfg.Log, format+"\n", args...)
	}
}

// deployment is a running deployment under the launcher.
type deployment struct {
	cmd    *exec.Cmd
	exited chan struct{}
	tail   *tailBuffer
	nodes  []process
}

// runDeployment starts d, sweeps the clients, and stops it.
func runDeployment(ctx context.Context, cfg Config, p Protocol, d Deployment) ([]Point, error) {
	cfg.logf("%s (%s): starting", p.Name, d.Name)
	dep, err := start(ctx, cfg, p, d)
	if err != nil {
		return nil, err
	}
	defer dep.stop()
	c, err := dep.dial(p.Driver.Role)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	l := newLoop(c, p.Driver)
	if err := p.Driver.Subscribe(c, l.answered); err != nil {
		return nil, err
	}
	if err := l.ready(ctx, dep, 30*time.Second); err != nil {
		return nil, err
	}
	if err := dep.findMetrics(ctx); err != nil {
		return nil, err
	}
	var pts []Point
	best, flat := 0.0, 0
	for _, n := range cfg.Clients {
		pt, err := l.measure(ctx, cfg, dep, n)
		if err != nil {
			return pts, err
		}
		pt.Protocol, pt.Deployment, pt.ClientRole = p.Name, d.Name, p.Driver.Role
		pts = append(pts, pt)
		cfg.logf("%s (%s): N=%d %.0f commands/s, p50 %.2fms, p99 %.2fms", p.Name, d.Name, n, pt.Throughput, pt.P50, pt.P99)
		// Saturated: two doublings in a row gained less than 5%.
		if pt.Throughput < 1.05*best {
			if flat++; flat == 2 && !cfg.AllClients {
				break
			}
		} else {
			flat = 0
		}
		best = max(best, pt.Throughput)
	}
	return pts, nil
}

// start runs the launcher and waits until every node of d is running.
func start(ctx context.Context, cfg Config, p Protocol, d Deployment) (*deployment, error) {
	if len(cfg.Launcher) == 0 {
		return nil, errors.New("no launcher command")
	}
	args := append([]string{}, cfg.Launcher[1:]...)
	args = append(args, "-flow", p.Flow)
	var sizes []string
	for _, r := range slices.Sorted(mapsKeys(d.Members)) {
		sizes = append(sizes, fmt.Sprintf("%s=%d", r, d.Members[r]))
	}
	if len(sizes) > 0 {
		args = append(args, "-n", strings.Join(sizes, ","))
	}
	args = append(append(args, p.Package, "--"), d.Flags...)
	cmd := exec.Command(cfg.Launcher[0], args...)
	cmd.Dir = cfg.Dir
	cmd.Env = append(os.Environ(), metricsEnv) // the launcher passes it on to every node
	ownProcessGroup(cmd)
	tail := &tailBuffer{max: 40}
	cmd.Stdout = io.Discard
	cmd.Stderr = tail
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the launcher: %w", err)
	}
	dep := &deployment{cmd: cmd, exited: make(chan struct{}), tail: tail}
	go func() {
		cmd.Wait()
		close(dep.exited)
	}()
	// The launcher builds the roles first, then starts every member.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		nodes, err := children(cmd.Process.Pid)
		if err == nil {
			dep.nodes = nodes[:0]
			for _, n := range nodes {
				if flow, _ := flagValue(n.args, "-flow"); flow != p.Flow || n.role == filepath.Base(cfg.Launcher[0]) {
					continue // not a node, or forked and not yet executing its role
				}
				m, _ := flagValue(n.args, "-member")
				n.member, _ = strconv.Atoi(m)
				dep.nodes = append(dep.nodes, n)
			}
			labelNodes(dep.nodes, d.Members)
			if len(dep.nodes) > 0 {
				peers := parsePeers(must(flagValue(dep.nodes[0].args, "-peers")))
				want := 0
				for _, addrs := range peers {
					want += len(addrs)
				}
				if len(dep.nodes) == want {
					slices.SortFunc(dep.nodes, func(a, b process) int { return cmp.Compare(a.label, b.label) })
					return dep, nil
				}
			}
		}
		select {
		case <-dep.exited:
			return nil, fmt.Errorf("the launcher stopped: %s\n%s", cmd.ProcessState, tail)
		case <-ctx.Done():
			dep.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			dep.stop()
			return nil, fmt.Errorf("the nodes did not start within 3 minutes\n%s", tail)
		}
	}
}

func must(s string, _ bool) string { return s }

func mapsKeys(m map[string]int) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// address returns the address of member 0 of role.
func (dep *deployment) address(role string) (string, error) {
	peers := parsePeers(must(flagValue(dep.nodes[0].args, "-peers")))
	if len(peers[role]) == 0 {
		return "", fmt.Errorf("the deployment has no location %q", role)
	}
	return peers[role][0], nil
}

// dial connects a client to member 0 of role.
func (dep *deployment) dial(role string) (*deploy.Client, error) {
	addr, err := dep.address(role)
	if err != nil {
		return nil, err
	}
	return deploy.Dial(addr, dep.credentials()...)
}

// credentials returns the client options that match how the launcher
// started the nodes: with its certificate directory (-certs), or in
// plaintext.
func (dep *deployment) credentials() []deploy.ClientOption {
	if dir, ok := flagValue(dep.nodes[0].args, "-certs"); ok {
		return []deploy.ClientOption{deploy.WithCertDir(dir)}
	}
	if args := dep.nodes[0].args; slices.Contains(args, "-insecure-plaintext") || slices.Contains(args, "-insecure-plaintext=true") {
		return []deploy.ClientOption{deploy.WithInsecurePlaintext()}
	}
	return nil // the environment's, as deploy.Dial reads it
}

// stop interrupts the launcher, which stops its nodes, and kills the
// process group if it does not exit in time.
func (dep *deployment) stop() {
	select {
	case <-dep.exited:
		return
	default:
	}
	dep.cmd.Process.Signal(os.Interrupt)
	select {
	case <-dep.exited:
	case <-time.After(10 * time.Second):
		killProcessGroup(dep.cmd)
		<-dep.exited
	}
}

// tailBuffer keeps the last lines written to it.
type tailBuffer struct {
	mu    sync.Mutex
	max   int
	lines []string
	part  []byte
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.part = append(t.part, b...)
	sc := bufio.NewScanner(strings.NewReader(string(t.part)))
	t.part = t.part[:0]
	for sc.Scan() {
		t.lines = append(t.lines, sc.Text())
	}
	if n := len(t.lines); n > t.max {
		t.lines = slices.Delete(t.lines, 0, n-t.max)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}

// loop runs closed-loop clients against one node.
type loop struct {
	c      *deploy.Client
	driver Driver
	nextID atomic.Uint64

	mu      sync.Mutex
	waiting map[uint64]chan struct{}
}

func newLoop(c *deploy.Client, d Driver) *loop {
	return &loop{c: c, driver: d, waiting: map[uint64]chan struct{}{}}
}

// answered wakes the client waiting for command id; repeated or stale
// answers are ignored.
func (l *loop) answered(id uint64) {
	l.mu.Lock()
	ch := l.waiting[id]
	delete(l.waiting, id)
	l.mu.Unlock()
	if ch != nil {
		close(ch)
	}
}

// call issues one command and returns a channel closed when it is
// answered.
func (l *loop) call() (uint64, chan struct{}, error) {
	id := l.nextID.Add(1)
	ch := make(chan struct{})
	l.mu.Lock()
	l.waiting[id] = ch
	l.mu.Unlock()
	var payload [16]byte
	copy(payload[:], fmt.Sprintf("command%09d", id%1_000_000_000))
	if err := l.driver.Send(l.c, id, payload); err != nil {
		l.forget(id)
		return 0, nil, err
	}
	return id, ch, nil
}

func (l *loop) forget(id uint64) {
	l.mu.Lock()
	delete(l.waiting, id)
	l.mu.Unlock()
}

// ready sends commands until one is answered: the deployment is up.
func (l *loop) ready(ctx context.Context, dep *deployment, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		id, ch, err := l.call()
		if err != nil {
			return err
		}
		select {
		case <-ch:
			return nil
		case <-dep.exited:
			return fmt.Errorf("the launcher stopped: %s\n%s", dep.cmd.ProcessState, dep.tail)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
			l.forget(id)
		}
	}
	return fmt.Errorf("no command was answered within %v\n%s", limit, dep.tail)
}

// measure runs n closed-loop clients for cfg.Warmup and then cfg.Window,
// and returns what the window measured.
func (l *loop) measure(ctx context.Context, cfg Config, dep *deployment, n int) (Point, error) {
	var (
		measuring atomic.Bool
		stop      = make(chan struct{})
		wg        sync.WaitGroup
		mu        sync.Mutex
		lats      []time.Duration
		failed    error
	)
	for range n {
		wg.Go(func() {
			var mine []time.Duration
			defer func() {
				mu.Lock()
				lats = append(lats, mine...)
				mu.Unlock()
			}()
			for {
				t0 := time.Now()
				id, ch, err := l.call()
				if err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
					return
				}
				select {
				case <-ch:
					if measuring.Load() {
						mine = append(mine, time.Since(t0))
					}
				case <-stop:
					l.forget(id)
					return
				}
			}
		})
	}
	sleep(ctx, cfg.Warmup)
	countersBefore, err := dep.counters(ctx)
	if err != nil {
		close(stop)
		wg.Wait()
		return Point{}, err
	}
	before, err := dep.cpu()
	if err != nil {
		close(stop)
		wg.Wait()
		return Point{}, err
	}
	measuring.Store(true)
	t0 := time.Now()
	sleep(ctx, cfg.Window)
	measuring.Store(false)
	window := time.Since(t0)
	after, err := dep.cpu()
	if err != nil {
		close(stop)
		wg.Wait()
		return Point{}, err
	}
	countersAfter, err := dep.counters(ctx)
	close(stop)
	wg.Wait()
	if err != nil {
		return Point{}, err
	}
	if failed != nil {
		return Point{}, failed
	}
	if err := ctx.Err(); err != nil {
		return Point{}, err
	}
	select {
	case <-dep.exited:
		return Point{}, fmt.Errorf("the launcher stopped: %s\n%s", dep.cmd.ProcessState, dep.tail)
	default:
	}
	pt := point(n, lats, window, before, after)
	pt.addCounters(countersBefore, countersAfter)
	return pt, nil
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// labelNodes names every node for the report: by its role, and by its
// member number too where the role has several processes (a cluster, or a
// process split into partitions), so that each process is measured apart.
func labelNodes(nodes []process, members map[string]int) {
	perRole := map[string]int{}
	for _, n := range nodes {
		perRole[n.role]++
	}
	for i, n := range nodes {
		nodes[i].label = n.role
		if members[n.role] > 0 || perRole[n.role] > 1 {
			nodes[i].label = fmt.Sprintf("%s/%d", n.role, n.member)
		}
	}
}

// cpu returns the CPU time so far of every node and of this process.
func (dep *deployment) cpu() (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	for _, n := range dep.nodes {
		t, err := cpuTime(n.pid)
		if err != nil {
			return nil, fmt.Errorf("CPU time of %s: %w", n.label, err)
		}
		out[n.label] = t
	}
	t, err := cpuTime(os.Getpid())
	if err != nil {
		return nil, err
	}
	out[driverLabel] = t
	return out, nil
}

// findMetrics finds every node's metrics endpoint, waiting up to 30s for
// the endpoints to come up.
func (dep *deployment) findMetrics(ctx context.Context) error {
	peers := map[string]bool{}
	for _, addrs := range parsePeers(must(flagValue(dep.nodes[0].args, "-peers"))) {
		for _, a := range addrs {
			peers[a] = true
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for i := range dep.nodes {
		for {
			addr, err := metricsAddr(ctx, dep.nodes[i], peers)
			if err == nil {
				dep.nodes[i].metrics = addr
				break
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				return fmt.Errorf("metrics endpoint: %w", err)
			}
			sleep(ctx, 100*time.Millisecond)
		}
	}
	return nil
}

// counters reads every node's tick and frame counters.
func (dep *deployment) counters(ctx context.Context) (map[string]nodeCounters, error) {
	out := map[string]nodeCounters{}
	for _, n := range dep.nodes {
		c, err := scrape(ctx, n.metrics)
		if err != nil {
			return nil, fmt.Errorf("counters of %s: %w", n.label, err)
		}
		if c.Sleeps, err = sleeps(n.pid); err != nil {
			return nil, fmt.Errorf("context switches of %s: %w", n.label, err)
		}
		out[n.label] = c
	}
	return out, nil
}

// addCounters sets the ticks and frames per command of every process from
// its counters before and after the window.
func (pt *Point) addCounters(before, after map[string]nodeCounters) {
	if pt.Completed == 0 {
		return
	}
	pt.Ticks, pt.Frames, pt.Sleeps = map[string]float64{}, map[string]float64{}, map[string]float64{}
	for label, a := range after {
		b := before[label]
		pt.Ticks[label] = (a.Ticks - b.Ticks) / float64(pt.Completed)
		pt.Frames[label] = (a.Frames - b.Frames) / float64(pt.Completed)
		pt.Sleeps[label] = (a.Sleeps - b.Sleeps) / float64(pt.Completed)
	}
}

// point computes a measurement and the bottleneck model's predictions.
func point(n int, lats []time.Duration, window time.Duration, before, after map[string]time.Duration) Point {
	slices.Sort(lats)
	pt := Point{Clients: n, Completed: len(lats), Throughput: float64(len(lats)) / window.Seconds(),
		P50: ms(percentile(lats, 0.50)), P99: ms(percentile(lats, 0.99)), CPU: map[string]float64{}, Cores: runtime.NumCPU()}
	if len(lats) == 0 {
		return pt
	}
	var worst, total float64
	for label, t := range after {
		per := float64((t - before[label]).Microseconds()) / float64(len(lats))
		pt.CPU[label] = per
		total += per
		if label != driverLabel && (per > worst || (per == worst && label < pt.Bottleneck)) {
			worst, pt.Bottleneck = per, label
		}
	}
	if worst > 0 {
		pt.Predicted = 1e6 / worst
		pt.PredictedHere = math.Min(pt.Predicted, float64(pt.Cores)*1e6/total)
	}
	return pt
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
