package rewrite

import (
	"fmt"
	"go/types"
	"slices"
	"strings"
	"time"

	"github.com/hydrogo/hydro/gen/analyze"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// Replicating a process whose state is a lattice (paper 001 §5.3, Figure
// 8). When every operator of the process is monotone and the only state it
// keeps is lattice merges, duplicate filters and tables, copies of it that
// hear the same items in any order, batching and repetition converge to
// the same state and emit the same output. The process becomes a cluster:
// what other locations sent to it is broadcast to every replica, each
// replica broadcasts its merged state on a timer (anti-entropy) and merges
// what it hears with the lattice merge, and the merges and duplicate
// filters are made Durable, so a replica acknowledges only state that
// outlives its crash and releases each value once across restarts.
//
//	replicate server gossip 50ms
//
// names the process and the anti-entropy period. docs/rewrites.md has the
// proof sketch.
func init() {
	directives["replicate"] = &directive{parse: parseReplicate, apply: applyReplicate,
		precondition: "every operator of the process is monotone; it keeps state only in lattice merges (exchanged), duplicate filters and tables; it reads no flow input"}
}

func parseReplicate(f []string) (*Step, string) {
	if len(f) != 4 || f[2] != "gossip" {
		return nil, fmt.Sprintf("malformed plan line %q: want \"replicate ROLE gossip PERIOD\"", strings.Join(f, " "))
	}
	if p, err := time.ParseDuration(f[3]); err != nil || p <= 0 {
		return nil, fmt.Sprintf("gossip period %q is not a positive duration", f[3])
	}
	return &Step{Rewrite: "replicate", Role: f[1], Args: map[string]string{"gossip": f[3]}}, ""
}

func applyReplicate(d *derivation, step *Step) (*ir.Graph, *diag.Diagnostic) {
	g := d.g
	loc := g.Location(step.Role)
	switch {
	case loc == nil:
		return nil, stepErrorf(step.Pos, step, "flow %s has no location %q", g.Name, step.Role)
	case loc.Kind != ir.ProcessLoc:
		return nil, stepErrorf(step.Pos, step, "%q is a cluster; replication makes a cluster of a process", loc.Name)
	case loc.Partitions > 0:
		return nil, stepErrorf(step.Pos, step, "%q is partitioned; replicate before partitioning", loc.Name)
	case client(g, loc.ID):
		return nil, stepErrorf(step.Pos, step, "%q reads the flow's inputs, which would reach one replica only; replicate the process the inputs are sent to", loc.Name)
	}
	facts, err := analyze.Run(d.base.WithGraph(g), analysis.Monotone)
	if err != nil {
		return nil, stepErrorf(step.Pos, step, "%v", err)
	}
	mono := facts.Facts[analysis.Monotone].(*analysis.RegionsResult)
	var merges, dedups, inbound []int
	for _, n := range g.Nodes {
		if n.Loc != loc.ID {
			continue
		}
		if p := mono.Nodes[n.ID]; !p.Yes && !n.Spec.Sink {
			return nil, stepErrorf(n.Pos, step, "%s is not monotone (%s): replicas hear items in different orders and batches, and would emit different things", describe(g, n.ID), p.Reason)
		}
		if n.Spec.Network && len(n.Inputs) == 1 && g.Nodes[n.Inputs[0]].Loc != loc.ID {
			inbound = append(inbound, n.ID)
		}
		if n.Spec.Replays {
			return nil, stepErrorf(n.Pos, step, "%s keeps every item it received, state that is neither a lattice merge, which replicas exchange, nor a duplicate filter or a table: replicas would hold it apart and diverge", describe(g, n.ID))
		}
		for slot := range n.Spec.Lifetimes {
			if !lifetimeOf(n, slot).Kept() {
				continue
			}
			switch {
			case n.Spec.LatticeMerge && n.Spec.Durable && slot == 0:
				merges = append(merges, n.ID)
			case n.Spec.Dedup && n.Spec.Durable && slot == 0:
				dedups = append(dedups, n.ID)
			case n.Spec.SideLifetimes && slot < len(n.Inputs) && g.Nodes[n.Inputs[slot]].Spec.Complete:
				// A table, the same at every replica.
			default:
				return nil, stepErrorf(n.Pos, step, "%s keeps state (its %s state is %s) that is neither a lattice merge, which replicas exchange, nor a duplicate filter or a table: replicas would hold it apart and diverge", describe(g, n.ID), n.Spec.Lifetimes[slot].Name, lifetimeOf(n, slot))
			}
		}
	}
	if len(merges) == 0 {
		return nil, stepErrorf(step.Pos, step, "%q keeps no lattice merge, so its replicas would have no state to exchange; upgrade a fold to a lattice and cut before its merge first", loc.Name)
	}
	if len(inbound) == 0 {
		return nil, stepErrorf(step.Pos, step, "nothing is sent to %q from another location, so there is nothing to broadcast to its replicas", loc.Name)
	}
	for _, id := range inbound {
		if g.Nodes[id].Spec != ops.Send {
			return nil, stepErrorf(g.Nodes[id].Pos, step, "%s sends to %q, a process, by other than hydro.Send", describe(g, id), loc.Name)
		}
	}
	period, _ := time.ParseDuration(step.Args["gossip"])
	timeT := importedPkg(d.base.Pkg.Types, "time")
	if timeT == nil {
		return nil, stepErrorf(step.Pos, step, "package %s does not import package time, whose Time the gossip timer emits", d.base.Pkg.PkgPath)
	}
	out := replicate(g, loc.ID, inbound, merges, dedups, period, timeT.Scope().Lookup("Time").Type())
	d.notef("every operator at %q is monotone; its kept state is the lattice merges %s, the duplicate filters %s and tables", loc.Name, nodeList(g, merges), nodeList(g, dedups))
	d.notef("%q becomes a cluster; %s, sent to it, broadcast to every replica", loc.Name, nodeList(g, inbound))
	d.notef("each replica broadcasts its merged state every %s and merges what it hears; the merges and duplicate filters are Durable, so a replica acknowledges only logged state and releases each value once across restarts", period)
	return out, nil
}

// replicate makes a cluster of location loc: the sends to it broadcast,
// each merge also reads the state every replica broadcasts every period,
// and merges and dedups keep Durable state.
func replicate(g *ir.Graph, loc int, inbound, merges, dedups []int, period time.Duration, timeT types.Type) *ir.Graph {
	c := g.Clone()
	c.Locations[loc].Kind = ir.ClusterLoc
	for _, id := range inbound {
		n := c.Nodes[id]
		n.Spec, n.Op, n.API = ops.Broadcast, ops.Broadcast.Name, ops.Broadcast.API
	}
	for _, id := range merges {
		m := c.Nodes[id]
		elem := parse.Go(m.Elem)
		add := adder(c, m.Pos)
		entropy := repeatEvery(add, loc, id, elem, timeT, period)
		gossip := add(loc, ops.Broadcast, elem, []int{entropy.ID}, nil, &parse.Syntax{})
		heard := add(loc, ops.Union, elem, []int{m.Inputs[0], gossip.ID}, nil, &parse.Syntax{})
		m.Inputs[0] = heard.ID
		m.Lifetimes = durableFirst(m)
	}
	for _, id := range dedups {
		c.Nodes[id].Lifetimes = durableFirst(c.Nodes[id])
	}
	return c
}

// durableFirst returns n's lifetimes with the first slot Durable.
func durableFirst(n *ir.Node) []ir.Lifetime {
	lts := make([]ir.Lifetime, len(n.Spec.Lifetimes))
	for i := range lts {
		lts[i] = lifetimeOf(n, i)
	}
	lts[0] = ir.Durable
	return lts
}

// nodeList names the operators ids for explain: "n7 hydro.MergeKeyed, ...".
func nodeList(g *ir.Graph, ids []int) string {
	if len(ids) == 0 {
		return "(none)"
	}
	var s []string
	for _, id := range slices.Sorted(slices.Values(ids)) {
		s = append(s, fmt.Sprintf("n%d %s", id, g.Nodes[id].Spec.API))
	}
	return strings.Join(s, ", ")
}
