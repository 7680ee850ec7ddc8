package main

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/examples/shopping"
	"github.com/hydrogo/hydro/hydro"
)

// The shopping carts across real processes: hydrogen run builds the
// generated mains of examples/shopping, starts them on loopback and feeds
// the client the committed sample workload (data/, written by go generate
// with 5 clients and seed 1).

var outLine = regexp.MustCompile(`^\[(server(?:/\d+)?)\] out (\{.*\})$`)

func sampleCarts() []shopping.Cart { return shopping.NewWorkload(1, 5, 6).ExpectedCarts() }

// TestRunShoppingFiguresAsProcesses runs every single-server figure: the
// one-process Figures 2-5, and the client/server splits of Figures 6 and 7,
// hand-written and derived from Figure 2 by walk.hydroplan (the derived
// ones read Figure 2's requests). Each must release exactly the sample's
// checked-out carts.
func TestRunShoppingFiguresAsProcesses(t *testing.T) {
	want := sampleCarts()
	for flow, input := range map[string]string{
		"Figure2": "requests.jsonl", "Figure3": "prefixes.jsonl", "Figure4": "sessions.jsonl",
		"Figure5": "sessions.jsonl", "Figure6": "sessions.jsonl", "Figure7": "sessions.jsonl",
		"Figure4Derived": "requests.jsonl", "Figure5Derived": "requests.jsonl",
		"Figure6Derived": "requests.jsonl", "Figure7Derived": "requests.jsonl",
	} {
		t.Run(flow, func(t *testing.T) {
			t.Parallel()
			status, stdout, stderr := launchRun(t, "-flow", flow, "-outputs", "5", "../../examples/shopping", "--",
				"-param.classes=@data/classes.json", "-in.shopping.file=data/"+input)
			require.Equal(t, 0, status, stderr)
			var got []shopping.Cart
			for _, l := range lines(stdout) {
				m := outLine.FindStringSubmatch(l)
				require.NotNil(t, m, "line %q", l)
				require.Equal(t, "server", m[1])
				var c shopping.Cart
				require.NoError(t, json.Unmarshal([]byte(m[2]), &c))
				got = append(got, c)
			}
			require.ElementsMatch(t, want, got)
		})
	}
}

func TestRunShoppingFigure8AcrossProcesses(t *testing.T) {
	t.Parallel()
	want := sampleCarts()
	const replicas = 3
	status, stdout, stderr := launchRun(t, "-flow", "Figure8", "-n", "server=3", "-outputs", "15", "../../examples/shopping", "--",
		"-param.classes=@data/classes.json", "-in.shopping.file=data/sessions.jsonl")
	require.Equal(t, 0, status, stderr)
	per := map[hydro.MemberID][]shopping.Cart{}
	for _, l := range lines(stdout) {
		m := outLine.FindStringSubmatch(l)
		require.NotNil(t, m, "line %q", l)
		var rc shopping.ReplicaCart
		require.NoError(t, json.Unmarshal([]byte(m[2]), &rc))
		require.Equal(t, "server/"+string('0'+rune(rc.Replica)), m[1], "a replica releases its own carts")
		per[rc.Replica] = append(per[rc.Replica], rc.Cart)
	}
	for r := range hydro.MemberID(replicas) {
		require.ElementsMatch(t, want, per[r], "replica %d", r)
	}
}
