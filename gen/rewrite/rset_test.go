package rewrite_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/gen/rewrite"
	"github.com/hydrogo/hydro/internal/ir"
)

// TestRSetPlanRefusals checks, for each rewrite examples/rset/rset.hydroplan
// applies, that a plan on the same base flow whose precondition fails is
// refused with a diagnostic at the operator that breaks it, saying why.
func TestRSetPlanRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, flow, step, want string
	}{
		{"independent", "RSet", "decouple independent voted,open,carry,tallies,decided,done,commit,repeat to collector",
			`rset.go:182:33: decouple independent voted,open,carry,tallies,decided,done,commit,repeat to collector: hydro.Union reads the output of hydro.FilterMap (`},
		{"functional", "RSetHighest", "decouple functional answered,answer to encrypter",
			`rset.go:256:29: decouple functional answered,answer to encrypter: hydro.CrossJoin (bound to answered) is not functional: keeps state`},
		{"monotonic", "RSetBallot", "decouple monotonic stamps,replied,answer to replier",
			`rset.go:213:22: decouple monotonic stamps,replied,answer to replier: hydro.Join (bound to stamps) keeps its left for one tick (hydro.Tick)`},
		{"co-hashing", "RSet", "partition client into 2",
			`rset.go:155:23: partition client into 2: location "client" reads the flow's input commands, so it is a client; clients are outside the rewrites`},
		{"dependencies", "RSetCollisions", "partition replica into 2 by ID",
			`rset.go:286:25: partition replica into 2 by ID: location "replica" cannot be partitioned by ID: hydro.Unique (`},
		{"every item", "RSetInteger", "partition replica into 2",
			`rset.go:332:29: partition replica into 2: location "replica" cannot be partitioned: hydro.LatticeFold (`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := derive(t, "./examples/rset", tc.flow, "derive X from "+tc.flow+"\n"+tc.step+"\n")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestPartialPartitioningOfRSetInteger checks the shape of RSetInteger's
// replicas partially partitioned: the leader numbers its publications and
// sends them to every partition; a partition votes in its own name, merges
// the publications into the replicated fold, and holds the commands it
// receives behind the gate.
func TestPartialPartitioningOfRSetInteger(t *testing.T) {
	g, err := derive(t, "./examples/rset", "RSetInteger", "derive X from RSetInteger\npartition replica into 2 replicating latest every 100ms\n")
	require.NoError(t, err)
	assert.Equal(t, 2, g.Location("replica").Partitions)
	node(t, g, "leader", "hydro.Enumerate")
	var replicated, own int
	for _, n := range g.Nodes {
		syn := parse.SyntaxOf(n)
		if syn.Replicated {
			replicated++
			assert.Equal(t, "hydro.Broadcast", n.Spec.API)
			assert.Equal(t, "replica", g.Locations[n.Loc].Name)
		}
		if syn.OwnMember {
			own++
		}
	}
	assert.Equal(t, 2, replicated, "publications and commit marks reach every partition")
	assert.Equal(t, 1, own, "a partition votes in its own name")
	// The fold of the integers merges publications, from the network.
	var fold *ir.Node
	for _, n := range g.Nodes {
		if n.Spec.API == "hydro.LatticeFold" && g.Locations[n.Loc].Name == "replica" && n.Pos.Line == 332 {
			fold = n
		}
	}
	require.NotNil(t, fold)
	assert.True(t, parse.SyntaxOf(g.Nodes[g.Nodes[fold.Inputs[0]].Inputs[0]]).Replicated)
}

// TestPartialPartitioningRefusals checks that a partial partitioning whose
// precondition fails is refused at the operator that breaks it.
func TestPartialPartitioningRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, flow, step, want string
	}{
		{"not a fold", "RSetInteger", "partition replica into 2 replicating acks every 100ms",
			`rset.go:333:25: partition replica into 2 replicating acks every 100ms: hydro.CrossJoin (bound to acks) is not a hydro.LatticeFold`},
		{"not functional", "RSetBallot", "partition leader into 2 replicating ballot every 100ms",
			`rset.go:211:39: partition leader into 2 replicating ballot every 100ms: hydro.Map feeds hydro.LatticeFold (bound to ballot) and is not functional (highestOf is not known to be pure`},
		{"no location", "RSetInteger", "partition nowhere into 2 replicating latest every 100ms",
			`test.hydroplan:2:1: partition nowhere into 2 replicating latest every 100ms: flow RSetInteger has no location "nowhere"`},
		{"elsewhere", "RSetInteger", "partition leader into 2 replicating latest every 100ms",
			`rset.go:332:29: partition leader into 2 replicating latest every 100ms: hydro.LatticeFold (bound to latest) is at location "replica", not "leader"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := derive(t, "./examples/rset", tc.flow, "derive X from "+tc.flow+"\n"+tc.step+"\n")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestPartialPartitioningPlanLines(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"partition replica into 2 replicating latest,other every 100ms", "partial partitioning replicates one lattice fold"},
		{"partition replica into 2 replicating latest every soon", "the resend period must be a positive duration"},
		{"partition replica into 2 replicating latest", `want "partition ROLE into N replicating FOLD every DURATION"`},
	} {
		_, errs := rewrite.ParsePlans("p.hydroplan", []byte("derive X from Y\n"+tc.line+"\n"))
		require.NotEmpty(t, errs, tc.line)
		assert.Contains(t, errs[0].Error(), "p.hydroplan:2:1: ")
		assert.Contains(t, errs[0].Error(), tc.want)
	}
}
