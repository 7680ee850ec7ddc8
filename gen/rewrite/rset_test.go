package rewrite_test

import (
	"go/types"
	"path/filepath"
	"strings"
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
			refused(t, "./examples/rset", tc.flow, tc.step, tc.want)
		})
	}
}

// TestPartialPartitioningOfRSetInteger checks the shape of RSetInteger's
// replicas partially partitioned: the leader numbers its publications
// durably (the highest number issued is a durable fold of the numbers
// sent, read back a tick later to number the next; its fold of the
// integers is durable too; nothing is numbered by a hydro.Enumerate,
// which restarts at 0) and sends them to every partition; a partition
// votes in its own name, merges the publications into the replicated
// fold, and holds the commands it receives behind the gate.
func TestPartialPartitioningOfRSetInteger(t *testing.T) {
	g, err := derive(t, "./examples/rset", "RSetInteger", "derive X from RSetInteger\npartition replica into 2 replicating latest every 100ms\n")
	require.NoError(t, err)
	assert.Equal(t, 2, g.Location("replica").Partitions)
	assert.Empty(t, at(g, "leader", "hydro.Enumerate", 0))
	var durable []*ir.Node
	for _, n := range at(g, "leader", "hydro.LatticeFold", 0) {
		if n.Lifetimes[0] == ir.Durable {
			durable = append(durable, n)
		}
	}
	require.Len(t, durable, 2, "the fold of the integers and the highest number issued")
	issued := durable[1]
	numbered := g.Nodes[g.Nodes[issued.Inputs[0]].Inputs[0]]
	require.Equal(t, "hydro.CrossJoin", numbered.Spec.API)
	prev := g.Nodes[numbered.Inputs[1]]
	assert.Equal(t, "hydro.DeferTickLazy", prev.Spec.API)
	assert.Equal(t, issued.ID, prev.Inputs[0], "the next number is one above the highest issued")
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
			refused(t, "./examples/rset", tc.flow, tc.step, tc.want)
		})
	}
}

func TestPartialPartitioningPlanLines(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"partition replica into 2 replicating latest,other every 100ms", "partial partitioning replicates one lattice fold"},
		{"partition replica into 2 replicating latest every soon", "the resend period must be a positive duration"},
		{"partition replica into 2 replicating latest", `want "partition ROLE into N [by FIELD,...] replicating FOLD every DURATION [sealing STREAM [forgetting after DURATION] [keeping N]]"`},
		{"partition replica into 2 on ID replicating latest every 1s", `want "partition ROLE into N [by FIELD,...] replicating FOLD every DURATION [sealing STREAM [forgetting after DURATION] [keeping N]]"`},
		{"partition replica into 2 replicating latest every 1s sealing a,b", "a step seals one stream"},
		{"partition replica into 2 replicating latest every 1s sealing", `want "partition ROLE into N [by FIELD,...] replicating FOLD every DURATION [sealing STREAM [forgetting after DURATION] [keeping N]]"`},
		{"partition replica into 1 by ID replicating latest every 1s", "the number of partitions must be an integer of at least 2"},
		{"partition replica into 2 replicating latest every 1s keeping 8", "the step seals none"},
		{"partition replica into 2 replicating latest every 1s sealing a forgetting after never", "the timeout must be a positive duration"},
	} {
		_, errs := rewrite.ParsePlans("p.hydroplan", []byte("derive X from Y\n"+tc.line+"\n"))
		require.NotEmpty(t, errs, tc.line)
		assert.Contains(t, errs[0].Error(), "p.hydroplan:2:1: ")
		assert.Contains(t, errs[0].Error(), tc.want)
	}
}

// TestSealingOfRSetSnapshot checks the shape of RSetSnapshot's replicas
// partitioned with sealing: the query reaches every partition; each
// partition seals what it sends with its own member number; the leader
// merges the sealed parts per identity, carries the incomplete ones and
// releases the complete ones to the sink.
func TestSealingOfRSetSnapshot(t *testing.T) {
	g, err := derive(t, "./examples/rset", "RSetSnapshot", "derive X from RSetSnapshot\npartition replica into 2 sealing taken\n")
	require.NoError(t, err)
	assert.Equal(t, 2, g.Location("replica").Partitions)
	var replicated, own int
	for _, n := range g.Nodes {
		syn := parse.SyntaxOf(n)
		if syn.Replicated {
			replicated++
			assert.Equal(t, "hydro.Broadcast", n.Spec.API)
			assert.Equal(t, "snapshot.go", filepath.Base(n.Pos.File))
			assert.Equal(t, 43, n.Pos.Line, "the queries")
		}
		if syn.OwnMember {
			own++
		}
	}
	assert.Equal(t, 1, replicated, "the queries reach every partition")
	assert.Equal(t, 1, own, "a partition seals in its own name")
	// The snapshots' sink reads the release of the merge of the sealed
	// parts: Map ← Filter ← MergeKeyed ← Union of the parts and the
	// carried incomplete ones.
	var sink *ir.Node
	for _, n := range g.Nodes {
		if n.Spec.API == "hydro.Sink" && n.Port != nil && n.Port.Name == "snapshots" {
			sink = n
		}
	}
	require.NotNil(t, sink)
	var path []string
	id := sink.Inputs[0]
	for range 4 {
		path = append(path, g.Nodes[id].Spec.API)
		id = g.Nodes[id].Inputs[0]
	}
	assert.Equal(t, []string{"hydro.Map", "hydro.Filter", "hydro.MergeKeyed", "hydro.Union"}, path)
	parts := g.Nodes[g.Nodes[g.Nodes[sink.Inputs[0]].Inputs[0]].Inputs[0]]
	require.Equal(t, "hydro.MergeKeyed", parts.Spec.API)
	assert.Equal(t, ir.Tick, parts.Lifetimes[0], "complete snapshots are forgotten once released")
	union := g.Nodes[parts.Inputs[0]]
	arrived, carried := g.Nodes[union.Inputs[0]], g.Nodes[union.Inputs[1]]
	require.Equal(t, "hydro.Map", arrived.Spec.API, "the arriving parts, unstamped")
	send := g.Nodes[arrived.Inputs[0]]
	assert.Equal(t, "hydro.Send", send.Spec.API)
	assert.Equal(t, "replica", g.Locations[g.Nodes[send.Inputs[0]].Loc].Name)
	assert.Contains(t, send.Elem.Name, "Seals lattices.SetUnion[uint32]")
	assert.Equal(t, "hydro.DeferTickLazy", carried.Spec.API)
}

// TestSealingRefusals checks that a partitioning with sealing whose
// precondition fails is refused at the operator that breaks it, saying
// why.
func TestSealingRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, pkg, flow, step, want string
	}{
		{"no network operator", "./examples/rset", "RSetSnapshot", "partition replica into 2 sealing held",
			`snapshot.go:50:27: partition replica into 2 sealing held: held names no network operator sending from "replica" to another location`},
		{"batch read elsewhere", "./examples/rset", "RSet", "partition replica into 2 sealing voted",
			`rset.go:171:12: partition replica into 2 sealing voted: hydro.Sink reads hydro.CrossJoin (`},
		{"no fold", "./gen/rewrite/testdata/snap", "Unfolded", "partition store into 2 sealing digest",
			`partition store into 2 sealing digest: neither input of hydro.CrossJoin (`},
		{"field from the fold", "./gen/rewrite/testdata/snap", "Counted", "partition store into 2 sealing digest",
			`countedOf computes field Count from the fold`},
		{"fold read elsewhere", "./gen/rewrite/testdata/snap", "Shared", "partition store into 2 sealing digest",
			`hydro.Map reads hydro.LatticeFold (`},
		{"trigger read elsewhere", "./gen/rewrite/testdata/snap", "Echoed", "partition store into 2 sealing digest",
			`which carries the trigger: sent to every partition, it would see each trigger once per partition`},
		{"to a client", "./gen/rewrite/testdata/snap", "ToClient", "partition store into 2 sealing digest",
			`sends to "client", a client`},
		{"receiver partitioned", "./gen/rewrite/testdata/snap", "Snap", "partition leader into 2\npartition store into 2 sealing digest",
			`which is partitioned: the parts of a batch would reach different partitions; seal before partitioning the receiver`},
		{"rest does not partition", "./examples/rset", "RSetSnapshot", "partition replica into 2 by Nope sealing taken",
			`partition replica into 2 by Nope sealing taken: with the batch of taken sealed, location "replica" cannot be partitioned by Nope`},
		{"no location", "./examples/rset", "RSetSnapshot", "partition nowhere into 2 sealing taken", `flow RSetSnapshot has no location "nowhere"`},
		{"demux by the batch", "./gen/rewrite/testdata/snap", "LeadersBySize", "partition store into 2 sealing reply",
			`snap.go:156:24: partition store into 2 sealing reply: hydro.DemuxBy (bound to reply) chooses the receiver of each item, and replyBySize reads field IDs, the batch: the parts of a batch differ in it`},
		{"demux by an impure function", "./gen/rewrite/testdata/snap", "LeadersCounting", "partition store into 2 sealing reply",
			`hydro.DemuxBy (bound to reply) chooses the receiver of each item, and replyCounting is not known to be pure (mark it //hydro:pure)`},
		{"demux by a hash", "./gen/rewrite/testdata/snap", "LeadersHashed", "partition store into 2 sealing reply",
			`hydro.Demux (bound to reply) chooses its receiver by a hash of the item's key`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refused(t, tc.pkg, tc.flow, tc.step, tc.want)
		})
	}
}

// TestSealingOfATestFlow derives the test flow Snap: its store, a process,
// becomes 3 partitions, the query a Send to every one of them.
func TestSealingOfATestFlow(t *testing.T) {
	g, err := derive(t, "./gen/rewrite/testdata/snap", "Snap", "derive X from Snap\npartition store into 3 sealing digest\n")
	require.NoError(t, err)
	assert.Equal(t, 3, g.Location("store").Partitions)
	for _, n := range g.Nodes {
		if parse.SyntaxOf(n).Replicated {
			assert.Equal(t, "hydro.Send", n.Spec.API, "a Send to the process stays a Send, to every partition")
		}
	}
}

// TestSealingThroughADemuxBy derives the test flow Leaders, whose store
// answers the leader that asked by hydro.DemuxBy: the parts go out by the
// same DemuxBy, its function now reading the item a part carries, and
// every leader recombines them.
func TestSealingThroughADemuxBy(t *testing.T) {
	g, err := derive(t, "./gen/rewrite/testdata/snap", "Leaders", "derive X from Leaders\npartition store into 2 sealing reply\n")
	require.NoError(t, err)
	assert.Equal(t, 2, g.Location("store").Partitions)
	d := node(t, g, "leader", "hydro.Demux")
	assert.Equal(t, "hydro.DemuxBy", d.API)
	udfs := parse.SyntaxOf(d).UDFs
	require.Len(t, udfs, 1)
	require.NotNil(t, udfs[0].Gen, "the DemuxBy's function is rewritten for the part")
	require.Len(t, udfs[0].Calls, 1)
	assert.Equal(t, "replyTo", udfs[0].Calls[0].Func.Name(), "and calls the base's function")
	assert.Equal(t, "store", g.Locations[g.Nodes[d.Inputs[0]].Loc].Name)
	part := parse.Go(d.Elem).Underlying().(*types.Struct)
	assert.Equal(t, "Seals", part.Field(part.NumFields()-1).Name(), "the DemuxBy sends sealed parts")
	merge := node(t, g, "leader", "hydro.MergeKeyed")
	arrived := g.Nodes[g.Nodes[merge.Inputs[0]].Inputs[0]]
	assert.Equal(t, d.ID, arrived.Inputs[0], "the leader merges the parts it receives")
	plans, errs := rewrite.ParsePlans("test.hydroplan", []byte("derive X from Leaders\npartition store into 2 sealing reply\n"))
	require.Empty(t, errs)
	reports := rewrite.ExplainPlan(load(t, "./gen/rewrite/testdata/snap", "Leaders").Flow, plans[0])
	require.Len(t, reports, 1)
	require.Nil(t, reports[0].Err)
	assert.Contains(t, strings.Join(reports[0].Facts, "\n"), "chooses the receiver from field(s) From, which come from the trigger")
}

func TestSealingPlanLines(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"partition replica into 2 sealing a,b", "a step seals one stream"},
		{"partition replica into 1 sealing a", "the number of partitions must be an integer of at least 2"},
		{"partition replica into 2 by sealing a", `want "partition ROLE into N [by FIELD,...] sealing STREAM [forgetting after DURATION] [keeping N]"`},
		{"partition replica into 2 by ID, sealing a", `empty field name in "ID,"`},
		{"partition replica into 2 sealing a keeping 0", "the bound of incomplete batches must be a positive integer"},
		{"partition replica into 2 sealing a keeping many", "the bound of incomplete batches must be a positive integer"},
		{"partition replica into 2 sealing a forgetting after -1s", "the timeout must be a positive duration"},
		{"partition replica into 2 sealing a forgetting before 1s", `want "forgetting after DURATION"`},
		{"partition replica into 2 sealing a keeping 8 forgetting after 1s", `want "partition ROLE into N [by FIELD,...] sealing STREAM [forgetting after DURATION] [keeping N]"`},
	} {
		_, errs := rewrite.ParsePlans("p.hydroplan", []byte("derive X from Y\n"+tc.line+"\n"))
		require.NotEmpty(t, errs, tc.line)
		assert.Contains(t, errs[0].Error(), "p.hydroplan:2:1: ")
		assert.Contains(t, errs[0].Error(), tc.want)
	}
	plans, errs := rewrite.ParsePlans("p.hydroplan", []byte("derive X from Y\npartition replica into 2 by ID sealing taken\n"))
	require.Empty(t, errs)
	assert.Equal(t, "partition replica into 2 by ID sealing taken", plans[0].Steps[0].String())
	for _, line := range []string{
		"partition replica into 2 by ID sealing taken forgetting after 2s keeping 16",
		"partition replica into 2 sealing taken forgetting after 500ms",
		"partition replica into 2 sealing taken keeping 3",
		"partition replica into 2 replicating latest every 1s sealing taken forgetting after 2s keeping 16",
	} {
		plans, errs := rewrite.ParsePlans("p.hydroplan", []byte("derive X from Y\n"+line+"\n"))
		require.Empty(t, errs, line)
		assert.Equal(t, line, plans[0].Steps[0].String())
	}
}
