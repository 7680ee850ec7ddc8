// Package latticetest checks that a type obeys the lattice laws.
//
// A lattice type is tested in one call, given a generator of random values:
//
//	func TestFlagsLaws(t *testing.T) {
//		latticetest.Check(t, func(r *rand.Rand) Flags {
//			return Flags(r.UintN(16))
//		})
//	}
//
// [Check] draws triples of values (a, b, c) from the generator and verifies,
// writing ⊔ for Merge, = for LessEq in both directions and ⊥ for the zero
// value:
//
//   - order: a ≤ a, and a ≤ b exactly when a ⊔ b = b;
//   - associativity: (a ⊔ b) ⊔ c = a ⊔ (b ⊔ c);
//   - commutativity: a ⊔ b = b ⊔ a;
//   - idempotence: a ⊔ a = a, also when a is merged with itself in place;
//   - bottom: ⊥ is the identity of ⊔, IsBot reports it and only it;
//   - upper bound: a ≤ a ⊔ b and b ≤ a ⊔ b;
//   - change: Merge reports true exactly when the receiver changed;
//   - aliasing: Merge neither changes its argument nor shares storage with it,
//     so merging into either the result or the argument later leaves the other
//     unchanged;
//   - cloning: Clone returns an equal value sharing no storage with the
//     original.
//
// [CheckBounded] adds the laws of a top: merging anything into a top value
// gives a top value, equal to the original unless the result reports a
// conflict through a Conflicted method.
//
// The generator must derive its result from r alone, and return a fresh value
// that shares no storage with earlier results: Check calls it repeatedly with
// identically seeded sources to rebuild pristine copies of a value without
// trusting Clone. It should draw from small domains, so that generated values
// overlap and their merges interact: Check reports a generator that never
// produces two distinct comparable values, or only bottom.
//
// [Verify] and [VerifyBounded] run the same checks and return the failures as
// an error, for use outside tests.
package latticetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/hydrogo/hydro/lattices"
)

// An Option configures Check and the other functions of the package.
type Option func(*config)

type config struct {
	cases int
	seed  uint64
}

const (
	defaultCases = 200
	defaultSeed  = 1
)

// Cases sets the number of triples checked, 200 by default.
func Cases(n int) Option {
	return func(c *config) { c.cases = n }
}

// Seed sets the seed from which the random sources passed to the generator
// are derived. The default seed is fixed, so that runs are reproducible;
// failures report the seed and the number of the case.
func Seed(seed uint64) Option {
	return func(c *config) { c.seed = seed }
}

// Check verifies the lattice laws listed in the package documentation over
// values from gen and reports each failure, with the values involved, through
// t.Errorf.
func Check[L any, PL lattices.Lattice[L]](t testing.TB, gen func(r *rand.Rand) L, opts ...Option) {
	t.Helper()
	report(t, laws[L, PL](gen, opts, nil))
}

// CheckBounded verifies the laws checked by Check and the laws of a top over
// values from gen, and reports each failure through t.Errorf. It also reports
// a generator that never produces a top value.
func CheckBounded[L any, PL lattices.Bounded[L]](t testing.TB, gen func(r *rand.Rand) L, opts ...Option) {
	t.Helper()
	report(t, laws[L, PL](gen, opts, topLaws[L, PL]))
}

// Verify verifies the laws checked by Check and returns the failures, or nil
// if there are none.
func Verify[L any, PL lattices.Lattice[L]](gen func(r *rand.Rand) L, opts ...Option) error {
	return errors.Join(laws[L, PL](gen, opts, nil)...)
}

// VerifyBounded verifies the laws checked by CheckBounded and returns the
// failures, or nil if there are none.
func VerifyBounded[L any, PL lattices.Bounded[L]](gen func(r *rand.Rand) L, opts ...Option) error {
	return errors.Join(laws[L, PL](gen, opts, topLaws[L, PL])...)
}

// report reports each of errs through t.
func report(t testing.TB, errs []error) {
	t.Helper()
	for _, err := range errs {
		t.Error(err)
	}
}

// checker holds the state of one run of the laws.
type checker[L any, PL lattices.Lattice[L]] struct {
	gen    func(*rand.Rand) L
	cfg    config
	errs   []error
	failed map[string]bool // laws that failed
	more   int             // failures not reported, of laws already reported
	i      int             // the current case

	nonBot int // values seen that are not bottom
	strict int // pairs seen that are distinct and comparable
	tops   int // top values seen
}

// laws runs the laws over cfg.cases triples and returns the failures. If
// extra is not nil, it runs for every case as well.
func laws[L any, PL lattices.Lattice[L]](gen func(*rand.Rand) L, opts []Option, extra func(*checker[L, PL])) []error {
	c := &checker[L, PL]{gen: gen, cfg: config{cases: defaultCases, seed: defaultSeed}, failed: map[string]bool{}}
	for _, o := range opts {
		o(&c.cfg)
	}
	for c.i = 0; c.i < c.cfg.cases; c.i++ {
		if !c.deterministic() {
			break
		}
		c.lawsOfCase()
		if extra != nil {
			extra(c)
		}
	}
	if len(c.errs) == 0 && c.cfg.cases > 0 {
		switch {
		case c.nonBot == 0:
			c.errs = append(c.errs, errors.New("latticetest: the generator produced only bottom values"))
		case c.strict == 0:
			c.errs = append(c.errs, errors.New("latticetest: the generator never produced two distinct comparable values; draw from smaller domains so that merges interact"))
		case extra != nil && c.tops == 0:
			c.errs = append(c.errs, errors.New("latticetest: the generator never produced a top value"))
		}
	}
	if c.more > 0 {
		c.errs = append(c.errs, fmt.Errorf("latticetest: %d more failures of the laws above", c.more))
	}
	return c.errs
}

// triple returns the values of the current case. Every call returns fresh
// values, equal to those of earlier calls.
func (c *checker[L, PL]) triple() (a, b, x L) {
	r := rand.New(rand.NewPCG(c.cfg.seed, uint64(c.i)))
	return c.gen(r), c.gen(r), c.gen(r)
}

// failf reports a failure of law in the current case, unless law failed
// before.
func (c *checker[L, PL]) failf(law, format string, args ...any) {
	if c.failed[law] {
		c.more++
		return
	}
	c.failed[law] = true
	a, b, x := c.triple()
	c.errs = append(c.errs, fmt.Errorf("latticetest: %s (seed %d, case %d; a = %v, b = %v, c = %v): %s",
		law, c.cfg.seed, c.i, a, b, x, fmt.Sprintf(format, args...)))
}

// leq reports whether x ≤ y.
func leq[L any, PL lattices.Lattice[L]](x, y L) bool {
	return PL(&x).LessEq(y)
}

// eq reports whether x ≤ y and y ≤ x.
func eq[L any, PL lattices.Lattice[L]](x, y L) bool {
	return PL(&x).LessEq(y) && PL(&y).LessEq(x)
}

// join returns x ⊔ y, computed in a clone of x.
func join[L any, PL lattices.Lattice[L]](x, y L) L {
	r := PL(&x).Clone()
	PL(&r).Merge(y)
	return r
}

func isBot[L any, PL lattices.Lattice[L]](x L) bool {
	return PL(&x).IsBot()
}

// deterministic reports whether the generator returns equal values for equal
// sources, and reports a failure if not.
func (c *checker[L, PL]) deterministic() bool {
	a1, b1, x1 := c.triple()
	a2, b2, x2 := c.triple()
	if eq[L, PL](a1, a2) && eq[L, PL](b1, b2) && eq[L, PL](x1, x2) {
		return true
	}
	c.failf("determinism", "the generator returned different values from identically seeded sources: %v, %v, %v then %v, %v, %v",
		a1, b1, x1, a2, b2, x2)
	return false
}

func (c *checker[L, PL]) lawsOfCase() {
	eq := eq[L, PL]
	leq := leq[L, PL]
	join := join[L, PL]
	var bot L

	// Coverage of the generator.
	{
		a, b, x := c.triple()
		vals := []L{a, b, x}
		for i, v := range vals {
			if !isBot[L, PL](v) {
				c.nonBot++
			}
			for _, w := range vals[i+1:] {
				if !eq(v, w) && (leq(v, w) || leq(w, v)) {
					c.strict++
				}
			}
		}
	}

	// Order: reflexivity, and agreement with Merge.
	{
		a, b, _ := c.triple()
		if !leq(a, a) {
			c.failf("reflexivity", "a ≤ a is false")
		}
		ab := join(a, b)
		if leq(a, b) != eq(ab, b) {
			c.failf("order", "a ≤ b is %v, but a ⊔ b = %v", leq(a, b), ab)
		}
		if leq(b, a) != eq(ab, a) {
			c.failf("order", "b ≤ a is %v, but a ⊔ b = %v", leq(b, a), ab)
		}
	}

	// Upper bound, commutativity, associativity.
	{
		a, b, x := c.triple()
		ab, ba := join(a, b), join(b, a)
		if !leq(a, ab) || !leq(b, ab) {
			c.failf("upper bound", "a ⊔ b = %v is not above both a and b", ab)
		}
		if !eq(ab, ba) {
			c.failf("commutativity", "a ⊔ b = %v, but b ⊔ a = %v", ab, ba)
		}
		l, r := join(ab, x), join(a, join(b, x))
		if !eq(l, r) {
			c.failf("associativity", "(a ⊔ b) ⊔ c = %v, but a ⊔ (b ⊔ c) = %v", l, r)
		}
	}

	// Idempotence.
	{
		a, _, _ := c.triple()
		want, _, _ := c.triple()
		if changed := PL(&a).Merge(a); changed || !eq(a, want) {
			c.failf("idempotence", "merging a into itself in place gave %v, changed = %v", a, changed)
		}
		a, _, _ = c.triple()
		other, _, _ := c.triple()
		if changed := PL(&a).Merge(other); changed || !eq(a, want) {
			c.failf("idempotence", "a ⊔ a = %v, changed = %v", a, changed)
		}
	}

	// Bottom.
	{
		if !PL(&bot).IsBot() {
			c.failf("bottom", "IsBot is false for the zero value %v", bot)
		}
		a, _, _ := c.triple()
		want, _, _ := c.triple()
		if !leq(bot, a) {
			c.failf("bottom", "⊥ ≤ a is false")
		}
		if isBot[L, PL](a) != leq(a, bot) {
			c.failf("bottom", "a.IsBot() is %v, but a ≤ ⊥ is %v", isBot[L, PL](a), leq(a, bot))
		}
		if changed := PL(&a).Merge(bot); changed || !eq(a, want) {
			c.failf("bottom", "a ⊔ ⊥ = %v, changed = %v", a, changed)
		}
		var r L
		a, _, _ = c.triple()
		if changed := PL(&r).Merge(a); changed != !isBot[L, PL](want) || !eq(r, want) {
			c.failf("bottom", "⊥ ⊔ a = %v, changed = %v", r, changed)
		}
	}

	// Change flag.
	{
		a, b, _ := c.triple()
		before, _, _ := c.triple()
		changed := PL(&a).Merge(b)
		if changed == eq(a, before) {
			c.failf("change", "a ⊔ b = %v, but Merge reported changed = %v", a, changed)
		}
	}

	// Merge leaves its argument unchanged and shares no storage with it.
	for _, fromBot := range []bool{false, true} {
		recv := "a"
		if fromBot {
			recv = "⊥"
		}
		// Merging into the result leaves the argument unchanged.
		a, b, x := c.triple()
		_, want, _ := c.triple()
		if fromBot {
			a = bot
		}
		PL(&a).Merge(b)
		if !eq(b, want) {
			c.failf("aliasing", "%s.Merge(b) changed b to %v", recv, b)
		}
		PL(&a).Merge(x)
		if !eq(b, want) {
			c.failf("aliasing", "merging c into the result of %s.Merge(b) changed b to %v", recv, b)
		}
		// Merging into the argument leaves the result unchanged.
		a, b, x = c.triple()
		a0, b0, _ := c.triple()
		if fromBot {
			a, a0 = bot, bot
		}
		PL(&a).Merge(b)
		want = join(a0, b0)
		PL(&b).Merge(x)
		if !eq(a, want) {
			c.failf("aliasing", "merging c into b after %s.Merge(b) changed the result to %v, want %v", recv, a, want)
		}
	}

	// Merging into both the result of ⊥.Merge(b) and b keeps them apart.
	{
		a, b, x := c.triple()
		a0, b0, x0 := c.triple()
		var r L
		PL(&r).Merge(b)
		PL(&b).Merge(x)
		PL(&r).Merge(a)
		if want := join(b0, a0); !eq(r, want) {
			c.failf("aliasing", "after r = ⊥ ⊔ b, merging c into b and a into r gave r = %v, want %v", r, want)
		}
		if want := join(b0, x0); !eq(b, want) {
			c.failf("aliasing", "after r = ⊥ ⊔ b, merging c into b and a into r gave b = %v, want %v", b, want)
		}
	}

	// Clone.
	{
		a, b, x := c.triple()
		want, _, _ := c.triple()
		cl := PL(&a).Clone()
		if !eq(cl, want) {
			c.failf("clone", "a.Clone() = %v", cl)
		}
		PL(&cl).Merge(b)
		PL(&cl).Merge(x)
		if !eq(a, want) {
			c.failf("clone", "merging into a.Clone() changed a to %v", a)
		}
		a, b, x = c.triple()
		cl = PL(&a).Clone()
		PL(&a).Merge(b)
		PL(&a).Merge(x)
		if !eq(cl, want) {
			c.failf("clone", "merging into a changed a.Clone() to %v", cl)
		}
		if cb := PL(&bot).Clone(); !PL(&cb).IsBot() {
			c.failf("clone", "the clone of ⊥ is %v", cb)
		}
	}
}

// topLaws checks that tops absorb merges: for a top value t and any value v,
// t ⊔ v is top, and equals t unless t ⊔ v reports a conflict.
func topLaws[L any, PL lattices.Bounded[L]](c *checker[L, PL]) {
	eq := eq[L, PL]
	a, b, x := c.triple()
	var bot L
	vals := []L{a, b, x, bot}
	names := []string{"a", "b", "c", "⊥"}
	if PL(&bot).IsTop() {
		c.failf("top", "the zero value is top")
	}
	for i := range 3 {
		t := vals[i]
		if !PL(&t).IsTop() {
			continue
		}
		c.tops++
		for j, v := range vals {
			r := join[L, PL](t, v)
			switch {
			case !PL(&r).IsTop():
				c.failf("top", "%s is top, but %s ⊔ %s = %v is not", names[i], names[i], names[j], r)
			case conflicted[L, PL](t) && !eq(r, t):
				c.failf("top", "%s is a conflict, but %s ⊔ %s = %v differs", names[i], names[i], names[j], r)
			case !eq(r, t) && !conflicted[L, PL](r):
				c.failf("top", "%s is top, but %s ⊔ %s = %v differs without a conflict", names[i], names[i], names[j], r)
			}
		}
	}
}

// conflicted reports whether x has a Conflicted method that reports true.
func conflicted[L any, PL lattices.Lattice[L]](x L) bool {
	cf, ok := any(PL(&x)).(interface{ Conflicted() bool })
	return ok && cf.Conflicted()
}
