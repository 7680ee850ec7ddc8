package microbench

import (
	"slices"
	"strings"
	"testing"

	"github.com/hydrogo/hydro/hydro"
)

// batch is the number of items each benchmark operation pushes through one
// tick.
const batch = 1024

var (
	sinkInt int
	sinkStr string
	sinkJ   Joined
)

func intBatch() []int {
	out := make([]int, batch)
	for i := range out {
		out[i] = i * 7
	}
	return out
}

func stringBatch() []string {
	out := make([]string, batch)
	for i := range out {
		out[i] = wordList[i%len(wordList)] + " " + wordList[(i*3)%len(wordList)]
	}
	return out
}

// tickers builds the three ways of running a flow over the same ports.
type tickers[I, O any] struct {
	generated, handwritten func(in hydro.Input[I], out hydro.Output[O]) func()
	flow                   func(*hydro.Flow, hydro.Input[I], hydro.Output[O])
}

func benchUnary[I, O any](b *testing.B, items []I, consume func(O), tk tickers[I, O]) {
	ways := []struct {
		name string
		mk   func(in hydro.Input[I], out hydro.Output[O]) func()
	}{
		{"generated", tk.generated},
		{"handwritten", tk.handwritten},
		{"interpreted", func(in hydro.Input[I], out hydro.Output[O]) func() {
			f := hydro.NewFlow("bench")
			tk.flow(f, in, out)
			it, err := hydro.Interpret(f)
			if err != nil {
				b.Fatal(err)
			}
			return it.Tick
		}},
	}
	for _, w := range ways {
		b.Run(w.name, func(b *testing.B) {
			in, out := hydro.NewInput[I]("in"), hydro.NewOutputFunc("out", consume)
			tick := w.mk(in, out)
			in.Push(items...)
			tick() // warm buffers
			b.ReportAllocs()
			for b.Loop() {
				in.Push(items...)
				tick()
			}
		})
	}
}

func BenchmarkIdentity(b *testing.B) {
	benchUnary(b, intBatch(), func(x int) { sinkInt = x }, tickers[int, int]{
		generated: func(in hydro.Input[int], out hydro.Output[int]) func() { return NewIdentityBench(in, out).Tick },
		handwritten: func(in hydro.Input[int], out hydro.Output[int]) func() {
			var buf, res []int
			return func() {
				buf = in.TakeInto(buf[:0])
				for _, x := range buf {
					res = append(res, x)
				}
				out.PutAll(res)
				res = res[:0]
			}
		},
		flow: Identity,
	})
}

func BenchmarkArithmetic(b *testing.B) {
	benchUnary(b, intBatch(), func(x int) { sinkInt = x }, tickers[int, int]{
		generated: func(in hydro.Input[int], out hydro.Output[int]) func() { return NewArithmeticBench(in, out).Tick },
		handwritten: func(in hydro.Input[int], out hydro.Output[int]) func() {
			var buf, res []int
			return func() {
				buf = in.TakeInto(buf[:0])
				for _, x := range buf {
					res = append(res, x+20)
				}
				out.PutAll(res)
				res = res[:0]
			}
		},
		flow: Arithmetic,
	})
}

func BenchmarkUpcase(b *testing.B) {
	benchUnary(b, stringBatch(), func(x string) { sinkStr = x }, tickers[string, string]{
		generated: func(in hydro.Input[string], out hydro.Output[string]) func() { return NewUpcaseBench(in, out).Tick },
		handwritten: func(in hydro.Input[string], out hydro.Output[string]) func() {
			var buf, res []string
			return func() {
				buf = in.TakeInto(buf[:0])
				for _, x := range buf {
					res = append(res, strings.ToUpper(x))
				}
				out.PutAll(res)
				clear(res)
				res = res[:0]
			}
		},
		flow: Upcase,
	})
}

func BenchmarkForkJoin(b *testing.B) {
	benchUnary(b, intBatch(), func(x int) { sinkInt = x }, tickers[int, int]{
		generated: func(in hydro.Input[int], out hydro.Output[int]) func() { return NewForkJoinBench(in, out).Tick },
		handwritten: func(in hydro.Input[int], out hydro.Output[int]) func() {
			var buf, res []int
			return func() {
				buf = in.TakeInto(buf[:0])
				for _, x := range buf {
					// Five fork-join layers, each keeping an item that is
					// even or odd, as a person would write them.
					if x%2 == 0 || x%2 != 0 {
						if x%2 == 0 || x%2 != 0 {
							if x%2 == 0 || x%2 != 0 {
								if x%2 == 0 || x%2 != 0 {
									if x%2 == 0 || x%2 != 0 {
										res = append(res, x)
									}
								}
							}
						}
					}
				}
				out.PutAll(res)
				res = res[:0]
			}
		},
		flow: ForkJoin,
	})
}

func BenchmarkWordsDiamond(b *testing.B) {
	benchUnary(b, stringBatch(), func(x string) { sinkStr = x }, tickers[string, string]{
		generated: func(in hydro.Input[string], out hydro.Output[string]) func() {
			return NewWordsDiamondBench(in, out).Tick
		},
		handwritten: func(in hydro.Input[string], out hydro.Output[string]) func() {
			var buf, res []string
			seen := map[string]struct{}{}
			return func() {
				buf = in.TakeInto(buf[:0])
				for _, line := range buf {
					for w := range strings.FieldsSeq(line) {
						if len(w) > 4 {
							w = w[:4]
						}
						if _, dup := seen[w]; !dup {
							seen[w] = struct{}{}
							res = append(res, w)
						}
					}
				}
				out.PutAll(res)
				clear(res)
				res = res[:0]
				clear(seen)
			}
		},
		flow: WordsDiamond,
	})
}

func BenchmarkFanOut(b *testing.B) {
	items := intBatch()
	ways := map[string]func(in hydro.Input[int], o [4]hydro.Output[int]) func(){
		"generated": func(in hydro.Input[int], o [4]hydro.Output[int]) func() {
			return NewFanOutBench(in, o[0], o[1], o[2], o[3]).Tick
		},
		"handwritten": func(in hydro.Input[int], o [4]hydro.Output[int]) func() {
			var buf []int
			var res [4][]int
			return func() {
				buf = in.TakeInto(buf[:0])
				for _, x := range buf {
					res[0] = append(res[0], x+1)
					res[1] = append(res[1], x*2)
					if x%2 == 0 {
						res[2] = append(res[2], x)
					}
					res[3] = append(res[3], x)
				}
				for i := range res {
					o[i].PutAll(res[i])
					res[i] = res[i][:0]
				}
			}
		},
		"interpreted": func(in hydro.Input[int], o [4]hydro.Output[int]) func() {
			f := hydro.NewFlow("FanOut")
			FanOut(f, in, o[0], o[1], o[2], o[3])
			it, err := hydro.Interpret(f)
			if err != nil {
				b.Fatal(err)
			}
			return it.Tick
		},
	}
	for _, name := range []string{"generated", "handwritten", "interpreted"} {
		b.Run(name, func(b *testing.B) {
			in := hydro.NewInput[int]("in")
			var o [4]hydro.Output[int]
			for i := range o {
				o[i] = hydro.NewOutputFunc("o", func(x int) { sinkInt = x })
			}
			tick := ways[name](in, o)
			in.Push(items...)
			tick()
			b.ReportAllocs()
			for b.Loop() {
				in.Push(items...)
				tick()
			}
		})
	}
}

func BenchmarkFanIn(b *testing.B) {
	items := intBatch()[:batch/4]
	ways := map[string]func(in [4]hydro.Input[int], o hydro.Output[int]) func(){
		"generated": func(in [4]hydro.Input[int], o hydro.Output[int]) func() {
			return NewFanInBench(in[0], in[1], in[2], in[3], o).Tick
		},
		"handwritten": func(in [4]hydro.Input[int], o hydro.Output[int]) func() {
			var buf, res []int
			return func() {
				for _, i := range in {
					buf = i.TakeInto(buf[:0])
					res = append(res, buf...)
				}
				o.PutAll(res)
				res = res[:0]
			}
		},
		"interpreted": func(in [4]hydro.Input[int], o hydro.Output[int]) func() {
			f := hydro.NewFlow("FanIn")
			FanIn(f, in[0], in[1], in[2], in[3], o)
			it, err := hydro.Interpret(f)
			if err != nil {
				b.Fatal(err)
			}
			return it.Tick
		},
	}
	for _, name := range []string{"generated", "handwritten", "interpreted"} {
		b.Run(name, func(b *testing.B) {
			var in [4]hydro.Input[int]
			for i := range in {
				in[i] = hydro.NewInput[int]("in")
			}
			o := hydro.NewOutputFunc("o", func(x int) { sinkInt = x })
			tick := ways[name](in, o)
			b.ReportAllocs()
			for b.Loop() {
				for _, i := range in {
					i.Push(items...)
				}
				tick()
			}
		})
	}
}

// joinInput is the input of a join benchmark: the pairs pushed left and
// right every tick, all of whose keys are in [0, keys).
type joinInput struct {
	name        string
	left, right []Pair
	keys        int
}

// joinInputs are the inputs of BenchmarkJoin, BenchmarkJoinNoMatch and
// BenchmarkJoinZipf.
func joinInputs() []joinInput { return []joinInput{joinOverlapping(), joinDisjoint(), joinZipf()} }

// joinOverlapping is 512 pairs with 512 others over overlapping keys.
func joinOverlapping() joinInput {
	left, right := make([]Pair, batch/2), make([]Pair, batch/2)
	for i := range left {
		left[i] = Pair{Key: i % 128, Value: i}
		right[i] = Pair{Key: (i * 5) % 256, Value: -i}
	}
	return joinInput{"Join", left, right, 256}
}

// BenchmarkJoin is the symmetric hash join of 512 pairs with 512 others
// over overlapping keys.
func BenchmarkJoin(b *testing.B) { benchJoin(b, joinOverlapping()) }

// benchJoin runs the Join flow three ways, pushing left and right every tick.
func benchJoin(b *testing.B, in joinInput) {
	left, right := in.left, in.right
	ways := map[string]func(l, r hydro.Input[Pair], o hydro.Output[Joined]) func(){
		"generated":   func(l, r hydro.Input[Pair], o hydro.Output[Joined]) func() { return NewJoinBench(l, r, o).Tick },
		"handwritten": handJoin(in.keys),
		"interpreted": func(l, r hydro.Input[Pair], o hydro.Output[Joined]) func() {
			f := hydro.NewFlow("Join")
			Join(f, l, r, o)
			it, err := hydro.Interpret(f)
			if err != nil {
				b.Fatal(err)
			}
			return it.Tick
		},
	}
	for _, name := range []string{"generated", "handwritten", "interpreted"} {
		b.Run(name, func(b *testing.B) {
			l, r := hydro.NewInput[Pair]("l"), hydro.NewInput[Pair]("r")
			o := hydro.NewOutputFunc("o", func(x Joined) { sinkJ = x })
			tick := ways[name](l, r, o)
			l.Push(left...)
			r.Push(right...)
			tick()
			b.ReportAllocs()
			for b.Loop() {
				l.Push(left...)
				r.Push(right...)
				tick()
			}
		})
	}
}

// reachVertices is the size of the reachability benchmarks' graph.
const reachVertices = 1024

// reachabilityEdges is the reachability benchmarks' graph: four edges out of
// every vertex.
func reachabilityEdges() []Edge {
	edges := make([]Edge, 0, 4*reachVertices)
	for v := range uint32(reachVertices) {
		for _, d := range []uint32{1, 7, 31, 255} {
			edges = append(edges, Edge{From: v, To: (v*d + 3) % reachVertices})
		}
	}
	return edges
}

// reachable is the number of vertices of edges reachable from vertex 0,
// which every way of running a reachability benchmark must report.
func reachable(edges []Edge) int {
	adj := newCSR(reachVertices, edges)
	seen := map[uint32]bool{0: true}
	for frontier := []uint32{0}; len(frontier) > 0; {
		v := frontier[len(frontier)-1]
		frontier = frontier[:len(frontier)-1]
		for _, w := range adj.out(v) {
			if !seen[w] {
				seen[w] = true
				frontier = append(frontier, w)
			}
		}
	}
	return len(seen)
}

// benchReach runs a reachability benchmark: every operation builds a
// search with mk, seeds it with vertex 0 and ticks it until it is done,
// and must reach every reachable vertex once.
func benchReach(b *testing.B, edges []Edge, mk map[string]func(out hydro.Output[uint32]) (hydro.Input[uint32], func() bool)) {
	want := reachable(edges)
	for _, name := range []string{"generated", "handwritten", "interpreted"} {
		b.Run(name, func(b *testing.B) {
			reached := 0
			out := hydro.NewOutputFunc("o", func(uint32) { reached++ })
			b.ReportAllocs()
			for b.Loop() {
				reached = 0
				in, tick := mk[name](out)
				in.Push(0)
				for tick() {
				}
				if reached != want {
					b.Fatalf("reached %d vertices, want %d", reached, want)
				}
			}
		})
	}
}

// BenchmarkReachability searches a graph breadth first, one level per tick.
func BenchmarkReachability(b *testing.B) {
	edges := reachabilityEdges()
	benchReach(b, edges, map[string]func(out hydro.Output[uint32]) (hydro.Input[uint32], func() bool){
		"generated": func(out hydro.Output[uint32]) (hydro.Input[uint32], func() bool) {
			in := hydro.NewInput[uint32]("seeds")
			n := NewReachabilityBench(in, edges, out)
			return in, func() bool { n.Tick(); return n.Pending() }
		},
		"handwritten": func(out hydro.Output[uint32]) (hydro.Input[uint32], func() bool) {
			in := hydro.NewInput[uint32]("seeds")
			adj := newCSR(reachVertices, edges)
			seen := make([]bool, reachVertices)
			var frontier, next, res []uint32
			return in, func() bool {
				frontier = in.TakeInto(frontier)
				for _, v := range frontier {
					if !seen[v] {
						seen[v] = true
						res = append(res, v)
						next = append(next, adj.out(v)...)
					}
				}
				out.PutAll(res)
				res = res[:0]
				frontier, next = next, frontier[:0]
				return len(frontier) > 0
			}
		},
		"interpreted": func(out hydro.Output[uint32]) (hydro.Input[uint32], func() bool) {
			in := hydro.NewInput[uint32]("seeds")
			f := hydro.NewFlow("Reachability")
			Reachability(f, in, edges, out)
			it, err := hydro.Interpret(f)
			if err != nil {
				b.Fatal(err)
			}
			return in, func() bool { it.Tick(); return it.Pending() }
		},
	})
}

// csr is a compressed sparse row adjacency: the targets of vertex v are
// targets[offsets[v]:offsets[v+1]], in edge order.
type csr struct {
	offsets []int32
	targets []uint32
}

// newCSR builds the adjacency of edges over vertices 0..n-1 with a counting
// sort: two slices, no per-vertex allocation.
func newCSR(n int, edges []Edge) csr {
	g := csr{offsets: make([]int32, n+1), targets: make([]uint32, len(edges))}
	for _, e := range edges {
		g.offsets[e.From+1]++
	}
	for v := range n {
		g.offsets[v+1] += g.offsets[v]
	}
	fill := slices.Clone(g.offsets[:n])
	for _, e := range edges {
		g.targets[fill[e.From]] = e.To
		fill[e.From]++
	}
	return g
}

func (g csr) out(v uint32) []uint32 { return g.targets[g.offsets[v]:g.offsets[v+1]] }
