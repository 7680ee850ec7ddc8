package deploy

import (
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/internal/syncbuf"
	"github.com/hydrogo/hydro/netio"
)

func TestParsePeers(t *testing.T) {
	got, err := parsePeers(" server = 10.0.0.1:7000 , server-1.svc:7000 ; client=[::1]:9;; ")
	require.NoError(t, err)
	require.Equal(t, map[string][]netio.Addr{
		"server": {"10.0.0.1:7000", "server-1.svc:7000"},
		"client": {"[::1]:9"},
	}, got)
	require.Equal(t, "client=[::1]:9;server=10.0.0.1:7000,server-1.svc:7000", formatPeers(got))

	got, err = parsePeers("")
	require.NoError(t, err)
	require.Empty(t, got)

	for s, want := range map[string]string{
		"server":                    `"server": want location=host:port[,host:port...]`,
		"=a:1":                      `"=a:1": want location=host:port[,host:port...]`,
		"a b=h:1":                   `location name "a b" contains a space`,
		"a=h:1;a=h:2":               "location a is listed twice",
		"a=":                        "location a, member 0: empty address",
		"a=h:1,,h:2":                "location a, member 1: empty address",
		"a=h":                       `location a, member 0: address "h": want host:port`,
		"a=:80":                     `location a, member 0: address ":80": missing or invalid host`,
		"a=h:0":                     `location a, member 0: address "h:0": port must be a number in 1..65535`,
		"a=h:http":                  `location a, member 0: address "h:http": port must be a number in 1..65535`,
		"a=h:65536":                 `location a, member 0: address "h:65536": port must be a number in 1..65535`,
		"a=h:1,h:2,h:1":             "location a: members 0 and 2 have the same address h:1",
		"a=h:1;b=h:2,[::1:3":        `location b, member 1: address "[::1:3": want host:port`,
		"a=h:1;b=h:2,h x:3;c=h:4":   `location b, member 1: address "h x:3": missing or invalid host`,
		"a=h:1;b=h:2;c=h:3;a=h:4":   "location a is listed twice",
		"a=h:1;b=h:2,h:3,h:2;c=h:4": "location b: members 0 and 2 have the same address h:2",
	} {
		_, err := parsePeers(s)
		require.EqualError(t, err, want, s)
	}
}

// FuzzParsePeers checks that parsePeers never panics and that what it
// accepts prints back to an equivalent specification.
func FuzzParsePeers(f *testing.F) {
	for _, s := range []string{
		"a=127.0.0.1:1", "server=h:1,h:2;client=[::1]:9", " a = h:1 ;; b=h:2, h:3 ", "a=h:1;a=h:2", "a=h:0", "=", ";", ",", "a=[::1]:80,[fe80::1%eth0]:80",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		peers, err := parsePeers(s)
		if err != nil {
			return
		}
		again, err := parsePeers(formatPeers(peers))
		if err != nil {
			t.Fatalf("%q parsed to %v, whose form %q does not parse: %v", s, peers, formatPeers(peers), err)
		}
		if formatPeers(again) != formatPeers(peers) {
			t.Fatalf("%q: %q reparses to %q", s, formatPeers(peers), formatPeers(again))
		}
		for loc, addrs := range peers {
			if loc == "" || len(addrs) == 0 {
				t.Fatalf("%q: location %q with %d addresses", s, loc, len(addrs))
			}
		}
	})
}

func TestEnvName(t *testing.T) {
	require.Equal(t, "HYDRO_LOG_LEVEL", envName("log-level"))
	require.Equal(t, "HYDRO_PARAM_MAXITEMS", envName("param.maxItems"))
	require.Equal(t, "HYDRO_IN_SHOPPING_FILE", envName("in.shopping.file"))
	require.Equal(t, "HYDRO_OUT_CARTS_QUIET", envName("out.carts.quiet"))
}

// TestMainProcess runs Main in a child process: the exit status for a usage
// error, for a failure, and for a stop by SIGINT.
func TestMainProcess(t *testing.T) {
	if args, ok := os.LookupEnv("DEPLOY_TEST_MAIN_ARGS"); ok {
		os.Args = append([]string{"relay"}, strings.Fields(args)...)
		Main(relayRole("relay"))
		return
	}
	if runtime.GOOS == "windows" {
		t.Skip("sends SIGINT")
	}
	child := func(args string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$")
		cmd.Env = append(os.Environ(), "DEPLOY_TEST_MAIN_ARGS="+args)
		return cmd
	}

	out, err := child("-bogus").CombinedOutput()
	require.Error(t, err)
	require.Equal(t, 2, err.(*exec.ExitError).ExitCode())
	require.Equal(t, "relay: flag provided but not defined: -bogus\nrelay: run 'relay -h' for the flags\n", string(out))

	out, err = child("").CombinedOutput()
	require.Error(t, err)
	require.Equal(t, 2, err.(*exec.ExitError).ExitCode())
	require.Contains(t, string(out), "relay: no credentials: give -certs DIR")

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	out, err = child("-insecure-plaintext -listen " + busy.Addr().String()).CombinedOutput()
	require.Error(t, err)
	require.Equal(t, 1, err.(*exec.ExitError).ExitCode())
	require.Contains(t, string(out), "address already in use")

	cmd := child("-certs " + testCerts() + " -param.period 10000000000")
	var stderr syncbuf.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "node started") }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	require.NoError(t, cmd.Wait(), stderr.String())
}

func TestLimitFlags(t *testing.T) {
	o, err := parseArgs(relayRole("r"), []string{"-idle-timeout", "5s", "-max-conns=7"}, envOf(map[string]string{"HYDRO_INBOX_BYTES": "1024"}), io.Discard)
	require.NoError(t, err)
	want := defaultLimits()
	want.idleTimeout, want.maxConns, want.inboxBytes = 5*time.Second, 7, 1024
	require.Equal(t, want, o.limits)
	_, err = parseArgs(relayRole("r"), []string{"-idle-timeout", "0s", "-max-conns", "x"}, noEnv, io.Discard)
	require.EqualError(t, err, "-idle-timeout \"0s\": want a positive duration such as 30s\n-max-conns \"x\": want a positive integer")
	var ue *usageError
	require.ErrorAs(t, err, &ue)
}

func TestFsyncFlag(t *testing.T) {
	o, err := parseArgs(relayRole("r"), nil, noEnv, io.Discard)
	require.NoError(t, err)
	require.False(t, o.noSync, "syncs by default")
	o, err = parseArgs(relayRole("r"), []string{"-fsync=false"}, noEnv, io.Discard)
	require.NoError(t, err)
	require.True(t, o.noSync)
	o, err = parseArgs(relayRole("r"), nil, envOf(map[string]string{"HYDRO_FSYNC": "0"}), io.Discard)
	require.NoError(t, err)
	require.True(t, o.noSync)
	_, err = parseArgs(relayRole("r"), []string{"-fsync", "sometimes"}, noEnv, io.Discard)
	require.EqualError(t, err, `-fsync "sometimes": want true or false`)
}
