// Package lattices provides join-semilattice types: values whose merge is
// associative, commutative and idempotent, so that replicas exchanging state
// over a network converge whatever the order, grouping or repetition in which
// updates arrive.
//
// Every type satisfies [Lattice]. Merge joins another value into the receiver
// and reports whether the receiver changed, LessEq is the partial order, IsBot
// recognises the bottom element and Clone makes an independent copy. Types
// with a recognisable top element also satisfy [Bounded]: once a value is top,
// no further merge can add information, so a consumer may act on it at once.
//
// The zero value of every type is its bottom element, ready for merging:
//
//	var hi lattices.Max[int]
//	hi.Merge(lattices.NewMax(3))
//	hi.Merge(lattices.NewMax(1))
//	v, _ := hi.Value() // 3
//
// Composite types take the pointer type of each component lattice as an extra
// type parameter, which constructors infer:
//
//	p := lattices.NewPair(lattices.NewMax(1), lattices.NewSetUnion("a"))
//	var m lattices.MapUnion[string, lattices.Max[int], *lattices.Max[int]]
//
// Pair, DomPair, WithBot and WithTop define LessEq, IsBot, IsTop and Clone on
// pointer receivers, which lets them call their components' methods without
// allocating; call these methods on variables rather than on expressions.
//
// Values hold maps and slices, so assigning a value shares its storage with
// the copy. Merge never keeps a reference to its argument, and Clone returns a
// copy that shares nothing; clone a value before merging into it when the
// original must stay unchanged.
//
// No method panics. Input that breaks a type's invariant, such as two
// different values for one position of a sequence, moves the value to a
// conflict state, described with each type, instead.
//
// A value may be read from several goroutines at once; Merge and the other
// mutating methods need exclusive access.
//
// The package [github.com/hydrogo/hydro/lattices/latticetest] checks the
// lattice laws for these types and for user-defined ones.
package lattices

// Lattice is the constraint satisfied by the pointer type PL = *L of a
// join-semilattice L whose zero value is its bottom element.
type Lattice[L any] interface {
	*L
	// Merge joins other into the receiver in place and reports whether the
	// receiver changed.
	Merge(other L) (changed bool)
	// LessEq reports whether the receiver is ≤ other in the lattice's partial
	// order, consistent with Merge: a ≤ b if and only if a ⊔ b equals b.
	LessEq(other L) bool
	// IsBot reports whether the receiver is the bottom element.
	IsBot() bool
	// Clone returns a deep copy sharing no mutable state with the receiver.
	Clone() L
}

// Bounded is the constraint satisfied by the pointer type of a lattice whose
// top elements are recognisable in isolation. Every value above a top value is
// top as well.
type Bounded[L any] interface {
	Lattice[L]
	// IsTop reports whether the receiver is a top element: no merge can add
	// information to it.
	IsTop() bool
}

// isTop reports whether p, a pointer to a lattice value, has an IsTop method
// that reports true.
func isTop(p any) bool {
	b, ok := p.(interface{ IsTop() bool })
	return ok && b.IsTop()
}
