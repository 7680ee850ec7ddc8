package rewrite_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/gen/rewrite"
	"github.com/hydrogo/hydro/internal/ir"
)

// TestPartialPartitioningFedByACluster checks the shape of Fed's stores
// partially partitioned: the two network operators from the proposer
// cluster that raise the ballot stay, routed to partition 0 of the stores
// they address; each store's partition 0 coordinates its own partitions
// (publications and commit marks to every partition of its own base
// member, votes back to its partition 0), gated to itself by its own
// member number; nothing is sent to every partition of every member.
func TestPartialPartitioningFedByACluster(t *testing.T) {
	g, err := derive(t, "./gen/rewrite/testdata/fed", "Fed", "derive X from Fed\npartition store into 3 replicating ballot every 50ms\n")
	require.NoError(t, err)
	assert.Equal(t, 3, g.Location("store").Partitions)
	var fixed, toOwn, votes, own, replicated []*ir.Node
	for _, n := range g.Nodes {
		syn := parse.SyntaxOf(n)
		switch {
		case syn.Replicated:
			replicated = append(replicated, n)
		case syn.OwnBase && syn.AllParts:
			toOwn = append(toOwn, n)
		case syn.OwnBase && syn.FixedPart:
			votes = append(votes, n)
		case syn.FixedPart:
			fixed = append(fixed, n)
		}
		if syn.OwnMember {
			own = append(own, n)
		}
	}
	assert.Empty(t, replicated, "nothing goes to every partition of every member")
	require.Len(t, fixed, 2, "the broadcast and the demux from the proposers go to partition 0")
	assert.Equal(t, "hydro.Broadcast", fixed[0].Spec.API)
	assert.Equal(t, "hydro.Demux", fixed[1].Spec.API) // DemuxBy's API name is Demux's
	for _, n := range append(fixed, append(toOwn, votes...)...) {
		assert.Equal(t, "store", g.Locations[n.Loc].Name)
		assert.Nil(t, parse.SyntaxOf(n).Part, "no hash picks the partition")
	}
	require.Len(t, toOwn, 2, "publications and commit marks")
	require.Len(t, votes, 1)
	for _, n := range append(toOwn, votes...) {
		assert.Equal(t, "hydro.Demux", n.Spec.API)
		assert.Equal(t, "store", g.Locations[g.Nodes[n.Inputs[0]].Loc].Name, "the store sends to itself")
	}
	assert.Len(t, own, 2, "the coordination's gate and the votes name the partition itself")
	// The proposers' fold is the coordinator's: the union of the two
	// raises feeds a fold of partition 0, and the replicated fold merges
	// the publications.
	var ballot *ir.Node
	for _, n := range g.Nodes {
		if n.Spec.API == "hydro.LatticeFold" && n.Pos.Line == 34 {
			ballot = n
		}
	}
	require.NotNil(t, ballot)
	assert.Equal(t, toOwn[0].ID, g.Nodes[ballot.Inputs[0]].Inputs[0], "the replicated fold merges the publications")
	var coordinated bool
	for _, n := range g.Nodes {
		if n.Spec.API == "hydro.LatticeFold" && n.ID != ballot.ID && g.Nodes[n.Inputs[0]].Spec.API == "hydro.Union" {
			coordinated = g.Nodes[g.Nodes[n.Inputs[0]].Inputs[0]].Spec.API == "hydro.Map"
		}
	}
	assert.True(t, coordinated, "the coordinator folds the raises through the base's union")
	// No process coordinates, and the proposers are unchanged.
	for _, n := range g.Nodes {
		if g.Locations[n.Loc].Name == "proposer" {
			assert.NotEqual(t, "hydro.Enumerate", n.Spec.API)
		}
	}
}

// TestPartialPartitioningFedByAClusterRefusals checks that a partial
// partitioning fed by a cluster whose precondition fails is refused at
// the operator that breaks it.
func TestPartialPartitioningFedByAClusterRefusals(t *testing.T) {
	for _, tc := range []struct{ name, flow, want string }{
		{"input read elsewhere", "Echoed",
			`fed.go:50:56: partition store into 2 replicating ballot every 50ms: hydro.Map reads hydro.Broadcast (`},
		{"from a client", "FromClient",
			`fed.go:60:55: partition store into 2 replicating ballot every 50ms: hydro.Broadcast sends the replicated input from "client", a client`},
		{"from itself", "Gossiped",
			`fed.go:72:27: partition store into 2 replicating ballot every 50ms: hydro.Broadcast sends the replicated input from "store" to itself`},
		{"timer", "Timed",
			`fed.go:85:32: partition store into 2 replicating ballot every 50ms: location "store" reads hydro.Timer, an input the coordination does not order against the replicated updates`},
		{"impure", "Impure",
			`fed.go:99:73: partition store into 2 replicating ballot every 50ms: hydro.Map feeds hydro.LatticeFold (bound to ballot) and is not functional (noted is not known to be pure`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refused(t, "./gen/rewrite/testdata/fed", tc.flow, "partition store into 2 replicating ballot every 50ms", tc.want)
		})
	}
}

// TestPartialPartitioningBy checks that a partial partitioning routes the
// location's other inputs by the fields its by names, prints back as it
// was written, and refuses a field no stream carries.
func TestPartialPartitioningBy(t *testing.T) {
	line := "partition store into 2 by ID replicating ballot every 50ms"
	plans, errs := rewrite.ParsePlans("p.hydroplan", []byte("derive X from Fed\n"+line+"\n"))
	require.Empty(t, errs)
	assert.Equal(t, line, plans[0].Steps[0].String())
	g, err := derive(t, "./gen/rewrite/testdata/fed", "Fed", "derive X from Fed\n"+line+"\n")
	require.NoError(t, err)
	var routed []string
	for _, n := range g.Nodes {
		if part := parse.SyntaxOf(n).Part; part != nil {
			for _, f := range part.Fields {
				routed = append(routed, g.Locations[n.Loc].Name+"."+f.Name())
			}
		}
	}
	assert.Equal(t, []string{"store.ID"}, routed, "the items are routed by ID; the raises go to partition 0")
	refused(t, "./gen/rewrite/testdata/fed", "Fed", "partition store into 2 by Nope replicating ballot every 50ms",
		`partition store into 2 by Nope replicating ballot every 50ms: with ballot replicated, location "store" cannot be partitioned by Nope`)
}

// TestPartialPartitioningOfPaxosRefused checks why examples/paxos's
// acceptor cannot be partially partitioned alone: its promise, a lattice
// fold raised by the p1a of the proposer cluster and by nothing else, is
// the fold this rewrite replicates, but with it replicated the log, which
// the P1b carries whole, combines every slot: it must be sealed too
// (docs/rewrites.md, Paxos under partial partitioning).
func TestPartialPartitioningOfPaxosRefused(t *testing.T) {
	_, err := derive(t, "./examples/paxos", "Paxos", "derive X from Paxos\npartition acceptor into 2 by Slot replicating promise every 20ms\n")
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, fmt.Sprintf("paxos.go:%d:26: partition acceptor into 2 by Slot replicating promise every 20ms: with promise replicated, location \"acceptor\" cannot be partitioned: hydro.LatticeFold (", paxosLine(t, "log := ")))
	assert.True(t, strings.HasSuffix(msg, "combines every item of a tick"), msg)
}
