package latticetest_test

import (
	"maps"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hydrogo/hydro/lattices"
	"github.com/hydrogo/hydro/lattices/latticetest"
)

// Overwrite keeps the last value merged: not commutative.
type Overwrite struct{ v, ok int }

func (o *Overwrite) Merge(other Overwrite) bool {
	if other.ok == 0 || *o == other {
		return false
	}
	*o = other
	return true
}
func (o Overwrite) LessEq(other Overwrite) bool { return o.ok == 0 || o == other }
func (o Overwrite) IsBot() bool                 { return o.ok == 0 }
func (o Overwrite) Clone() Overwrite            { return o }

// Sum adds: not idempotent.
type Sum int

func (s *Sum) Merge(other Sum) bool { *s += other; return other != 0 }
func (s Sum) LessEq(other Sum) bool { return s <= other }
func (s Sum) IsBot() bool           { return s == 0 }
func (s Sum) Clone() Sum            { return s }

// Set is a set union lattice whose defects are chosen by its flags.
type Set struct {
	m map[int]bool
	// Defects.
	adopt   bool // Merge into an empty set adopts the argument's map
	shallow bool // Clone shares the map
	always  bool // Merge always reports a change
}

func (s *Set) Merge(other Set) bool {
	if len(s.m) == 0 && s.adopt && len(other.m) > 0 {
		s.m = other.m
		return true
	}
	changed := s.always
	for k := range other.m {
		if !s.m[k] {
			if s.m == nil {
				s.m = map[int]bool{}
			}
			s.m[k] = true
			changed = true
		}
	}
	return changed
}

func (s Set) LessEq(other Set) bool {
	for k := range s.m {
		if !other.m[k] {
			return false
		}
	}
	return true
}

func (s Set) IsBot() bool { return len(s.m) == 0 }

func (s Set) Clone() Set {
	if !s.shallow {
		s.m = maps.Clone(s.m)
	}
	return s
}

func genSet(adopt, shallow, always bool) func(r *rand.Rand) Set {
	return func(r *rand.Rand) Set {
		s := Set{adopt: adopt, shallow: shallow, always: always}
		for range r.IntN(4) {
			if s.m == nil {
				s.m = map[int]bool{}
			}
			s.m[r.IntN(6)] = true
		}
		return s
	}
}

// Sticky is a bounded lattice of 0, 1, 2 and top 3 whose top is lost when
// 2 is merged into it.
type Sticky int

func (s *Sticky) Merge(other Sticky) bool {
	old := *s
	switch {
	case *s == 3 && other == 2:
		*s = 2
	case other > *s:
		*s = other
	}
	return *s != old
}
func (s Sticky) LessEq(other Sticky) bool { return s <= other }
func (s Sticky) IsBot() bool              { return s == 0 }
func (s Sticky) IsTop() bool              { return s == 3 }
func (s Sticky) Clone() Sticky            { return s }

func wantFailure(t *testing.T, err error, law string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no failure reported, want a failure of %q", law)
	}
	if !strings.Contains(err.Error(), law) {
		t.Fatalf("failures do not mention %q:\n%v", law, err)
	}
}

func TestDetectsBrokenLaws(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		law  string
	}{
		{"commutativity", latticetest.Verify(func(r *rand.Rand) Overwrite { return Overwrite{r.IntN(4), r.IntN(2)} }), "commutativity"},
		{"idempotence", latticetest.Verify(func(r *rand.Rand) Sum { return Sum(r.IntN(4)) }), "idempotence"},
		{"adopting merge", latticetest.Verify(genSet(true, false, false)), "aliasing"},
		{"shallow clone", latticetest.Verify(genSet(false, true, false)), "clone"},
		{"change flag", latticetest.Verify(genSet(false, false, true)), "change"},
		{"only bottom", latticetest.Verify(func(r *rand.Rand) Sum { return 0 }), "only bottom"},
		{"no comparable values", latticetest.Verify(func(r *rand.Rand) lattices.SetUnion[int] {
			return lattices.NewSetUnion(r.Int())
		}), "comparable"},
		{"nondeterministic generator", latticetest.Verify(func(*rand.Rand) lattices.Max[int] {
			return lattices.NewMax(rand.IntN(1 << 30))
		}), "determinism"},
		{"top lost", latticetest.VerifyBounded(func(r *rand.Rand) Sticky { return Sticky(r.IntN(4)) }), "top"},
		{"no top", latticetest.VerifyBounded(func(r *rand.Rand) Sticky { return Sticky(r.IntN(3)) }), "never produced a top"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantFailure(t, tc.err, tc.law) })
	}
}

func TestFailureReportShowsValues(t *testing.T) {
	err := latticetest.Verify(func(r *rand.Rand) Sum { return Sum(r.IntN(4)) }, latticetest.Seed(7))
	if err == nil {
		t.Fatal("no failure reported")
	}
	msg := err.Error()
	for _, want := range []string{"seed 7", "case ", "a = "} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure report lacks %q:\n%s", want, msg)
		}
	}
	if n := strings.Count(msg, "\n") + 1; n > 20 {
		t.Errorf("failure report has %d lines, want at most 20", n)
	}
}

func TestAcceptsLattices(t *testing.T) {
	latticetest.Check(t, genSet(false, false, false))
	latticetest.Check(t, func(r *rand.Rand) lattices.Max[int] { return lattices.NewMax(r.IntN(5)) }, latticetest.Cases(50), latticetest.Seed(3))
	latticetest.CheckBounded(t, func(r *rand.Rand) lattices.Conflict[int] {
		c := lattices.NewConflict(r.IntN(3))
		if r.IntN(4) == 0 {
			c.Merge(lattices.NewConflict(r.IntN(3)))
		}
		return c
	})
}
