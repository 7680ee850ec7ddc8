package shopping

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
)

// The flows of walk.hydroplan are derived by the compiler from Figure 2's
// unmodified source. Each must release the checked-out carts Figure 2
// ends with, and the carts the hand-written figure it matches releases.

// runNode runs a generated single-location node over batches, ticking once
// more at the end, and returns every cart it released, sorted.
func runNode[T any](t *testing.T, newNode func(hydro.Input[T], []ClientClass, hydro.Output[Cart]) tickNode, classes []ClientClass, batches [][]T) []Cart {
	t.Helper()
	in, out := hydro.NewInput[T]("shopping"), hydro.NewOutput[Cart]("carts")
	nd := newNode(in, classes, out)
	var carts []Cart
	for _, b := range append(batches, nil) {
		in.Push(b...)
		nd.Tick()
		carts = append(carts, out.Take()...)
	}
	return sortCarts(carts)
}

func TestDerivedSingleNodeFiguresMatchFigure2(t *testing.T) {
	for seed := range uint64(30) {
		w := NewWorkload(seed, 10, 8)
		batches := w.Interleave(seed, 5)
		want := runFigure2(t, w, batches)
		require.Equal(t, w.ExpectedCarts(), want)
		sessions := SessionRequests(batches)
		require.Equal(t, want, single(t, Figure4, w.Classes, sessions), "hand-written Figure 4, seed %d", seed)
		require.Equal(t, want, runNode(t, func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) tickNode {
			return NewFigure4DerivedServer(in, c, out)
		}, w.Classes, batches), "derived Figure 4, seed %d", seed)
		require.Equal(t, want, single(t, Figure5, w.Classes, sessions), "hand-written Figure 5, seed %d", seed)
		require.Equal(t, want, runNode(t, func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) tickNode {
			return NewFigure5DerivedServer(in, c, out)
		}, w.Classes, batches), "derived Figure 5, seed %d", seed)
	}
}
