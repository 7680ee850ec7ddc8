package sim_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A replicated max-register, written twice: as a flow that runs interpreted
// and as hand-written hydro.NetNodes. A writer sends every write to the
// replica that owns its key, and resends all of them every writerPeriod;
// every replica merges what it receives (the maximum per key) and broadcasts
// its whole state to every replica, itself included, every gossipPeriod. Over
// a lossy, duplicating, reordering network both versions must converge to
// the same registers.

const (
	replicas     = 3
	writerPeriod = 40 * time.Millisecond
	gossipPeriod = 60 * time.Millisecond
)

// owner is the replica that receives the writes of a key from the writer.
func owner(key string) hydro.MemberID {
	var h uint32
	for _, c := range []byte(key) {
		h = 31*h + uint32(c)
	}
	return hydro.MemberID(h)
}

// registers maps each replica to its registers, key to maximum.
type registers map[hydro.MemberID]map[string]int

// registerFlow is the protocol as a flow.
func registerFlow(in hydro.Input[peak], out hydro.Output[replicaPeak]) *hydro.Flow {
	f := hydro.NewFlow("register")
	writer, cluster := f.Process("writer"), f.Cluster("replica")
	again := hydro.CrossJoin(hydro.Timer(writer, writerPeriod), hydro.Source(writer, in),
		func(_ time.Time, p peak) peak { return p }, hydro.Tick, hydro.Static)
	gossip, completeGossip := hydro.Cycle[peak](cluster)
	state := hydro.MergeKeyed(hydro.Union(hydro.DemuxBy(again, cluster, func(p peak) hydro.MemberID { return owner(p.Key) }), gossip))
	completeGossip(hydro.Broadcast(hydro.CrossJoin(hydro.Timer(cluster, gossipPeriod), state,
		func(_ time.Time, p peak) peak { return p }, hydro.Tick, hydro.Tick), cluster))
	hydro.Sink(hydro.CrossJoin(state, hydro.SelfID(cluster),
		func(p peak, m hydro.MemberID) replicaPeak { return replicaPeak{m, p} }, hydro.Tick, hydro.Static), out)
	return f
}

// runRegisterFlow runs the flow until every replica holds want, and then
// settle steps more, and returns the replicas' registers as they output them.
func runRegisterFlow(t *testing.T, cfg sim.Config, writes []peak, want map[string]int) (registers, sim.Stats) {
	t.Helper()
	in, out := hydro.NewInput[peak]("writes"), hydro.NewOutput[replicaPeak]("state")
	cfg.Members = map[string]int{"replica": replicas}
	s, err := sim.New(registerFlow(in, out), cfg)
	require.NoError(t, err)
	in.Push(writes...)
	got := registers{}
	for m := range hydro.MemberID(replicas) {
		got[m] = map[string]int{}
	}
	take := func() bool {
		for _, r := range out.Take() {
			got[r.Member][r.Key] = max(got[r.Member][r.Key], r.Max.V)
		}
		return converged(got, want)
	}
	require.NoError(t, s.RunUntil(take, 50_000))
	require.NoError(t, s.Run(settle))
	take()
	return got, s.Stats()
}

// settle is the number of steps a run goes on after it converged, to check
// that it stays so.
const settle = 200

func converged(got registers, want map[string]int) bool {
	for _, regs := range got {
		if !maps.Equal(regs, want) {
			return false
		}
	}
	return true
}

const tagPeak = 1 // writer → replica and replica → replica: key, value

func appendPeak(dst []byte, key string, v int) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(key)))
	dst = append(dst, key...)
	return binary.AppendVarint(dst, int64(v))
}

func decodePeak(src []byte) (string, int, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)-k) {
		return "", 0, errors.New("bad key length")
	}
	key := string(src[k : k+int(n)])
	src = src[k+int(n):]
	v, k := binary.Varint(src)
	if k <= 0 || k != len(src) {
		return "", 0, errors.New("bad value")
	}
	return key, int(v), nil
}

// timer is a periodic timer: due at the first tick, then every period.
type timer struct {
	period time.Duration
	next   time.Time
}

func (t *timer) fire(now time.Time) bool {
	if now.Before(t.next) {
		return false
	}
	t.next = now.Add(t.period)
	return true
}

// writerNode resends every write to its key's owner on each timer tick.
type writerNode struct {
	base
	writes []peak
	timer  timer
}

func (w *writerNode) Deliver(tag uint16, _ []byte) error {
	return fmt.Errorf("writer: unknown tag %d", tag)
}
func (w *writerNode) Pending() bool                { return false }
func (w *writerNode) NextTimer() (time.Time, bool) { return w.timer.next, true }

func (w *writerNode) Tick() {
	if !w.timer.fire(w.now) {
		return
	}
	for _, p := range w.writes {
		w.buf = appendPeak(w.buf[:0], p.Key, p.Max.V)
		w.send(hydro.Dest{Location: "replica", Member: uint64(owner(p.Key))}, tagPeak, w.buf)
	}
}

// replicaNode keeps the maximum per key and gossips its registers. Its
// registers are durable: merged into in the tick that receives a write, they
// survive crashes, unlike the writes received and not yet merged.
type replicaNode struct {
	base
	regs  map[string]int
	inbox []peak
	timer timer
}

func (r *replicaNode) Deliver(tag uint16, payload []byte) error {
	if tag != tagPeak {
		return fmt.Errorf("replica: unknown tag %d", tag)
	}
	k, v, err := decodePeak(payload)
	if err != nil {
		return fmt.Errorf("replica: %w", err)
	}
	r.inbox = append(r.inbox, peak{k, maxInt{v}})
	return nil
}

func (r *replicaNode) Pending() bool                { return len(r.inbox) > 0 }
func (r *replicaNode) NextTimer() (time.Time, bool) { return r.timer.next, true }

func (r *replicaNode) Tick() {
	for _, p := range r.inbox {
		if v, ok := r.regs[p.Key]; !ok || p.Max.V > v {
			r.regs[p.Key] = p.Max.V
		}
	}
	r.inbox = r.inbox[:0]
	if !r.timer.fire(r.now) {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(r.regs)) { // map order is not replayable
		r.buf = appendPeak(r.buf[:0], k, r.regs[k])
		r.send(hydro.Dest{Location: "replica", All: true}, tagPeak, r.buf)
	}
}

// runRegisterNodes runs the hand-written nodes until every replica holds
// want, and then settle steps more, and returns the replicas' registers.
func runRegisterNodes(t *testing.T, cfg sim.Config, writes []peak, want map[string]int) (registers, sim.Stats) {
	t.Helper()
	disk := registers{} // every replica's registers, written through: they survive crashes
	spawn := func(location string, member int) (hydro.NetNode, error) {
		switch location {
		case "writer":
			return &writerNode{writes: writes, timer: timer{period: writerPeriod}}, nil
		case "replica":
			m := hydro.MemberID(member)
			if disk[m] == nil {
				disk[m] = map[string]int{}
			}
			return &replicaNode{regs: disk[m], timer: timer{period: gossipPeriod}}, nil
		}
		return nil, fmt.Errorf("no location %q", location)
	}
	s, err := sim.NewNodes([]sim.Location{{Name: "writer", Members: 1}, {Name: "replica", Members: replicas}}, spawn, cfg)
	require.NoError(t, err)
	require.NoError(t, s.RunUntil(func() bool { return converged(disk, want) }, 50_000))
	require.NoError(t, s.Run(settle))
	for m := range replicas {
		require.Equal(t, disk[hydro.MemberID(m)], s.NetNode("replica", m).(*replicaNode).regs)
	}
	return disk, s.Stats()
}

// randomWrites returns a seed's writes and the registers they make.
func randomWrites(seed uint64) ([]peak, map[string]int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	want := map[string]int{}
	writes := make([]peak, 3+rng.IntN(6))
	for i := range writes {
		k, v := string(rune('a'+rng.IntN(5))), rng.IntN(100)
		writes[i] = peak{k, maxInt{v}}
		if w, ok := want[k]; !ok || v > w {
			want[k] = v
		}
	}
	return writes, want
}

func TestRegisterInterpretedAndHandWrittenAgree(t *testing.T) {
	var faults [2]sim.Stats
	simtest.Seeds(t, 500, func(t *testing.T, seed uint64) {
		writes, want := randomWrites(seed)
		cfg := sim.Config{Seed: seed, Faults: sim.Faults{Drop: 0.2, Duplicate: 0.2}}
		interpreted, si := runRegisterFlow(t, cfg, writes, want)
		handWritten, sn := runRegisterNodes(t, cfg, writes, want)
		assert.Equal(t, interpreted, handWritten)
		for m := range hydro.MemberID(replicas) {
			assert.Equal(t, want, handWritten[m], "replica %d", m)
		}
		for i, st := range []sim.Stats{si, sn} {
			faults[i].Dropped += st.Dropped
			faults[i].Duplicated += st.Duplicated
		}
	})
	for _, st := range faults {
		assert.Positive(t, st.Dropped)
		assert.Positive(t, st.Duplicated)
	}
}

func TestRegisterNodesConvergeAcrossCrashes(t *testing.T) {
	var crashes int
	simtest.Seeds(t, 300, func(t *testing.T, seed uint64) {
		writes, want := randomWrites(seed)
		cfg := sim.Config{Seed: seed, Faults: sim.Faults{Drop: 0.2, Duplicate: 0.2, Crash: 0.01}}
		got, st := runRegisterNodes(t, cfg, writes, want)
		for m := range hydro.MemberID(replicas) {
			assert.Equal(t, want, got[m], "replica %d", m)
		}
		crashes += st.Crashes
	})
	assert.Positive(t, crashes)
}
