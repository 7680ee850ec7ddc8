package rewrite_test

import (
	"fmt"
	"os"
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
