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

// The distributed figures run interpreted and generated side by side, tick
// by tick: both deployments get the same input, the same clock and the same
// network (the frames of a round, which must be equal, are dropped,
// duplicated and reordered by one random choice for both), and must send
// the same frames and release the same outputs in every round. This is the
// differential test of the generated code's incremental evaluation
// (docs/incremental.md) on the programs it was built for.

// sent is one frame of a round, with the member that sent it.
type sent struct {
	from    string
	to      hydro.Dest
	tag     uint16
	payload []byte
}

// codecs decodes frames by tag; the interpreted members fill it in as they
// send, from the types of their items.
type codecs map[uint16]func([]byte) (any, error)

// canon prints frame f with its item decoded: the codec of a lattice held
// in a map need not write equal values as equal bytes, but they print the
// same.
func (c codecs) canon(f sent) string {
	item := fmt.Sprintf("%x", f.payload)
	if dec, ok := c[f.tag]; ok {
		if x, err := dec(f.payload); err == nil {
			item = fmt.Sprintf("%+v", x)
		}
	}
	return fmt.Sprintf("%s->%+v tag %d %s", f.from, f.to, f.tag, item)
}

// member is one running member of a deployment.
type member struct {
	loc  string
	id   int
	node hydro.NetNode
}

func (m member) name() string { return fmt.Sprintf("%s/%d", m.loc, m.id) }

// interpNode runs an interpreter as a hydro.NetNode, carrying its items in
// the generated codecs so that its frames compare byte for byte with those
// of the generated nodes.
type interpNode struct {
	it    *hydro.Interpreter
	send  func(hydro.Dest, uint16, []byte)
	items codecs
}

func (n *interpNode) Tick() {
	n.it.Tick()
	for _, m := range n.it.TakeSent() {
		var payload []byte
		switch x := m.Item.(type) {
		case Session:
			payload = appendHydroSession(nil, &x)
			n.items[uint16(m.Op)] = func(b []byte) (any, error) { var v Session; _, err := decodeHydroSession(b, &v); return v, err }
		case ClientID:
			payload = appendHydroClientID(nil, &x)
			n.items[uint16(m.Op)] = func(b []byte) (any, error) { var v ClientID; _, err := decodeHydroClientID(b, &v); return v, err }
		default:
			panic(fmt.Sprintf("no codec for %T in this test", m.Item))
		}
		to := hydro.Dest{Location: m.To, Member: uint64(max(m.Member, 0)), All: m.Member < 0}
		if n.send != nil {
			n.send(to, uint16(m.Op), payload)
		}
	}
}

func (n *interpNode) Pending() bool { return n.it.Pending() }

func (n *interpNode) Deliver(tag uint16, payload []byte) error {
	dec, ok := n.items[tag]
	if !ok {
		return fmt.Errorf("no frame with tag %d was sent", tag)
	}
	x, err := dec(payload)
	if err != nil {
		return err
	}
	return n.it.Deliver(int(tag), x)
}

func (n *interpNode) OnSend(fn func(hydro.Dest, uint16, []byte)) { n.send = fn }
func (n *interpNode) SetMember(hydro.MemberID)                   {}
func (n *interpNode) SetNow(t time.Time)                         { n.it.SetNow(t) }
func (n *interpNode) NextTimer() (time.Time, bool)               { return time.Time{}, false }

// deployment is one way of running a flow: its members in a fixed order,
// the client's input, the output, and the frames of the current round.
type deployment[O any] struct {
	members []member
	in      hydro.Input[Session]
	out     hydro.Output[O]
	items   codecs
	round   []sent
}

func newDeployment[O any](locs map[string]int, node func(loc string, id int) hydro.NetNode, in hydro.Input[Session], out hydro.Output[O], items codecs) *deployment[O] {
	d := &deployment[O]{in: in, out: out, items: items}
	names := slices.Sorted(func(yield func(string) bool) {
		for l := range locs {
			if !yield(l) {
				return
			}
		}
	})
	for _, l := range names {
		for id := range locs[l] {
			m := member{loc: l, id: id, node: node(l, id)}
			m.node.SetMember(hydro.MemberID(id))
			from := m.name()
			m.node.OnSend(func(to hydro.Dest, tag uint16, payload []byte) {
				// The transport picks the member modulo the location's size.
				to.Member %= uint64(locs[to.Location])
				if to.All {
					to.Member = 0
				}
				d.round = append(d.round, sent{from, to, tag, slices.Clone(payload)})
			})
			d.members = append(d.members, m)
		}
	}
	return d
}

// tick runs every member once at time now and returns the frames they sent,
// in canonical order, with their printed forms, and the outputs, printed
// and sorted.
func (d *deployment[O]) tick(now time.Time) ([]sent, []string, []string) {
	d.round = d.round[:0]
	for _, m := range d.members {
		m.node.SetNow(now)
		m.node.Tick()
	}
	frames := slices.Clone(d.round)
	slices.SortStableFunc(frames, func(a, b sent) int { return cmp.Compare(d.items.canon(a), d.items.canon(b)) })
	printed := make([]string, len(frames))
	for i, f := range frames {
		printed[i] = d.items.canon(f)
	}
	var outs []string
	for _, x := range d.out.Take() {
		outs = append(outs, fmt.Sprintf("%+v", x))
	}
	slices.Sort(outs)
	return frames, printed, outs
}

// deliver hands frame f to its destination members.
func (d *deployment[O]) deliver(t *testing.T, locs map[string]int, f sent) {
	for _, m := range d.members {
		if m.loc != f.to.Location || (!f.to.All && uint64(m.id) != f.to.Member%uint64(locs[m.loc])) {
			continue
		}
		require.NoError(t, m.node.Deliver(f.tag, f.payload), "deliver %s", f)
	}
}

// lockstepNet runs the interpreted and generated deployments of a flow over
// batches of client input and then quiet rounds, with a lossy network,
// comparing every round's frames and outputs.
func lockstepNet[O any](t *testing.T, seed uint64, locs map[string]int, batches [][]Session,
	interp func(in hydro.Input[Session], out hydro.Output[O], items codecs) func(loc string, id int) hydro.NetNode,
	gen func(in hydro.Input[Session], out hydro.Output[O]) func(loc string, id int) hydro.NetNode) {
	t.Helper()
	iin, gin := hydro.NewInput[Session]("shopping"), hydro.NewInput[Session]("shopping")
	iout, gout := hydro.NewOutput[O]("out"), hydro.NewOutput[O]("out")
	items := codecs{}
	id := newDeployment(locs, interp(iin, iout, items), iin, iout, items)
	gd := newDeployment(locs, gen(gin, gout), gin, gout, items)
	rng := rand.New(rand.NewPCG(seed, 99))
	now := time.Unix(0, 0).UTC()
	for round := range len(batches) + 40 {
		if round < len(batches) {
			iin.Push(batches[round]...)
			gin.Push(batches[round]...)
		}
		now = now.Add(time.Duration(rng.IntN(40)) * time.Millisecond)
		ifr, iprinted, iouts := id.tick(now)
		gfr, gprinted, gouts := gd.tick(now)
		require.Equal(t, iouts, gouts, "seed %d round %d: outputs", seed, round)
		require.Equal(t, iprinted, gprinted, "seed %d round %d: frames sent", seed, round)
		for _, i := range rng.Perm(len(ifr)) {
			copies := 1
			switch r := rng.Float64(); {
			case r < 0.2:
				copies = 0
			case r < 0.4:
				copies = 2
			}
			for range copies {
				id.deliver(t, locs, ifr[i])
				gd.deliver(t, locs, gfr[i])
			}
		}
	}
}

// interpreted returns the builder of interpreted members of flow.
func interpreted[O any](t *testing.T, flow func(*hydro.Flow, hydro.Input[Session], []ClientClass, hydro.Output[O]), classes []ClientClass, locs map[string]int) func(hydro.Input[Session], hydro.Output[O], codecs) func(string, int) hydro.NetNode {
	return func(in hydro.Input[Session], out hydro.Output[O], items codecs) func(string, int) hydro.NetNode {
		f := hydro.NewFlow("lockstep")
		flow(f, in, classes, out)
		return func(loc string, id int) hydro.NetNode {
			it, err := hydro.InterpretAt(f, hydro.NodeConfig{Location: loc, Member: hydro.MemberID(id), Members: locs})
			require.NoError(t, err)
			return &interpNode{it: it, items: items}
		}
	}
}

func TestDistributedFiguresInterpretedAndGeneratedInLockstep(t *testing.T) {
	simtest.Seeds(t, simtest.Count(10, 300), func(t *testing.T, seed uint64) {
		w := NewWorkload(seed, 4, 5)
		batches := SessionRequests(w.Interleave(seed, 3))
		pair := map[string]int{"client": 1, "server": 1}
		lockstepNet(t, seed, pair, batches, interpreted(t, Figure6, w.Classes, pair),
			func(in hydro.Input[Session], out hydro.Output[Cart]) func(string, int) hydro.NetNode {
				return func(loc string, _ int) hydro.NetNode {
					if loc == "client" {
						return NewFigure6Client(in, w.Classes, out)
					}
					return NewFigure6Server(in, w.Classes, out)
				}
			})
		lockstepNet(t, seed, pair, batches, interpreted(t, Figure7, w.Classes, pair),
			func(in hydro.Input[Session], out hydro.Output[Cart]) func(string, int) hydro.NetNode {
				return func(loc string, _ int) hydro.NetNode {
					if loc == "client" {
						return NewFigure7Client(in, w.Classes, out)
					}
					return NewFigure7Server(in, w.Classes, out)
				}
			})
		replicated := map[string]int{"client": 1, "server": 3}
		lockstepNet(t, seed, replicated, batches, interpreted(t, Figure8, w.Classes, replicated),
			func(in hydro.Input[Session], out hydro.Output[ReplicaCart]) func(string, int) hydro.NetNode {
				return func(loc string, _ int) hydro.NetNode {
					if loc == "client" {
						return NewFigure8Client(in, w.Classes, out)
					}
					return NewFigure8Server(in, w.Classes, out)
				}
			})
	})
}
