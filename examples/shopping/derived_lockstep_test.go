package shopping

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

// The derived distributed figures run beside the hand-written ones, round
// by round: both get the same requests (the hand-written client as the
// sessions a client numbered and sealed, SessionRequests; the derived one
// as Figure 2's requests, which it numbers and seals itself), the same
// clock and the same network decisions, and must release the same carts in
// every round.
//
// Their frames cannot be compared byte for byte: the derived figures send
// elements of the struct types the compiler built from Figure 2's types (the
// sealed set holds Figure 2's Requests, keyed by the fold's key), the
// hand-written ones Sessions of LineItems. They correspond one to one
// instead — each request sent once when it arrives, each unacknowledged
// session's items resent on the same timer, each arrival at a server
// acknowledged once its session is complete — and are sent in the same
// order, so the test requires the same number of frames between the same
// members in every round, and drops, duplicates and reorders the i-th
// frame of both runs alike.
//
// Figure 8 is not run in lockstep: its hand-written client sends each
// request to one replica, which forwards it to the others, while the
// derived client broadcasts it to every replica (docs/rewrites.md,
// replication), so their frames do not correspond and a replica hears a
// request a round earlier in the derived figure. The two are compared on
// what every replica releases by TestDerivedFigure8MatchesFigure2AndFigure8.

// run is one deployment of a figure's generated nodes, its members in a
// fixed order, with the frames of the current round in the order sent.
type run struct {
	locs    map[string]int
	members []member
	round   []sent
}

func newRun(locs map[string]int, node func(loc string, id int) hydro.NetNode) *run {
	r := &run{locs: locs}
	for _, l := range slices.Sorted(func(yield func(string) bool) {
		for l := range locs {
			if !yield(l) {
				return
			}
		}
	}) {
		for id := range locs[l] {
			m := member{loc: l, id: id, node: node(l, id)}
			m.node.SetMember(hydro.MemberID(id))
			from := m.name()
			m.node.OnSend(func(to hydro.Dest, tag uint16, payload []byte) {
				to.Member %= uint64(locs[to.Location])
				r.round = append(r.round, sent{from, to, tag, slices.Clone(payload)})
			})
			r.members = append(r.members, m)
		}
	}
	return r
}

// tick runs every member once at time now and returns the frames sent.
func (r *run) tick(now time.Time) []sent {
	r.round = r.round[:0]
	for _, m := range r.members {
		m.node.SetNow(now)
		m.node.Tick()
	}
	return slices.Clone(r.round)
}

// deliver hands frame f to its destination members.
func (r *run) deliver(f sent) error {
	for _, m := range r.members {
		if m.loc == f.to.Location && (f.to.All || uint64(m.id) == f.to.Member) {
			if err := m.node.Deliver(f.tag, f.payload); err != nil {
				return fmt.Errorf("deliver %s: %w", f.from, err)
			}
		}
	}
	return nil
}

// route prints the senders and destinations of frames, which must agree
// between the two runs.
func route(frames []sent) []string {
	out := make([]string, len(frames))
	for i, f := range frames {
		out[i] = fmt.Sprintf("%s->%s/%d all=%v", f.from, f.to.Location, f.to.Member, f.to.All)
	}
	return out
}

// released prints a round's released carts, sorted.
func released(carts []ReplicaCart) []string {
	out := make([]string, len(carts))
	for i, c := range carts {
		out[i] = fmt.Sprintf("%+v", c)
	}
	slices.SortFunc(out, cmp.Compare)
	return out
}

// lockstepDerived runs the hand-written and the derived deployments of a
// figure over the batches of a workload and then quiet rounds, over a
// network that drops, duplicates and reorders, comparing the carts
// released in every round and the frames' routes.
func lockstepDerived(t *testing.T, seed uint64, locs map[string]int, batches [][]Request,
	hand func(in hydro.Input[Session]) (func(string, int) hydro.NetNode, func() []ReplicaCart),
	derived func(in hydro.Input[Request]) (func(string, int) hydro.NetNode, func() []ReplicaCart)) {
	t.Helper()
	hin, din := hydro.NewInput[Session]("shopping"), hydro.NewInput[Request]("shopping")
	hnode, htake := hand(hin)
	dnode, dtake := derived(din)
	h, d := newRun(locs, hnode), newRun(locs, dnode)
	sessions := SessionRequests(batches)
	rng := rand.New(rand.NewPCG(seed, 7))
	now := time.Unix(0, 0).UTC()
	for round := range len(batches) + 60 {
		if round < len(batches) {
			hin.Push(sessions[round]...)
			din.Push(batches[round]...)
		}
		now = now.Add(time.Duration(rng.IntN(40)) * time.Millisecond)
		hf, df := h.tick(now), d.tick(now)
		require.Equal(t, released(htake()), released(dtake()), "seed %d round %d: released carts", seed, round)
		require.Equal(t, route(hf), route(df), "seed %d round %d: frames' routes", seed, round)
		for _, i := range rng.Perm(len(hf)) {
			copies := 1
			switch r := rng.Float64(); {
			case r < 0.2:
				copies = 0
			case r < 0.4:
				copies = 2
			}
			for range copies {
				require.NoError(t, h.deliver(hf[i]))
				require.NoError(t, d.deliver(df[i]))
			}
		}
	}
}

// asReplica takes what one output released, as replica 0.
func asReplica(out hydro.Output[Cart]) func() []ReplicaCart {
	return func() []ReplicaCart {
		var got []ReplicaCart
		for _, c := range out.Take() {
			got = append(got, ReplicaCart{Cart: c})
		}
		return got
	}
}

func TestDerivedAndHandWrittenFiguresInLockstep(t *testing.T) {
	simtest.Seeds(t, simtest.Count(300, 3000), func(t *testing.T, seed uint64) {
		w := NewWorkload(seed, 4, 5)
		batches := w.Interleave(seed, 3)
		pair := map[string]int{"client": 1, "server": 1}
		lockstepDerived(t, seed, pair, batches,
			func(in hydro.Input[Session]) (func(string, int) hydro.NetNode, func() []ReplicaCart) {
				out := hydro.NewOutput[Cart]("carts")
				return func(loc string, _ int) hydro.NetNode {
					if loc == "client" {
						return NewFigure6Client(in, w.Classes, out)
					}
					return NewFigure6Server(in, w.Classes, out)
				}, asReplica(out)
			},
			func(in hydro.Input[Request]) (func(string, int) hydro.NetNode, func() []ReplicaCart) {
				out := hydro.NewOutput[Cart]("carts")
				return func(loc string, _ int) hydro.NetNode {
					if loc == "client" {
						return NewFigure6DerivedClient(in, w.Classes, out)
					}
					return NewFigure6DerivedServer(in, w.Classes, out)
				}, asReplica(out)
			})
		lockstepDerived(t, seed, pair, batches,
			func(in hydro.Input[Session]) (func(string, int) hydro.NetNode, func() []ReplicaCart) {
				out := hydro.NewOutput[Cart]("carts")
				return func(loc string, _ int) hydro.NetNode {
					if loc == "client" {
						return NewFigure7Client(in, w.Classes, out)
					}
					return NewFigure7Server(in, w.Classes, out)
				}, asReplica(out)
			},
			func(in hydro.Input[Request]) (func(string, int) hydro.NetNode, func() []ReplicaCart) {
				out := hydro.NewOutput[Cart]("carts")
				return func(loc string, _ int) hydro.NetNode {
					if loc == "client" {
						return NewFigure7DerivedClient(in, w.Classes, out)
					}
					return NewFigure7DerivedServer(in, w.Classes, out)
				}, asReplica(out)
			})
	})
}
