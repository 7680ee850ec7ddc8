package ir

// UnionFind partitions the integers [0, n) — node IDs, usually — into
// disjoint sets. A set's representative is its smallest member, so it does
// not depend on the order of unions.
type UnionFind []int

// NewUnionFind returns n singleton sets.
func NewUnionFind(n int) UnionFind {
	u := make(UnionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

// Find returns the representative of x's set.
func (u UnionFind) Find(x int) int {
	for u[x] != x {
		u[x] = u[u[x]]
		x = u[x]
	}
	return x
}

// Union merges the sets of a and b.
func (u UnionFind) Union(a, b int) {
	ra, rb := u.Find(a), u.Find(b)
	if ra != rb {
		u[max(ra, rb)] = min(ra, rb)
	}
}
