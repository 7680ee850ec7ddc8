package rewrite_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSealingOfPaxosP1b checks how far partitioning examples/paxos's
// acceptors by slot with the P1b sealed gets: the P1b's log is a lattice
// fold crossed with the P1a, and its hydro.DemuxBy answers the proposer the
// P1a names, so the step is refused only at the promise: state the P1a is
// joined with, which partial partitioning would replicate.
func TestSealingOfPaxosP1b(t *testing.T) {
	_, err := derive(t, "./examples/paxos", "Paxos", "derive X from Paxos\npartition acceptor into 2 sealing p1bsFrom\n")
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, `partition acceptor into 2 sealing p1bsFrom: hydro.LatticeFold (bound to promise) is state of "acceptor" that the trigger is joined with before hydro.CrossJoin (`)
	assert.Contains(t, msg, `it must be the same at every partition, replicated (partial partitioning, "replicating"), which sealing does not do`)
	assert.NotContains(t, msg, "chooses", "the DemuxBy's receiver is known to come from the P1a")
}
