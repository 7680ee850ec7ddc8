package sim

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hydrogo/hydro/hydro"
)

// Location is a location of a program and its number of members (1 for a
// process).
type Location struct {
	// Name is the location's name, as hydro.Dest names it.
	Name string
	// Members is the number of members, at least 1.
	Members int
}

// Spawn builds the node of one member of a location. The simulator calls it
// for every member at the start, and again for a member after each of its
// crashes: a node that restarts from durable state reads it here. The
// simulator sets the node's member, clock and send function itself.
type Spawn func(location string, member int) (hydro.NetNode, error)

// NewNodes simulates nodes that implement hydro.NetNode, such as the nodes
// hydrogen generates: locations lists every location of the program, in an
// order that is part of the run's determinism, and spawn builds their
// nodes. Frames are routed by their hydro.Dest: to one member (Member modulo
// the location's size) or, with All, to every member, the sender included.
// Config.Members is not read.
func NewNodes(locations []Location, spawn Spawn, cfg Config) (*Sim, error) {
	if len(locations) == 0 {
		return nil, errors.New("sim: no locations to simulate")
	}
	if spawn == nil {
		return nil, errors.New("sim: no Spawn function")
	}
	sizes := make(map[string]int, len(locations))
	for _, l := range locations {
		sizes[l.Name] = l.Members
	}
	var s *Sim
	s = newSim(cfg, func(location string, member int) (node, error) {
		n, err := spawn(location, member)
		if err != nil {
			return nil, err
		}
		if n == nil {
			return nil, errors.New("Spawn returned a nil node")
		}
		n.SetMember(hydro.MemberID(member))
		if v, ok := n.(hydro.Validator); ok {
			if err := v.Validate(); err != nil {
				return nil, err
			}
		}
		if ss, ok := n.(hydro.SizeSetter); ok {
			if err := ss.SetSizes(sizes); err != nil {
				return nil, err
			}
		}
		n.SetNow(s.now)
		n.OnSend(func(to hydro.Dest, tag uint16, payload []byte) {
			// The payload is valid only during the call: keep a copy.
			s.post(to, message{tag: int(tag), payload: slices.Clone(payload)})
		})
		return generated{n}, nil
	})
	for _, l := range locations {
		if l.Members < 1 {
			return nil, fmt.Errorf("sim: location %q needs at least 1 member, not %d", l.Name, l.Members)
		}
		if err := s.place(l.Name, l.Members); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// NetNode returns the node of one member of a location (for inspecting state
// in tests), or nil if there is no such member or the simulation runs
// interpreters. It changes when the node restarts.
func (s *Sim) NetNode(location string, member int) hydro.NetNode {
	if n, ok := s.lookup(location, member).(generated); ok {
		return n.n
	}
	return nil
}

// generated runs a member with a hydro.NetNode.
type generated struct{ n hydro.NetNode }

func (g generated) tick(now time.Time) {
	g.n.SetNow(now)
	g.n.Tick()
}

func (g generated) pending() bool { return g.n.Pending() }

func (g generated) due(now time.Time) bool {
	t, ok := g.n.NextTimer()
	return ok && !t.After(now)
}

// deliver passes the frame's payload itself: Deliver does not retain it.
func (g generated) deliver(m message) error { return g.n.Deliver(uint16(m.tag), m.payload) }

func (g generated) durable() hydro.DurableNode {
	d, _ := g.n.(hydro.DurableNode)
	return d
}
