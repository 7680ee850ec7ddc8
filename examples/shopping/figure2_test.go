package shopping

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hydrogo/hydro/hydro"
	"github.com/stretchr/testify/require"
)

var testClasses = []ClientClass{{1, Basic}, {2, Premium}, {3, Basic}}

func req(client uint32, item string, qty int16) Request {
	return Request{Client: client, LineItem: LineItem{Item: item, Qty: qty}}
}

func checkout(client uint32) Request {
	return Request{Client: client, LineItem: LineItem{Checkout: true}}
}

func TestFigure2Interpreted(t *testing.T) {
	in := hydro.NewInput[Request]("shopping")
	out := hydro.NewOutput[Cart]("carts")
	f := hydro.NewFlow("Figure2")
	Figure2(f, in, testClasses, out)
	it, err := hydro.Interpret(f)
	require.NoError(t, err)

	// Three ticks of interleaved sessions; client 3 never checks out, client 9
	// has no class and so no cart.
	in.Push(req(1, "apple", 2), req(2, "ferrari", 1), req(1, "apple", 2))
	it.Tick()
	in.Push(req(1, "apple", -4), req(3, "pear", 1), req(9, "ghost", 1), checkout(2))
	it.Tick()
	in.Push(req(1, "banana", 6), checkout(1))
	it.Tick()

	// The fold emits all carts every tick, in order of first appearance: two
	// carts, then three, then three.
	all := out.Take()
	require.Len(t, all, 2+3+3)
	final := all[5:]
	want := []Cart{
		{Client: 1, Class: Basic, Items: []LineItem{{"apple", 2, false}, {"apple", 2, false}, {"apple", -4, false}, {"banana", 6, false}, {Checkout: true}}},
		{Client: 2, Class: Premium, Items: []LineItem{{"ferrari", 1, false}, {Checkout: true}}},
		{Client: 3, Class: Basic, Items: []LineItem{{"pear", 1, false}}},
	}
	require.Equal(t, want, final)
	require.True(t, final[0].CheckedOut())
	require.False(t, final[2].CheckedOut())
}

// runFigure2 runs Figure 2 in the interpreter over batches and returns the
// carts of the last tick, sorted by client.
func runFigure2(t *testing.T, w Workload, batches [][]Request) []Cart {
	t.Helper()
	in := hydro.NewInput[Request]("shopping")
	out := hydro.NewOutput[Cart]("carts")
	f := hydro.NewFlow("Figure2")
	Figure2(f, in, w.Classes, out)
	it, err := hydro.Interpret(f)
	require.NoError(t, err)
	for _, b := range batches {
		in.Push(b...)
		it.Tick()
		out.Take()
	}
	it.Tick()
	return sortCarts(out.Take())
}

func sortCarts(carts []Cart) []Cart {
	slices.SortFunc(carts, func(a, b Cart) int { return cmp.Compare(a.Client, b.Client) })
	return carts
}

func TestFigure2MatchesOracle(t *testing.T) {
	for seed := range uint64(20) {
		w := NewWorkload(seed, 12, 8)
		got := runFigure2(t, w, w.Interleave(seed, 6))
		require.Equal(t, w.ExpectedCarts(), got, "seed %d", seed)
		for _, c := range got {
			require.True(t, c.CheckedOut())
		}
	}
}

// shuffleWithRepeats returns the items in a seeded random order, a third of
// them twice, cut into batches of up to four.
func shuffleWithRepeats[T any](items []T, seed uint64) [][]T {
	r := rand.New(rand.NewPCG(seed, 7))
	all := slices.Clone(items)
	for _, x := range items {
		if r.IntN(3) == 0 {
			all = append(all, x)
		}
	}
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	var batches [][]T
	for len(all) > 0 {
		n := min(len(all), 1+r.IntN(4))
		batches = append(batches, all[:n])
		all = all[n:]
	}
	return batches
}
