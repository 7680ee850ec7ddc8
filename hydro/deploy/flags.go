package deploy

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/netio"
)

// usageError is a problem with the command line or the environment; Main
// exits with status 2 for it.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// options is a node's configuration, from its flags and environment.
type options struct {
	flow     string
	member   hydro.MemberID
	listen   string // "" for the default; see options.address
	listenFD int    // -listen-fd: an inherited listening socket, or 0
	peers    map[string][]netio.Addr
	level    slog.Level
	// data is the data directory of a node with durable state, and the
	// flag or variable that set it.
	data, dataFrom string
	// noSync is -fsync=false: commits of durable state are written but
	// not synced, for measuring what the syncs cost.
	noSync bool

	certs    string // -certs: the certificate directory
	insecure bool   // -insecure-plaintext
	limits   limits
	metrics  string // -metrics: where to serve /metrics
	debug    string // -debug-addr: where to serve /debug/pprof/

	// The flags named after the flow's ports and parameters, by name. They
	// are consumed by Param, Input and Output; any left over is an error.
	params map[string]*dynFlag // -param.NAME VALUE
	inputs map[string]*dynFlag // -in.NAME.file PATH
	quiet  map[string]*dynFlag // -out.NAME.quiet[=BOOL]
}

// dynFlag is the value of a flag named after a port or parameter.
type dynFlag struct {
	flag  string // as written, without its value: "-param.classes"
	value string
	used  bool
}

// stdFlags are the fixed flags that take a value.
var stdFlags = []string{"flow", "member", "listen", "peers", "log-level", "certs",
	"idle-timeout", "frame-timeout", "write-timeout", "max-conns", "inbox-bytes", "peer-inbox-bytes",
	"max-subscribers", "subscriber-queue", "max-queued-input", "max-tick-items", "metrics", "debug-addr", "listen-fd", "data", "fsync"}

// insecureFlag is the one boolean fixed flag.
const insecureFlag = "insecure-plaintext"

// envName returns the environment variable that backs a flag:
// HYDRO_ and the flag's name in upper case, with '.' and '-' as '_'.
func envName(name string) string {
	return "HYDRO_" + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(name))
}

// parseArgs parses a node's command line, falling back to the environment
// for every flag that is not given. It returns flag.ErrHelp for -h.
func parseArgs(r Role, args []string, getenv func(string) string, stderr io.Writer) (*options, error) {
	o := &options{
		params: map[string]*dynFlag{},
		inputs: map[string]*dynFlag{},
		quiet:  map[string]*dynFlag{},
	}
	std, err := o.splitDynamic(args)
	if err != nil {
		return nil, err
	}
	fs := flag.NewFlagSet(r.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	vals := map[string]*string{}
	for _, name := range stdFlags {
		vals[name] = fs.String(name, "", "")
	}
	insecure := fs.Bool(insecureFlag, false, "")
	if err := fs.Parse(std); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stderr, r)
			return nil, flag.ErrHelp
		}
		return nil, &usageError{err}
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q: a node takes flags only", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	// source returns a flag's value and where it came from, for messages.
	source := func(name string) (value, from string) {
		if set[name] {
			return *vals[name], "-" + name
		}
		env := envName(name)
		return getenv(env), env
	}

	o.flow, _ = source("flow")
	if v, from := source("member"); v != "" {
		m, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return nil, usagef("%s %q: a member number is a non-negative integer", from, v)
		}
		o.member = hydro.MemberID(m)
	}
	o.listen, _ = source("listen")
	if v, from := source("listen-fd"); v != "" {
		fd, err := strconv.Atoi(v)
		if err != nil || fd < 3 {
			return nil, usagef("%s %q: want a file descriptor number of at least 3", from, v)
		}
		o.listenFD = fd
	}
	o.data, o.dataFrom = source("data")
	if v, from := source("fsync"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, usagef("%s %q: want true or false", from, v)
		}
		o.noSync = !b
	}
	if v, from := source("peers"); v != "" {
		if o.peers, err = parsePeers(v); err != nil {
			return nil, usagef("%s: %v", from, err)
		}
	}
	if v, from := source("log-level"); v != "" {
		if err := o.level.UnmarshalText([]byte(v)); err != nil {
			return nil, usagef("%s %q: want debug, info, warn or error", from, v)
		}
	}
	o.certs, _ = source("certs")
	o.metrics, _ = source("metrics")
	o.debug, _ = source("debug-addr")
	if set[insecureFlag] {
		o.insecure = *insecure
	} else if v := getenv(envName(insecureFlag)); v != "" {
		if o.insecure, err = strconv.ParseBool(v); err != nil {
			return nil, usagef("%s=%s: want true or false", envName(insecureFlag), v)
		}
	}
	if o.limits, err = parseLimits(source); err != nil {
		return nil, err
	}
	return o, nil
}

// splitDynamic takes the flags named after ports and parameters out of args
// and returns the others for the flag package.
func (o *options) splitDynamic(args []string) ([]string, error) {
	var std []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") || a == "-" {
			std = append(std, args[i:]...)
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		kind, rest, dynamic := strings.Cut(name, ".")
		if !dynamic || (kind != "param" && kind != "in" && kind != "out") {
			std = append(std, a)
			if !hasValue && slices.Contains(stdFlags, name) && i+1 < len(args) {
				std = append(std, args[i+1])
				i++
			}
			continue
		}
		var (
			port       = rest
			into       = o.params
			takesValue = true
		)
		switch kind {
		case "in":
			var ok bool
			port, ok = strings.CutSuffix(rest, ".file")
			into = o.inputs
			if !ok {
				return nil, usagef("unknown flag -%s: an input takes -in.NAME.file PATH", name)
			}
		case "out":
			var ok bool
			port, ok = strings.CutSuffix(rest, ".quiet")
			into, takesValue = o.quiet, false
			if !ok {
				return nil, usagef("unknown flag -%s: an output takes -out.NAME.quiet", name)
			}
		}
		if port == "" {
			return nil, usagef("flag -%s names no port or parameter", name)
		}
		switch {
		case hasValue:
		case !takesValue:
			value = "true"
		case i+1 < len(args):
			value = args[i+1]
			i++
		default:
			return nil, usagef("flag needs an argument: -%s", name)
		}
		if !takesValue {
			if _, err := strconv.ParseBool(value); err != nil {
				return nil, usagef("-%s=%s: want true or false", name, value)
			}
		}
		into[port] = &dynFlag{flag: "-" + name, value: value}
	}
	return std, nil
}

// lookup returns the value of the flag that names a port or parameter, or
// else of the environment variable env, and the flag or variable it came
// from. It marks the flag used.
func lookup(flags map[string]*dynFlag, name, env string, getenv func(string) string) (value, from string, ok bool) {
	if f := flags[name]; f != nil {
		f.used = true
		return f.value, f.flag, true
	}
	if v := getenv(env); v != "" {
		return v, env, true
	}
	return "", "", false
}

// parsePeers parses the -peers syntax: "role=host:port,host:port;role=...",
// each location's member addresses in member order. Spaces around the
// separators are ignored and so are empty entries.
func parsePeers(s string) (map[string][]netio.Addr, error) {
	peers := map[string][]netio.Addr{}
	for entry := range strings.SplitSeq(s, ";") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		loc, list, ok := strings.Cut(entry, "=")
		loc = strings.TrimSpace(loc)
		if !ok || loc == "" {
			return nil, fmt.Errorf("%q: want location=host:port[,host:port...]", entry)
		}
		if strings.ContainsFunc(loc, isSpace) {
			return nil, fmt.Errorf("location name %q contains a space", loc)
		}
		if _, dup := peers[loc]; dup {
			return nil, fmt.Errorf("location %s is listed twice", loc)
		}
		var addrs []netio.Addr
		for a := range strings.SplitSeq(list, ",") {
			a = strings.TrimSpace(a)
			if err := checkAddr(a); err != nil {
				return nil, fmt.Errorf("location %s, member %d: %v", loc, len(addrs), err)
			}
			if i := slices.Index(addrs, netio.Addr(a)); i >= 0 {
				return nil, fmt.Errorf("location %s: members %d and %d have the same address %s", loc, i, len(addrs), a)
			}
			addrs = append(addrs, netio.Addr(a))
		}
		peers[loc] = addrs
	}
	return peers, nil
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// checkAddr accepts host:port with a port in 1..65535.
func checkAddr(a string) error {
	if a == "" {
		return errors.New("empty address")
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return fmt.Errorf("address %q: want host:port", a)
	}
	if host == "" || strings.ContainsFunc(host, isSpace) {
		return fmt.Errorf("address %q: missing or invalid host", a)
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || p == 0 {
		return fmt.Errorf("address %q: port must be a number in 1..65535", a)
	}
	return nil
}

// formatPeers writes peers in the -peers syntax, locations sorted.
func formatPeers(peers map[string][]netio.Addr) string {
	locs := make([]string, 0, len(peers))
	for l := range peers {
		locs = append(locs, l)
	}
	slices.Sort(locs)
	var b strings.Builder
	for i, l := range locs {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(l)
		b.WriteByte('=')
		for j, a := range peers[l] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(string(a))
		}
	}
	return b.String()
}

func printUsage(w io.Writer, r Role) {
	flows := flowNames(r)
	fmt.Fprintf(w, `usage: %s [flags]

Runs location %q of flow %s as one node of the program.
Every flag falls back to an environment variable (shown in parentheses);
a flag given on the command line wins.

  -flow NAME             the flow to run; optional when the role has one flow (HYDRO_FLOW)
  -member N              this node's member number within its location, default 0 (HYDRO_MEMBER)
  -listen HOST:PORT      the node's network address; default: its address in -peers,
                         else 127.0.0.1:0 (HYDRO_LISTEN)
  -listen-fd N           serve on the listening socket inherited as file descriptor N
                         instead of binding one, as hydrogen run does (HYDRO_LISTEN_FD)
  -peers LOC=ADDR,...;LOC=ADDR,...
                         every location's member addresses in member order (HYDRO_PEERS)
  -param.NAME VALUE      flow parameter NAME as JSON, or @PATH to read the JSON from a file;
                         unset means the zero value (HYDRO_PARAM_NAME)
  -in.NAME.file PATH     push the JSON lines of PATH ("-" is stdin) into input NAME at
                         start (HYDRO_IN_NAME_FILE)
  -out.NAME.quiet        do not print the items of output NAME (HYDRO_OUT_NAME_QUIET)
  -log-level LEVEL       debug, info, warn or error, default info (HYDRO_LOG_LEVEL)
  -data DIR              the data directory of a location with durable state; it must
                         exist, and no other node may use it (HYDRO_DATA)
  -fsync BOOL            sync the log of durable state at every commit, default true;
                         false writes without syncing, which a power cut can undo:
                         for measuring what the syncs cost only (HYDRO_FSYNC)

Security (one of the two is required):
  -certs DIR             the deployment's certificates: DIR/ca.crt, DIR/<role>-<member>.crt
                         and .key, and optionally DIR/client.token; peers and clients are
                         authenticated by mutual TLS 1.3 (HYDRO_CERTS)
  -insecure-plaintext    no TLS: anyone who can reach the port can pose as a peer or a
                         client; for tests and trusted networks only (HYDRO_INSECURE_PLAINTEXT)

Observability:
  -metrics HOST:PORT     serve Prometheus metrics at /metrics (HYDRO_METRICS)
  -debug-addr HOST:PORT  serve net/http/pprof at /debug/pprof/; keep it private (HYDRO_DEBUG_ADDR)

Limits (see docs/deploy.md for the defaults and what happens when one is hit):
  -idle-timeout D        close an inbound connection silent for D (HYDRO_IDLE_TIMEOUT)
  -frame-timeout D       close a connection that takes longer than D to send a begun frame
  -write-timeout D       close a connection whose socket takes longer than D to accept a write
  -max-conns N           inbound connections held at once
  -inbox-bytes N         received bytes held for the node's next tick before reading stalls
  -peer-inbox-bytes N    of which one connection may hold before it stalls
  -max-subscribers N     clients subscribed to one output at once
  -subscriber-queue N    frames queued for one client before its oldest are dropped
  -max-queued-input N    items waiting in one input before more are dropped (network)
                         or reading waits (files, standard input)
  -max-tick-items N      frames decoded into the node before it ticks; the rest wait in
                         the inbox, which stalls their connections (back-pressure)

Every output item is printed to standard output as one line: NAME JSON.
See docs/deploy.md.
`, r.Name, r.Name, strings.Join(flows, " | "))
}

// flowNames returns the role's flows, sorted.
func flowNames(r Role) []string {
	names := make([]string, 0, len(r.Flows))
	for n := range r.Flows {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
