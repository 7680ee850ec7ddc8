package lattices_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hydrogo/hydro/lattices"
	"github.com/hydrogo/hydro/lattices/latticetest"
)

// The generators draw from small domains, so that generated values collide
// and their merges interact. Each returns bottom now and then.

type (
	maxInt      = lattices.Max[int]
	setInt      = lattices.SetUnion[int]
	conflictInt = lattices.Conflict[int]
)

func genMax(r *rand.Rand) maxInt {
	if r.IntN(5) == 0 {
		return maxInt{}
	}
	return lattices.NewMax(r.IntN(8))
}

func genMin(r *rand.Rand) lattices.Min[int] {
	if r.IntN(5) == 0 {
		return lattices.Min[int]{}
	}
	return lattices.NewMin(r.IntN(8))
}

var floats = []float64{math.NaN(), math.Inf(-1), -1, math.Copysign(0, -1), 0, 1, math.Inf(1)}

func genMaxFloat(r *rand.Rand) lattices.Max[float64] {
	if r.IntN(len(floats)+1) == 0 {
		return lattices.Max[float64]{}
	}
	return lattices.NewMax(floats[r.IntN(len(floats))])
}

func genMinFloat(r *rand.Rand) lattices.Min[float64] {
	if r.IntN(len(floats)+1) == 0 {
		return lattices.Min[float64]{}
	}
	return lattices.NewMin(floats[r.IntN(len(floats))])
}

func genMaxString(r *rand.Rand) lattices.Max[string] {
	if r.IntN(5) == 0 {
		return lattices.Max[string]{}
	}
	return lattices.NewMax([]string{"", "a", "ab", "b"}[r.IntN(4)])
}

func genSet(r *rand.Rand) setInt {
	var s setInt
	for range r.IntN(5) {
		s.Insert(r.IntN(6))
	}
	return s
}

func genMapMax(r *rand.Rand) lattices.MapUnion[string, maxInt, *maxInt] {
	var m lattices.MapUnion[string, maxInt, *maxInt]
	for range r.IntN(4) {
		m.MergeKey([]string{"a", "b", "c"}[r.IntN(3)], genMax(r))
	}
	return m
}

func genMapSet(r *rand.Rand) lattices.MapUnion[int, setInt, *setInt] {
	var m lattices.MapUnion[int, setInt, *setInt]
	for range r.IntN(4) {
		m.MergeKey(r.IntN(3), genSet(r))
	}
	return m
}

func genPair(r *rand.Rand) lattices.Pair[maxInt, setInt, *maxInt, *setInt] {
	return lattices.NewPair(genMax(r), genSet(r))
}

func genDomPairTotal(r *rand.Rand) lattices.DomPair[maxInt, setInt, *maxInt, *setInt] {
	var k maxInt
	if r.IntN(4) != 0 {
		k = lattices.NewMax(r.IntN(3))
	}
	return lattices.NewDomPair(k, genSet(r))
}

func genSmallSet(r *rand.Rand) setInt {
	var s setInt
	for range r.IntN(3) {
		s.Insert(r.IntN(3))
	}
	return s
}

func genDomPairPartial(r *rand.Rand) lattices.DomPair[setInt, maxInt, *setInt, *maxInt] {
	return lattices.NewDomPair(genSmallSet(r), genMax(r))
}

func genDomPairSets(r *rand.Rand) lattices.DomPair[setInt, setInt, *setInt, *setInt] {
	return lattices.NewDomPair(genSmallSet(r), genSet(r))
}

func genWithBotMax(r *rand.Rand) lattices.WithBot[maxInt, *maxInt] {
	if r.IntN(4) == 0 {
		return lattices.WithBot[maxInt, *maxInt]{}
	}
	return lattices.NewWithBot(genMax(r))
}

func genWithBotSet(r *rand.Rand) lattices.WithBot[setInt, *setInt] {
	if r.IntN(4) == 0 {
		return lattices.WithBot[setInt, *setInt]{}
	}
	return lattices.NewWithBot(genSet(r))
}

func genWithBotConflict(r *rand.Rand) lattices.WithBot[conflictInt, *conflictInt] {
	if r.IntN(4) == 0 {
		return lattices.WithBot[conflictInt, *conflictInt]{}
	}
	return lattices.NewWithBot(genConflict(r))
}

func genWithTopMax(r *rand.Rand) lattices.WithTop[maxInt, *maxInt] {
	if r.IntN(4) == 0 {
		return lattices.NewTop[maxInt]()
	}
	return lattices.NewWithTop(genMax(r))
}

func genWithTopSet(r *rand.Rand) lattices.WithTop[setInt, *setInt] {
	if r.IntN(4) == 0 {
		return lattices.NewTop[setInt]()
	}
	return lattices.NewWithTop(genSet(r))
}

func genConflict(r *rand.Rand) conflictInt {
	var c conflictInt
	for range r.IntN(3) {
		c.Merge(lattices.NewConflict(r.IntN(3)))
	}
	return c
}

func genPairBounded(r *rand.Rand) lattices.Pair[conflictInt, lattices.WithTop[maxInt, *maxInt], *conflictInt, *lattices.WithTop[maxInt, *maxInt]] {
	return lattices.NewPair(genConflict(r), genWithTopMax(r))
}

func genVecMax(r *rand.Rand) lattices.VecUnion[maxInt, *maxInt] {
	v := make([]maxInt, r.IntN(4))
	for i := range v {
		v[i] = genMax(r)
	}
	return lattices.NewVecUnion(v...)
}

func genVecSet(r *rand.Rand) lattices.VecUnion[setInt, *setInt] {
	v := make([]setInt, r.IntN(4))
	for i := range v {
		v[i] = genSet(r)
	}
	return lattices.NewVecUnion(v...)
}

func genGCounter(r *rand.Rand) lattices.GCounter[string] {
	var c lattices.GCounter[string]
	for range r.IntN(5) {
		c.Inc([]string{"a", "b", "c"}[r.IntN(3)], uint64(r.IntN(3)))
	}
	return c
}

func genLWW(r *rand.Rand) lattices.LWW[string] {
	var w lattices.LWW[string]
	for range r.IntN(4) {
		w.Set(uint64(r.IntN(4)), []string{"x", "y"}[r.IntN(2)])
	}
	return w
}

// sequences are the sequences from which BoundedPrefix and SSIV values are
// drawn. They share prefixes, with the same length or not.
var sequences = [][]int{
	{1, 2, 3},
	{1, 2, 5},
	{1, 2, 3, 4},
	{1, 5},
	{},
	{1, 2, 3, 4, 5, 6},
	{1, 2, 3, 7, 8, 9},
}

func genBoundedPrefix(r *rand.Rand) lattices.BoundedPrefix[int] {
	switch r.IntN(10) {
	case 0:
		return lattices.BoundedPrefix[int]{}
	case 1:
		return lattices.NewBoundedPrefix([]int{1, 2}, 1) // Invalid: a conflict.
	}
	s := sequences[r.IntN(len(sequences))]
	b := lattices.NewBoundedPrefix(s[:r.IntN(len(s)+1)], len(s))
	// Extending by merges leaves spare capacity, which aliasing would expose.
	b.Merge(lattices.NewBoundedPrefix(s[:r.IntN(len(s)+1)], len(s)))
	return b
}

func genSSIV(r *rand.Rand) lattices.SSIV[int] {
	var v lattices.SSIV[int]
	s := sequences[r.IntN(len(sequences))]
	for pos, x := range s {
		if r.IntN(2) == 0 {
			v.Add(pos, x)
		}
	}
	if r.IntN(2) == 0 {
		v.Seal(len(s))
	}
	switch r.IntN(12) {
	case 0:
		v.Add(r.IntN(5), 9) // Perhaps a conflicting value or position.
	case 1:
		v.Seal(r.IntN(5)) // Perhaps a conflicting seal.
	case 2:
		v.Add(-1, 0) // A conflict.
	}
	return v
}

func TestLaws(t *testing.T) {
	t.Run("Max", func(t *testing.T) { latticetest.Check(t, genMax) })
	t.Run("Min", func(t *testing.T) { latticetest.Check(t, genMin) })
	t.Run("MaxFloat", func(t *testing.T) { latticetest.Check(t, genMaxFloat) })
	t.Run("MinFloat", func(t *testing.T) { latticetest.Check(t, genMinFloat) })
	t.Run("MaxString", func(t *testing.T) { latticetest.Check(t, genMaxString) })
	t.Run("SetUnion", func(t *testing.T) { latticetest.Check(t, genSet) })
	t.Run("MapUnionMax", func(t *testing.T) { latticetest.Check(t, genMapMax) })
	t.Run("MapUnionSet", func(t *testing.T) { latticetest.Check(t, genMapSet) })
	t.Run("Pair", func(t *testing.T) { latticetest.Check(t, genPair) })
	t.Run("PairBounded", func(t *testing.T) { latticetest.CheckBounded(t, genPairBounded) })
	t.Run("DomPairTotalKey", func(t *testing.T) { latticetest.Check(t, genDomPairTotal) })
	t.Run("DomPairPartialKey", func(t *testing.T) { latticetest.Check(t, genDomPairPartial) })
	t.Run("DomPairSets", func(t *testing.T) { latticetest.Check(t, genDomPairSets) })
	t.Run("WithBotMax", func(t *testing.T) { latticetest.Check(t, genWithBotMax) })
	t.Run("WithBotSet", func(t *testing.T) { latticetest.Check(t, genWithBotSet) })
	t.Run("WithBotConflict", func(t *testing.T) { latticetest.CheckBounded(t, genWithBotConflict) })
	t.Run("WithTopMax", func(t *testing.T) { latticetest.CheckBounded(t, genWithTopMax) })
	t.Run("WithTopSet", func(t *testing.T) { latticetest.CheckBounded(t, genWithTopSet) })
	t.Run("Conflict", func(t *testing.T) { latticetest.CheckBounded(t, genConflict) })
	t.Run("VecUnionMax", func(t *testing.T) { latticetest.Check(t, genVecMax) })
	t.Run("VecUnionSet", func(t *testing.T) { latticetest.Check(t, genVecSet) })
	t.Run("GCounter", func(t *testing.T) { latticetest.Check(t, genGCounter) })
	t.Run("LWW", func(t *testing.T) { latticetest.Check(t, genLWW) })
	t.Run("BoundedPrefix", func(t *testing.T) { latticetest.CheckBounded(t, genBoundedPrefix) })
	t.Run("SSIV", func(t *testing.T) { latticetest.CheckBounded(t, genSSIV) })
}

// TestLawsManySeeds runs the laws of the types with the most intricate merges
// over more cases and seeds.
func TestLawsManySeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("many seeds")
	}
	for seed := range uint64(10) {
		opts := []latticetest.Option{latticetest.Seed(seed), latticetest.Cases(500)}
		latticetest.Check(t, genDomPairPartial, opts...)
		latticetest.Check(t, genMapSet, opts...)
		latticetest.CheckBounded(t, genBoundedPrefix, opts...)
		latticetest.CheckBounded(t, genSSIV, opts...)
	}
}
