package rewrite_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSealingOfPaxosP1b checks how far partitioning examples/paxos's
// acceptors by slot with the P1b sealed gets alone: the P1b's log is a
// lattice fold, and its hydro.DemuxBy answers the proposer the promise
// names, but the P1b answers each raise of the promise — a hydro.Unique of
// the acceptor's own state — which sealing alone does not take as a
// trigger: its trigger is a network input sent to every partition.
func TestSealingOfPaxosP1b(t *testing.T) {
	_, err := derive(t, "./examples/paxos", "Paxos", "derive X from Paxos\npartition acceptor into 2 sealing p1bsFrom\n")
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, fmt.Sprintf(`paxos.go:%d:24: partition acceptor into 2 sealing p1bsFrom: hydro.Unique lies between the trigger and hydro.CrossJoin (`, paxosLine(t, "raised := ")))
	assert.Contains(t, msg, `is not functional (keeps state)`)
	assert.NotContains(t, msg, "chooses", "the DemuxBy's receiver is known to come from the trigger")
}

// paxosLine returns the line of examples/paxos/paxos.go that holds text,
// so that the tests name the operators of the flow wherever its other
// parts move them.
func paxosLine(t *testing.T, text string) int {
	t.Helper()
	b, err := os.ReadFile("../../examples/paxos/paxos.go")
	require.NoError(t, err)
	for i, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, text) {
			return i + 1
		}
	}
	t.Fatalf("no line of examples/paxos/paxos.go holds %q", text)
	return 0
}

// TestPaxosRefusalsAsDocumented checks the refusals docs/rewrites.md
// quotes for examples/paxos: each line "paxos.go:LINE:COL: error: STEP:
// ..." is what deriving Paxos with STEP prints, its positions (which move
// with paxos.go's text) written LINE:COL.
func TestPaxosRefusalsAsDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/rewrites.md")
	require.NoError(t, err)
	const prefix = "paxos.go:LINE:COL: error: "
	pos := regexp.MustCompile(`[^\s(]*paxos\.go:\d+:\d+`) // with any directory: hydrogen prints the file relative to where it runs
	var quoted int
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		quoted++
		step, _, ok := strings.Cut(strings.TrimPrefix(line, prefix), ": ")
		require.True(t, ok, "no step in %q", line)
		_, err := derive(t, "./examples/paxos", "Paxos", "derive X from Paxos\n"+step+"\n")
		require.Error(t, err, step)
		var got []string
		for _, l := range strings.Split(err.Error(), "\n") {
			if i := strings.Index(l, "paxos.go:"); i >= 0 && strings.Contains(l, step) {
				got = append(got, pos.ReplaceAllString(l[i:], "paxos.go:LINE:COL"))
			}
		}
		assert.Contains(t, got, strings.Replace(line, " error: ", " ", 1), "docs/rewrites.md quotes a refusal hydrogen does not print")
	}
	assert.Equal(t, 2, quoted, "the refusals docs/rewrites.md quotes for paxos.go")
}
