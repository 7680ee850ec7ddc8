package main

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/examples/shopping"
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
		"Figure3Derived": "requests.jsonl", "Figure4Derived": "requests.jsonl", "Figure5Derived": "requests.jsonl",
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

// TestRunShoppingFigure8AcrossProcesses runs the replicated figures with
// three replicas: the hand-written Figure 8, whose replicas mark their carts,
// and Figure8Derived, derived from Figure 2 by walk.hydroplan, which
// releases Figure 2's carts (told apart by the replica's output prefix).
// Every replica must release exactly the sample's checked-out carts.
func TestRunShoppingFigure8AcrossProcesses(t *testing.T) {
	want := sampleCarts()
	const replicas = 3
	for flow, input := range map[string]string{"Figure8": "sessions.jsonl", "Figure8Derived": "requests.jsonl"} {
		t.Run(flow, func(t *testing.T) {
			t.Parallel()
			status, stdout, stderr := launchRun(t, "-flow", flow, "-n", "server=3", "-outputs", "15", "../../examples/shopping", "--",
				"-param.classes=@data/classes.json", "-in.shopping.file=data/"+input)
			require.Equal(t, 0, status, stderr)
			per := map[string][]shopping.Cart{}
			for _, l := range lines(stdout) {
				m := outLine.FindStringSubmatch(l)
				require.NotNil(t, m, "line %q", l)
				var c shopping.Cart
				if flow == "Figure8" {
					var rc shopping.ReplicaCart
					require.NoError(t, json.Unmarshal([]byte(m[2]), &rc))
					require.Equal(t, "server/"+string('0'+rune(rc.Replica)), m[1], "a replica releases its own carts")
					c = rc.Cart
				} else {
					require.NoError(t, json.Unmarshal([]byte(m[2]), &c))
				}
				per[m[1]] = append(per[m[1]], c)
			}
			for r := range replicas {
				require.ElementsMatch(t, want, per["server/"+string('0'+rune(r))], "replica %d", r)
			}
		})
	}
}
