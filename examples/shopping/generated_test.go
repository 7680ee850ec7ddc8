package shopping

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

// tickNode is what the differential test needs of a generated node.
type tickNode interface{ Tick() }

// lockstep runs the interpreted and the generated single-location figure
// over the same batches, comparing their outputs after every tick. The order
// of carts within a tick is not promised (a join's output order across keys
// is unspecified, docs/semantics.md), so they are compared sorted.
func lockstep[T any](t *testing.T, name string, build func(*hydro.Flow, hydro.Input[T], []ClientClass, hydro.Output[Cart]),
	generated func(hydro.Input[T], []ClientClass, hydro.Output[Cart]) tickNode, classes []ClientClass, batches [][]T) {
	t.Helper()
	iin, iout := hydro.NewInput[T]("shopping"), hydro.NewOutput[Cart]("carts")
	f := hydro.NewFlow(name)
	build(f, iin, classes, iout)
	it, err := hydro.Interpret(f)
	require.NoError(t, err)
	gin, gout := hydro.NewInput[T]("shopping"), hydro.NewOutput[Cart]("carts")
	nd := generated(gin, classes, gout)
	for i, b := range append(batches, nil) {
		iin.Push(b...)
		gin.Push(b...)
		it.Tick()
		nd.Tick()
		require.Equal(t, sortCarts(iout.Take()), sortCarts(gout.Take()), "%s, tick %d", name, i)
	}
}

func TestGeneratedSingleNodeFiguresMatchInterpreter(t *testing.T) {
	for seed := range uint64(30) {
		w := NewWorkload(seed, 10, 8)
		batches := w.Interleave(seed, 5)
		lockstep(t, "Figure2", Figure2, func(in hydro.Input[Request], c []ClientClass, out hydro.Output[Cart]) tickNode {
			return NewFigure2Server(in, c, out)
		}, w.Classes, batches)
		lockstep(t, "Figure3", Figure3, func(in hydro.Input[PrefixSession], c []ClientClass, out hydro.Output[Cart]) tickNode {
			return NewFigure3Server(in, c, out)
		}, w.Classes, w.PrefixRequests(batches))
		sessions := shuffleWithRepeats(flatten(SessionRequests(batches)), seed)
		lockstep(t, "Figure4", Figure4, func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) tickNode {
			return NewFigure4Server(in, c, out)
		}, w.Classes, sessions)
		lockstep(t, "Figure5", Figure5, func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) tickNode {
			return NewFigure5Server(in, c, out)
		}, w.Classes, sessions)
	}
}

func flatten[T any](batches [][]T) []T {
	var all []T
	for _, b := range batches {
		all = append(all, b...)
	}
	return all
}

// simulate runs generated nodes in the simulator (see drive).
func simulate[I, O any](t *testing.T, locs []sim.Location, spawn sim.Spawn, in hydro.Input[I], out hydro.Output[O], cfg sim.Config, batches [][]I, released func([]O) bool) ([]O, sim.Stats) {
	t.Helper()
	s, err := sim.NewNodes(locs, spawn, cfg)
	require.NoError(t, err)
	return drive(t, s, in, out, batches, released)
}

// clientServer is a figure that runs as a client and a server, by the
// constructors of its generated nodes.
type clientServer[I any] struct {
	name           string
	client, server func(hydro.Input[I], []ClientClass, hydro.Output[Cart]) hydro.NetNode
}

// requireCartsOnceUnderLoss simulates each figure over lossy, duplicating
// and reordering schedules, feeding it requests made from each seed's
// workload, and requires every checked-out cart exactly once.
func requireCartsOnceUnderLoss[I any](t *testing.T, figs []clientServer[I], requests func(w Workload, seed uint64) [][]I) {
	for _, fig := range figs {
		t.Run(fig.name, func(t *testing.T) {
			var faults faultTally
			defer faults.check(t)
			simtest.Seeds(t, seedsFor(t), func(t *testing.T, seed uint64) {
				w := NewWorkload(seed, 4, 5)
				want := w.ExpectedCarts()
				in, out := hydro.NewInput[I]("shopping"), hydro.NewOutput[Cart]("carts")
				spawn := func(loc string, _ int) (hydro.NetNode, error) {
					if loc == "client" {
						return fig.client(in, w.Classes, out), nil
					}
					return fig.server(in, w.Classes, out), nil
				}
				locs := []sim.Location{{Name: "client", Members: 1}, {Name: "server", Members: 1}}
				got, st := simulate(t, locs, spawn, in, out, sim.Config{Seed: seed, Faults: lossy},
					requests(w, seed), func(c []Cart) bool { return len(c) >= len(want) })
				faults.add(st)
				require.Equal(t, want, sortCarts(got), "each checked-out cart exactly once")
			})
		})
	}
}

func TestGeneratedFigures6and7InSimulator(t *testing.T) {
	requireCartsOnceUnderLoss(t, []clientServer[Session]{
		{"Figure6",
			func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) hydro.NetNode {
				return NewFigure6Client(in, c, out)
			},
			func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) hydro.NetNode {
				return NewFigure6Server(in, c, out)
			}},
		{"Figure7",
			func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) hydro.NetNode {
				return NewFigure7Client(in, c, out)
			},
			func(in hydro.Input[Session], c []ClientClass, out hydro.Output[Cart]) hydro.NetNode {
				return NewFigure7Server(in, c, out)
			}},
	}, func(w Workload, seed uint64) [][]Session { return SessionRequests(w.Interleave(seed, 3)) })
}

func TestGeneratedFigure8ReplicasConverge(t *testing.T) {
	const replicas = 3
	var faults faultTally
	defer faults.check(t)
	simtest.Seeds(t, seedsFor(t), func(t *testing.T, seed uint64) {
		w := NewWorkload(seed, 4, 5)
		want := w.ExpectedCarts()
		in, out := hydro.NewInput[Session]("shopping"), hydro.NewOutput[ReplicaCart]("carts")
		spawn := figure8Spawn(in, w.Classes, out)
		locs := []sim.Location{{Name: "client", Members: 1}, {Name: "server", Members: replicas}}
		got, st := simulate(t, locs, spawn, in, out, sim.Config{Seed: seed, Faults: lossy},
			SessionRequests(w.Interleave(seed, 3)), func(c []ReplicaCart) bool { return len(c) >= replicas*len(want) })
		faults.add(st)
		per := map[hydro.MemberID][]Cart{}
		for _, rc := range got {
			per[rc.Replica] = append(per[rc.Replica], rc.Cart)
		}
		for r := range hydro.MemberID(replicas) {
			require.Equal(t, want, sortCarts(per[r]), "replica %d", r)
		}
	})
}

// figure8Spawn builds Figure 8's generated nodes: the client and the server
// replicas.
func figure8Spawn(in hydro.Input[Session], classes []ClientClass, out hydro.Output[ReplicaCart]) sim.Spawn {
	return func(loc string, _ int) (hydro.NetNode, error) {
		if loc == "client" {
			return NewFigure8Client(in, classes, out), nil
		}
		return NewFigure8Server(in, classes, out), nil
	}
}
