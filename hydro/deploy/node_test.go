package deploy

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/internal/syncbuf"
	"github.com/hydrogo/hydro/netio"
	"github.com/hydrogo/hydro/netio/pki"
)

// note is the item type of the test flow.
type note struct{ Text string }

func appendNote(dst []byte, v *note) []byte { return netio.AppendString(dst, v.Text) }

func decodeNote(src []byte, v *note) (int, error) {
	s, n, err := netio.DecodeString(src)
	if err != nil {
		return 0, err
	}
	v.Text = s
	return n, nil
}

// The ports of the test flow Relay(f, in Input[note], to string, period
// time.Duration, out Output[note]).
var (
	inPort  = hydro.Port[note]{Name: "in", Tag: hydro.PortTagBase + 0, Append: appendNote, Decode: decodeNote}
	outPort = hydro.Port[note]{Name: "out", Tag: hydro.PortTagBase + 4, Append: appendNote, Decode: decodeNote}
)

// relayTag is the frame tag of the relay's one network operator.
const relayTag = 1

// relay is a hand-written node of a flow with two locations. Items of its
// input go to location to (member len(Text), or all members for a text
// starting with "*"); with no destination they go to its output. Items
// received from the network are emitted as Text@member. With a period, it
// emits "tick" on a timer.
type relay struct {
	in     hydro.Input[note]
	out    hydro.Output[note]
	to     string
	period time.Duration

	member   hydro.MemberID
	send     func(hydro.Dest, uint16, []byte)
	now, due time.Time
	items    []note
	recv     []note
	emitted  []note
	buf      []byte
}

func (r *relay) Tick() {
	r.items = r.in.TakeInto(r.items[:0])
	for _, it := range r.items {
		if r.to == "" {
			r.emitted = append(r.emitted, it)
			continue
		}
		r.buf = appendNote(r.buf[:0], &it)
		r.send(hydro.Dest{Location: r.to, Member: uint64(len(it.Text)), All: strings.HasPrefix(it.Text, "*")}, relayTag, r.buf)
	}
	for _, it := range r.recv {
		r.emitted = append(r.emitted, note{Text: fmt.Sprintf("%s@%d", it.Text, r.member)})
	}
	r.recv = r.recv[:0]
	if r.period > 0 && !r.now.Before(r.due) {
		r.emitted = append(r.emitted, note{Text: "tick"})
		r.due = r.now.Add(r.period)
	}
	r.out.PutAll(r.emitted)
	r.emitted = r.emitted[:0]
}

func (r *relay) Pending() bool { return r.in.Len() > 0 || len(r.recv) > 0 }

func (r *relay) Deliver(tag uint16, payload []byte) error {
	if tag != relayTag {
		return fmt.Errorf("no network operator has tag %d", tag)
	}
	var v note
	n, err := decodeNote(payload, &v)
	if err != nil {
		return err
	}
	if n != len(payload) {
		return fmt.Errorf("%d bytes after the item", len(payload)-n)
	}
	r.recv = append(r.recv, v)
	return nil
}

func (r *relay) OnSend(fn func(hydro.Dest, uint16, []byte)) { r.send = fn }
func (r *relay) SetMember(m hydro.MemberID)                 { r.member = m }

func (r *relay) SetNow(t time.Time) {
	if t.After(r.now) {
		r.now = t
	}
}

func (r *relay) NextTimer() (time.Time, bool) { return r.due, r.period > 0 }

// buildRelay is the Builder a generated main would have for the relay.
func buildRelay(env *Env) (hydro.NetNode, error) {
	to, err := Param[string](env, "to")
	if err != nil {
		return nil, err
	}
	period, err := Param[time.Duration](env, "period")
	if err != nil {
		return nil, err
	}
	return &relay{in: Input(env, inPort), out: Output(env, outPort), to: to, period: period}, nil
}

func relayRole(name string) Role {
	return Role{Name: name, Flows: map[string]Builder{"Relay": buildRelay}}
}

// node is a node run by a test.
type node struct {
	stdout, stderr syncbuf.Buffer
	cancel         context.CancelFunc
	done           chan error
}

// testCerts is a certificate directory for the nodes and the client of the
// tests: members 0 to 2 of roles relay, a and b.
var testCerts = sync.OnceValue(func() string {
	dir, err := os.MkdirTemp("", "deploy-test-certs-")
	testCertsDir = dir
	if err != nil {
		panic(err)
	}
	var ids []pki.Identity
	for _, role := range []string{"relay", "a", "b"} {
		for m := range uint64(3) {
			ids = append(ids, pki.NodeID(role, m))
		}
	}
	ids = append(ids, pki.ClientID(DefaultClientName))
	if err := pki.WriteDeployment(dir, "test", ids); err != nil {
		panic(err)
	}
	return dir
})

// testCertsDir is testCerts' directory, once made.
var testCertsDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if testCertsDir != "" {
		os.RemoveAll(testCertsDir)
	}
	os.Exit(code)
}

// dial returns a client of the node at addr with the test certificates.
func dial(t *testing.T, addr string) *Client {
	t.Helper()
	c, err := Dial(addr, WithCertDir(testCerts()))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// start runs a node of role with args until the test ends, with the test
// certificates unless args choose the security.
func start(t *testing.T, r Role, args ...string) *node {
	t.Helper()
	if !slices.ContainsFunc(args, func(a string) bool { return strings.Contains(a, "-certs") || strings.Contains(a, "insecure") }) {
		args = append([]string{"-certs", testCerts()}, args...)
	}
	if !slices.Contains(args, "-metrics") {
		args = append([]string{"-metrics", "127.0.0.1:0"}, args...)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := &node{cancel: cancel, done: make(chan error, 1)}
	go func() { n.done <- Run(ctx, r, args, noEnv, &n.stdout, &n.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-n.done:
		case <-time.After(5 * time.Second):
			t.Errorf("node %s did not stop", r.Name)
		}
	})
	n.waitFor(t, &n.stderr, "node started")
	return n
}

// waitFor waits until b contains s.
func (n *node) waitFor(t *testing.T, b *syncbuf.Buffer, s string) {
	t.Helper()
	require.Eventually(t, func() bool {
		select {
		case err := <-n.done:
			n.done <- err
			t.Fatalf("node stopped: %v\nstderr:\n%s", err, n.stderr.String())
		default:
		}
		return strings.Contains(b.String(), s)
	}, 5*time.Second, 5*time.Millisecond, "waiting for %q; have stdout:\n%s\nstderr:\n%s", s, n.stdout.String(), n.stderr.String())
}

func noEnv(string) string { return "" }

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// metric returns the value of the sample name (with its labels, as the
// exposition format writes them) that node n serves at its -metrics
// address, or -1 if it has none.
func metric(t *testing.T, n *node, name string) float64 {
	t.Helper()
	m := regexp.MustCompile(`msg="metrics listening".* addr=(\S+)`).FindStringSubmatch(n.stderr.String())
	require.NotNil(t, m, "the node serves no metrics")
	resp, err := http.Get("http://" + m[1] + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	for line := range strings.SplitSeq(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err)
			return f
		}
	}
	return -1
}

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// freeAddr returns a loopback address with a port free at the time of the
// call.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

func TestOutputsArePrintedAndInputFilesRead(t *testing.T) {
	path := writeFile(t, "in.jsonl", `{"Text":"a"}`+"\n\n  \n"+`{"Text":"<b & c>"}`+"\n")
	n := start(t, relayRole("relay"), "-in.in.file", path)
	n.waitFor(t, &n.stdout, "out {\"Text\":\"<b & c>\"}\n")
	require.Equal(t, "out {\"Text\":\"a\"}\nout {\"Text\":\"<b & c>\"}\n", n.stdout.String())
	require.Contains(t, n.stderr.String(), "flow=Relay")
	require.Contains(t, n.stderr.String(), "role=relay member=0")
}

func TestOutputsArePrintedByTheirJSONFunction(t *testing.T) {
	// A port's AppendJSON, as hydrogen generates it, prints its items; an
	// item it fails for is logged and not printed.
	port := outPort
	port.AppendJSON = func(dst []byte, v *note) ([]byte, error) {
		if v.Text == "bad" {
			return dst, errors.New("no JSON for this one")
		}
		return append(netio.AppendJSONString(append(dst, `{"text":`...), v.Text), '}'), nil
	}
	role := Role{Name: "relay", Flows: map[string]Builder{"Relay": func(env *Env) (hydro.NetNode, error) {
		return &relay{in: Input(env, inPort), out: Output(env, port)}, nil
	}}}
	path := writeFile(t, "in.jsonl", `{"Text":"a"}`+"\n"+`{"Text":"bad"}`+"\n"+`{"Text":"<\"c\">"}`+"\n")
	n := start(t, role, "-in.in.file", path)
	n.waitFor(t, &n.stdout, `out {"text":"<\"c\">"`)
	require.Equal(t, `out {"text":"a"}`+"\n"+`out {"text":"<\"c\">"}`+"\n", n.stdout.String())
	n.waitFor(t, &n.stderr, "no JSON for this one")
}

func TestBadInputFileLinesAreSkipped(t *testing.T) {
	long := `{"Text":"` + strings.Repeat("x", maxLine) + `"}`
	path := writeFile(t, "in.jsonl", `{"Text":"a"}`+"\n\n"+`{"Text":1}`+"\n"+`{"Txt":"a"}`+"\n"+long+"\n"+`{"Text":"b"}`)
	n := start(t, relayRole("relay"), "-in.in.file", path)
	n.waitFor(t, &n.stdout, `out {"Text":"b"}`)
	require.Equal(t, "out {\"Text\":\"a\"}\nout {\"Text\":\"b\"}\n", n.stdout.String())
	for _, want := range []string{path + ":3: json: cannot unmarshal number", path + `:4: json: unknown field \"Txt\"`, path + ":5: line longer than"} {
		require.Contains(t, n.stderr.String(), want)
	}

	err := Run(context.Background(), relayRole("relay"), []string{"-in.in.file", path + ".missing"}, noEnv, io.Discard, io.Discard)
	require.ErrorContains(t, err, "input in (-in.in.file): open "+path+".missing")
	require.Equal(t, 2, report("relay", err, io.Discard))
}

func TestStandardInputIsReadAsTheNodeRuns(t *testing.T) {
	r, w := io.Pipe()
	stdin = r
	t.Cleanup(func() { stdin = nil; w.Close() })
	n := start(t, relayRole("relay"), "-in.in.file", "-")
	_, err := io.WriteString(w, `{"Text":"first"}`+"\n")
	require.NoError(t, err)
	n.waitFor(t, &n.stdout, `out {"Text":"first"}`)
	_, err = io.WriteString(w, `{"Text":"second"}`+"\n"+"not json\n"+`{"Text":"third"}`+"\n")
	require.NoError(t, err)
	n.waitFor(t, &n.stdout, `out {"Text":"third"}`)
	require.Contains(t, n.stdout.String(), `out {"Text":"second"}`)
	require.Contains(t, n.stderr.String(), "stdin:3: invalid JSON for deploy.note: invalid character")
}

func TestQuietOutputStillServesSubscribers(t *testing.T) {
	addr := freeAddr(t)
	n := start(t, relayRole("relay"), "-listen", addr, "-out.out.quiet")
	c := dial(t, addr)
	got := make(chan string, 10)
	require.NoError(t, Subscribe(c, outPort, func(v note) { got <- v.Text }))
	require.NoError(t, Push(c, inPort, note{"x"}, note{"y"}))
	require.Equal(t, "x", receive(t, got))
	require.Equal(t, "y", receive(t, got))
	require.Empty(t, n.stdout.String())
}

func receive(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("nothing received")
		return ""
	}
}

func TestClientPushBeforeTheNodeListensAndCloseFlushes(t *testing.T) {
	addr := freeAddr(t)
	c := dial(t, addr)
	require.NoError(t, Push(c, inPort, note{"early"}))
	n := start(t, relayRole("relay"), "-listen", addr)
	require.NoError(t, Push(c, inPort, note{"late"}))
	require.NoError(t, c.Close())
	require.ErrorIs(t, Push(c, inPort, note{"closed"}), netio.ErrClosed)
	n.waitFor(t, &n.stdout, `out {"Text":"late"}`)
	require.Contains(t, n.stdout.String(), `out {"Text":"early"}`)
}

func TestBadFramesAreLoggedAndDropped(t *testing.T) {
	addr := freeAddr(t)
	n := start(t, relayRole("relay"), "-listen", addr)
	c := dial(t, addr)
	broken := inPort
	broken.Append = func(dst []byte, _ *note) []byte { return append(dst, 0xff) }
	require.NoError(t, Push(c, broken, note{}))
	require.NoError(t, Push(c, hydro.Port[note]{Name: "stray", Tag: hydro.PortTagBase + 9, Append: appendNote}, note{"?"}))
	require.NoError(t, Push(c, inPort, note{"ok"}))
	n.waitFor(t, &n.stdout, `out {"Text":"ok"}`)
	n.waitFor(t, &n.stderr, "dropped a frame that does not decode")
	n.waitFor(t, &n.stderr, "a port this node does not have")
	require.Contains(t, n.stderr.String(), "from=client/app#")
}

func TestTwoLocationsExchangeItems(t *testing.T) {
	a, b0, b1 := freeAddr(t), freeAddr(t), freeAddr(t)
	peers := fmt.Sprintf("a=%s; b=%s,%s", a, b0, b1)
	// No -listen: each node listens at its address in -peers.
	na := start(t, relayRole("a"), "-peers", peers, `-param.to="b"`)
	nb0 := start(t, relayRole("b"), "-peers", peers)
	nb1 := start(t, relayRole("b"), "-peers", peers, "-member", "1")
	require.Contains(t, na.stderr.String(), "listen="+a)
	require.Contains(t, nb1.stderr.String(), "listen="+b1)

	c := dial(t, a)
	require.NoError(t, Push(c, inPort, note{"x"}, note{"yy"}, note{"*all"}))
	nb1.waitFor(t, &nb1.stdout, `out {"Text":"x@1"}`)
	nb0.waitFor(t, &nb0.stdout, `out {"Text":"yy@0"}`)
	nb0.waitFor(t, &nb0.stdout, `out {"Text":"*all@0"}`)
	nb1.waitFor(t, &nb1.stdout, `out {"Text":"*all@1"}`)
	require.Empty(t, na.stdout.String())
}

func TestUnknownDestinationIsLoggedOnce(t *testing.T) {
	path := writeFile(t, "in.jsonl", `{"Text":"a"}`+"\n"+`{"Text":"b"}`+"\n")
	n := start(t, relayRole("a"), "-param.to", `"nowhere"`, "-in.in.file", path)
	n.waitFor(t, &n.stderr, "location=nowhere")
	time.Sleep(50 * time.Millisecond)
	require.Equal(t, 1, strings.Count(n.stderr.String(), "location=nowhere"), n.stderr.String())
}

func TestTimersWakeTheLoop(t *testing.T) {
	n := start(t, relayRole("relay"), "-param.period", `"20ms"`)
	require.Eventually(t, func() bool {
		return strings.Count(n.stdout.String(), `out {"Text":"tick"}`) >= 4
	}, 5*time.Second, 5*time.Millisecond)
}

func TestCancelStopsTheNodeAndClosesItsEndpoint(t *testing.T) {
	addr := freeAddr(t)
	n := start(t, relayRole("relay"), "-listen", addr)
	n.cancel()
	select {
	case err := <-n.done:
		require.NoError(t, err)
		n.done <- err
	case <-time.After(5 * time.Second):
		t.Fatal("the node did not stop")
	}
	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err, "the node's port is still in use")
	ln.Close()
}

func TestFlagsWinOverTheEnvironment(t *testing.T) {
	errStop := errors.New("stop")
	type seen struct {
		flow   string
		member hydro.MemberID
		to     string
	}
	var got seen
	build := func(env *Env) (hydro.NetNode, error) {
		to, err := Param[string](env, "to")
		got = seen{env.Flow, env.Member, to}
		return nil, errors.Join(err, errStop)
	}
	r := Role{Name: "x", Flows: map[string]Builder{"A": build, "B": build}}
	vars := map[string]string{"HYDRO_FLOW": "A", "HYDRO_MEMBER": "3", "HYDRO_PARAM_TO": `"env"`}
	run := func(args ...string) seen {
		t.Helper()
		got = seen{}
		err := Run(context.Background(), r, args, envOf(vars), io.Discard, io.Discard)
		require.ErrorIs(t, err, errStop)
		return got
	}
	require.Equal(t, seen{"A", 3, "env"}, run())
	require.Equal(t, seen{"B", 5, "flag"}, run("-flow=B", "--member", "5", "-param.to", `"flag"`))
	require.Equal(t, seen{"B", 3, "file"}, run("-flow", "B", "-param.to=@"+writeFile(t, "to.json", `"file"`)))
}

func TestFlowChoice(t *testing.T) {
	errStop := errors.New("stop")
	var flow string
	build := func(env *Env) (hydro.NetNode, error) { flow = env.Flow; return nil, errStop }
	one := Role{Name: "x", Flows: map[string]Builder{"Only": build}}
	require.ErrorIs(t, Run(context.Background(), one, nil, noEnv, io.Discard, io.Discard), errStop)
	require.Equal(t, "Only", flow)

	two := Role{Name: "x", Flows: map[string]Builder{"B": build, "A": build}}
	err := Run(context.Background(), two, nil, noEnv, io.Discard, io.Discard)
	require.EqualError(t, err, "role x runs in several flows; choose one with -flow: A, B")
	require.Equal(t, 2, report("x", err, io.Discard))
	err = Run(context.Background(), two, []string{"-flow", "C"}, noEnv, io.Discard, io.Discard)
	require.EqualError(t, err, `unknown flow "C" for role x (have: A, B)`)
	err = Run(context.Background(), Role{Name: "x"}, nil, noEnv, io.Discard, io.Discard)
	require.EqualError(t, err, "role x has no flows")
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{args: []string{"-member", "x"}, want: `-member "x": a member number is a non-negative integer`},
		{env: map[string]string{"HYDRO_MEMBER": "-1"}, want: `HYDRO_MEMBER "-1": a member number is a non-negative integer`},
		{args: []string{"-peers", "a"}, want: `-peers: "a": want location=host:port[,host:port...]`},
		{env: map[string]string{"HYDRO_PEERS": "a=b"}, want: `HYDRO_PEERS: location a, member 0: address "b": want host:port`},
		{args: []string{"-log-level", "loud"}, want: `-log-level "loud": want debug, info, warn or error`},
		{args: []string{"-param.to"}, want: "flag needs an argument: -param.to"},
		{args: []string{"-param.", "1"}, want: "flag -param. names no port or parameter"},
		{args: []string{"-in.in.path", "f"}, want: "unknown flag -in.in.path: an input takes -in.NAME.file PATH"},
		{args: []string{"-out.out.loud"}, want: "unknown flag -out.out.loud: an output takes -out.NAME.quiet"},
		{args: []string{"-out.out.quiet=maybe"}, want: "-out.out.quiet=maybe: want true or false"},
		{env: map[string]string{"HYDRO_OUT_OUT_QUIET": "maybe"}, want: "output out: HYDRO_OUT_OUT_QUIET=maybe: want true or false"},
		{args: []string{"-bogus"}, want: "flag provided but not defined: -bogus"},
		{args: []string{"extra"}, want: `unexpected argument "extra": a node takes flags only`},
		{args: []string{"--", "-member", "1"}, want: `unexpected argument "-member": a node takes flags only`},
		{args: []string{"-param.to2", `"x"`, "-param.period", "1"}, want: "unknown parameter to2 for flow Relay (have: period, to)"},
		{args: []string{"-param.to", "{"}, want: "flow Relay: parameter to (-param.to): invalid JSON for string: unexpected EOF"},
		{args: []string{"-param.to", `"a" "b"`}, want: "flow Relay: parameter to (-param.to): data after the JSON value"},
		{args: []string{"-param.to", "1"}, want: "flow Relay: parameter to (-param.to): json: cannot unmarshal number into Go value of type string"},
		{args: []string{"-param.to", "@/nonexistent/to.json"}, want: "flow Relay: parameter to (-param.to): open /nonexistent/to.json: no such file or directory"},
		{env: map[string]string{"HYDRO_PARAM_PERIOD": `"soon"`}, want: `flow Relay: parameter period (HYDRO_PARAM_PERIOD): time: invalid duration "soon"`},
		{args: []string{"-in.nope.file", "x", "-out.nope.quiet"}, want: "unknown input nope for flow Relay (have: in)\nunknown output nope for flow Relay (have: out)"},
		{args: []string{"-peers", "relay=127.0.0.1:7001", "-member", "1"}, want: "member 1 of relay: -peers lists 1 member(s) of relay"},
		{args: []string{"-peers", "relay=127.0.0.1:7001", "-listen", "127.0.0.1:0"}, want: "-listen 127.0.0.1:0 picks a random port, but -peers says relay/0 is at 127.0.0.1:7001"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			err := Run(context.Background(), relayRole("relay"), tt.args, envOf(tt.env), io.Discard, io.Discard)
			require.EqualError(t, err, tt.want)
			var buf bytes.Buffer
			require.Equal(t, 2, report("relay", err, &buf))
			for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
				require.True(t, strings.HasPrefix(line, "relay: "), line)
			}
		})
	}
}

func TestHelpPrintsTheFlags(t *testing.T) {
	var stderr bytes.Buffer
	r := Role{Name: "server", Flows: map[string]Builder{"Figure6": buildRelay, "Figure8": buildRelay}}
	err := Run(context.Background(), r, []string{"-h"}, noEnv, io.Discard, &stderr)
	require.ErrorIs(t, err, flag.ErrHelp)
	require.Equal(t, 0, report("server", err, io.Discard))
	for _, s := range []string{"usage: server [flags]", "Figure6 | Figure8", "-param.NAME VALUE", "HYDRO_PEERS", "-in.NAME.file PATH", "-out.NAME.quiet"} {
		require.Contains(t, stderr.String(), s)
	}
}

func TestReport(t *testing.T) {
	var buf bytes.Buffer
	require.Equal(t, 0, report("x", nil, &buf))
	require.Equal(t, 1, report("x", errors.New("first\nsecond"), &buf))
	require.Equal(t, "x: first\nx: second\n", buf.String())
	buf.Reset()
	require.Equal(t, 2, report("x", fmt.Errorf("flow F: %w", usagef("bad")), &buf))
	require.Equal(t, "x: flow F: bad\nx: run 'x -h' for the flags\n", buf.String())
}

func TestPortMisuseIsReported(t *testing.T) {
	build := func(env *Env) (hydro.NetNode, error) {
		in := Input(env, inPort)
		require.Equal(t, in, Input(env, inPort), "the same port twice is the same Input")
		Output(env, hydro.Port[note]{Name: "clash", Tag: inPort.Tag, Append: appendNote})
		Output(env, hydro.Port[note]{Name: "low", Tag: 7, Append: appendNote})
		Input(env, hydro.Port[note]{Name: "nocodec", Tag: hydro.PortTagBase + 8})
		return &relay{in: in}, nil
	}
	err := Run(context.Background(), Role{Name: "x", Flows: map[string]Builder{"F": build}}, nil, noEnv, io.Discard, io.Discard)
	require.EqualError(t, err, "output clash: tag 0x8000 is already the tag of input in\n"+
		"output low: tag 0x7 is below hydro.PortTagBase\n"+
		"input nocodec: the port has no codec")
	require.Equal(t, 1, report("x", err, io.Discard))
}

func TestParamValues(t *testing.T) {
	type config struct {
		N     int
		Names []string
	}
	dir := t.TempDir()
	file := writeFileIn(t, dir, "c.json", `{"N": 2, "Names": ["a"]}`)
	tests := []struct {
		value string
		want  config
		err   string
	}{
		{value: `{"N":1}`, want: config{N: 1}},
		{value: "@" + file, want: config{N: 2, Names: []string{"a"}}},
		{value: ` {"Names":null} `, want: config{}},
		{value: `{"M":1}`, err: `parameter c (-param.c): json: unknown field "M"`},
		{value: `@` + dir + "/none.json", err: "no such file"},
		{value: ``, err: "parameter c (-param.c): no JSON value"},
	}
	for _, tt := range tests {
		env := testEnv(t, []string{"-param.c", tt.value}, nil)
		got, err := Param[config](env, "c")
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tt.want, got)
	}

	env := testEnv(t, nil, map[string]string{"HYDRO_PARAM_MAXWAIT": "1500000000", "HYDRO_PARAM_RETRY": `"2m"`})
	d, err := Param[time.Duration](env, "maxWait")
	require.NoError(t, err)
	require.Equal(t, 1500*time.Millisecond, d)
	d, err = Param[time.Duration](env, "retry")
	require.NoError(t, err)
	require.Equal(t, 2*time.Minute, d)
	z, err := Param[[]config](env, "unset")
	require.NoError(t, err)
	require.Nil(t, z)
}

// testEnv returns an Env for calling Param without running a node.
func testEnv(t *testing.T, args []string, vars map[string]string) *Env {
	t.Helper()
	o, err := parseArgs(relayRole("t"), args, envOf(vars), io.Discard)
	require.NoError(t, err)
	return &Env{opts: o, getenv: envOf(vars), ports: map[uint16]port{}, Logger: slog.New(slog.DiscardHandler)}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	return writeFileIn(t, t.TempDir(), name, content)
}

func writeFileIn(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o666))
	return path
}
