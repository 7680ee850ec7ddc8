// Package deploy runs one node of a hydro program as an operating-system
// process. The per-role main packages that hydrogen generates (one per
// location name, under <package>/cmd/<role>) are a call to Main with a
// Builder per flow; everything else — flags and environment, the network
// endpoint, feeding inputs, printing and serving outputs, the tick loop — is
// here. Client reaches a running node from outside the program.
//
// The flags, the port protocol and the launcher that starts every role of a
// program on one machine are described in docs/deploy.md.
package deploy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/netio"
)

// Builder builds the node of one flow at the role's location. It reads the
// flow's parameters with Param and wires its ports with Input and Output;
// the node it returns is run by the caller.
type Builder func(env *Env) (hydro.NetNode, error)

// Role is one location name of a package's flows, which is also the name of
// its binary: the flows that declare the location, by name, each with the
// Builder of its node there.
type Role struct {
	Name  string
	Flows map[string]Builder
}

// Env is what a Builder is given: the node's identity and logger, and the
// wiring behind Param, Input and Output.
type Env struct {
	// Flow is the name of the flow being run.
	Flow string
	// Role is the location's name.
	Role string
	// Member is the node's number within its location (0 for a process).
	Member hydro.MemberID
	// Logger writes text records to standard error, with the role and
	// member as attributes.
	Logger *slog.Logger

	opts   *options
	getenv func(string) string
	stdout *bufio.Writer
	peers  map[string][]netio.Addr

	ports  map[uint16]port // by frame tag
	inputs []source
	ready  chan struct{} // shared by the inputs: items were pushed
	asked  struct{ params, inputs, outputs []string }
	errs   []error // problems found by Input and Output, which cannot return them

	// Set up by Run once the node is built.
	ep         netio.Endpoint
	node       hydro.NetNode
	onFrame    func(netio.Addr, uint16, []byte) // env.frame, bound once
	routes     []locRoutes                      // the locations -peers lists
	now        time.Time                        // start of the current tick
	stdinSrc   source
	unknownLoc map[string]bool
	unknownTag map[uint16]bool
	flushErr   bool
	warn       *netio.LogLimiter // per-frame and per-item warnings
	counts     counts
	metrics    *metrics
	durable    *durableMetrics // nil for a node without durable state
}

// counts are the node's counters of what it refused or dropped, beyond
// those of its endpoint.
type counts struct {
	clientFrames    atomic.Uint64 // frames from clients for a network operator rather than a port
	badFrames       atomic.Uint64 // frames that do not decode, name no port, or that the node rejects
	subsRefused     atomic.Uint64 // subscriptions refused at the subscriber cap
	subsDropped     atomic.Uint64 // items not queued for a subscriber whose connection closed
	inputDropped    atomic.Uint64 // items from the network dropped at the queued-input budget
	invalidItems    atomic.Uint64 // items from outside that failed validation or did not decode
	unknownDestSent atomic.Uint64 // items sent to a location -peers does not list
	budgetStops     atomic.Uint64 // drains stopped at the per-tick budget of decoded frames
}

// port is an Input or Output that frames from outside the program reach.
type port interface {
	name() string
	// frame handles one frame tagged with the port's tag, on the node's
	// goroutine; payload is valid only during the call.
	frame(from netio.Addr, payload []byte)
}

// source is the runtime side of an Input.
type source interface {
	port
	// file returns the -in.NAME.file path and the flag or variable that
	// set it, or "".
	file() (path, from string)
	// pushLine decodes and validates one JSON line and queues its item;
	// with wait, it first waits (until ctx is done) while the input holds
	// its budget of queued items.
	pushLine(ctx context.Context, line []byte, wait bool) error
}

// stdin is what "-in.NAME.file -" reads; tests replace it.
var stdin io.Reader = os.Stdin

// Main runs the node that the command line and environment choose among
// r's flows until SIGINT or SIGTERM, then exits with status 0. It prints
// any error as "<role>: <message>" to standard error and exits with status
// 1, or 2 for a usage error.
func Main(r Role) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Run(ctx, r, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	name := r.Name
	if name == "" {
		name = filepath.Base(os.Args[0])
	}
	os.Exit(report(name, err, os.Stderr))
}

// report prints err for Main and returns the exit status.
func report(name string, err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	for line := range strings.SplitSeq(err.Error(), "\n") {
		fmt.Fprintf(stderr, "%s: %s\n", name, line)
	}
	if ue := (*usageError)(nil); errors.As(err, &ue) {
		fmt.Fprintf(stderr, "%s: run '%s -h' for the flags\n", name, name)
		return 2
	}
	return 1
}

// Run is Main without the process around it: it parses args (the flags,
// without the program name) with getenv as the environment, builds the node,
// and runs it until ctx is done, writing outputs to stdout and logs to
// stderr. It returns nil once ctx is done. Errors about the command line or
// environment wrap an error for which Main exits with status 2; -h prints
// the usage to stderr and returns flag.ErrHelp.
func Run(ctx context.Context, r Role, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if r.Name == "" {
		return errors.New("deploy: the role has no name")
	}
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	o, err := parseArgs(r, args, getenv, stderr)
	if err != nil {
		return err
	}
	flow, build, err := chooseFlow(r, o.flow)
	if err != nil {
		return err
	}
	listen, advertise, err := o.address(r.Name)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: o.level})).
		With("role", r.Name, "member", o.member)
	env := &Env{
		Flow:       flow,
		Role:       r.Name,
		Member:     o.member,
		Logger:     logger,
		opts:       o,
		getenv:     getenv,
		stdout:     bufio.NewWriter(stdout),
		peers:      o.peers,
		ports:      map[uint16]port{},
		ready:      make(chan struct{}, 1),
		unknownLoc: map[string]bool{},
		unknownTag: map[uint16]bool{},
		warn:       netio.NewLogLimiter(logger, 10, 10*time.Second),
	}
	node, err := build(env)
	if err != nil {
		return fmt.Errorf("flow %s: %w", flow, err)
	}
	if node == nil {
		return fmt.Errorf("flow %s: the builder returned no node", flow)
	}
	if v, ok := node.(hydro.Validator); ok {
		if err := v.Validate(); err != nil {
			return fmt.Errorf("flow %s: %w", flow, err)
		}
	}
	if ss, ok := node.(hydro.SizeSetter); ok {
		// Every location's size is the number of addresses -peers lists.
		sizes := make(map[string]int, len(o.peers))
		for loc, addrs := range o.peers {
			sizes[loc] = len(addrs)
		}
		if err := ss.SetSizes(sizes); err != nil {
			return fmt.Errorf("%w: list its members in -peers", err)
		}
	}
	if err := env.check(); err != nil {
		return err
	}
	closeDurable, err := env.openDurable(node)
	if err != nil {
		return err
	}
	defer closeDurable()
	if err := env.readFiles(); err != nil {
		return err
	}
	secure, err := o.security(r.Name)
	if err != nil {
		return err
	}
	tcpOpts := append([]netio.TCPOption{netio.WithLogger(logger)}, o.limits.tcpOptions()...)
	tcpOpts = append(tcpOpts, secure...)
	if advertise != "" {
		tcpOpts = append(tcpOpts, netio.WithAdvertiseAddr(advertise))
	}
	var ep netio.Endpoint
	if o.listenFD > 0 {
		ln, lerr := net.FileListener(os.NewFile(uintptr(o.listenFD), "listener"))
		if lerr != nil {
			return usagef("-listen-fd %d: %w", o.listenFD, lerr)
		}
		ep, err = netio.ServeTCP(ln, tcpOpts...)
	} else {
		ep, err = netio.ListenTCP(listen, tcpOpts...)
	}
	if err != nil {
		if advertise != "" && o.listenFD == 0 {
			return fmt.Errorf("%w (the address -peers gives %s/%d; set -listen to bind another)", err, r.Name, o.member)
		}
		return err
	}
	defer ep.Close()
	env.ep = ep
	env.metrics = newMetrics(env, ep)
	if o.metrics != "" {
		stop, err := env.serveHTTP(ctx, "metrics", o.metrics, env.metrics.handler())
		if err != nil {
			return usagef("-metrics: %w", err)
		}
		defer stop()
	}
	if o.debug != "" {
		stop, err := env.serveHTTP(ctx, "debug server (pprof)", o.debug, debugHandler())
		if err != nil {
			return usagef("-debug-addr: %w", err)
		}
		defer stop()
	}
	logger.Info("node started", "flow", flow, "listen", string(ep.Addr()), "peers", formatPeers(o.peers), "tls", !o.insecure)
	err = env.loop(ctx, node)
	logger.Debug("node stopped")
	return err
}

// chooseFlow returns the flow named by -flow, or the role's only flow.
func chooseFlow(r Role, flow string) (string, Builder, error) {
	names := flowNames(r)
	if len(names) == 0 {
		return "", nil, fmt.Errorf("role %s has no flows", r.Name)
	}
	if flow == "" {
		if len(names) > 1 {
			return "", nil, usagef("role %s runs in several flows; choose one with -flow: %s", r.Name, strings.Join(names, ", "))
		}
		flow = names[0]
	}
	b, ok := r.Flows[flow]
	if !ok {
		return "", nil, usagef("unknown flow %q for role %s (have: %s)", flow, r.Name, strings.Join(names, ", "))
	}
	if b == nil {
		return "", nil, fmt.Errorf("flow %s has a nil builder", flow)
	}
	return flow, b, nil
}

// address returns the address to listen on and the one to announce to peers
// ("" for the bound one). A member that -peers lists is reached at that
// address, so it listens there unless -listen says otherwise, and always
// announces it.
func (o *options) address(role string) (listen string, advertise netio.Addr, err error) {
	own, listed := o.peers[role]
	if !listed {
		if o.listen == "" {
			return "127.0.0.1:0", "", nil
		}
		return o.listen, "", nil
	}
	if int(o.member) >= len(own) {
		return "", "", usagef("member %d of %s: -peers lists %d member(s) of %s", o.member, role, len(own), role)
	}
	self := own[o.member]
	listen = o.listen
	if listen == "" {
		listen = string(self)
	}
	if _, port, err := net.SplitHostPort(listen); err == nil && port == "0" {
		return "", "", usagef("-listen %s picks a random port, but -peers says %s/%d is at %s", listen, role, o.member, self)
	}
	return listen, self, nil
}

// check reports the problems of the wiring that Input and Output could not
// return, and every port or parameter flag that the builder did not use.
func (env *Env) check() error {
	errs := slices.Clone(env.errs)
	unused := func(what string, flags map[string]*dynFlag, asked []string) {
		var names []string
		for name, f := range flags {
			if !f.used {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		have := "none"
		if len(asked) > 0 {
			have = strings.Join(slices.Sorted(slices.Values(asked)), ", ")
		}
		for _, n := range names {
			errs = append(errs, usagef("unknown %s %s for flow %s (have: %s)", what, n, env.Flow, have))
		}
	}
	unused("parameter", env.opts.params, env.asked.params)
	unused("input", env.opts.inputs, env.asked.inputs)
	unused("output", env.opts.quiet, env.asked.outputs)
	return errors.Join(errs...)
}

// readFiles pushes the lines of every -in.NAME.file into its input, except
// standard input, which the loop reads as it runs.
func (env *Env) readFiles() error {
	for _, in := range env.inputs {
		path, from := in.file()
		switch path {
		case "":
			continue
		case "-":
			if env.stdinSrc != nil {
				return usagef("inputs %s and %s both read standard input", env.stdinSrc.name(), in.name())
			}
			env.stdinSrc = in
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			return usagef("%s (%s): %w", in.name(), from, err)
		}
		// The file is local and read whole before the first tick, so its
		// items are not held to the queued-input budget.
		err = readLines(f, path, func(line []byte) error { return in.pushLine(context.Background(), line, false) }, env.badLine(in))
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", in.name(), err)
		}
	}
	return nil
}

// badLine returns the function that reports a line of an input file or of
// standard input that was rejected: counted and logged, rate-limited.
func (env *Env) badLine(in source) func(error) {
	return func(err error) {
		env.counts.invalidItems.Add(1)
		env.warn.Warn("skipped a bad input line", "input", strings.TrimPrefix(in.name(), "input "), "err", err)
	}
}

// maxLine bounds one JSON line of an input file.
const maxLine = netio.DefaultMaxFrame

// readLines calls fn for every non-blank line of r. A line that fn rejects,
// or that is longer than maxLine, is passed to bad as an error naming it as
// name:line, and reading goes on: one bad line never stops a node. It
// returns the error that ended reading, other than the end of r.
func readLines(r io.Reader, name string, fn func(line []byte) error, bad func(error)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte // a line longer than the reader's buffer, so far
	skipping := false
	for n := 1; ; n++ {
		chunk, err := br.ReadSlice('\n')
		for errors.Is(err, bufio.ErrBufferFull) {
			if !skipping {
				long = append(long, chunk...)
				if len(long) > maxLine {
					long, skipping = nil, true
				}
			}
			chunk, err = br.ReadSlice('\n')
		}
		line := chunk
		if long != nil {
			line = append(long, chunk...)
			long = nil
		}
		switch {
		case skipping:
			bad(fmt.Errorf("%s:%d: line longer than %d bytes", name, n, maxLine))
			skipping = false
		case len(line) > maxLine:
			bad(fmt.Errorf("%s:%d: line longer than %d bytes", name, n, maxLine))
		case len(bytes.TrimSpace(line)) > 0:
			if ferr := fn(line); ferr != nil {
				if errors.Is(ferr, context.Canceled) {
					return ferr
				}
				bad(fmt.Errorf("%s:%d: %w", name, n, ferr))
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
}

// stdoutFlushEvery bounds how long printed outputs stay buffered while a
// node keeps ticking.
const stdoutFlushEvery = 100 * time.Millisecond

// loop runs the node until ctx is done: it ticks once at the start, then
// whenever frames arrive, an input has items or a timer is due, and again
// while the node has work pending.
func (env *Env) loop(ctx context.Context, node hydro.NetNode) error {
	env.node = node
	env.onFrame = env.frame
	env.routes = env.resolve()
	node.SetMember(env.Member)
	node.OnSend(env.send)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	failed := make(chan error, 1)
	if src := env.stdinSrc; src != nil {
		// Not waited for: a read from standard input cannot be interrupted.
		// It only pushes into the input, which nothing reads once Run returns.
		go func() {
			push := func(line []byte) error { return src.pushLine(ctx, line, true) }
			if err := readLines(stdin, "stdin", push, env.badLine(src)); err != nil && ctx.Err() == nil {
				failed <- fmt.Errorf("%s: %w", src.name(), err)
			}
		}()
	}

	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for tick := true; ; {
		if tick {
			env.round(ctx)
			if err := durableErr(node); err != nil {
				return err
			}
		}
		var due <-chan time.Time
		if t, ok := node.NextTimer(); ok {
			timer.Reset(time.Until(t))
			due = timer.C
		}
		select {
		case <-ctx.Done():
			return nil
		case err := <-failed:
			env.round(ctx) // the lines before the failure
			return err
		case <-env.ep.Ready():
			tick = true
		case <-due:
			tick = true
		case <-env.inputReady():
			// Inputs may be pushed from other goroutines (standard input,
			// code in a Builder). Items the loop pushed itself were taken
			// by the last tick.
			tick = node.Pending()
		}
		timer.Stop()
	}
}

// round drains the network and ticks, until the node has no work pending.
func (env *Env) round(ctx context.Context) {
	flushed := time.Now()
	for {
		frames, full := env.drain()
		env.now = time.Now()
		env.node.SetNow(env.now)
		env.node.Tick()
		env.metrics.tick.Observe(time.Since(env.now).Seconds())
		env.metrics.items.Observe(float64(frames))
		if !full && !env.node.Pending() || ctx.Err() != nil {
			break
		}
		if env.stdout.Buffered() > 0 && time.Since(flushed) >= stdoutFlushEvery {
			env.flush()
			flushed = time.Now()
		}
	}
	env.flush()
}

// drain hands the node the frames waiting in the inbox, at most
// -max-tick-items of them: what the node decodes before its next tick is
// bounded by that many items, however small their frames. The rest stay in
// the inbox, still charged against its byte budgets, so the connections
// that sent them stall until later rounds take them (back-pressure; no
// frame is dropped). It reports whether the drain stopped at the budget.
func (env *Env) drain() (frames int, full bool) {
	limit := env.opts.limits.maxTickItems
	ld, ok := env.ep.(netio.LimitedDrainer)
	if !ok {
		return env.ep.Drain(env.onFrame), false
	}
	frames = ld.DrainN(limit, env.onFrame)
	if frames >= limit {
		env.counts.budgetStops.Add(1)
		return frames, true
	}
	return frames, false
}

func (env *Env) flush() {
	if err := env.stdout.Flush(); err != nil && !env.flushErr {
		env.flushErr = true
		env.Logger.Error("cannot print outputs", "err", err)
	}
}

// frame dispatches one received frame: port tags to the ports, the others
// to the node.
func (env *Env) frame(from netio.Addr, tag uint16, payload []byte) {
	if portTag(tag) {
		if p := env.ports[tag]; p != nil {
			p.frame(from, payload)
			return
		}
		env.counts.badFrames.Add(1)
		if !env.unknownTag[tag] {
			env.unknownTag[tag] = true
			env.Logger.Warn("dropping frames for a port this node does not have", "from", string(from), "tag", tag)
		}
		return
	}
	if isClient(from) {
		// Clients reach ports, never the flow's network operators.
		env.counts.clientFrames.Add(1)
		env.warn.Warn("dropped a frame from a client for a network operator; clients may only use ports", "from", string(from), "tag", tag)
		return
	}
	if err := env.node.Deliver(tag, payload); err != nil {
		env.counts.badFrames.Add(1)
		env.warn.Warn("dropped a frame", "from", string(from), "tag", tag, "err", err)
	}
}

// inputReady returns the channel the node's inputs share.
func (env *Env) inputReady() chan struct{} {
	if env.ready == nil {
		env.ready = make(chan struct{}, 1)
	}
	return env.ready
}

// locRoutes are the members of one location that -peers lists, with the
// route to each once the node has sent it a frame.
type locRoutes struct {
	name   string
	addrs  []netio.Addr
	routes []netio.Route
}

// resolve lists the locations of -peers for send.
func (env *Env) resolve() []locRoutes {
	locs := make([]locRoutes, 0, len(env.peers))
	for _, name := range slices.Sorted(maps.Keys(env.peers)) {
		addrs := env.peers[name]
		if len(addrs) > 0 {
			locs = append(locs, locRoutes{name: name, addrs: addrs, routes: make([]netio.Route, len(addrs))})
		}
	}
	return locs
}

// send carries one frame of the node to its destination's members. A
// program has a few locations and generated nodes name them with constant
// strings, so a scan of the list finds the location by comparing pointers,
// without hashing its name.
func (env *Env) send(to hydro.Dest, tag uint16, payload []byte) {
	var loc *locRoutes
	for i := range env.routes {
		if env.routes[i].name == to.Location {
			loc = &env.routes[i]
			break
		}
	}
	if loc == nil {
		env.counts.unknownDestSent.Add(1)
		if !env.unknownLoc[to.Location] {
			env.unknownLoc[to.Location] = true
			env.Logger.Error("dropping items sent to a location that -peers does not list", "location", to.Location)
		}
		return
	}
	n := len(loc.addrs)
	switch {
	case to.All && to.Parts <= 1:
		for k := range n {
			env.sendMember(loc, k, tag, payload)
		}
	case !to.All && to.Parts <= 1:
		env.sendMember(loc, int(to.Member%uint64(n)), tag, payload)
	default:
		for _, k := range to.AppendTargets(make([]int, 0, 8), n) {
			env.sendMember(loc, k, tag, payload)
		}
	}
}

// sendMember sends a frame to member k of loc, by its route once resolved.
func (env *Env) sendMember(loc *locRoutes, k int, tag uint16, payload []byte) {
	r := loc.routes[k]
	if r == nil {
		if rt, ok := env.ep.(netio.Router); ok {
			r, _ = rt.Route(loc.addrs[k]) // on failure, Send reports why
			loc.routes[k] = r
		}
		if r == nil {
			_ = env.sendTo(loc.addrs[k], tag, payload) // logged
			return
		}
	}
	if err := r.Send(tag, payload); err != nil {
		env.warn.Log(slog.LevelError, "send failed", "to", string(loc.addrs[k]), "tag", tag, "err", err)
	}
}

func (env *Env) sendTo(a netio.Addr, tag uint16, payload []byte) error {
	err := env.ep.Send(a, tag, payload)
	if err != nil && !errors.Is(err, netio.ErrNoRoute) {
		env.warn.Log(slog.LevelError, "send failed", "to", string(a), "tag", tag, "err", err)
	}
	return err
}
