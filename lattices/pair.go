package lattices

import "fmt"

// Pair is the product of the lattices A and B: pairs are ordered and merged
// component by component. Its zero value, the pair of bottoms, is bottom.
type Pair[A, B any, PA Lattice[A], PB Lattice[B]] struct {
	First  A
	Second B
}

// NewPair returns the pair (a, b). The pair takes ownership of a and b.
func NewPair[A, B any, PA Lattice[A], PB Lattice[B]](a A, b B) Pair[A, B, PA, PB] {
	return Pair[A, B, PA, PB]{First: a, Second: b}
}

// Merge merges other's components into p's and reports whether p changed.
func (p *Pair[A, B, PA, PB]) Merge(other Pair[A, B, PA, PB]) bool {
	c1 := PA(&p.First).Merge(other.First)
	c2 := PB(&p.Second).Merge(other.Second)
	return c1 || c2
}

// LessEq reports whether both components of p are ≤ other's.
func (p *Pair[A, B, PA, PB]) LessEq(other Pair[A, B, PA, PB]) bool {
	return PA(&p.First).LessEq(other.First) && PB(&p.Second).LessEq(other.Second)
}

// IsBot reports whether both components of p are bottom.
func (p *Pair[A, B, PA, PB]) IsBot() bool {
	return PA(&p.First).IsBot() && PB(&p.Second).IsBot()
}

// IsTop reports whether both components of p are top. It is always false
// when a component type has no IsTop method.
func (p *Pair[A, B, PA, PB]) IsTop() bool {
	return isTop(PA(&p.First)) && isTop(PB(&p.Second))
}

// Clone returns a deep copy of p.
func (p *Pair[A, B, PA, PB]) Clone() Pair[A, B, PA, PB] {
	return Pair[A, B, PA, PB]{First: PA(&p.First).Clone(), Second: PB(&p.Second).Clone()}
}

// String formats p as Pair(first, second).
func (p Pair[A, B, PA, PB]) String() string {
	return fmt.Sprintf("Pair(%v, %v)", p.First, p.Second)
}
