package main

// "hydrogen run" starts every role of a program on this machine, on loopback
// addresses, from the per-role main packages under <package>/cmd/<role>. See
// docs/deploy.md.

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/gen/pipeline"
	"github.com/hydrogo/hydro/hydro/deploy"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/netio/pki"
)

const runUsage = "usage: hydrogen run [-flow NAME] [-n role=count,...] [-for DURATION] [-outputs N] [-restart] [-certs DIR] [-data-root DIR] <package> [-- node flags...]"

// stopGrace is how long a node has to exit after SIGINT before it is killed.
const stopGrace = 3 * time.Second

// runUsageError is a problem with the command line of hydrogen run.
type runUsageError struct{ msg string }

func (e *runUsageError) Error() string { return e.msg }

func runUsagef(format string, args ...any) error {
	return &runUsageError{fmt.Sprintf(format, args...)}
}

// runConfig is the command line of hydrogen run.
type runConfig struct {
	flow     string
	counts   map[string]int // -n
	duration time.Duration  // -for; 0 means until stopped
	outputs  int            // -outputs; 0 means unlimited
	restart  bool           // -restart
	certs    string         // -certs; "" makes fresh ones
	pkg      string
	nodeArgs []string // after "--"
	dataRoot string   // -data-root; "" means a fresh directory per run
}

// runCmd is "hydrogen run": it returns 0 once the program was stopped by a
// signal, -for or -outputs, 1 if a node failed or the program could not
// start, and 2 for a usage error.
func runCmd(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseRunArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err == nil {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err = launch(ctx, cfg, stdout, stderr)
		stop()
	}
	if err == nil {
		return 0
	}
	for line := range strings.SplitSeq(err.Error(), "\n") {
		fmt.Fprintf(stderr, "hydrogen run: %s\n", line)
	}
	if ue := (*runUsageError)(nil); errors.As(err, &ue) {
		fmt.Fprintln(stderr, runUsage)
		return 2
	}
	return 1
}

// parseRoleCount parses "role=count", a location and its number of members
// (at least 1), as -n of hydrogen run and the arguments of hydrogen certs
// give them.
func parseRoleCount(s string) (string, int, error) {
	role, count, ok := strings.Cut(s, "=")
	n, err := strconv.Atoi(count)
	if !ok || role == "" || err != nil || n < 1 {
		return "", 0, errors.New("want role=count with a count of at least 1")
	}
	return role, n, nil
}

func parseRunArgs(args []string, stderr io.Writer) (*runConfig, error) {
	cfg := &runConfig{counts: map[string]int{}}
	fs := flag.NewFlagSet("hydrogen run", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed by runCmd
	fs.StringVar(&cfg.flow, "flow", "", "the `NAME` of the flow to run; required when the package declares several (or to run a derived one)")
	fs.Func("n", "the number of members of clusters, as `role=count,...` (default 1 each)", func(s string) error {
		for part := range strings.SplitSeq(s, ",") {
			role, n, err := parseRoleCount(strings.TrimSpace(part))
			if err != nil {
				return err
			}
			cfg.counts[role] = n
		}
		return nil
	})
	fs.DurationVar(&cfg.duration, "for", 0, "stop the program after this `duration`")
	fs.IntVar(&cfg.outputs, "outputs", 0, "stop the program once its nodes have printed `N` output lines")
	fs.StringVar(&cfg.certs, "certs", "", "use the certificates in `DIR` (from hydrogen certs) instead of making fresh ones in the run directory")
	fs.BoolVar(&cfg.restart, "restart", false, "restart a node that fails, keeping its port and data directory, instead of stopping the program")
	fs.StringVar(&cfg.dataRoot, "data-root", "", "keep every node's data directory under `DIR`/FLOW/LOCATION-MEMBER, across runs (default: fresh directories, removed when the run ends)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, runUsage)
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			fmt.Fprintln(stderr, "\nThe node flags are those of package hydro/deploy; see docs/deploy.md.")
			return nil, err
		}
		return nil, &runUsageError{err.Error()}
	}
	rest := fs.Args()
	switch {
	case len(rest) == 0:
		return nil, runUsagef("no package given")
	case strings.HasPrefix(rest[0], "-"):
		return nil, runUsagef("unexpected %s before the package", rest[0])
	case len(rest) > 1 && rest[1] != "--":
		return nil, runUsagef("unexpected %s after the package: hydrogen run's flags go before the package, the nodes' flags after --", rest[1])
	case cfg.duration < 0 || cfg.outputs < 0:
		return nil, runUsagef("-for and -outputs cannot be negative")
	}
	cfg.pkg = rest[0]
	if len(rest) > 1 {
		cfg.nodeArgs = rest[2:]
	}
	return cfg, nil
}

// runRole is one location of the flow to run, with what its nodes get.
type runRole struct {
	loc     *ir.Location
	members int
	args    []string // node flags from after "--" that concern this role
}

// runPlan is what hydrogen run starts.
type runPlan struct {
	flow  string
	dir   string // the package directory
	roles []*runRole
}

// plan loads the package and decides the roles, their member counts and
// their flags.
func plan(cfg *runConfig) (*runPlan, error) {
	flags, err := splitNodeFlags(cfg.nodeArgs)
	if err != nil {
		return nil, err
	}
	prog, err := pipeline.Load(".", cfg.pkg)
	if err != nil {
		return nil, err
	}
	if len(prog.Packages) != 1 {
		return nil, runUsagef("%s matches %d packages; hydrogen run runs one", cfg.pkg, len(prog.Packages))
	}
	pkg := prog.Packages[0]
	var names []string
	for _, f := range prog.Flows {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	// Without -flow, a package that declares one flow runs it; flows that
	// rewrite plans derive from it are chosen with -flow.
	declared := 0
	for _, g := range prog.Flows {
		if g.Plan == nil {
			declared++
		}
	}
	var pf *pipeline.Flow
	for _, g := range prog.Flows {
		if g.Name == cfg.flow || cfg.flow == "" && declared == 1 && g.Plan == nil {
			pf = g
		}
	}
	switch {
	case len(names) == 0:
		return nil, fmt.Errorf("package %s has no //hydro:flow function", pkg.PkgPath)
	case pf == nil && cfg.flow == "":
		return nil, runUsagef("package %s has several flows; choose one with -flow: %s", pkg.PkgPath, strings.Join(names, ", "))
	case pf == nil:
		return nil, runUsagef("package %s has no flow %s (flows: %s)", pkg.PkgPath, cfg.flow, strings.Join(names, ", "))
	case pf.Diagnostics.HasErrors():
		return nil, pf.Diagnostics.Err()
	}
	f := pf.Flow
	switch {
	case len(f.Graph.Locations) == 0:
		return nil, fmt.Errorf("flow %s declares no location", f.Name)
	}
	dir := pkg.Dir
	if dir == "" && len(pkg.GoFiles) > 0 {
		dir = filepath.Dir(pkg.GoFiles[0])
	}
	p := &runPlan{flow: f.Name, dir: dir}
	byName := map[string]*runRole{}
	for _, l := range f.Graph.Locations {
		r := &runRole{loc: l, members: max(l.Partitions, 1)}
		p.roles = append(p.roles, r)
		byName[l.Name] = r
	}
	for _, role := range slices.Sorted(maps.Keys(cfg.counts)) {
		r := byName[role]
		switch {
		case r == nil:
			return nil, runUsagef("-n %s=%d: flow %s has no location %s (locations: %s)", role, cfg.counts[role], f.Name, role, strings.Join(locationNames(f), ", "))
		case r.loc.Kind != ir.ClusterLoc:
			return nil, runUsagef("-n %s=%d: %s is a process; only a cluster has several members", role, cfg.counts[role], role)
		}
		// A partitioned cluster's count is of its base members, each run
		// as its partitions.
		r.members = cfg.counts[role] * max(r.loc.Partitions, 1)
	}
	if err := sizePaired(f, cfg.counts, byName); err != nil {
		return nil, err
	}
	if err := distribute(f, p.roles, flags); err != nil {
		return nil, err
	}
	return p, nil
}

// sizePaired sizes every location paired with a cluster (a decoupling off
// the cluster made it, docs/rewrites.md): one base member per base member
// of the cluster it is paired with, each run as its partitions. A count -n
// gives such a location must be that one.
func sizePaired(f *parse.Flow, counts map[string]int, byName map[string]*runRole) error {
	for _, l := range f.Graph.Locations {
		if l.Paired == "" {
			continue
		}
		base := f.Graph.PairedBase(l)
		if base == nil || byName[base.Name] == nil {
			return fmt.Errorf("flow %s: location %s is paired with %s, which the flow does not declare", f.Name, l.Name, l.Paired)
		}
		members := max(counts[base.Name], 1)
		if n, set := counts[l.Name]; set && n != members {
			return runUsagef("-n %s=%d: %s is paired with cluster %s (one proxy per member), so it has as many members as %s: %d", l.Name, n, l.Name, base.Name, base.Name, members)
		}
		byName[l.Name].members = members * max(l.Partitions, 1)
	}
	return nil
}

func locationNames(f *parse.Flow) []string {
	var names []string
	for _, l := range f.Graph.Locations {
		names = append(names, l.Name)
	}
	return names
}

// nodeFlag is one node flag given after "--".
type nodeFlag struct {
	tokens []string // as given: the flag and its value, if separate
	flag   string   // the flag's name without value: "param.greeting"
	kind   parse.ParamKind
	param  string // the parameter or port it names; "" for flags every node gets
}

// launcherFlags are the node flags that hydrogen run sets itself.
var launcherFlags = map[string]string{
	"flow":               "hydrogen run sets it; use hydrogen run -flow",
	"member":             "hydrogen run numbers the members",
	"listen":             "hydrogen run chooses the addresses",
	"listen-fd":          "hydrogen run passes each node its listening socket",
	"peers":              "hydrogen run chooses the addresses",
	"certs":              "give hydrogen run -certs DIR instead",
	"insecure-plaintext": "hydrogen run authenticates its nodes with the certificates it makes",
}

// splitNodeFlags parses the node flags given after "--", in the syntax of
// package hydro/deploy.
func splitNodeFlags(args []string) ([]nodeFlag, error) {
	var flags []nodeFlag
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			return nil, runUsagef("unexpected node argument %q: nodes take flags only", a)
		}
		name, _, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		f := nodeFlag{tokens: []string{a}, flag: name}
		takesValue := true
		if why, ok := launcherFlags[name]; ok {
			return nil, runUsagef("node flag -%s: %s", name, why)
		}
		switch kind, rest, _ := strings.Cut(name, "."); {
		case name == "log-level", name == "fsync":
		case kind == "param":
			f.kind, f.param = parse.OtherParam, rest
		case kind == "in" && strings.HasSuffix(rest, ".file"):
			f.kind, f.param = parse.InputParam, strings.TrimSuffix(rest, ".file")
		case kind == "out" && strings.HasSuffix(rest, ".quiet"):
			f.kind, f.param, takesValue = parse.OutputParam, strings.TrimSuffix(rest, ".quiet"), false
		default:
			return nil, runUsagef("unknown node flag -%s; nodes take -param.NAME VALUE, -in.NAME.file PATH, -out.NAME.quiet, -log-level LEVEL and -fsync BOOL", name)
		}
		if f.param == "" && name != "log-level" && name != "fsync" {
			return nil, runUsagef("node flag -%s names no parameter", name)
		}
		if takesValue && !hasValue {
			if i+1 == len(args) {
				return nil, runUsagef("node flag -%s needs a value", name)
			}
			i++
			f.tokens = append(f.tokens, args[i])
		}
		flags = append(flags, f)
	}
	return flags, nil
}

// distribute gives every role the node flags it uses: a flag naming a
// parameter or port goes to the roles whose location uses it (the same
// parameters its generated main reads), the others to every role.
func distribute(f *parse.Flow, roles []*runRole, flags []nodeFlag) error {
	params := map[string]*parse.Param{}
	for _, p := range f.Params {
		params[p.Name] = p
	}
	uses := map[*runRole]map[string]bool{}
	for _, r := range roles {
		uses[r] = map[string]bool{}
		for _, p := range parse.ParamsAt(f, r.loc.ID) {
			uses[r][p.Name] = true
		}
	}
	what := map[parse.ParamKind]string{parse.OtherParam: "parameter", parse.InputParam: "input", parse.OutputParam: "output"}
	article := map[parse.ParamKind]string{parse.OtherParam: "a", parse.InputParam: "an", parse.OutputParam: "an"}
	var errs []error
	for _, fl := range flags {
		if fl.param == "" {
			for _, r := range roles {
				r.args = append(r.args, fl.tokens...)
			}
			continue
		}
		p := params[fl.param]
		if p == nil || p.Kind != fl.kind {
			var have []string
			for _, q := range f.Params {
				if q.Kind == fl.kind {
					have = append(have, q.Name)
				}
			}
			msg := fmt.Sprintf("node flag -%s: flow %s has no %s %s", fl.flag, f.Name, what[fl.kind], fl.param)
			if p != nil {
				msg = fmt.Sprintf("node flag -%s: %s is %s %s of flow %s, not %s %s",
					fl.flag, p.Name, article[p.Kind], what[p.Kind], f.Name, article[fl.kind], what[fl.kind])
			}
			errs = append(errs, runUsagef("%s (%ss: %s)", msg, what[fl.kind], orNone(have)))
			continue
		}
		used := false
		for _, r := range roles {
			if uses[r][fl.param] {
				r.args = append(r.args, fl.tokens...)
				used = true
			}
		}
		if !used {
			errs = append(errs, runUsagef("node flag -%s: no location of flow %s uses %s %s", fl.flag, f.Name, what[fl.kind], fl.param))
		}
	}
	return errors.Join(errs...)
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

// launch builds and runs the program until ctx is done, -for elapses,
// -outputs lines are printed or a node exits.
func launch(ctx context.Context, cfg *runConfig, stdout, stderr io.Writer) error {
	p, err := plan(cfg)
	if err != nil {
		return err
	}
	var missing []error
	for _, r := range p.roles {
		if dir := filepath.Join(p.dir, "cmd", r.loc.Name); !isDir(dir) {
			missing = append(missing, fmt.Errorf("role %s has no main package: %s does not exist; run go generate in %s, which writes one main package per role under cmd/",
				r.loc.Name, dir, p.dir))
		}
	}
	if len(missing) > 0 {
		return errors.Join(missing...)
	}
	bin, err := os.MkdirTemp("", "hydrogen-run-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	if err := buildRoles(ctx, p, bin); err != nil {
		if ctx.Err() != nil {
			return errors.New("interrupted while building")
		}
		return err
	}
	root := cfg.dataRoot
	if root == "" {
		if root, err = os.MkdirTemp("", "hydrogen-data-"); err != nil {
			return err
		}
		defer os.RemoveAll(root)
	}
	nodes, err := wire(p, bin, root)
	if err != nil {
		return err
	}
	defer func() {
		for _, n := range nodes {
			n.listener.Close()
		}
	}()
	certs := cfg.certs
	if certs == "" {
		certs = filepath.Join(bin, "certs")
		if err := makeCerts(p, nodes, certs); err != nil {
			return err
		}
	} else if err := checkCerts(nodes, certs); err != nil {
		return err
	}
	for _, n := range nodes {
		n.args = append(n.args, "-certs", certs)
	}
	fmt.Fprintf(stderr, "hydrogen run: certificates in %s (clients: deploy.WithCertDir or HYDRO_CERTS)\n", certs)
	return supervise(ctx, cfg, p, nodes, stdout, stderr)
}

// dataDir creates, if missing, and returns the data directory of one node:
// its own, so that no two nodes share one, and the same for every start of
// the node, so that a restarted node recovers its durable state.
func dataDir(root, flow, location string, member int) (string, error) {
	dir := filepath.Join(root, flow, fmt.Sprintf("%s-%d", location, member))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("data directory of %s/%d: %w", location, member, err)
	}
	return filepath.Abs(dir)
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// buildRoles builds the main package of every role into bin, in parallel.
func buildRoles(ctx context.Context, p *runPlan, bin string) error {
	errs := make([]error, len(p.roles))
	var wg sync.WaitGroup
	for i, r := range p.roles {
		wg.Go(func() {
			if err := buildRole(ctx, p.dir, r.loc.Name, filepath.Join(bin, exeName(r.loc.Name))); err != nil {
				errs[i] = fmt.Errorf("building role %s: %w", r.loc.Name, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// buildRole builds the main package of one role, dir/cmd/role, into the
// executable exe. It is a variable for the tests of this package, which
// launch the same packages many times and build each role once.
var buildRole = goBuildRole

func goBuildRole(ctx context.Context, dir, role, exe string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", exe, "./cmd/"+role)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v\n%s", err, bytes.TrimSpace(out))
	}
	return nil
}

func exeName(role string) string {
	if runtime.GOOS == "windows" {
		return role + ".exe"
	}
	return role
}

// runNode is one member to start.
type runNode struct {
	label    string // "front", "worker/1"
	role     string
	member   int
	listener *os.File // the node's listening socket, inherited as descriptor 3
	path     string
	args     []string
}

// makeCerts writes a fresh CA, a certificate per node and the client
// credentials into dir.
func makeCerts(p *runPlan, nodes []*runNode, dir string) error {
	ids := []pki.Identity{pki.ClientID(deploy.DefaultClientName)}
	for _, n := range nodes {
		ids = append(ids, pki.NodeID(n.role, uint64(n.member)))
	}
	if err := pki.WriteDeployment(dir, "hydrogen run "+p.flow, ids); err != nil {
		return fmt.Errorf("making the certificates: %w", err)
	}
	return nil
}

// checkCerts reports the nodes whose certificate dir (given with -certs)
// lacks, before they fail to start.
func checkCerts(nodes []*runNode, dir string) error {
	var errs []error
	for _, n := range nodes {
		if _, err := pki.LoadCert(dir, pki.NodeID(n.role, uint64(n.member))); err != nil {
			errs = append(errs, runUsagef("-certs %s: %v; make them with hydrogen certs", dir, err))
		}
	}
	return errors.Join(errs...)
}

// wire chooses a free loopback port for every member and returns the nodes
// with their command lines.
func wire(p *runPlan, bin, dataRoot string) (nodes []*runNode, err error) {
	files := map[string]*os.File{}
	defer func() {
		if err != nil {
			for _, f := range files {
				f.Close()
			}
		}
	}()
	addrs := map[*runRole][]string{}
	var peers []string
	for _, r := range p.roles {
		for range r.members {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return nil, fmt.Errorf("choosing a port: %w", err)
			}
			// The node inherits the listening socket itself, so no other
			// process can take the port before it starts or while it
			// restarts.
			f, err := ln.(*net.TCPListener).File()
			ln.Close()
			if err != nil {
				return nil, fmt.Errorf("choosing a port: %w", err)
			}
			files[ln.Addr().String()] = f
			addrs[r] = append(addrs[r], ln.Addr().String())
		}
		peers = append(peers, r.loc.Name+"="+strings.Join(addrs[r], ","))
	}
	for _, r := range p.roles {
		for m, addr := range addrs[r] {
			label := r.loc.Name
			if r.loc.Kind == ir.ClusterLoc || r.loc.Partitions > 0 {
				label = fmt.Sprintf("%s/%d", r.loc.Name, m)
			}
			data, err := dataDir(dataRoot, p.flow, r.loc.Name, m)
			if err != nil {
				return nil, err
			}
			args := []string{"-flow", p.flow, "-member", strconv.Itoa(m), "-listen-fd", "3", "-peers", strings.Join(peers, ";"), "-data", data}
			nodes = append(nodes, &runNode{label: label, role: r.loc.Name, member: m, listener: files[addr],
				path: filepath.Join(bin, exeName(r.loc.Name)), args: append(args, r.args...)})
		}
	}
	return nodes, nil
}

// exit is a node's end.
type exit struct {
	node int
	err  error
}

// Restart backoff: a node that crashes again soon after a restart waits
// longer before the next one.
const (
	minRestartDelay = 100 * time.Millisecond
	maxRestartDelay = 5 * time.Second
)

// supervise starts the nodes and waits for a reason to stop them all. With
// -restart, a node that fails is started again, with the same flags (so the
// same data directory and, through the inherited socket, the same port),
// instead of stopping the program.
func supervise(ctx context.Context, cfg *runConfig, p *runPlan, nodes []*runNode, stdout, stderr io.Writer) error {
	out := &lineSink{w: stdout, limit: cfg.outputs, full: make(chan struct{})}
	errOut := &lineSink{w: stderr}
	cmds := make([]*exec.Cmd, len(nodes))
	exits := make(chan exit, len(nodes))
	running := 0
	start := func(i int) error {
		n := nodes[i]
		prefix := "[" + n.label + "] "
		o, e := &prefixWriter{sink: out, prefix: prefix}, &prefixWriter{sink: errOut, prefix: prefix}
		cmd := exec.Command(n.path, n.args...)
		cmd.Dir = p.dir
		cmd.Stdout, cmd.Stderr = o, e
		if n.listener != nil {
			cmd.ExtraFiles = []*os.File{n.listener} // descriptor 3: -listen-fd 3
		}
		cmd.WaitDelay = time.Second // bounds the wait for output pipes held open by a node's children
		dieWithLauncher(cmd)
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("starting %s: %w", n.label, err)
		}
		cmds[i] = cmd
		running++
		go func() {
			err := cmd.Wait()
			o.flush()
			e.flush()
			exits <- exit{i, err}
		}()
		return nil
	}
	var failure error
	for i := range nodes {
		if failure = start(i); failure != nil {
			break
		}
	}

	var deadline <-chan time.Time
	if cfg.duration > 0 {
		t := time.NewTimer(cfg.duration)
		defer t.Stop()
		deadline = t.C
	}
	exited := make([]bool, len(nodes))
	restarts := make([]int, len(nodes))
	delay := make([]time.Duration, len(nodes))
	lastStart := make([]time.Time, len(nodes))
	for i := range nodes {
		lastStart[i] = time.Now()
	}
	restart := make(chan int, len(nodes))
	pending := 0 // restarts scheduled and not yet done
	for reason := ""; failure == nil && reason == ""; {
		select {
		case <-ctx.Done():
			reason = "interrupted"
		case <-deadline:
			reason = fmt.Sprintf("%v elapsed", cfg.duration)
		case <-out.full:
			reason = fmt.Sprintf("%d outputs printed", cfg.outputs)
		case i := <-restart:
			pending--
			restarts[i]++
			fmt.Fprintf(stderr, "hydrogen run: restarting %s (restart %d)\n", nodes[i].label, restarts[i])
			exited[i] = false
			lastStart[i] = time.Now()
			failure = start(i)
		case ev := <-exits:
			exited[ev.node] = true
			running--
			n := nodes[ev.node]
			switch {
			case ev.err == nil:
				reason = n.label + " stopped"
			case !cfg.restart:
				failure = fmt.Errorf("%s exited: %v", n.label, ev.err)
			default:
				// A node that ran a while before crashing restarts at
				// once; one that keeps crashing waits longer each time.
				d := &delay[ev.node]
				if time.Since(lastStart[ev.node]) > 2*maxRestartDelay {
					*d = 0
				}
				*d = min(max(2**d, minRestartDelay), maxRestartDelay)
				fmt.Fprintf(stderr, "hydrogen run: %s exited: %v; restarting it in %v\n", n.label, ev.err, *d)
				pending++
				i := ev.node
				time.AfterFunc(*d, func() { restart <- i })
			}
		}
		if reason != "" {
			fmt.Fprintf(stderr, "hydrogen run: %s; stopping\n", reason)
		}
	}

	// Stop the others: SIGINT, then SIGKILL after the grace period.
	for i, cmd := range cmds {
		if cmd != nil && !exited[i] {
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				cmd.Process.Kill()
			}
		}
	}
	kill := time.NewTimer(stopGrace)
	defer kill.Stop()
	for running > 0 {
		select {
		case ev := <-exits:
			exited[ev.node] = true
			running--
		case <-kill.C:
			for i, cmd := range cmds {
				if cmd != nil && !exited[i] {
					fmt.Fprintf(stderr, "hydrogen run: %s did not stop within %v; killing it\n", nodes[i].label, stopGrace)
					cmd.Process.Kill()
				}
			}
		}
	}
	return failure
}

// lineSink writes whole lines to w, each with one Write, for the prefixed
// writers of every node. With a limit it passes that many lines, drops the
// rest and closes full when the limit is reached.
type lineSink struct {
	w     io.Writer
	limit int
	full  chan struct{}

	mu    sync.Mutex
	count int
	buf   []byte
}

func (s *lineSink) writeLine(prefix string, line []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limit > 0 && s.count >= s.limit {
		return
	}
	s.buf = append(append(s.buf[:0], prefix...), line...)
	if !bytes.HasSuffix(s.buf, []byte("\n")) {
		s.buf = append(s.buf, '\n')
	}
	s.w.Write(s.buf)
	s.count++
	if s.limit > 0 && s.count == s.limit {
		close(s.full)
	}
}

// maxLinePart bounds how much of a line without a newline a prefixWriter
// holds; longer lines are passed on in pieces.
const maxLinePart = 1 << 20

// prefixWriter splits what one node writes to one stream into lines and
// passes them, prefixed, to a sink.
type prefixWriter struct {
	sink   *lineSink
	prefix string
	part   []byte // the line being written
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			p.part = append(p.part, b...)
			if len(p.part) >= maxLinePart {
				p.flush()
			}
			break
		}
		if len(p.part) > 0 {
			p.part = append(p.part, b[:i+1]...)
			p.flush()
		} else {
			p.sink.writeLine(p.prefix, b[:i+1])
		}
		b = b[i+1:]
	}
	return n, nil
}

// flush passes on the line being written, if any.
func (p *prefixWriter) flush() {
	if len(p.part) > 0 {
		p.sink.writeLine(p.prefix, p.part)
		p.part = p.part[:0]
	}
}
