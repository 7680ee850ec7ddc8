package rewrite_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/ir"
)

// sendBetween returns the one Send from location from to location to.
func sendBetween(t *testing.T, g *ir.Graph, from, to string) *ir.Node {
	t.Helper()
	var found []*ir.Node
	for _, n := range g.Nodes {
		if n.Spec.API == "hydro.Send" && g.Locations[n.Loc].Name == to && g.Locations[g.Nodes[n.Inputs[0]].Loc].Name == from {
			found = append(found, n)
		}
	}
	require.Len(t, found, 1, "one Send from %s to %s", from, to)
	return found[0]
}

// TestDecouplingOffAClusterPairsTheProxies decouples the servers' check
// and count (functional) off the cluster of servers: the proxies are a
// cluster paired with the servers, each server relays to its own proxy and
// its proxy answers it alone, and the peers' acknowledgements, which went
// to server ackTo(a), go to proxy ackTo(a).
func TestDecouplingOffAClusterPairsTheProxies(t *testing.T) {
	base := load(t, "./gen/rewrite/testdata/proxy", "Proxy")
	g, err := derive(t, "./gen/rewrite/testdata/proxy", "Proxy", "derive P2 from Proxy\ndecouple functional checked,counted to proxy\n")
	require.NoError(t, err)
	proxy := g.Location("proxy")
	require.NotNil(t, proxy)
	assert.Equal(t, ir.ClusterLoc, proxy.Kind)
	assert.Equal(t, "server", proxy.Paired)
	assert.Equal(t, g.Location("server"), g.PairedBase(proxy))

	// The server relays its stamped numbers to its own proxy.
	relay := sendBetween(t, g, "server", "proxy")
	assert.True(t, relay.Paired)
	assert.Equal(t, "hydro.CrossJoin", g.Nodes[relay.Inputs[0]].Spec.API)
	var checks []string
	for _, e := range g.Consumers()[relay.ID] {
		checks = append(checks, g.Nodes[e.To].Spec.API)
	}
	assert.Equal(t, []string{"hydro.Map"}, checks)
	// The proxy broadcasts to the peers.
	b := node(t, g, "peer", "hydro.Broadcast")
	assert.Equal(t, "proxy", g.Locations[g.Nodes[b.Inputs[0]].Loc].Name)
	assert.False(t, b.Paired)
	// The peers' acknowledgements are redirected with their member choice.
	d := node(t, g, "proxy", "hydro.Demux")
	assert.False(t, d.Paired)
	assert.Equal(t, "peer", g.Locations[g.Nodes[d.Inputs[0]].Loc].Name)
	var was *ir.Node
	for _, n := range base.Flow.Graph.Nodes {
		if n.Spec.API == "hydro.Demux" && base.Flow.Graph.Locations[n.Loc].Name == "server" && base.Flow.Graph.Locations[base.Flow.Graph.Nodes[n.Inputs[0]].Loc].Name == "peer" {
			was = n
		}
	}
	require.NotNil(t, was)
	assert.Same(t, parse.SyntaxOf(was), parse.SyntaxOf(d), "the same routing function")
	// The counts cross back from each proxy to its own server.
	back := sendBetween(t, g, "proxy", "server")
	assert.True(t, back.Paired)
	assert.Equal(t, "hydro.Map", g.Nodes[back.Inputs[0]].Spec.API)
	assert.Equal(t, "hydro.Filter", g.Nodes[g.Consumers()[back.ID][0].To].Spec.API)
	// Nothing else is paired.
	for _, n := range g.Nodes {
		if n != relay && n != back {
			assert.False(t, n.Paired, "n%d %s", n.ID, n.Spec.API)
		}
	}
}

// TestPartitionedProxies partitions the proxies of a decoupling off a
// cluster: each server's relay reaches one partition of its own proxy.
func TestPartitionedProxies(t *testing.T) {
	g, err := derive(t, "./gen/rewrite/testdata/proxy", "Proxy", "derive P3 from Proxy\ndecouple functional checked,counted to proxy\npartition proxy into 3\n")
	require.NoError(t, err)
	proxy := g.Location("proxy")
	assert.Equal(t, 3, proxy.Partitions)
	assert.Equal(t, "server", proxy.Paired)
	var relays []*ir.Node
	for _, n := range g.Nodes {
		if n.Loc == proxy.ID && n.Spec.Network && g.Locations[g.Nodes[n.Inputs[0]].Loc].Name == "server" {
			relays = append(relays, n)
		}
	}
	require.Len(t, relays, 1)
	assert.Equal(t, "hydro.Demux", relays[0].Spec.API, "a Send to a partitioned location is a Demux to its partitions")
	assert.True(t, relays[0].Paired, "to the partitions of the server's own proxy")
	assert.True(t, sendBetween(t, g, "proxy", "server").Paired)
}

// TestClusterDecouplingRefusals: the precondition is checked first, and a
// partitioned cluster is not decoupled.
func TestClusterDecouplingRefusals(t *testing.T) {
	refused(t, "./gen/rewrite/testdata/proxy", "Proxy", "decouple functional stamped to proxy",
		"proxy.go:39:45: decouple functional stamped to proxy: hydro.SelfID (bound to stamped) is not functional: a source")
	refused(t, "./gen/rewrite/testdata/proxy", "Proxy", "partition server into 2\ndecouple functional checked to proxy",
		`location "server" is partitioned; decouple before partitioning`)
	refused(t, "./gen/rewrite/testdata/proxy", "Proxy", "decouple functional checked to peer", `role "peer" must be a new location`)
}

// TestVerifyChecksPairing: a paired Send must connect a location and the
// location paired with it, and a paired location a cluster.
func TestVerifyChecksPairing(t *testing.T) {
	g, err := derive(t, "./gen/rewrite/testdata/proxy", "Proxy", "derive P4 from Proxy\ndecouple functional checked,counted to proxy\n")
	require.NoError(t, err)
	bad := g.Clone()
	for _, n := range bad.Nodes {
		if n.Spec.API == "hydro.Send" && bad.Locations[n.Loc].Name == "client" {
			n.Paired = true
		}
	}
	require.NotEmpty(t, ir.Verify(bad))
	assert.Contains(t, ir.Verify(bad).Error(), "is marked paired but does not send between a location and the location paired with it")
	bad = g.Clone()
	bad.Location("proxy").Paired = "client"
	assert.Contains(t, ir.Verify(bad).Error(), `location "proxy" is paired with "client", which is not a cluster it can pair with`)
}

// TestScalablePaxosPlan derives ScalablePaxos by examples/paxos's plan:
// both proxies are clusters paired with the proposers, the P2a reaches
// the p2a proxy by a paired Send, the acceptors' votes reach the p2b
// proxy of their ballot's proposer, in the partition of their ring
// position, and the proposer receives only the rejections among them.
func TestScalablePaxosPlan(t *testing.T) {
	src, err := os.ReadFile("../../examples/paxos/scalable.hydroplan")
	require.NoError(t, err)
	g, err := derive(t, "./examples/paxos", "Paxos", string(src))
	require.NoError(t, err)
	for _, role := range []string{"p2aproxy", "p2bproxy"} {
		require.NotNil(t, g.Location(role), role)
		assert.Equal(t, "proposer", g.Location(role).Paired, role)
	}
	assert.Equal(t, 3, g.Location("p2bproxy").Partitions)
	assert.True(t, sendBetween(t, g, "proposer", "p2aproxy").Paired)
	var votes []*ir.Node
	for _, n := range g.Nodes {
		if n.Spec.Network && g.Locations[g.Nodes[n.Inputs[0]].Loc].Name == "acceptor" && n.Elem.Name == "paxos.P2b" {
			votes = append(votes, n)
		}
	}
	require.Len(t, votes, 1)
	assert.Equal(t, "p2bproxy", g.Locations[votes[0].Loc].Name)
	assert.False(t, votes[0].Paired, "routed by the ballot's proposer, as in the base")
	require.NotNil(t, parse.SyntaxOf(votes[0]).Part, "and by the ring position")
	assert.Equal(t, "Pos", parse.SyntaxOf(votes[0]).Part.Fields[0].Name())
	for _, n := range g.Nodes {
		if g.Locations[n.Loc].Name == "proposer" && n.Spec.Network && n.Elem.Name == "paxos.P2b" {
			in := g.Nodes[n.Inputs[0]]
			assert.Equal(t, "hydro.Filter", in.Spec.API, "n%d: the proposer receives only the rejections", n.ID)
			assert.Equal(t, "p2bproxy", g.Locations[in.Loc].Name, "n%d: from the p2b proxy", n.ID)
		}
	}
}
