package microbench

import (
	"math/rand/v2"
	"testing"

	"github.com/hydrogo/hydro/hydro"
)

// binaryTickers builds the three ways of running a flow with two inputs.
type binaryTickers[L, R, O any] struct {
	generated, handwritten func(l hydro.Input[L], r hydro.Input[R], out hydro.Output[O]) func()
	flow                   func(*hydro.Flow, hydro.Input[L], hydro.Input[R], hydro.Output[O])
}

// benchBinary pushes left and right into the flow's two inputs every tick.
func benchBinary[L, R, O any](b *testing.B, left []L, right []R, consume func(O), tk binaryTickers[L, R, O]) {
	ways := []struct {
		name string
		mk   func(l hydro.Input[L], r hydro.Input[R], out hydro.Output[O]) func()
	}{
		{"generated", tk.generated},
		{"handwritten", tk.handwritten},
		{"interpreted", func(l hydro.Input[L], r hydro.Input[R], out hydro.Output[O]) func() {
			f := hydro.NewFlow("bench")
			tk.flow(f, l, r, out)
			it, err := hydro.Interpret(f)
			if err != nil {
				b.Fatal(err)
			}
			return it.Tick
		}},
	}
	for _, w := range ways {
		b.Run(w.name, func(b *testing.B) {
			l, r, out := hydro.NewInput[L]("left"), hydro.NewInput[R]("right"), hydro.NewOutputFunc("out", consume)
			tick := w.mk(l, r, out)
			l.Push(left...)
			r.Push(right...)
			tick() // warm buffers
			b.ReportAllocs()
			for b.Loop() {
				l.Push(left...)
				r.Push(right...)
				tick()
			}
		})
	}
}

// randomInts returns n integers drawn uniformly from [0, limit).
func randomInts(seed uint64, n, limit int) []int {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]int, n)
	for i := range out {
		out[i] = r.IntN(limit)
	}
	return out
}

// BenchmarkUnique drops repeats from 1,024 integers drawn from 256 values.
func BenchmarkUnique(b *testing.B) {
	benchUnary(b, randomInts(1, batch, batch/4), func(x int) { sinkInt = x }, tickers[int, int]{
		generated:   func(in hydro.Input[int], out hydro.Output[int]) func() { return NewUniqueIntsBench(in, out).Tick },
		handwritten: handUnique(batch / 4),
		flow:        UniqueInts,
	})
}

// BenchmarkFlatMap turns 1,024 integers into 4,096.
func BenchmarkFlatMap(b *testing.B) {
	benchUnary(b, intBatch(), func(x int) { sinkInt = x }, tickers[int, int]{
		generated: func(in hydro.Input[int], out hydro.Output[int]) func() { return NewFlatMapIntsBench(in, out).Tick },
		handwritten: func(in hydro.Input[int], out hydro.Output[int]) func() {
			var buf, res []int
			return func() {
				buf = in.TakeInto(buf[:0])
				for _, x := range buf {
					res = append(res, x, x+1, x+2, x+3)
				}
				out.PutAll(res)
				res = res[:0]
			}
		},
		flow: FlatMapInts,
	})
}

// BenchmarkDifference removes 1,024 integers from 1,024 others, both drawn
// from 2,048 values.
func BenchmarkDifference(b *testing.B) {
	benchBinary(b, randomInts(2, batch, 2*batch), randomInts(3, batch, 2*batch), func(x int) { sinkInt = x }, binaryTickers[int, int, int]{
		generated: func(pos, neg hydro.Input[int], out hydro.Output[int]) func() {
			return NewDifferenceIntsBench(pos, neg, out).Tick
		},
		handwritten: handDifference(2 * batch),
		flow:        DifferenceInts,
	})
}

// BenchmarkFold sums 1,024 integers.
func BenchmarkFold(b *testing.B) {
	benchUnary(b, intBatch(), func(x int) { sinkInt = x }, tickers[int, int]{
		generated: func(in hydro.Input[int], out hydro.Output[int]) func() { return NewFoldSumBench(in, out).Tick },
		handwritten: func(in hydro.Input[int], out hydro.Output[int]) func() {
			var buf []int
			res := make([]int, 1)
			return func() {
				buf = in.TakeInto(buf[:0])
				sum := 0
				for _, x := range buf {
					sum += x
				}
				res[0] = sum
				out.PutAll(res)
			}
		},
		flow: FoldSum,
	})
}

// BenchmarkCrossJoin pairs 32 items with 32 others: 1,024 pairs.
func BenchmarkCrossJoin(b *testing.B) {
	benchBinary(b, intBatch()[:32], intBatch()[32:64], func(x Pair) { sinkPair = x }, binaryTickers[int, int, Pair]{
		generated: func(l, r hydro.Input[int], out hydro.Output[Pair]) func() { return NewCrossPairsBench(l, r, out).Tick },
		handwritten: func(l, r hydro.Input[int], out hydro.Output[Pair]) func() {
			var lbuf, rbuf []int
			var res []Pair
			return func() {
				lbuf = l.TakeInto(lbuf[:0])
				rbuf = r.TakeInto(rbuf[:0])
				for _, x := range lbuf {
					for _, y := range rbuf {
						res = append(res, Pair{Key: x, Value: y})
					}
				}
				out.PutAll(res)
				res = res[:0]
			}
		},
		flow: CrossPairs,
	})
}

// BenchmarkFoldKeyed sums 1,024 values over 64 keys.
func BenchmarkFoldKeyed(b *testing.B) {
	benchUnary(b, pairBatch(), func(x Pair) { sinkPair = x }, tickers[Pair, Pair]{
		generated:   func(in hydro.Input[Pair], out hydro.Output[Pair]) func() { return NewFoldKeyedSumBench(in, out).Tick },
		handwritten: handFoldKeyed(64),
		flow:        FoldKeyedSum,
	})
}

// BenchmarkNextTick carries a batch through four ticks, with a small batch
// (16 items) and a big one (16,384): the cost of state that crosses ticks.
func BenchmarkNextTick(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"small", 16}, {"big", 16 * batch}} {
		b.Run(size.name, func(b *testing.B) {
			items := make([]int, size.n)
			for i := range items {
				items[i] = i
			}
			benchUnary(b, items, func(x int) { sinkInt = x }, tickers[int, int]{
				generated: func(in hydro.Input[int], out hydro.Output[int]) func() { return NewNextTickBench(in, out).Tick },
				handwritten: func(in hydro.Input[int], out hydro.Output[int]) func() {
					// A ring of four batches: the one that entered four
					// ticks ago leaves, this tick's takes its place.
					var ring [4][]int
					next := 0
					return func() {
						out.PutAll(ring[next])
						ring[next] = in.TakeInto(ring[next][:0])
						next = (next + 1) % len(ring)
					}
				},
				flow: NextTick,
			})
		})
	}
}

// joinDisjoint is 512 pairs with 512 others of disjoint keys: building
// and probing, no output.
func joinDisjoint() joinInput {
	left, right := make([]Pair, batch/2), make([]Pair, batch/2)
	for i := range left {
		left[i] = Pair{Key: 2 * i, Value: i}
		right[i] = Pair{Key: 2*i + 1, Value: -i}
	}
	return joinInput{"JoinNoMatch", left, right, batch}
}

// BenchmarkJoinNoMatch joins 512 pairs with 512 others of disjoint keys:
// building and probing, no output.
func BenchmarkJoinNoMatch(b *testing.B) { benchJoin(b, joinDisjoint()) }

// joinZipf is 256 pairs with 256 others whose keys follow a Zipf
// distribution (s = 1.5 over 1,024 keys): a few hot keys hold most items,
// so a probe walks long groups and the output is large.
func joinZipf() joinInput {
	z := rand.NewZipf(rand.New(rand.NewPCG(4, 5)), 1.5, 1, batch-1)
	left, right := make([]Pair, batch/4), make([]Pair, batch/4)
	for i := range left {
		left[i] = Pair{Key: int(z.Uint64()), Value: i}
		right[i] = Pair{Key: int(z.Uint64()), Value: -i}
	}
	return joinInput{"JoinZipf", left, right, batch}
}

// BenchmarkJoinZipf joins 256 pairs with 256 others whose keys follow a
// Zipf distribution.
func BenchmarkJoinZipf(b *testing.B) { benchJoin(b, joinZipf()) }

// BenchmarkReachabilityInTick is BenchmarkReachability's graph searched in
// one tick: the cycle runs to its fixpoint within the tick.
func BenchmarkReachabilityInTick(b *testing.B) {
	edges := reachabilityEdges()
	once := func(tick func()) func() bool { return func() bool { tick(); return false } }
	benchReach(b, edges, map[string]func(out hydro.Output[uint32]) (hydro.Input[uint32], func() bool){
		"generated": func(out hydro.Output[uint32]) (hydro.Input[uint32], func() bool) {
			in := hydro.NewInput[uint32]("seeds")
			return in, once(NewReachabilityInTickBench(in, edges, out).Tick)
		},
		"handwritten": func(out hydro.Output[uint32]) (hydro.Input[uint32], func() bool) {
			in := hydro.NewInput[uint32]("seeds")
			var stack, res []uint32
			return in, once(func() {
				adj := newCSR(reachVertices, edges)
				seen := make([]bool, reachVertices)
				stack = in.TakeInto(stack[:0])
				for len(stack) > 0 {
					v := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					if !seen[v] {
						seen[v] = true
						res = append(res, v)
						stack = append(stack, adj.out(v)...)
					}
				}
				out.PutAll(res)
				res = res[:0]
			})
		},
		"interpreted": func(out hydro.Output[uint32]) (hydro.Input[uint32], func() bool) {
			in := hydro.NewInput[uint32]("seeds")
			f := hydro.NewFlow("ReachabilityInTick")
			ReachabilityInTick(f, in, edges, out)
			it, err := hydro.Interpret(f)
			if err != nil {
				b.Fatal(err)
			}
			return in, once(it.Tick)
		},
	})
}
