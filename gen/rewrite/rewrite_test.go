package rewrite_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/gen/pipeline"
	"github.com/hydrogo/hydro/gen/rewrite"
	"github.com/hydrogo/hydro/gen/schedule"
	"github.com/hydrogo/hydro/internal/ir"
)

// programs caches the packages the tests load, by pattern: a package is
// loaded once for all its flows.
var programs = map[string]*pipeline.Program{}

// load returns flow name of package pkg, checked.
func load(t *testing.T, pkg, name string) *pipeline.Flow {
	t.Helper()
	p := programs[pkg]
	if p == nil {
		var err error
		p, err = pipeline.Load("../..", pkg)
		require.NoError(t, err)
		programs[pkg] = p
	}
	f := p.Flow(name)
	require.NotNil(t, f, "flow %s in %s", name, pkg)
	require.NoError(t, f.Diagnostics.Err())
	return f
}

// refused derives a flow from base by plan lines (one step or several)
// and checks that the derivation fails with a diagnostic containing want.
func refused(t *testing.T, pkg, base, lines, want string) {
	t.Helper()
	_, err := derive(t, pkg, base, "derive X from "+base+"\n"+lines+"\n")
	require.Error(t, err, lines)
	assert.Contains(t, err.Error(), want)
}

// derive loads flow base of package pkg and derives a flow from it by the
// one plan in src.
func derive(t *testing.T, pkg, base, src string) (*ir.Graph, error) {
	t.Helper()
	f := load(t, pkg, base)
	plans, errs := rewrite.ParsePlans("test.hydroplan", []byte(src))
	require.Empty(t, errs)
	require.Len(t, plans, 1)
	g, ds := rewrite.Derive(f.Flow, plans[0])
	if len(ds) > 0 {
		return nil, ds
	}
	require.Empty(t, ir.Verify(g), "the derived graph verifies")
	for loc := range g.Locations {
		_, err := schedule.Compute(g, loc)
		require.NoError(t, err, "location %s schedules", g.Locations[loc].Name)
	}
	return g, nil
}

// node returns the one node at location loc with operator op.
func node(t *testing.T, g *ir.Graph, loc, op string) *ir.Node {
	t.Helper()
	var found []*ir.Node
	for _, n := range g.Nodes {
		if g.Locations[n.Loc].Name == loc && n.Spec.API == op {
			found = append(found, n)
		}
	}
	require.Len(t, found, 1, "%s at %s", op, loc)
	return found[0]
}

func TestFunctionalDecouplingMovesTheBroadcast(t *testing.T) {
	g, err := derive(t, "./examples/voting", "Voting", "derive ScalableVoting from Voting\ndecouple functional ballots to broadcaster\n")
	require.NoError(t, err)
	assert.Equal(t, "ScalableVoting", g.Name)
	// The broadcast reads a Send to the broadcaster, which reads the
	// leader's AntiJoin: the leader sends each request once.
	b := node(t, g, "participant", "hydro.Broadcast")
	relay := g.Nodes[b.Inputs[0]]
	assert.Equal(t, "hydro.Send", relay.Spec.API)
	assert.Equal(t, "broadcaster", g.Locations[relay.Loc].Name)
	assert.Equal(t, "hydro.AntiJoin", g.Nodes[relay.Inputs[0]].Spec.API)
	assert.Equal(t, "leader", g.Locations[g.Nodes[relay.Inputs[0]].Loc].Name)
}

func TestIndependentDecouplingSplitsTheServer(t *testing.T) {
	g, err := derive(t, "./gen/rewrite/testdata/split", "Split", "derive Split2 from Split\ndecouple independent twice to doubler\n")
	require.NoError(t, err)
	// The client still sends the numbers to the server (clients are outside
	// the rewrites); the server relays them to the doubler, which sends the
	// doubles to the client. The words stay at the server.
	m := node(t, g, "doubler", "hydro.Map")
	in := g.Nodes[m.Inputs[0]]
	assert.Equal(t, "hydro.Send", in.Spec.API)
	assert.Equal(t, "server", g.Locations[g.Nodes[in.Inputs[0]].Loc].Name)
	assert.Equal(t, "client", g.Locations[g.Nodes[g.Nodes[in.Inputs[0]].Inputs[0]].Loc].Name)
	assert.Equal(t, "server", g.Locations[node(t, g, "server", "hydro.Map").Loc].Name)
	out := g.Consumers()[m.ID]
	require.Len(t, out, 1)
	assert.Equal(t, "client", g.Locations[g.Nodes[out[0].To].Loc].Name)
}

func TestMonotonicDecouplingMovesTheInconsistencyCheck(t *testing.T) {
	g, err := derive(t, "./examples/hashset", "Hashset", "derive H2 from Hashset\ndecouple monotonic conflicts to proxy\n")
	require.NoError(t, err)
	// The join keeps every ack at the proxy (both sides Static); both its
	// sides read one relay of the acks the leader receives, which the
	// leader's collection reads too.
	j := node(t, g, "proxy", "hydro.Join")
	require.Equal(t, j.Inputs[0], j.Inputs[1], "one relay feeds both sides")
	relay := g.Nodes[j.Inputs[0]]
	assert.Equal(t, "hydro.Send", relay.Spec.API)
	assert.Equal(t, "proxy", g.Locations[relay.Loc].Name)
	acked := g.Nodes[relay.Inputs[0]]
	assert.Equal(t, "hydro.Send", acked.Spec.API)
	assert.Equal(t, "leader", g.Locations[acked.Loc].Name)
	assert.Equal(t, []ir.Lifetime{ir.Static, ir.Static}, j.Lifetimes)
	// The reports leave the proxy for the client.
	u := node(t, g, "proxy", "hydro.Unique")
	out := g.Consumers()[u.ID]
	require.Len(t, out, 1)
	assert.Equal(t, "client", g.Locations[g.Nodes[out[0].To].Loc].Name)
}

func TestAsymmetricDecouplingMovesTheCollection(t *testing.T) {
	g, err := derive(t, "./examples/voting", "Voting", "derive V2 from Voting\ndecouple asymmetric voted,full,decided to collector\n")
	require.NoError(t, err)
	// The participants send their votes to the collector (redirected).
	votes := g.Nodes[node(t, g, "collector", "hydro.CrossJoin").Inputs[0]]
	assert.Equal(t, "hydro.Send", votes.Spec.API)
	assert.Equal(t, "collector", g.Locations[votes.Loc].Name)
	assert.Equal(t, "participant", g.Locations[g.Nodes[votes.Inputs[0]].Loc].Name)
	// What the collector decides crosses back to the leader once, where
	// the answer and the memory of committed requests both read it.
	var back *ir.Node
	for _, n := range g.Nodes {
		if n.Spec.API == "hydro.Send" && g.Locations[n.Loc].Name == "leader" && g.Locations[g.Nodes[n.Inputs[0]].Loc].Name == "collector" {
			require.Nil(t, back, "one Send back to the leader")
			back = n
		}
	}
	require.NotNil(t, back)
	assert.Equal(t, "hydro.Unique", g.Nodes[back.Inputs[0]].Spec.API)
	var readers []string
	for _, e := range g.Consumers()[back.ID] {
		readers = append(readers, g.Nodes[e.To].Spec.API)
	}
	assert.ElementsMatch(t, []string{"hydro.DeferTickLazy", "hydro.Union"}, readers)
}

// TestRefusals checks that every precondition failure is a diagnostic at
// the operator that breaks it, saying why.
func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, step, want string
	}{
		{"functional", "decouple functional full to counter",
			"voting.go:95:55: decouple functional full to counter: hydro.MergeKeyed (bound to full) is not functional: keeps state"},
		{"independent", "decouple independent voted,full,decided to collector",
			"voting.go:97:28: decouple independent voted,full,decided to collector: hydro.DeferTickLazy reads the output of hydro.Unique ("},
		{"client", "decouple functional resent to retrier", "clients are outside the rewrites"},
		{"unknown operator", "decouple functional nosuch to x", "flow Voting binds no operator to nosuch"},
		{"existing role", "decouple functional ballots to leader", `role "leader" must be a new location`},
		{"cluster, precondition first", "decouple functional cast to voter",
			"voting.go:89:47: decouple functional cast to voter: hydro.SelfID (bound to cast) is not functional: a source"},
		{"monotonic negation", "decouple monotonic fresh to x",
			"voting.go:84:25: decouple monotonic fresh to x: hydro.AntiJoin (bound to fresh) makes the component non-monotone: negation: more input on the negated side retracts output"},
		{"monotonic tick state", "decouple monotonic repeat to repeater",
			"voting.go:85:22: decouple monotonic repeat to repeater: hydro.Join (bound to repeat) keeps its left for one tick (hydro.Tick): it relates only items that share a tick"},
		{"monotonic dependent", "decouple monotonic full to x",
			"voting.go:96:36: decouple monotonic full to x: hydro.Join reads the output of hydro.Unique ("},
		{"asymmetric negation", "decouple asymmetric fresh to x",
			"voting.go:84:25: decouple asymmetric fresh to x: hydro.AntiJoin (bound to fresh) makes the component non-monotone: negation"},
		{"asymmetric dependent", "decouple asymmetric repeat to repeater",
			"voting.go:85:22: decouple asymmetric repeat to repeater: hydro.Join (bound to repeat) reads the output of hydro.Cycle ("},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refused(t, "./examples/voting", "Voting", tc.step, tc.want)
		})
	}
}

// TestParticipantSplitRefused asks for the paper's split of a two-phase
// commit participant into voters and ackers (002 §5.2), a mutually
// independent decoupling: TwoPC's participant reads its vote and its
// commit from one durable record (a repeated request is answered from it,
// and the in-doubt test negates the decision), so the precondition fails at
// the operator that shares it. A step whose precondition holds there
// (the functional acks) decouples off the cluster of participants.
func TestParticipantSplitRefused(t *testing.T) {
	for _, tc := range []struct{ step, want string }{
		{"decouple independent commitsTold,acks to acker",
			"twopc.go:264:39: decouple independent commitsTold,acks to acker: hydro.Filter (bound to commitsTold) reads the output of hydro.Cycle ("},
		{"decouple independent votes to voter",
			"twopc.go:269:47: decouple independent votes to voter: hydro.FilterMap (bound to votes) reads the output of hydro.CrossJoin ("},
	} {
		refused(t, "./examples/twopc", "TwoPC", tc.step, tc.want)
	}
	g, err := derive(t, "./examples/twopc", "TwoPC", "derive T2 from TwoPC\ndecouple functional acks to acker\n")
	require.NoError(t, err)
	assert.Equal(t, "participant", g.Location("acker").Paired)
}

// TestAsymmetricNeedsC1ToKeepWhatItReads decouples the monotone filter of
// package asym: the server reads the even numbers in a join side it keeps
// (accepted) and in one it keeps for a tick (refused, at that join).
func TestAsymmetricNeedsC1ToKeepWhatItReads(t *testing.T) {
	_, err := derive(t, "./gen/rewrite/testdata/asym", "Asym", "derive A2 from Asym\ndecouple asymmetric evens to filterer\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "asym.go:18:24: decouple asymmetric evens to filterer: hydro.CrossJoin keeps the output of hydro.Filter (")
	assert.Contains(t, err.Error(), "(bound to evens), which moves, for one tick (hydro.Tick)")

	g, err := derive(t, "./gen/rewrite/testdata/asym", "Kept", "derive K2 from Kept\ndecouple asymmetric evens to filterer\n")
	require.NoError(t, err)
	// The numbers come from a client, so the server relays them to the
	// filterer, which sends the even ones back to the join's kept side.
	f := node(t, g, "filterer", "hydro.Filter")
	relay := g.Nodes[f.Inputs[0]]
	assert.Equal(t, "hydro.Send", relay.Spec.API)
	assert.Equal(t, "server", g.Locations[g.Nodes[relay.Inputs[0]].Loc].Name)
	j := node(t, g, "server", "hydro.CrossJoin")
	back := g.Nodes[j.Inputs[1]]
	assert.Equal(t, "hydro.Send", back.Spec.API)
	assert.Equal(t, f.ID, back.Inputs[0])
}

func TestParsePlansReportsMalformedLines(t *testing.T) {
	src := strings.Join([]string{
		"# a comment",
		"decouple functional a to b",
		"derive A from",
		"derive A from B",
		"decouple sideways a to b",
		"decouple functional a,,b to c",
		"partition everything",
		"partition a into 1",
		"partition a into 2 by x,",
		"derive C from B",
	}, "\n")
	plans, errs := rewrite.ParsePlans("p.hydroplan", []byte(src))
	var got []string
	for _, d := range errs {
		got = append(got, fmt.Sprintf("%d:%d %s", d.Pos.Line, d.Pos.Col, d.Message))
	}
	assert.Equal(t, []string{
		`2:1 step before any "derive NEW from BASE" line`,
		`3:1 malformed plan line "derive A from": want "derive NEW from BASE"`,
		`5:1 unknown rewrite "sideways" (want one of asymmetric, functional, independent, monotonic)`,
		`6:1 empty operator name in "a,,b"`,
		`7:1 malformed plan line "partition everything": want "partition ROLE into N [by FIELD,...]"`,
		`8:1 partition a into 1: the number of partitions must be an integer of at least 2`,
		`9:1 empty field name in "x,"`,
		`4:1 plan A has no steps`,
		`10:1 plan C has no steps`,
	}, got)
	assert.Len(t, plans, 2)
}

func TestUpgradeRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, pkg, base, step, want string
	}{
		{"not a fold", "./examples/shopping", "Figure2", "upgrade ssiv tagged until Checkout", "tagged names no hydro.FoldKeyed"},
		{"no marker", "./examples/shopping", "Figure2", "upgrade ssiv carts until Done", "the end marker Done is not a field of shopping.Tagged"},
		{"marker not bool", "./examples/shopping", "Figure2", "upgrade ssiv carts until Item", "the end marker Item of shopping.Tagged is a string, not a bool"},
		{"sums", "./gen/rewrite/testdata/folds", "Sums", "upgrade ssiv sums until Last",
			"folds.go:29:28: upgrade ssiv sums until Last: hydro.FoldKeyed (bound to sums): its add function is not one assignment acc.F = append(acc.F, item)"},
		{"remote", "./gen/rewrite/testdata/folds", "Remote", "upgrade ssiv lists until Last",
			"folds.go:47:26: upgrade ssiv lists until Last: hydro.FoldKeyed (bound to lists) reads items that crossed the network at hydro.Send"},
		{"per tick", "./gen/rewrite/testdata/folds", "PerTick", "upgrade ssiv lists until Last", "keeps its groups for one tick"},
		{"prefix, sums", "./gen/rewrite/testdata/folds", "Sums", "upgrade prefix sums until Last",
			"folds.go:29:28: upgrade prefix sums until Last: hydro.FoldKeyed (bound to sums): its add function is not one assignment acc.F = append(acc.F, item)"},
		{"prefix, remote", "./gen/rewrite/testdata/folds", "Remote", "upgrade prefix lists until Last",
			"folds.go:47:26: upgrade prefix lists until Last: hydro.FoldKeyed (bound to lists) reads items that crossed the network at hydro.Send"},
		{"prefix, no marker", "./examples/shopping", "Figure2", "upgrade prefix carts until Done", "the end marker Done is not a field of shopping.Tagged"},
		{"prefix, pushdown", "./examples/shopping", "Figure2", "upgrade prefix carts until Checkout\npushdown carts",
			"carts is upgraded to a prefix lattice; the group-by is pushed through the join of a sealed set of indexed values"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refused(t, tc.pkg, tc.base, tc.step, tc.want)
		})
	}
}

func TestUpgradeMakesTheFoldALatticeMerge(t *testing.T) {
	g, err := derive(t, "./examples/shopping", "Figure2", "derive F4 from Figure2\nupgrade ssiv carts until Checkout\n")
	require.NoError(t, err)
	// The join's output is numbered per key, merged, and released at top
	// once: the sink reads a join of the fresh keys with the complete
	// sessions.
	enum := node(t, g, "server", "hydro.EnumerateKeyed")
	assert.Equal(t, "hydro.Join", g.Nodes[enum.Inputs[0]].Spec.API)
	node(t, g, "server", "hydro.MergeKeyed")
	sink := node(t, g, "server", "hydro.Sink")
	rel := g.Nodes[sink.Inputs[0]]
	assert.Equal(t, "hydro.Join", rel.Spec.API)
	assert.Equal(t, "hydro.Unique", g.Nodes[rel.Inputs[0]].Spec.API)
	assert.Equal(t, "hydro.Filter", g.Nodes[rel.Inputs[1]].Spec.API)
	for _, n := range g.Nodes {
		assert.NotEqual(t, "hydro.FoldKeyed", n.Spec.API)
	}
}

func TestPrefixUpgradeAppendsOnTheLocalEdge(t *testing.T) {
	g, err := derive(t, "./examples/shopping", "Figure2", "derive F3 from Figure2\nupgrade prefix carts until Checkout\n")
	require.NoError(t, err)
	// The join's output is appended per key (the fold's edge is local and
	// ordered: its items are the ordered diffs), made a bounded prefix at
	// the marker, merged, and released at top once.
	buf := node(t, g, "server", "hydro.FoldKeyed")
	assert.Equal(t, "hydro.Join", g.Nodes[buf.Inputs[0]].Spec.API)
	top := node(t, g, "server", "hydro.FilterMap")
	assert.Equal(t, buf.ID, top.Inputs[0])
	merge := node(t, g, "server", "hydro.MergeKeyed")
	assert.Equal(t, top.ID, merge.Inputs[0])
	assert.Contains(t, merge.Elem.Name, "lattices.BoundedPrefix[shopping.Tagged]")
	sink := node(t, g, "server", "hydro.Sink")
	rel := g.Nodes[sink.Inputs[0]]
	assert.Equal(t, "hydro.Join", rel.Spec.API)
	assert.Equal(t, "hydro.Unique", g.Nodes[rel.Inputs[0]].Spec.API)
}

func TestPushdownRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, base, step, want string
	}{
		{"no fd", "NoFD", "pushdown groups",
			"folds.go:98:22: pushdown groups: the fold groups by (Key, Class), and (Key) does not determine Class on the output of hydro.Join"},
		{"streams", "Streams", "pushdown groups", "joins no stream with a table: its right input, hydro.Source"},
		{"not upgraded", "NoFD", "", "groups names no upgraded fold"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := "derive X from " + tc.base + "\nupgrade ssiv groups until Last\npushdown groups\n"
			if tc.step == "" {
				plan = "derive X from " + tc.base + "\npushdown groups\n"
			}
			_, err := derive(t, "./gen/rewrite/testdata/folds", tc.base, plan)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestCutRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, pkg, base, plan, want string
	}{
		{"not upgraded", "./examples/shopping", "Figure2", "cut before carts to cart resend 50ms", "carts names no upgraded fold"},
		{"existing role", "./examples/shopping", "Figure2", "upgrade ssiv carts until Checkout\ncut before carts to server resend 50ms", `role "server" must be a new location`},
		{"not monotone", "./gen/rewrite/testdata/folds", "Counted", "upgrade ssiv lists until Last\ncut after lists to remote resend 50ms",
			"folds.go:123:23: cut after lists to remote resend 50ms: hydro.Fold ("},
		{"not monotone, why", "./gen/rewrite/testdata/folds", "Counted", "upgrade ssiv lists until Last\ncut after lists to remote resend 50ms",
			"downstream of the cut, is not monotone (its result depends on the order of its input)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refused(t, tc.pkg, tc.base, tc.plan, tc.want)
		})
	}
}

func TestCutsCarryTheStreamResentUntilAcknowledged(t *testing.T) {
	for _, side := range []string{"before", "after"} {
		g, err := derive(t, "./examples/shopping", "Figure2", "derive F from Figure2\nupgrade ssiv carts until Checkout\npushdown carts\ncut "+side+" carts to server as client resend 50ms\n")
		require.NoError(t, err, side)
		// The client resends on a timer what the server has not
		// acknowledged; the server acknowledges to the client.
		anti := node(t, g, "client", "hydro.AntiJoin")
		ack := g.Nodes[anti.Inputs[1]]
		assert.Equal(t, "hydro.Send", ack.Spec.API, side)
		assert.Equal(t, "server", g.Locations[g.Nodes[ack.Inputs[0]].Loc].Name, side)
		node(t, g, "client", "hydro.Timer")
		node(t, g, "client", "hydro.Source")
		node(t, g, "server", "hydro.Sink")
		want := map[string]string{"before": "server", "after": "client"}[side]
		assert.Equal(t, want, g.Locations[node(t, g, want, "hydro.MergeKeyed").Loc].Name, "the cart state is at the %s", want)
	}
}

func TestReplicateRefusals(t *testing.T) {
	const fig6 = "upgrade ssiv carts until Checkout\npushdown carts\ncut before carts to server as client resend 50ms\n"
	for _, tc := range []struct {
		name, pkg, base, plan, want string
	}{
		{"no location", "./examples/shopping", "Figure2", "replicate nowhere gossip 50ms", `flow X has no location "nowhere"`},
		{"client", "./examples/shopping", "Figure2", fig6 + "replicate client gossip 50ms", `"client" reads the flow's inputs, which would reach one replica only`},
		{"twice", "./examples/shopping", "Figure2", fig6 + "replicate server gossip 50ms\nreplicate server gossip 50ms", `"server" is a cluster`},
		{"no lattice", "./examples/shopping", "Figure2", "upgrade ssiv carts until Checkout\npushdown carts\ncut after carts to server as client resend 50ms\nreplicate server gossip 50ms",
			`"server" keeps no lattice merge`},
		{"not monotone", "./gen/rewrite/testdata/folds", "Remote", "replicate server gossip 50ms",
			"folds.go:47:26: replicate server gossip 50ms: hydro.FoldKeyed ("},
		{"not monotone, why", "./gen/rewrite/testdata/folds", "Remote", "replicate server gossip 50ms",
			"is not monotone (its result depends on the order of its input): replicas hear items in different orders"},
		{"kept state", "./gen/rewrite/testdata/folds", "Kept", "replicate server gossip 50ms",
			"replicate server gossip 50ms: hydro.Persist ("},
		{"kept state, why", "./gen/rewrite/testdata/folds", "Kept", "replicate server gossip 50ms",
			"keeps every item it received, state that is neither a lattice merge"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refused(t, tc.pkg, tc.base, tc.plan, tc.want)
		})
	}
}

func TestReplicateBroadcastsGossipsAndLogs(t *testing.T) {
	g, err := derive(t, "./examples/shopping", "Figure2", "derive F from Figure2\nupgrade ssiv carts until Checkout\npushdown carts\ncut before carts to server as client resend 50ms\nreplicate server gossip 50ms\n")
	require.NoError(t, err)
	server := g.Location("server")
	assert.Equal(t, ir.ClusterLoc, server.Kind)
	// The merge reads what the client broadcast and what the replicas
	// broadcast of their own state on a timer, and is Durable, as is the
	// release's duplicate filter.
	merge := node(t, g, "server", "hydro.MergeKeyed")
	assert.Equal(t, ir.Durable, merge.Lifetimes[0])
	assert.Equal(t, ir.Durable, node(t, g, "server", "hydro.Unique").Lifetimes[0])
	heard := g.Nodes[merge.Inputs[0]]
	require.Equal(t, "hydro.Union", heard.Spec.API)
	from := map[string]bool{}
	for _, in := range heard.Inputs {
		b := g.Nodes[in]
		require.Equal(t, "hydro.Broadcast", b.Spec.API)
		from[g.Locations[g.Nodes[b.Inputs[0]].Loc].Name] = true
	}
	assert.Equal(t, map[string]bool{"client": true, "server": true}, from)
	node(t, g, "server", "hydro.Timer")
	for _, n := range g.Nodes {
		if n.Loc == server.ID {
			assert.NotEqual(t, "hydro.Send", n.Spec.API, "n%d: the client broadcasts to the replicas", n.ID)
		}
	}
}
