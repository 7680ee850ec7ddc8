package sim

import (
	"fmt"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/internal/ir"
)

// New simulates f with the reference interpreter: every member of every
// location of f, which must be built and free of errors, runs as a
// hydro.Interpreter. Config.Members gives the size of every cluster. The
// flow's inputs and outputs are shared with the caller: push into inputs and
// take from outputs as the simulation runs. A crashed node restarts with
// fresh state.
func New(f *hydro.Flow, cfg Config) (*Sim, error) {
	if err := f.Err(); err != nil {
		return nil, err
	}
	var s *Sim
	s = newSim(cfg, func(location string, member int) (node, error) {
		it, err := hydro.InterpretAt(f, hydro.NodeConfig{Location: location, Member: hydro.MemberID(member), Members: cfg.Members})
		if err != nil {
			return nil, err
		}
		it.SetNow(s.now)
		it.OnSend(func(m hydro.Message) {
			// Route has already reduced Member modulo the location's size.
			s.post(hydro.Dest{Location: m.To, Member: uint64(max(m.Member, 0)), All: m.Member < 0}, message{tag: m.Op, item: deepCopy(m.Item)})
		})
		return interpreted{it}, nil
	})
	locs := f.Graph().Locations
	sizes := make([]int, len(locs))
	for i, l := range locs {
		sizes[i] = 1
		if l.Kind == ir.ClusterLoc {
			sizes[i] = cfg.Members[l.Name]
			if sizes[i] < 1 {
				return nil, fmt.Errorf("sim: cluster %q needs a size of at least 1 in Config.Members", l.Name)
			}
		}
	}
	for i, l := range locs {
		if err := s.place(l.Name, sizes[i]); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Node returns the interpreter of one member of a location (for inspecting
// state in tests), or nil if there is no such member or the simulation runs
// generated nodes. It changes when the node restarts.
func (s *Sim) Node(location string, member int) *hydro.Interpreter {
	if n, ok := s.lookup(location, member).(interpreted); ok {
		return n.it
	}
	return nil
}

// lookup returns the node of one member of a location, or nil.
func (s *Sim) lookup(location string, member int) node {
	idx := s.byLoc[location]
	if member < 0 || member >= len(idx) {
		return nil
	}
	return s.nodes[idx[member]].node
}

// interpreted runs a member with the reference interpreter.
type interpreted struct{ it *hydro.Interpreter }

func (n interpreted) tick(now time.Time) {
	n.it.SetNow(now)
	n.it.Tick()
}

func (n interpreted) pending() bool { return n.it.Pending() }

// due reports whether a timer is due, by the rule of generated nodes: the
// scheduler ticks a node whose timer is due like one with pending work.
func (n interpreted) due(now time.Time) bool {
	t, ok := n.it.NextTimer()
	return ok && !t.After(now)
}

// deliver hands over a copy of the item: a duplicate must not alias the
// first delivery.
func (n interpreted) deliver(m message) error { return n.it.Deliver(m.tag, deepCopy(m.item)) }

func (n interpreted) durable() hydro.DurableNode { return n.it }
