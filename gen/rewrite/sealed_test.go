package rewrite_test

import (
	"go/types"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/gen/rewrite"
	"github.com/hydrogo/hydro/internal/ir"
)

// at returns the nodes of g at location loc with API op at line line of
// their file (any line if 0).
func at(g *ir.Graph, loc, op string, line int) []*ir.Node {
	var found []*ir.Node
	for _, n := range g.Nodes {
		if g.Locations[n.Loc].Name == loc && n.Spec.API == op && (line == 0 || n.Pos.Line == line) {
			found = append(found, n)
		}
	}
	return found
}

// sealedParts checks that network operator send carries parts sealed at
// the sender (a cross join of the item with the partition's own member
// number) and recombined at the receiver (a MergeKeyed of a union of the
// arriving parts and the carried ones).
func sealedParts(t *testing.T, g *ir.Graph, send *ir.Node) {
	t.Helper()
	sealer := g.Nodes[send.Inputs[0]]
	require.Equal(t, "hydro.CrossJoin", sealer.Spec.API)
	assert.True(t, parse.SyntaxOf(g.Nodes[sealer.Inputs[1]]).OwnMember, "each part is sealed with the partition's own number")
	var merged bool
	for _, n := range g.Nodes {
		if n.Spec.API == "hydro.Union" && n.Loc == send.Loc && g.Nodes[n.Inputs[0]].Spec.API == "hydro.Map" && g.Nodes[n.Inputs[0]].Inputs[0] == send.ID {
			for _, m := range g.Nodes {
				merged = merged || m.Spec.API == "hydro.MergeKeyed" && m.Inputs[0] == n.ID
			}
		}
	}
	assert.True(t, merged, "the receiver merges the parts")
}

// TestPartialSealing checks the shape of Sealed's stores partially
// partitioned with the answers sealed, in one step: the proposers' raises
// go to partition 0 of every store, which coordinates its partitions
// (publications and marks to its own partitions); the items are routed by
// ID; each partition answers each value its copy of the ballot takes — a
// Unique of the replicated fold, which merges the publications — with its
// part of the log, sealed with its number; the proposers recombine the
// parts. Nothing goes to every partition of every member: the trigger is
// computed at each partition.
func TestPartialSealing(t *testing.T) {
	line := "partition store into 2 by ID replicating ballot every 50ms sealing answers"
	plans, errs := rewrite.ParsePlans("p.hydroplan", []byte("derive X from Sealed\n"+line+"\n"))
	require.Empty(t, errs)
	assert.Equal(t, line, plans[0].Steps[0].String())
	g, err := derive(t, "./gen/rewrite/testdata/fed", "Sealed", "derive X from Sealed\n"+line+"\n")
	require.NoError(t, err)
	assert.Equal(t, 2, g.Location("store").Partitions)
	for _, n := range g.Nodes {
		assert.False(t, parse.SyntaxOf(n).Replicated, "%s at %s goes to every partition of every member", n.Spec.API, n.Pos)
	}
	raises := at(g, "store", "hydro.Broadcast", 29)
	require.Len(t, raises, 1)
	assert.True(t, parse.SyntaxOf(raises[0]).FixedPart, "the raises go to partition 0")
	kept := at(g, "store", "hydro.Broadcast", 27)
	require.Len(t, kept, 1)
	require.NotNil(t, parse.SyntaxOf(kept[0]).Part)
	assert.Equal(t, "ID", parse.SyntaxOf(kept[0]).Part.Fields[0].Name())
	// The trigger: a Unique of the replicated fold, which merges the
	// publications to the store's own partitions.
	unique := at(g, "store", "hydro.Unique", 32)
	require.Len(t, unique, 1)
	ballot := g.Nodes[unique[0].Inputs[0]]
	require.Equal(t, "hydro.LatticeFold", ballot.Spec.API)
	pubs := g.Nodes[g.Nodes[ballot.Inputs[0]].Inputs[0]]
	assert.True(t, parse.SyntaxOf(pubs).OwnBase && parse.SyntaxOf(pubs).AllParts, "the replicated fold merges the publications")
	answers := at(g, "proposer", "hydro.Demux", 33)
	require.Len(t, answers, 1)
	sealedParts(t, g, answers[0])
}

// TestPartialSealingRefusals checks that a partial partitioning that
// seals a stream whose trigger is not the replicated fold's values is
// refused at the operator that breaks it.
func TestPartialSealingRefusals(t *testing.T) {
	step := "partition store into 2 by ID replicating ballot every 50ms sealing answers"
	for _, tc := range []struct{ name, flow, want string }{
		{"from the network", "Asked",
			`sealed.go:48:36: ` + step + `: hydro.Broadcast brings the trigger of hydro.CrossJoin (`},
		{"through a fold", "Counted",
			`sealed.go:64:23: ` + step + `: hydro.Fold lies between the trigger and hydro.CrossJoin (`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refused(t, "./gen/rewrite/testdata/fed", tc.flow, step, tc.want)
		})
	}
}

// TestPartialPartitioningFedByAClusterDurableNumbering checks that
// partition 0 of every store numbers its publications durably: the
// highest number issued is a durable fold of the numbers sent, read back
// a tick later to number the next, and its fold of the raises is durable;
// nothing is numbered by a hydro.Enumerate, which restarts at 0.
func TestPartialPartitioningFedByAClusterDurableNumbering(t *testing.T) {
	g, err := derive(t, "./gen/rewrite/testdata/fed", "Fed", "derive X from Fed\npartition store into 2 replicating ballot every 50ms\n")
	require.NoError(t, err)
	assert.Empty(t, at(g, "store", "hydro.Enumerate", 0))
	var durable []*ir.Node
	for _, n := range at(g, "store", "hydro.LatticeFold", 0) {
		if n.Lifetimes[0] == ir.Durable {
			durable = append(durable, n)
		}
	}
	require.Len(t, durable, 2, "the fold of the raises and the highest number issued")
	assert.Equal(t, "hydro.Union", g.Nodes[durable[0].Inputs[0]].Spec.API, "partition 0 folds the raises")
	issued := durable[1]
	numbered := g.Nodes[g.Nodes[issued.Inputs[0]].Inputs[0]]
	require.Equal(t, "hydro.CrossJoin", numbered.Spec.API)
	prev := g.Nodes[numbered.Inputs[1]]
	assert.Equal(t, "hydro.DeferTickLazy", prev.Spec.API)
	assert.Equal(t, issued.ID, prev.Inputs[0], "the next number is one above the highest issued")
}

// TestPaxosAcceptorStep checks the shape of ScalablePaxos's acceptor step
// (examples/paxos/scalable.hydroplan): every acceptor is 2 partitions;
// the P1as go to partition 0 of every acceptor, the P2as (from the p2a
// proxies) to the partition of their slot; partition 0 publishes the
// promise to its own partitions, which vote back to it; the promise, the
// log, partition 0's fold of the P1as and its numbering, and the highest
// number each partition merged (which holds it across a crash) are
// durable; the
// P1b's parts are sealed at the acceptors and recombined at the
// proposers. The p2b proxies, not the proposers, broadcast the chosen
// batches to the replicas; the proposers send the replicas only resends
// and transfers, to one replica each.
func TestPaxosAcceptorStep(t *testing.T) {
	g, err := derive(t, "./examples/paxos", "Paxos", `derive X from Paxos
decouple functional p2a to p2aproxy
decouple asymmetric p2bsIn,ayes,tallies,fresh,commits,batches,decided,rejections to p2bproxy
partition p2bproxy into 3
partition acceptor into 2 by Slot replicating promise every 50ms sealing p1bsFrom
`)
	require.NoError(t, err)
	assert.Equal(t, 2, g.Location("acceptor").Partitions)
	toReplicas := map[string][]string{}
	for _, n := range g.Nodes {
		if g.Locations[n.Loc].Name == "replica" && n.Spec.Network {
			from := g.Locations[g.Nodes[n.Inputs[0]].Loc].Name
			toReplicas[from] = append(toReplicas[from], n.Spec.API)
		}
	}
	assert.Equal(t, []string{"hydro.Broadcast"}, toReplicas["p2bproxy"], "the p2b proxies broadcast the commits")
	assert.NotContains(t, toReplicas["proposer"], "hydro.Broadcast", "the proposers broadcast nothing to the replicas")
	var p1a, p2a, toOwn, votes []*ir.Node
	for _, n := range g.Nodes {
		syn := parse.SyntaxOf(n)
		if g.Locations[n.Loc].Name != "acceptor" || !n.Spec.Network {
			continue
		}
		assert.False(t, syn.Replicated, "nothing goes to every partition of every acceptor")
		from := g.Locations[g.Nodes[n.Inputs[0]].Loc].Name
		switch {
		case from == "proposer":
			p1a = append(p1a, n)
		case from == "p2aproxy":
			p2a = append(p2a, n)
		case syn.OwnBase && syn.AllParts:
			toOwn = append(toOwn, n)
		case syn.OwnBase && syn.FixedPart:
			votes = append(votes, n)
		}
	}
	require.Len(t, p1a, 1)
	assert.True(t, parse.SyntaxOf(p1a[0]).FixedPart, "the P1as go to partition 0")
	require.Len(t, p2a, 1)
	require.NotNil(t, parse.SyntaxOf(p2a[0]).Part)
	assert.Equal(t, "Slot", parse.SyntaxOf(p2a[0]).Part.Fields[0].Name(), "the P2as go to the partition of their slot")
	assert.Len(t, toOwn, 2, "publications and watermarks")
	assert.Len(t, votes, 1)
	var durable int
	for _, n := range at(g, "acceptor", "hydro.LatticeFold", 0) {
		if n.Lifetimes[0] == ir.Durable {
			durable++
		}
	}
	assert.Equal(t, 5, durable, "the promise, the log, partition 0's fold of the P1as and its numbering, and every partition's highest number merged")
	p1b := at(g, "proposer", "hydro.Demux", paxosLine(t, "p1bsFrom(hydro.DemuxBy"))
	require.Len(t, p1b, 1)
	sealedParts(t, g, p1b[0])
}

// TestSealingBoundsTheReceiver checks the shape of the receiver's bound on
// incomplete batches, with the step's clauses: the incomplete identities
// of the merge are numbered in order of first arrival (a Static
// hydro.Enumerate) and stamped with the receiver's clock (a Static
// hydro.LatticeFold of the readings of a timer of a tenth of the timeout),
// those aged past the timeout dropped, the rest sorted youngest first and
// cut to the bound (a per-tick hydro.Enumerate and a hydro.Filter) before
// being carried to the next tick; complete ones are released as before.
func TestSealingBoundsTheReceiver(t *testing.T) {
	line := "partition store into 2 by ID replicating ballot every 50ms sealing answers forgetting after 3s keeping 5"
	g, err := derive(t, "./gen/rewrite/testdata/fed", "Sealed", "derive X from Sealed\n"+line+"\n")
	require.NoError(t, err)
	answers := at(g, "proposer", "hydro.Demux", 33)
	require.Len(t, answers, 1)
	sealedParts(t, g, answers[0])
	var merge *ir.Node
	for _, n := range at(g, "proposer", "hydro.MergeKeyed", 0) {
		if g.Nodes[g.Nodes[n.Inputs[0]].Inputs[0]].Inputs[0] == answers[0].ID {
			merge = n
		}
	}
	require.NotNil(t, merge)
	pool := g.Nodes[merge.Inputs[0]]
	carried := g.Nodes[pool.Inputs[1]]
	require.Equal(t, "hydro.DeferTickLazy", carried.Spec.API)
	var chain []*ir.Node
	for n := g.Nodes[carried.Inputs[0]]; n.ID != merge.ID; n = g.Nodes[n.Inputs[0]] {
		chain = append(chain, n)
	}
	var apis []string
	for _, n := range chain {
		apis = append(apis, n.Spec.API)
	}
	require.Equal(t, []string{"hydro.Map", "hydro.Filter", "hydro.Enumerate", "hydro.Sort", "hydro.Map", "hydro.Filter", "hydro.CrossJoin", "hydro.Enumerate", "hydro.Filter"}, apis,
		"carried: cut to the bound, ranked youngest first, aged by the clock, numbered in arrival order, incomplete")
	assert.Equal(t, ir.Tick, chain[2].Lifetimes[0], "the rank restarts every tick")
	assert.Equal(t, ir.Static, chain[7].Lifetimes[0], "the arrival number does not")
	clock := g.Nodes[chain[6].Inputs[1]]
	require.Equal(t, "hydro.LatticeFold", clock.Spec.API)
	timer := g.Nodes[g.Nodes[clock.Inputs[0]].Inputs[0]]
	require.Equal(t, "hydro.Timer", timer.Spec.API)
	require.NotNil(t, timer.Period)
	assert.Equal(t, 300*time.Millisecond, *timer.Period, "the clock ticks at a tenth of the timeout")
	assert.Contains(t, parse.SyntaxOf(chain[1]).UDFs[0].Gen(writer{}), "x.Index < 5", "the bound")
	assert.Contains(t, parse.SyntaxOf(chain[6]).UDFs[0].Gen(writer{}), ">= 3000000000", "the timeout, in nanoseconds")
	plans, errs := rewrite.ParsePlans("p.hydroplan", []byte("derive X from Sealed\n"+line+"\n"))
	require.Empty(t, errs)
	reports := rewrite.ExplainPlan(load(t, "./gen/rewrite/testdata/fed", "Sealed").Flow, plans[0])
	require.Len(t, reports, 1)
	require.Nil(t, reports[0].Err)
	assert.Contains(t, strings.Join(reports[0].Facts, "\n"), `"proposer" forgets an incomplete identity 3s after its first part arrived`)
	assert.Contains(t, strings.Join(reports[0].Facts, "\n"), "carries at most 5, evicting those whose first part arrived earliest")
}

// writer spells types by their full names, for reading generated
// functions in tests.
type writer struct{}

func (writer) Type(t types.Type) string { return types.TypeString(t, nil) }
func (writer) Call(u *parse.UDF) string { return "call" }
