package rewrite

import (
	"github.com/hydrogo/hydro/internal/analysis"
	"github.com/hydrogo/hydro/internal/diag"
	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// asymmetric is asymmetric monotonic decoupling (paper 002, footnote 2;
// its technical report, arXiv 2404.01593): the reverse of monotonic
// decoupling. C2 reads nothing C1 produces, only streams that arrive at
// the location from elsewhere, so at the new location it sees what it
// could see at the old one: its inputs were asynchronous already. C1 may
// read what C2 produces, and now sees it later. C2 is monotone, so what C1
// has seen of it is a subset of what it would have seen, and only grows;
// and C1 keeps what it relates of C2's outputs (the persistence of the
// paper's rewrite, at C1), so that receiving them late, in other batches,
// or twice, changes when C1 acts on them, not what it derives from them.
var asymmetric = &rewrite{
	precondition: "C2 reads nothing of C1; every operator of C2 is monotone; C1 keeps what it reads of C2, in state that outlives the tick and ignores order",
	needs:        []*analysis.Analyzer{analysis.Monotone},
	check: func(s *stepState) *diag.Diagnostic {
		facts := s.facts.Facts[analysis.Monotone].(*analysis.RegionsResult)
		if d := s.monotone(facts); d != nil {
			return d
		}
		if d := s.c2IgnoresC1(); d != nil {
			return d
		}
		return s.c1KeepsC2()
	},
}

// c2IgnoresC1 checks that C2 reads no output of an operator that stays at
// the location: its inputs are network operators receiving there (streams
// from elsewhere, redirected or relayed) and its own operators.
func (s *stepState) c2IgnoresC1() *diag.Diagnostic {
	g := s.g
	for _, id := range s.c2 {
		n := g.Nodes[id]
		for _, in := range n.Inputs {
			p := g.Nodes[in]
			if s.in(in) {
				continue
			}
			if p.Loc != s.from || p.Spec.Network {
				s.fact(id, "reads %s, a stream from elsewhere", about(g, in))
				continue
			}
			return s.errorf(id, "%s (bound to %s) reads the output of %s, which stays at %q: in an asymmetric decoupling the component depends on nothing that stays (name it in the step, or use monotonic decoupling)", n.Spec.API, s.names[id], describe(g, in), g.Locations[s.from].Name)
		}
	}
	return nil
}

// c1KeepsC2 checks that every operator of C1 that reads C2's outputs,
// directly or through operators that pass items on one by one (Map,
// Filter, Union, DeferTick, a Cycle), either sends them on or outputs
// them, or keeps them for the life of the node in state that does not
// depend on their order: a Join side, the negative side of an AntiJoin, a
// Unique or an aggregation with a kept lifetime.
func (s *stepState) c1KeepsC2() *diag.Diagnostic {
	g := s.g
	cons := g.Consumers()
	seen := map[ir.Edge]bool{}
	var visit func(e ir.Edge, from int) *diag.Diagnostic
	visit = func(e ir.Edge, from int) *diag.Diagnostic {
		if seen[e] || s.in(e.To) {
			return nil
		}
		seen[e] = true
		n := g.Nodes[e.To]
		sp := n.Spec
		if sp.Network || sp.Sink {
			s.fact(n.ID, "sends or outputs what it reads of %s", about(g, from))
			return nil
		}
		slot, stored := storedSlot(sp, e.Port)
		if stored {
			switch {
			case sp.OrderSensitive:
				return s.errorf(n.ID, "%s reads the output of %s (bound to %s) in order, which moves: C1 sees it in another order once it crosses the network", sp.API, describe(g, from), s.names[from])
			case slot >= 0 && !lifetimeOf(n, slot).Kept():
				return s.errorf(n.ID, "%s keeps the output of %s (bound to %s), which moves, for one tick (hydro.Tick): once it crosses the network its items arrive in other ticks; C1 must keep what it reads of the component (hydro.Static)", sp.API, describe(g, from), s.names[from])
			}
			s.fact(n.ID, "keeps what it reads of %s on its %s (%s)", about(g, from), sp.Lifetimes[slot].Name, lifetimeOf(n, slot))
			return nil
		}
		for _, next := range cons[n.ID] {
			if d := visit(next, from); d != nil {
				return d
			}
		}
		return nil
	}
	for _, id := range s.c2 {
		for _, e := range cons[id] {
			if g.Nodes[e.To].Loc != s.from {
				continue
			}
			if d := visit(e, id); d != nil {
				return d
			}
		}
	}
	return nil
}

// storedSlot returns the state slot in which an operator stores the items
// of input port: a join side's own slot; the slot of an operator that
// reads the port whole (the negative side of AntiJoin, an aggregation's
// input); the one slot of an operator with state and one input (Unique,
// Enumerate). An operator that passes the port's items on as they come
// (Map, Union, DeferTick, Persist, the positive side of AntiJoin) stores
// none. An order-sensitive operator without a lifetime (Sort) counts as
// storing its input in slot -1.
func storedSlot(sp *ops.Spec, port int) (int, bool) {
	switch {
	case len(sp.Lifetimes) == 0:
		return -1, sp.OrderSensitive
	case sp.SideLifetimes:
		return port, true
	case len(sp.Blocking) > 0:
		for _, b := range sp.Blocking {
			if b == port {
				return 0, true
			}
		}
		return 0, false
	}
	return 0, true
}
