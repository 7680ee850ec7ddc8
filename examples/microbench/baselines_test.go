package microbench

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
)

// The hand-written baselines of the benchmarks whose keys are small
// non-negative integers below a bound their inputs' generators fix: the
// plain Go a person would write for such keys indexes a slice by key where
// a map would be right for arbitrary keys. Each takes the bound (every key
// is in [0, keys)) and computes what the generated node computes, in the
// same order; TestBaselinesMatchGenerated checks it. Their loops append to
// local slices, which the compiler keeps in registers, rather than to the
// closure's variables, which it loads and stores at every append.

// handUnique drops the tick's repeats with a []bool indexed by the item.
func handUnique(keys int) func(in hydro.Input[int], out hydro.Output[int]) func() {
	return func(in hydro.Input[int], out hydro.Output[int]) func() {
		var buf, res []int
		seen := make([]bool, keys)
		return func() {
			buf = in.TakeInto(buf[:0])
			kept := res[:0]
			for _, x := range buf {
				if !seen[x] {
					seen[x] = true
					kept = append(kept, x)
				}
			}
			out.PutAll(kept)
			res = kept[:0]
			clear(seen)
		}
	}
}

// handDifference drops the positive items that are among the tick's
// negative ones, flagged in a []bool indexed by the item.
func handDifference(keys int) func(pos, neg hydro.Input[int], out hydro.Output[int]) func() {
	return func(pos, neg hydro.Input[int], out hydro.Output[int]) func() {
		var pbuf, nbuf, res []int
		excluded := make([]bool, keys)
		return func() {
			pbuf = pos.TakeInto(pbuf[:0])
			nbuf = neg.TakeInto(nbuf[:0])
			for _, x := range nbuf {
				excluded[x] = true
			}
			kept := res[:0]
			for _, x := range pbuf {
				if !excluded[x] {
					kept = append(kept, x)
				}
			}
			out.PutAll(kept)
			res = kept[:0]
			clear(excluded)
		}
	}
}

// handFoldKeyed sums the tick's values per key into accumulators in the
// order their keys first appear, found through a []int32 indexed by key
// (0 for none, else the accumulator's position + 1).
func handFoldKeyed(keys int) func(in hydro.Input[Pair], out hydro.Output[Pair]) func() {
	return func(in hydro.Input[Pair], out hydro.Output[Pair]) func() {
		var buf, accs []Pair
		index := make([]int32, keys)
		return func() {
			buf = in.TakeInto(buf[:0])
			sums := accs[:0]
			for _, x := range buf {
				i := index[x.Key]
				if i == 0 {
					sums = append(sums, Pair{Key: x.Key})
					i = int32(len(sums))
					index[x.Key] = i
				}
				sums[i-1].Value += x.Value
			}
			out.PutAll(sums)
			accs = sums[:0]
			clear(index)
		}
	}
}

// handNegation is Negation: the tick's items whose key's total is at most
// 150, then those whose key never had a value above 90 in any tick, with
// the totals and the keys seen above 90 in slices indexed by key.
func handNegation(keys int) func(in hydro.Input[Pair], out hydro.Output[Pair]) func() {
	return func(in hydro.Input[Pair], out hydro.Output[Pair]) func() {
		var buf, res []Pair
		totals := make([]int, keys)
		high := make([]bool, keys)
		return func() {
			buf = in.TakeInto(buf[:0])
			for _, x := range buf {
				totals[x.Key] += x.Value
				if x.Value > 90 {
					high[x.Key] = true
				}
			}
			kept := res[:0]
			for _, x := range buf {
				if totals[x.Key] <= 150 {
					kept = append(kept, x)
				}
			}
			for _, x := range buf {
				if !high[x.Key] {
					kept = append(kept, x)
				}
			}
			out.PutAll(kept)
			res = kept[:0]
			clear(totals)
		}
	}
}

// handJoin is the tick's hash join: the left items grouped by key, the
// groups numbered through a []int32 indexed by key (0 for none, else the
// group's position + 1) and their slices reused from tick to tick, probed
// by every right item.
func handJoin(keys int) func(l, r hydro.Input[Pair], o hydro.Output[Joined]) func() {
	return func(l, r hydro.Input[Pair], o hydro.Output[Joined]) func() {
		var lbuf, rbuf []Pair
		var res []Joined
		index := make([]int32, keys)
		var groups [][]Pair
		return func() {
			lbuf = l.TakeInto(lbuf[:0])
			rbuf = r.TakeInto(rbuf[:0])
			gs := groups[:0]
			for _, x := range lbuf {
				g := index[x.Key]
				if g == 0 {
					if len(gs) < cap(gs) {
						gs = gs[:len(gs)+1]
						gs[len(gs)-1] = gs[len(gs)-1][:0]
					} else {
						gs = append(gs, nil)
					}
					g = int32(len(gs))
					index[x.Key] = g
				}
				gs[g-1] = append(gs[g-1], x)
			}
			joined := res[:0]
			for _, y := range rbuf {
				if g := index[y.Key]; g != 0 {
					for _, x := range gs[g-1] {
						joined = append(joined, Joined{Key: x.Key, Left: x.Value, Right: y.Value})
					}
				}
			}
			o.PutAll(joined)
			res = joined[:0]
			clear(index)
			groups = gs
		}
	}
}

// randomPairs returns n pairs with keys in [0, keys) and values in
// [0, values).
func randomPairs(r *rand.Rand, n, keys, values int) []Pair {
	out := make([]Pair, n)
	for i := range out {
		out[i] = Pair{Key: r.IntN(keys), Value: r.IntN(values)}
	}
	return out
}

// baselineTicks is the number of ticks TestBaselinesMatchGenerated runs
// each baseline for: the benchmark's own batch, then random batches of up
// to 2,048 items (a quarter of them empty) over the benchmark's key range.
const baselineTicks = 40

// checkUnary runs a generated node and a hand-written baseline over the
// same batches and requires the same outputs, in the same order, tick by
// tick.
func checkUnary[I, O any](t *testing.T, gen, hand func(hydro.Input[I], hydro.Output[O]) func(), batches [][]I) {
	t.Helper()
	gin, gout := hydro.NewInput[I]("in"), hydro.NewOutput[O]("out")
	hin, hout := hydro.NewInput[I]("in"), hydro.NewOutput[O]("out")
	gtick, htick := gen(gin, gout), hand(hin, hout)
	for i, items := range batches {
		gin.Push(items...)
		hin.Push(items...)
		gtick()
		htick()
		require.Equal(t, gout.Take(), hout.Take(), "tick %d", i)
	}
}

// checkBinary is checkUnary for two inputs.
func checkBinary[L, R, O any](t *testing.T, gen, hand func(hydro.Input[L], hydro.Input[R], hydro.Output[O]) func(), lefts [][]L, rights [][]R) {
	t.Helper()
	gl, gr, gout := hydro.NewInput[L]("l"), hydro.NewInput[R]("r"), hydro.NewOutput[O]("out")
	hl, hr, hout := hydro.NewInput[L]("l"), hydro.NewInput[R]("r"), hydro.NewOutput[O]("out")
	gtick, htick := gen(gl, gr, gout), hand(hl, hr, hout)
	for i := range lefts {
		gl.Push(lefts[i]...)
		gr.Push(rights[i]...)
		hl.Push(lefts[i]...)
		hr.Push(rights[i]...)
		gtick()
		htick()
		require.Equal(t, gout.Take(), hout.Take(), "tick %d", i)
	}
}

// batchesOf returns first, then baselineTicks-1 batches of random sizes
// made by gen.
func batchesOf[T any](r *rand.Rand, first []T, gen func(n int) []T) [][]T {
	out := [][]T{first}
	for len(out) < baselineTicks {
		out = append(out, gen(r.IntN(2*batch+1)*min(r.IntN(4), 1)))
	}
	return out
}

// TestBaselinesMatchGenerated checks the slice-indexed hand-written
// baselines against the generated nodes on their benchmark's inputs and on
// random inputs over the same key ranges.
func TestBaselinesMatchGenerated(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	t.Run("Unique", func(t *testing.T) {
		gen := func(in hydro.Input[int], out hydro.Output[int]) func() { return NewUniqueIntsBench(in, out).Tick }
		keys := batch / 4
		checkUnary(t, gen, handUnique(keys),
			batchesOf(r, randomInts(1, batch, keys), func(n int) []int { return randomInts(r.Uint64(), n, keys) }))
	})
	t.Run("Difference", func(t *testing.T) {
		gen := func(pos, neg hydro.Input[int], out hydro.Output[int]) func() {
			return NewDifferenceIntsBench(pos, neg, out).Tick
		}
		keys := 2 * batch
		ints := func(n int) []int { return randomInts(r.Uint64(), n, keys) }
		checkBinary(t, gen, handDifference(keys),
			batchesOf(r, randomInts(2, batch, keys), ints), batchesOf(r, randomInts(3, batch, keys), ints))
	})
	t.Run("FoldKeyed", func(t *testing.T) {
		gen := func(in hydro.Input[Pair], out hydro.Output[Pair]) func() { return NewFoldKeyedSumBench(in, out).Tick }
		checkUnary(t, gen, handFoldKeyed(64),
			batchesOf(r, pairBatch(), func(n int) []Pair { return randomPairs(r, n, 64, 1000) }))
	})
	t.Run("Negation", func(t *testing.T) {
		gen := func(in hydro.Input[Pair], out hydro.Output[Pair]) func() { return NewNegationBench(in, out).Tick }
		// Few items per key and tick and values rarely above 90, so that
		// some totals stay at most 150 and some keys pass the second
		// negation for several ticks.
		checkUnary(t, gen, handNegation(64),
			batchesOf(r, pairBatch()[:64], func(n int) []Pair { return randomPairs(r, n%150, 64, 92) }))
	})
	for _, c := range joinInputs() {
		t.Run(c.name, func(t *testing.T) {
			gen := func(l, rt hydro.Input[Pair], o hydro.Output[Joined]) func() { return NewJoinBench(l, rt, o).Tick }
			pairs := func(n int) []Pair { return randomPairs(r, n/4, c.keys, 100) }
			checkBinary(t, gen, handJoin(c.keys), batchesOf(r, c.left, pairs), batchesOf(r, c.right, pairs))
		})
	}
}
