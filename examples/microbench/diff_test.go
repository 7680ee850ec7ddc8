package microbench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
)

// run is one way of running a flow: push feeds a tick's input, tick runs it,
// take returns the tick's outputs printed, per output port.
type run struct {
	push func(r *rand.Rand)
	tick func()
	take func() [][]string
}

func printAll[T any](items []T) []string {
	out := make([]string, len(items))
	for i, x := range items {
		out[i] = fmt.Sprintf("%+v", x)
	}
	return out
}

func interp(t *testing.T, name string, build func(f *hydro.Flow)) func() {
	f := hydro.NewFlow(name)
	build(f)
	it, err := hydro.Interpret(f)
	require.NoError(t, err)
	return it.Tick
}

// ints returns a random batch of small integers (so that keys repeat).
func ints(r *rand.Rand) []int {
	out := make([]int, r.IntN(20))
	for i := range out {
		out[i] = r.IntN(12)
	}
	return out
}

func pairs(r *rand.Rand) []Pair {
	out := make([]Pair, r.IntN(15))
	for i := range out {
		out[i] = Pair{Key: r.IntN(6), Value: r.IntN(100)}
	}
	return out
}

var wordList = []string{"a", "tick", "stratum", "join", "fold", "hydro", "go", "dataflow", "lattice", "tee"}

func lines(r *rand.Rand) []string {
	out := make([]string, r.IntN(6))
	for i := range out {
		var ws []string
		for range r.IntN(6) {
			ws = append(ws, wordList[r.IntN(len(wordList))])
		}
		out[i] = strings.Join(ws, " ")
	}
	return out
}

// cases builds, for every flow, an interpreted and a generated run fed from
// the same seed.
var cases = map[string]struct {
	ordered bool // outputs are compared in order, not as multisets
	mk      func(t *testing.T, seed uint64) (interp, gen run)
}{
	"Identity":     {true, unary(ints, Identity, NewIdentityBench)},
	"Arithmetic":   {true, unary(ints, Arithmetic, NewArithmeticBench)},
	"Upcase":       {true, unary(lines, Upcase, NewUpcaseBench)},
	"ForkJoin":     {false, unary(ints, ForkJoin, NewForkJoinBench)},
	"Diamonds":     {false, unary(ints, Diamonds, NewDiamondsBench)},
	"WordsDiamond": {false, unary(lines, WordsDiamond, NewWordsDiamondBench)},
	"Join": {false, func(t *testing.T, seed uint64) (run, run) {
		mk := func(tick func(hydro.Input[Pair], hydro.Input[Pair], hydro.Output[Joined]) func()) run {
			l, r, o := hydro.NewInput[Pair]("l"), hydro.NewInput[Pair]("r"), hydro.NewOutput[Joined]("o")
			rng := rand.New(rand.NewPCG(seed, 1))
			return run{
				push: func(*rand.Rand) { l.Push(pairs(rng)...); r.Push(pairs(rng)...) },
				tick: tick(l, r, o),
				take: func() [][]string { return [][]string{printAll(o.Take())} },
			}
		}
		return mk(func(l, r hydro.Input[Pair], o hydro.Output[Joined]) func() {
				return interp(t, "Join", func(f *hydro.Flow) { Join(f, l, r, o) })
			}), mk(func(l, r hydro.Input[Pair], o hydro.Output[Joined]) func() {
				return NewJoinBench(l, r, o).Tick
			})
	}},
	"FanIn": {false, func(t *testing.T, seed uint64) (run, run) {
		mk := func(tick func(a, b, c, d hydro.Input[int], o hydro.Output[int]) func()) run {
			in := []hydro.Input[int]{hydro.NewInput[int]("a"), hydro.NewInput[int]("b"), hydro.NewInput[int]("c"), hydro.NewInput[int]("d")}
			o := hydro.NewOutput[int]("o")
			rng := rand.New(rand.NewPCG(seed, 1))
			return run{
				push: func(*rand.Rand) {
					for _, i := range in {
						i.Push(ints(rng)...)
					}
				},
				tick: tick(in[0], in[1], in[2], in[3], o),
				take: func() [][]string { return [][]string{printAll(o.Take())} },
			}
		}
		return mk(func(a, b, c, d hydro.Input[int], o hydro.Output[int]) func() {
				return interp(t, "FanIn", func(f *hydro.Flow) { FanIn(f, a, b, c, d, o) })
			}), mk(func(a, b, c, d hydro.Input[int], o hydro.Output[int]) func() {
				return NewFanInBench(a, b, c, d, o).Tick
			})
	}},
	"FanOut": {true, func(t *testing.T, seed uint64) (run, run) {
		mk := func(tick func(in hydro.Input[int], a, b, c, d hydro.Output[int]) func()) run {
			in := hydro.NewInput[int]("in")
			o := []hydro.Output[int]{hydro.NewOutput[int]("a"), hydro.NewOutput[int]("b"), hydro.NewOutput[int]("c"), hydro.NewOutput[int]("d")}
			rng := rand.New(rand.NewPCG(seed, 1))
			return run{
				push: func(*rand.Rand) { in.Push(ints(rng)...) },
				tick: tick(in, o[0], o[1], o[2], o[3]),
				take: func() [][]string {
					var out [][]string
					for _, x := range o {
						out = append(out, printAll(x.Take()))
					}
					return out
				},
			}
		}
		return mk(func(in hydro.Input[int], a, b, c, d hydro.Output[int]) func() {
				return interp(t, "FanOut", func(f *hydro.Flow) { FanOut(f, in, a, b, c, d) })
			}), mk(func(in hydro.Input[int], a, b, c, d hydro.Output[int]) func() {
				return NewFanOutBench(in, a, b, c, d).Tick
			})
	}},
	"Reachability": {false, func(t *testing.T, seed uint64) (run, run) {
		rng := rand.New(rand.NewPCG(seed, 2))
		edges := make([]Edge, 60)
		for i := range edges {
			edges[i] = Edge{From: uint32(rng.IntN(30)), To: uint32(rng.IntN(30))}
		}
		mk := func(tick func(in hydro.Input[uint32], o hydro.Output[uint32]) func()) run {
			in, o := hydro.NewInput[uint32]("seeds"), hydro.NewOutput[uint32]("o")
			rng := rand.New(rand.NewPCG(seed, 1))
			return run{
				push: func(*rand.Rand) {
					if rng.IntN(3) == 0 {
						in.Push(uint32(rng.IntN(30)))
					}
				},
				tick: tick(in, o),
				take: func() [][]string { return [][]string{printAll(o.Take())} },
			}
		}
		return mk(func(in hydro.Input[uint32], o hydro.Output[uint32]) func() {
				return interp(t, "Reachability", func(f *hydro.Flow) { Reachability(f, in, edges, o) })
			}), mk(func(in hydro.Input[uint32], o hydro.Output[uint32]) func() {
				return NewReachabilityBench(in, edges, o).Tick
			})
	}},
	"CartTotals": {false, func(t *testing.T, seed uint64) (run, run) {
		classes := []Pair{{0, 1}, {1, 2}, {2, 1}, {3, 3}, {3, 4}}
		mk := func(tick func(in hydro.Input[Pair], o hydro.Output[Total]) func()) run {
			in, o := hydro.NewInput[Pair]("orders"), hydro.NewOutput[Total]("o")
			rng := rand.New(rand.NewPCG(seed, 1))
			return run{
				push: func(*rand.Rand) { in.Push(pairs(rng)...) },
				tick: tick(in, o),
				take: func() [][]string { return [][]string{printAll(o.Take())} },
			}
		}
		return mk(func(in hydro.Input[Pair], o hydro.Output[Total]) func() {
				return interp(t, "CartTotals", func(f *hydro.Flow) { CartTotals(f, in, classes, 50, o) })
			}), mk(func(in hydro.Input[Pair], o hydro.Output[Total]) func() {
				return NewCartTotalsBench(in, classes, 50, o).Tick
			})
	}},
}

// unary makes the runs of a flow with one input and one output.
func unary[I, O any, N interface{ Tick() }](gen func(*rand.Rand) []I,
	flow func(*hydro.Flow, hydro.Input[I], hydro.Output[O]), newNode func(hydro.Input[I], hydro.Output[O]) N,
) func(t *testing.T, seed uint64) (run, run) {
	return func(t *testing.T, seed uint64) (run, run) {
		mk := func(tick func(hydro.Input[I], hydro.Output[O]) func()) run {
			in, o := hydro.NewInput[I]("in"), hydro.NewOutput[O]("out")
			rng := rand.New(rand.NewPCG(seed, 1))
			return run{
				push: func(*rand.Rand) { in.Push(gen(rng)...) },
				tick: tick(in, o),
				take: func() [][]string { return [][]string{printAll(o.Take())} },
			}
		}
		return mk(func(in hydro.Input[I], o hydro.Output[O]) func() {
				return interp(t, "flow", func(f *hydro.Flow) { flow(f, in, o) })
			}), mk(func(in hydro.Input[I], o hydro.Output[O]) func() {
				return newNode(in, o).Tick
			})
	}
}

// TestGeneratedMatchesInterpreter runs every flow both ways on randomized
// inputs and compares the outputs tick by tick.
func TestGeneratedMatchesInterpreter(t *testing.T) {
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			for seed := range uint64(20) {
				ir, gr := c.mk(t, seed)
				for tick := range 12 {
					ir.push(nil)
					gr.push(nil)
					ir.tick()
					gr.tick()
					want, got := ir.take(), gr.take()
					if !c.ordered {
						for _, s := range append(want, got...) {
							slices.Sort(s)
						}
					}
					require.Equal(t, want, got, "seed %d tick %d", seed, tick)
				}
			}
		})
	}
}
