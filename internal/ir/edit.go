package ir

import (
	"fmt"
	"slices"

	"github.com/hydrogo/hydro/internal/ops"
)

// The edit API. Passes change a graph only through these methods, on a
// clone of the graph they were given, and hand the result to Verify.
//
// Node IDs are dense: Nodes[i].ID == i always. Methods that add nodes append
// them, so the IDs of existing nodes do not change; Remove renumbers the
// nodes after the removed one. A *Node stays the same node across edits.

// Clone returns a copy of g that can be edited without changing g. Nodes and
// locations are copied; what they refer to and never edit in place (types,
// syntax, user functions, keys, ports, payloads) is shared.
func (g *Graph) Clone() *Graph {
	c := &Graph{Name: g.Name, Pos: g.Pos, Ports: slices.Clone(g.Ports)}
	for _, l := range g.Locations {
		cl := *l
		c.Locations = append(c.Locations, &cl)
	}
	for _, n := range g.Nodes {
		cn := *n
		cn.Inputs = slices.Clone(n.Inputs)
		cn.Lifetimes = slices.Clone(n.Lifetimes)
		c.Nodes = append(c.Nodes, &cn)
	}
	return c
}

// AddLocation adds a location (a new role) called name and returns it.
func (g *Graph) AddLocation(name string, kind LocKind) (*Location, error) {
	if !ValidLocationName(name) {
		return nil, fmt.Errorf("location name %q must be a lower-case identifier (letters, digits, '-', '_'), it names a binary", name)
	}
	if l := g.Location(name); l != nil {
		return nil, fmt.Errorf("location %q is already declared", name)
	}
	l := &Location{ID: len(g.Locations), Name: name, Kind: kind}
	g.Locations = append(g.Locations, l)
	return l, nil
}

// Location returns the location called name, or nil.
func (g *Graph) Location(name string) *Location {
	for _, l := range g.Locations {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// ValidLocationName reports whether name can name a location: a lower-case
// identifier of letters, digits, '-' and '_' that names a binary.
func ValidLocationName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r == '_', r == '-' && i > 0, r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Add appends n to the graph, giving it the next ID, and returns it. n's
// Spec and Op are completed from each other.
func (g *Graph) Add(n *Node) *Node {
	n.ID = len(g.Nodes)
	switch {
	case n.Spec == nil:
		n.Spec = ops.Lookup(n.Op)
	case n.Op == "":
		n.Op = n.Spec.Name
	}
	g.Nodes = append(g.Nodes, n)
	return n
}

// InsertOnEdge adds n on edge e: n reads e's producer and e's consumer
// reads n at e's port. n must be a one-input operator; its Inputs are set.
func (g *Graph) InsertOnEdge(e Edge, n *Node) (*Node, error) {
	if err := g.checkEdge(e); err != nil {
		return nil, err
	}
	n.Inputs = []int{e.From}
	g.Add(n)
	g.Nodes[e.To].Inputs[e.Port] = n.ID
	return n, nil
}

// Replace puts n in the place of node id: n takes id's ID, and every consumer
// of id reads n instead. n's Inputs are kept as given (nil keeps id's).
func (g *Graph) Replace(id int, n *Node) error {
	if id < 0 || id >= len(g.Nodes) {
		return fmt.Errorf("replace: no node %d", id)
	}
	if n.Inputs == nil {
		n.Inputs = slices.Clone(g.Nodes[id].Inputs)
	}
	if n.Spec == nil {
		n.Spec = ops.Lookup(n.Op)
	} else if n.Op == "" {
		n.Op = n.Spec.Name
	}
	n.ID = id
	g.Nodes[id] = n
	return nil
}

// Remove deletes node id. Its consumers read its only input instead, so a
// node with consumers must have exactly one input. Nodes after id are
// renumbered.
func (g *Graph) Remove(id int) error {
	if id < 0 || id >= len(g.Nodes) {
		return fmt.Errorf("remove: no node %d", id)
	}
	n := g.Nodes[id]
	consumers := g.Consumers()[id]
	if len(consumers) > 0 && len(n.Inputs) != 1 {
		return fmt.Errorf("remove: node %d (%s) has %d inputs and consumers; only a one-input node can be bypassed", id, n.Op, len(n.Inputs))
	}
	for _, c := range consumers {
		g.Nodes[c.To].Inputs[c.Port] = n.Inputs[0]
	}
	g.Nodes = slices.Delete(g.Nodes, id, id+1)
	for _, m := range g.Nodes {
		if m.ID > id {
			m.ID--
		}
		for i, in := range m.Inputs {
			if in > id {
				m.Inputs[i] = in - 1
			}
		}
	}
	return nil
}

// Move changes the location of node id to loc. Edges it then has to or from
// other locations must go through network operators before the graph
// verifies: MoveAcross inserts them.
func (g *Graph) Move(id, loc int) error {
	if id < 0 || id >= len(g.Nodes) {
		return fmt.Errorf("move: no node %d", id)
	}
	if loc < 0 || loc >= len(g.Locations) {
		return fmt.Errorf("move: no location %d", loc)
	}
	g.Nodes[id].Loc = loc
	return nil
}

// MoveAcross moves node id to loc, a process, and replaces every edge into
// or out of it that then crosses locations by a network edge pair (see
// Network). It returns the network operators it inserted.
func (g *Graph) MoveAcross(id, loc int) ([]*Node, error) {
	if err := g.Move(id, loc); err != nil {
		return nil, err
	}
	n := g.Nodes[id]
	var edges []Edge
	if !n.Spec.Network {
		for port, in := range n.Inputs {
			if g.Nodes[in].Loc != loc {
				edges = append(edges, Edge{From: in, To: id, Port: port})
			}
		}
	}
	for _, c := range g.Consumers()[id] {
		if to := g.Nodes[c.To]; !to.Spec.Network && to.Loc != loc {
			edges = append(edges, c)
		}
	}
	var added []*Node
	for _, e := range edges {
		dest := g.Locations[g.Nodes[e.To].Loc]
		spec := ops.Send
		if dest.Kind == ClusterLoc {
			spec = ops.Broadcast
		}
		nn, err := g.Network(e, spec)
		if err != nil {
			return added, err
		}
		added = append(added, nn)
	}
	return added, nil
}

// Network replaces edge e by a network edge pair: e's producer sends to a
// new network operator, spec (Send to a process, Broadcast to every member
// of a cluster), living at the consumer's location, which the consumer reads
// instead. Demux needs a key or a member function and is not inserted here.
func (g *Graph) Network(e Edge, spec *ops.Spec) (*Node, error) {
	if err := g.checkEdge(e); err != nil {
		return nil, err
	}
	from, to := g.Nodes[e.From], g.Nodes[e.To]
	var route ops.Route
	switch spec {
	case ops.Send:
		route = func(any, int) int { return 0 }
	case ops.Broadcast:
		route = func(any, int) int { return ops.Everyone }
	default:
		return nil, fmt.Errorf("network: %s cannot be inserted on an edge; use Send or Broadcast", spec.API)
	}
	n := &Node{Spec: spec, Op: spec.Name, Loc: to.Loc, Elem: from.Elem, Pos: to.Pos, API: spec.API}
	if from.Elem.Reflect != nil {
		n.Payload = ops.NetworkPayload{Route: route}
	}
	return g.InsertOnEdge(e, n)
}

func (g *Graph) checkEdge(e Edge) error {
	if e.To < 0 || e.To >= len(g.Nodes) || e.Port < 0 || e.Port >= len(g.Nodes[e.To].Inputs) || g.Nodes[e.To].Inputs[e.Port] != e.From {
		return fmt.Errorf("no edge %d -> %d port %d", e.From, e.To, e.Port)
	}
	return nil
}
