package latticetest_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/hydrogo/hydro/lattices/latticetest"
)

// Flags is a user-defined lattice: a set of up to eight flags, ordered by
// inclusion and merged by union. Its zero value, no flags, is bottom.
type Flags uint8

// Merge adds other's flags to f and reports whether f changed.
func (f *Flags) Merge(other Flags) bool {
	old := *f
	*f |= other
	return *f != old
}

// LessEq reports whether every flag of f is in other.
func (f Flags) LessEq(other Flags) bool { return f&^other == 0 }

// IsBot reports whether f has no flags.
func (f Flags) IsBot() bool { return f == 0 }

// Clone returns f.
func (f Flags) Clone() Flags { return f }

// String formats f in binary.
func (f Flags) String() string { return fmt.Sprintf("Flags(%08b)", uint8(f)) }

// The laws of a lattice type are checked in one call, given a generator of
// values drawn from a small domain so that merges interact. In a test
// function, write
//
//	latticetest.Check(t, genFlags)
//
// Verify, used here, returns the failures as an error instead.
func Example() {
	genFlags := func(r *rand.Rand) Flags { return Flags(r.UintN(16)) }
	if err := latticetest.Verify(genFlags); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Flags is a lattice")
	// Output: Flags is a lattice
}
