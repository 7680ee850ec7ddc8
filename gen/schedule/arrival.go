package schedule

import (
	"github.com/hydrogo/hydro/internal/ir"
)

// inPort is one input port of an operator.
type inPort struct{ node, port int }

// span is the range of entries, numbered in run order across all subgraphs,
// whose loops deliver items to an input port.
type span struct{ first, last int }

// Before reports whether, in every tick, every item reaching input port a of
// node v arrives before any item reaching port b. Generated code runs the
// entries of all subgraphs one after another, each once per tick, and an
// item reaches a port only inside the loop of an entry that leads to the
// port through inline edges; so if the last entry delivering to a runs
// before the first delivering to b, all of a's items precede all of b's. A
// port no entry delivers to receives nothing, which precedes everything.
// The drains of a fixpoint subgraph run again until the cycle settles, so
// they all count as one entry: a port they deliver to precedes no other
// they deliver to.
func (s *Schedule) Before(v, a, b int) bool {
	sa, okA := s.arrive[inPort{v, a}]
	sb, okB := s.arrive[inPort{v, b}]
	return !okA || !okB || sa.last < sb.first
}

// ArrivesBeforeEmit reports whether, in every tick, every item reaching
// input port a of node v arrives before v's Emit entry runs: v has one, and
// the last entry delivering to a runs before it (or none does).
func (s *Schedule) ArrivesBeforeEmit(v, a int) bool {
	at, ok := s.emits[v]
	if !ok {
		return false
	}
	sp, ok := s.arrive[inPort{v, a}]
	return !ok || sp.last < at
}

// arrivals records, for every input port, which entries deliver to it.
func (s *Schedule) arrivals(consumers [][]ir.Edge) {
	s.arrive = map[inPort]span{}
	s.emits = map[int]int{}
	seq := 0
	for _, sg := range s.Subgraphs {
		for i, en := range sg.Entries {
			if _, ok := s.emits[en.Node]; en.Kind == Emit && !ok {
				s.emits[en.Node] = seq
			}
			for _, p := range s.reach(en, consumers) {
				sp, ok := s.arrive[p]
				if !ok {
					sp.first = seq
				}
				sp.last = seq
				s.arrive[p] = sp
			}
			if !sg.Fixpoint || en.Kind != Drain || i == len(sg.Entries)-1 {
				seq++
			}
		}
	}
}

// reach returns the input ports that the loop of entry en delivers items to,
// following inline edges from where the loop starts.
func (s *Schedule) reach(en Entry, consumers [][]ir.Edge) []inPort {
	var out []inPort
	seen := map[int]bool{}
	var visit func(v int)
	visit = func(v int) {
		if seen[v] {
			return
		}
		seen[v] = true
		for _, c := range consumers[v] {
			if k, ok := s.Kind[c]; ok && k == Inline {
				out = append(out, inPort{c.To, c.Port})
				visit(c.To)
			}
		}
	}
	if en.Kind == Drain {
		out = append(out, inPort{en.Edge.To, en.Edge.Port})
		visit(en.Edge.To)
		return out
	}
	// The entry of an operator that streams through (AntiJoin, Difference)
	// only completes its blocking side and emits nothing.
	if !s.Graph.Nodes[en.Node].Spec.StreamsThrough() {
		visit(en.Node)
	}
	return out
}

// staticSidesFirst reorders a subgraph's emitting entries (stably) so that
// those whose items reach only Static sides of joins run before the others.
// Items of different entries meet only at fan-ins, where their interleaving
// is unspecified, so any order of the entries is correct; this one lets a
// join's Tick side find the Static side complete for the tick (see Before).
func (s *Schedule) staticSidesFirst(entries []Entry, consumers [][]ir.Edge) {
	var first, rest []Entry
	for _, en := range entries {
		if s.feedsStaticSides(en, consumers) {
			first = append(first, en)
		} else {
			rest = append(rest, en)
		}
	}
	copy(entries, append(first, rest...))
}

// feedsStaticSides reports whether entry en delivers to at least one join
// side with a Static lifetime and to no join side with a Tick lifetime.
func (s *Schedule) feedsStaticSides(en Entry, consumers [][]ir.Edge) bool {
	static := false
	for _, p := range s.reach(en, consumers) {
		n := s.Graph.Nodes[p.node]
		if !n.Spec.SideLifetimes {
			continue
		}
		if p.port >= len(n.Lifetimes) || n.Lifetimes[p.port] != ir.Static {
			return false
		}
		static = true
	}
	return static
}
