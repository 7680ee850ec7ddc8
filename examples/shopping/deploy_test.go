package shopping

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/deploy"
	"github.com/hydrogo/hydro/internal/syncbuf"
)

// TestFigure8ServerServesDurableMetrics runs Figure 8's client and one
// replica as deployed nodes, the replica with a data directory, and reads
// what its durable state cost from its metrics endpoint.
func TestFigure8ServerServesDurableMetrics(t *testing.T) {
	free := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		return ln.Addr().String()
	}
	peers := "server=" + free() + ";client=" + free()
	server := deploy.Role{Name: "server", Flows: map[string]deploy.Builder{"Figure8": func(env *deploy.Env) (hydro.NetNode, error) {
		classes, err := deploy.Param[[]ClientClass](env, "classes")
		if err != nil {
			return nil, err
		}
		return NewFigure8Server(hydro.Input[Session]{}, classes, deploy.Output(env, Figure8OutPort())), nil
	}}}
	client := deploy.Role{Name: "client", Flows: map[string]deploy.Builder{"Figure8": func(env *deploy.Env) (hydro.NetNode, error) {
		return NewFigure8Client(deploy.Input(env, Figure8ShoppingPort()), nil, hydro.Output[ReplicaCart]{}), nil
	}}}
	var wg sync.WaitGroup
	var cancels []context.CancelFunc
	t.Cleanup(func() {
		for _, c := range cancels {
			c()
		}
		wg.Wait()
	})
	run := func(r deploy.Role, stdout, stderr io.Writer, args ...string) (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		cancels = append(cancels, cancel)
		done := make(chan struct{})
		args = append([]string{"-insecure-plaintext", "-peers", peers}, args...)
		wg.Go(func() {
			defer close(done)
			if err := deploy.Run(ctx, r, args, func(string) string { return "" }, stdout, stderr); err != nil {
				t.Errorf("%s: %v", r.Name, err)
			}
		})
		return func() { cancel(); <-done }
	}
	data := t.TempDir()
	serverArgs := []string{"-data", data, "-metrics", "127.0.0.1:0", "-param.classes", "@data/classes.json"}
	var srvOut, srvErr, cliErr syncbuf.Buffer
	stopServer := run(server, &srvOut, &srvErr, serverArgs...)
	run(client, io.Discard, &cliErr, "-in.shopping.file", "data/sessions.jsonl")

	// Every checked-out cart of the workload is released by the replica.
	checkedOut := map[string]bool{}
	for _, m := range regexp.MustCompile(`\{"Client":(\d+),.*"Checkout":true`).FindAllStringSubmatch(readFile(t, "data/sessions.jsonl"), -1) {
		checkedOut[m[1]] = true
	}
	require.NotEmpty(t, checkedOut)
	require.Eventually(t, func() bool { return strings.Count(srvOut.String(), "\n") >= len(checkedOut) }, 10*time.Second, 10*time.Millisecond,
		"the replica did not release every cart; stderr:\n%s\n%s", srvErr.String(), cliErr.String())

	got := durableMetrics(t, srvErr.String())
	require.Positive(t, got["hydro_durable_syncs_total"], "%v", got)
	require.Equal(t, got["hydro_durable_syncs_total"], got["hydro_durable_sync_duration_seconds_count"], "one latency per sync")
	require.Positive(t, got["hydro_durable_sync_duration_seconds_sum"])
	require.GreaterOrEqual(t, got["hydro_durable_records_total"], got["hydro_durable_syncs_total"], "a sync commits at least one record")
	require.Greater(t, got["hydro_durable_bytes_total"], got["hydro_durable_records_total"])
	require.Zero(t, got["hydro_durable_recovered_records"], "a fresh data directory")
	require.Contains(t, got, "hydro_durable_snapshot_duration_seconds_count")
	logged := got["hydro_durable_records_total"]

	// Restarted on its data directory, the replica replays what it logged.
	stopServer()
	srvErr = syncbuf.Buffer{}
	run(server, io.Discard, &srvErr, serverArgs...)
	require.Eventually(t, func() bool { return strings.Contains(srvErr.String(), "metrics listening") }, 10*time.Second, 10*time.Millisecond)
	got = durableMetrics(t, srvErr.String())
	// The first replica may have logged more (the client resends until it
	// is acknowledged) after the scrape.
	require.GreaterOrEqual(t, got["hydro_durable_recovered_records"], logged, "%v", got)
}

// durableMetrics returns the hydro_durable_ samples of the node whose
// standard error is stderr.
func durableMetrics(t *testing.T, stderr string) map[string]float64 {
	t.Helper()
	m := regexp.MustCompile(`msg="metrics listening".* addr=(\S+)`).FindStringSubmatch(stderr)
	require.NotNil(t, m, stderr)
	resp, err := http.Get("http://" + m[1] + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	got := map[string]float64{}
	for line := range strings.SplitSeq(string(body), "\n") {
		name, v, ok := strings.Cut(line, " ")
		if ok && strings.HasPrefix(name, "hydro_durable_") {
			got[name], err = strconv.ParseFloat(v, 64)
			require.NoError(t, err, line)
		}
	}
	return got
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}
