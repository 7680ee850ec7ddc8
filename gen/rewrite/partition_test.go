package rewrite_test

import (
	"fmt"
	"go/types"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/gen/rewrite"
	"github.com/hydrogo/hydro/internal/ir"
)

// partKey returns the names of the fields network operator n routes by into
// its partitioned location.
func partKey(n *ir.Node) []string {
	var names []string
	if k := parse.SyntaxOf(n).Part; k != nil {
		for _, f := range k.Fields {
			names = append(names, f.Name())
		}
	}
	return names
}

func TestPartitionByCoHashing(t *testing.T) {
	g, err := derive(t, "./gen/rewrite/testdata/shop", "Shop", "derive Shop2 from Shop\npartition server into 4\n")
	require.NoError(t, err)
	server := g.Location("server")
	assert.Equal(t, 4, server.Partitions)
	assert.Equal(t, ir.ProcessLoc, server.Kind, "the base location's kind stays")
	// Both streams into the server become Demuxes routed by the join's key,
	// which the orders hold as Item before the Map that renames nothing.
	j := node(t, g, "server", "hydro.Join")
	want := g.Nodes[g.Nodes[j.Inputs[0]].Inputs[0]]
	stock := g.Nodes[j.Inputs[1]]
	for _, n := range []*ir.Node{want, stock} {
		assert.Equal(t, "hydro.Demux", n.Spec.API)
		assert.Equal(t, []string{"Item"}, partKey(n))
	}
	// The answers go back to the client as before, from every partition.
	assert.Equal(t, "hydro.Send", g.Nodes[g.Consumers()[j.ID][0].To].Spec.API)
}

func TestPartitionOfAClusterComposes(t *testing.T) {
	g, err := derive(t, "./examples/voting", "Voting", "derive V2 from Voting\npartition participant into 5 by ID\n")
	require.NoError(t, err)
	p := g.Location("participant")
	assert.Equal(t, ir.ClusterLoc, p.Kind)
	assert.Equal(t, 5, p.Partitions)
	b := node(t, g, "participant", "hydro.Broadcast")
	assert.Equal(t, []string{"ID"}, partKey(b), "a broadcast reaches one partition of every participant, chosen by the request's ID")
}

// TestPartitionRefusals checks that a partitioning whose precondition fails
// is a diagnostic at the operator that breaks it, saying why.
func TestPartitionRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, pkg, flow, step, want string
	}{
		{"inconsistent key", "./gen/rewrite/testdata/shop", "Shop", "partition server into 2 by Warehouse",
			`shop.go:44:22: partition server into 2 by Warehouse: location "server" cannot be partitioned by Warehouse: hydro.Join (`},
		{"no such field", "./gen/rewrite/testdata/shop", "Shop", "partition server into 2 by Price",
			`shop.go:42:31: partition server into 2 by Price: location "server" cannot be partitioned by Price: hydro.Send (`},
		{"no such field where nothing combines", "./examples/rset", "RSet", "partition replica into 2 by Nope",
			`rset.go:167:29: partition replica into 2 by Nope: location "replica" cannot be partitioned by Nope: hydro.Broadcast (`},
		{"one field of two nowhere", "./gen/rewrite/testdata/shop", "Shop", "partition server into 2 by Item,Nope",
			`partition server into 2 by Item,Nope: location "server" cannot be partitioned by Item,Nope: hydro.Send (`},
		{"every item", "./gen/rewrite/testdata/shop", "Count", "partition server into 2",
			`shop.go:53:17: partition server into 2: location "server" cannot be partitioned: hydro.Fold (`},
		{"two entering streams paired", "./gen/rewrite/testdata/shop", "Pair", "partition server into 2",
			`remind.go:33:39: partition server into 2: location "server" cannot be partitioned: hydro.CrossJoin (`},
		{"client", "./examples/voting", "Voting", "partition client into 2",
			`voting.go:73:23: partition client into 2: location "client" reads the flow's input requests, so it is a client; clients are outside the rewrites`},
		{"no location", "./examples/voting", "Voting", "partition nowhere into 2", `flow Voting has no location "nowhere"`},
		{"twice", "./examples/voting", "Voting", "partition leader into 2\npartition leader into 3", `location "leader" is already partitioned into 2`},
		{"decouple after", "./examples/voting", "Voting", "partition leader into 2\ndecouple functional ballots to broadcaster", `location "leader" is partitioned; decouple before partitioning`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refused(t, tc.pkg, tc.flow, tc.step, tc.want)
		})
	}
}

func TestPartitionWithDependencies(t *testing.T) {
	g, err := derive(t, "./examples/hashset", "Hashset", "derive H2 from Hashset\npartition storage into 4\n")
	require.NoError(t, err)
	// A storage node combines values by hash, which the signed writes it
	// receives do not carry: the leader computes it, with the expression
	// the storage node's FilterMap computes it by, to pick the partition.
	b := node(t, g, "storage", "hydro.Broadcast")
	syn := parse.SyntaxOf(b)
	require.NotNil(t, syn.PartExpr)
	assert.Equal(t, "s", syn.PartParam.Name())
	assert.Equal(t, "Hash(s.Value)", types.ExprString(syn.PartExpr))

	_, err = derive(t, "./examples/hashset", "Hashset", "derive H3 from Hashset\npartition storage into 4 by Value\n")
	require.Error(t, err)
	// At the keyed fold of the buckets, whatever line it is on.
	fold := node(t, g, "storage", "hydro.FoldKeyed")
	assert.Contains(t, err.Error(), fmt.Sprintf(`%s: partition storage into 4 by Value: location "storage" cannot be partitioned by Value: hydro.FoldKeyed (`, fold.Pos))
}

// TestPartitionThroughClocksAndCycles checks that a cross join with a
// Timer, whose readings every partition takes from its own clock, does not
// block partitioning, and that the key is followed through a cycle that
// carries items to the next tick.
func TestPartitionThroughClocksAndCycles(t *testing.T) {
	g, err := derive(t, "./gen/rewrite/testdata/shop", "Remind", "derive R2 from Remind\npartition server into 3\n")
	require.NoError(t, err)
	// Orders and cancellations meet at the anti-join, keyed by ID, also
	// when the order is held over from an earlier tick.
	var routed int
	for _, n := range g.Nodes {
		if g.Locations[n.Loc].Name == "server" && n.Spec.API == "hydro.Demux" {
			assert.Equal(t, []string{"ID"}, partKey(n), "%s", n.Pos)
			routed++
		}
	}
	assert.Equal(t, 2, routed)
	// The timer stays at every partition.
	assert.Equal(t, "server", g.Locations[node(t, g, "server", "hydro.Timer").Loc].Name)

	_, err = derive(t, "./gen/rewrite/testdata/shop", "Remind", "derive R3 from Remind\npartition server into 3 by Customer\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `cannot be partitioned by Customer: hydro.AntiJoin (`)
}

func TestPartitionScalableTwoPC(t *testing.T) {
	g, err := derive(t, "./examples/twopc", "TwoPC", `derive S from TwoPC
decouple functional prepares to voterequester
decouple independent n,voted,inquired,later,decisionLog,decidedBefore,refusedBefore,open,heard,tallies,decided,carry,deferDecisions,redrive,outcomesTold,broadcast,redriven,aborts,abortsAnswered to committer
decouple independent m,acked,over,openAcks,ackSets,complete,carryAcks,ends,overAfter,commits,commitsAnswered to ender
partition committer into 5
partition ender into 5
partition participant into 5
`)
	require.NoError(t, err)
	// Everything entering the committer, the ender and a participant is
	// routed by the transaction ID, followed through their cycles, their
	// FilterMaps and their cross joins with a Timer.
	for _, loc := range []string{"committer", "ender", "participant"} {
		routed := 0
		for _, n := range g.Nodes {
			if g.Locations[n.Loc].Name == loc && n.Spec.Network {
				assert.Equal(t, []string{"ID"}, partKey(n), "%s at %s", n.Spec.API, n.Pos)
				routed++
			}
		}
		assert.NotZero(t, routed, loc)
	}
}

// TestExplainPartitionSteps checks that hydrogen explain shows, for a
// partition step, how each stream entering the location is routed: by
// fields, by a computed dependency, or by the whole item.
func TestExplainPartitionSteps(t *testing.T) {
	f := load(t, "./examples/hashset", "Hashset")
	plans, errs := rewrite.ParsePlans("test.hydroplan", []byte("derive H2 from Hashset\ndecouple functional signed,toStorage to signer\n"+
		"partition leader into 3\npartition signer into 2\npartition storage into 4\n"))
	require.Empty(t, errs)
	reports := rewrite.ExplainPlan(f.Flow, plans[0])
	require.Len(t, reports, 4)
	for _, r := range reports {
		require.Nil(t, r.Err, "%s", r.Step)
	}
	assert.Equal(t, "leader", reports[1].Location)
	assert.Contains(t, reports[1].Facts, "n12 hydro.Send (hashset.go:167:23): routes by its fields (ID)")
	assert.Contains(t, reports[2].Facts[0], "routes by the hash of the whole item")
	require.Len(t, reports[3].Facts, 1)
	assert.Contains(t, reports[3].Facts[0], "routes by (Hash), which n18 hydro.FilterMap (hashset.go:177:26) computes from its items")
}
