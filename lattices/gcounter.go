package lattices

import "math"

// GCounter is a grow-only counter replicated across nodes identified by N.
// Each node increments only its own entry; merging takes the larger count of
// each node, and the counter's value is the sum over nodes. It is a MapUnion
// from nodes to Max counts, ordered pointwise. Its zero value counts zero and
// is bottom.
//
// Counts saturate at the largest uint64 instead of wrapping around.
type GCounter[N comparable] struct {
	m MapUnion[N, Max[uint64], *Max[uint64]]
}

// Inc adds by to node's count. Only node itself should increment its count:
// increments of one node made at two replicas are not added together by
// Merge.
func (c *GCounter[N]) Inc(node N, by uint64) {
	if by == 0 {
		return
	}
	if p, ok := c.m.m[node]; ok {
		n, _ := p.Value()
		*p = NewMax(addSat(n, by))
		return
	}
	c.m.MergeKey(node, NewMax(by))
}

// Count returns node's count.
func (c GCounter[N]) Count(node N) uint64 {
	if p, ok := c.m.m[node]; ok {
		n, _ := p.Value()
		return n
	}
	return 0
}

// Value returns the sum of the counts of all nodes.
func (c GCounter[N]) Value() uint64 {
	var sum uint64
	for _, p := range c.m.m {
		n, _ := p.Value()
		sum = addSat(sum, n)
	}
	return sum
}

// Merge takes, for each node, the larger of c's and other's counts, and
// reports whether c changed.
func (c *GCounter[N]) Merge(other GCounter[N]) bool {
	return c.m.Merge(other.m)
}

// LessEq reports whether every node's count in c is at most its count in
// other.
func (c GCounter[N]) LessEq(other GCounter[N]) bool {
	return c.m.LessEq(other.m)
}

// IsBot reports whether no node has counted anything.
func (c GCounter[N]) IsBot() bool {
	return c.m.IsBot()
}

// Clone returns a copy of c.
func (c GCounter[N]) Clone() GCounter[N] {
	return GCounter[N]{m: c.m.Clone()}
}

// String formats c as GCounter{node: count, ...}, its entries sorted by their
// formatted text.
func (c GCounter[N]) String() string {
	return formatSet("GCounter{", "}", func(yield func(string)) {
		for k, p := range c.m.m {
			n, _ := p.Value()
			yield(formatEntry(k, n))
		}
	})
}

// addSat returns a + b, or the largest uint64 if the sum overflows.
func addSat(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return math.MaxUint64
}
