package netio

import (
	"encoding/binary"
	"math"
	"slices"
	"sync"
	"testing"
	"time"
)

// chaosPair returns two wrapped endpoints "a" and "b" on an in-memory
// network, plus a third, unwrapped endpoint "c".
func chaosPair(t *testing.T, cfg ChaosConfig) (c *Chaos, a, b, plain Endpoint) {
	t.Helper()
	n := NewMemNetwork()
	c = NewChaos(cfg)
	ra, _ := n.Endpoint("a")
	rb, _ := n.Endpoint("b")
	plain, _ = n.Endpoint("c")
	a, b = c.Wrap(ra), c.Wrap(rb)
	t.Cleanup(func() { a.Close(); b.Close(); plain.Close() })
	return c, a, b, plain
}

func seqs(frames []frame) []uint32 {
	out := make([]uint32, len(frames))
	for i, f := range frames {
		out[i] = binary.LittleEndian.Uint32([]byte(f.payload))
	}
	return out
}

func sendSeq(t *testing.T, from Endpoint, to Addr, n int) {
	t.Helper()
	for i := range uint32(n) {
		if err := from.Send(to, 0, seqPayload(i, 8)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestChaosPassThrough(t *testing.T) {
	c, a, b, _ := chaosPair(t, ChaosConfig{Seed: 1})
	sendSeq(t, a, "b", 1000)
	got := seqs(drainFor(b, 0))
	if len(got) != 1000 || !slices.IsSorted(got) {
		t.Fatalf("no faults configured, yet %d frames arrived (sorted: %v)", len(got), slices.IsSorted(got))
	}
	if s := c.Stats(); s != (ChaosStats{Frames: 1000}) {
		t.Fatalf("stats %+v", s)
	}
}

func TestChaosDrop(t *testing.T) {
	const n, p = 20000, 0.2
	c, a, b, _ := chaosPair(t, ChaosConfig{Seed: 42, Drop: p})
	sendSeq(t, a, "b", n)
	got := drainFor(b, 0)
	rate := 1 - float64(len(got))/n
	if math.Abs(rate-p) > 0.02 {
		t.Fatalf("drop rate %.3f, configured %.2f", rate, p)
	}
	if s := c.Stats(); s.Dropped != uint64(n-len(got)) || s.Frames != n {
		t.Fatalf("stats %+v, %d received", s, len(got))
	}
	if !slices.IsSorted(seqs(got)) {
		t.Fatal("dropping reordered frames")
	}
}

func TestChaosDuplicate(t *testing.T) {
	const n, p = 10000, 0.1
	c, a, b, _ := chaosPair(t, ChaosConfig{Seed: 7, Duplicate: p})
	sendSeq(t, a, "b", n)
	got := seqs(drainFor(b, 0))
	count := map[uint32]int{}
	for _, s := range got {
		count[s]++
	}
	dups := 0
	for seq := range uint32(n) {
		switch count[seq] {
		case 1:
		case 2:
			dups++
		default:
			t.Fatalf("seq %d arrived %d times", seq, count[seq])
		}
	}
	if math.Abs(float64(dups)/n-p) > 0.015 || uint64(dups) != c.Stats().Duplicated {
		t.Fatalf("%d duplicates of %d frames (stats %+v), configured %.2f", dups, n, c.Stats(), p)
	}
}

func TestChaosReorder(t *testing.T) {
	const n = 2000
	c, a, b, _ := chaosPair(t, ChaosConfig{Seed: 3, Reorder: 0.1, ReorderHold: 20 * time.Millisecond})
	sendSeq(t, a, "b", n)
	got := seqs(collect(t, b, n, 5*time.Second)) // the last held frames arrive after ReorderHold
	if slices.IsSorted(got) {
		t.Fatal("frames arrived in order despite Reorder")
	}
	inversions := 0
	for i := 1; i < len(got); i++ {
		if got[i] < got[i-1] {
			inversions++
		}
	}
	sorted := slices.Sorted(slices.Values(got))
	for i, s := range sorted {
		if s != uint32(i) {
			t.Fatalf("frames lost or repeated: position %d holds %d", i, s)
		}
	}
	if r := c.Stats().Reordered; r == 0 || inversions == 0 || uint64(inversions) > r {
		t.Fatalf("%d inversions, %d frames reordered", inversions, r)
	}
}

func TestChaosDelay(t *testing.T) {
	c, a, b, _ := chaosPair(t, ChaosConfig{Seed: 5, Delay: 1, DelayMin: 30 * time.Millisecond, DelayMax: 40 * time.Millisecond})
	start := time.Now()
	sendSeq(t, a, "b", 10)
	if n := b.Drain(func(Addr, uint16, []byte) {}); n != 0 {
		t.Fatalf("%d delayed frames arrived at once", n)
	}
	got := collect(t, b, 10, 5*time.Second)
	if el := time.Since(start); el < 30*time.Millisecond {
		t.Fatalf("frames arrived after %v, before the minimum delay", el)
	}
	if len(got) != 10 || c.Stats().Delayed != 10 {
		t.Fatalf("%d frames, stats %+v", len(got), c.Stats())
	}
}

func TestChaosPartition(t *testing.T) {
	c, a, b, plain := chaosPair(t, ChaosConfig{Seed: 9})
	c.Partition("a", "b")
	if !c.Partitioned("b", "a") {
		t.Fatal("partition is not symmetric")
	}
	a.Send("b", 1, []byte("a->b"))
	b.Send("a", 1, []byte("b->a"))
	a.Send("c", 1, []byte("a->c"))
	if got := drainFor(b, 0); len(got) != 0 {
		t.Fatalf("b received %v across the partition", got)
	}
	if got := drainFor(a, 0); len(got) != 0 {
		t.Fatalf("a received %v across the partition", got)
	}
	if got := drainFor(plain, 0); len(got) != 1 {
		t.Fatalf("c received %v; other links must work", got)
	}
	// An unwrapped sender is cut off on the receiving side.
	c.Partition("c", "a")
	plain.Send("a", 1, []byte("c->a"))
	if got := drainFor(a, 0); len(got) != 0 {
		t.Fatalf("a received %v from a partitioned, unwrapped sender", got)
	}
	if s := c.Stats(); s.Partitioned != 3 {
		t.Fatalf("Partitioned = %d, want 3", s.Partitioned)
	}

	c.Heal("b", "a")
	a.Send("b", 1, []byte("healed"))
	b.Send("a", 1, []byte("healed"))
	if got := drainFor(b, 0); len(got) != 1 || got[0].payload != "healed" {
		t.Fatalf("b after heal: %v", got)
	}
	if got := drainFor(a, 0); len(got) != 1 || got[0].payload != "healed" {
		t.Fatalf("a after heal: %v", got)
	}
	c.HealAll()
	plain.Send("a", 1, nil)
	if got := drainFor(a, 0); len(got) != 1 {
		t.Fatalf("a after HealAll: %v", got)
	}
}

func TestChaosDeterministic(t *testing.T) {
	run := func() []uint32 {
		cfg := ChaosConfig{Seed: 1234, Drop: 0.1, Duplicate: 0.1, Reorder: 0.2, ReorderHold: time.Hour}
		_, a, b, _ := chaosPair(t, cfg)
		var got []uint32
		for i := range uint32(3000) {
			a.Send("b", 0, seqPayload(i, 4))
			b.Send("a", 0, seqPayload(i, 4))
			if i%100 == 0 {
				got = append(got, seqs(drainFor(b, 0))...)
			}
		}
		return append(got, seqs(drainFor(b, 0))...)
	}
	first, second := run(), run()
	if !slices.Equal(first, second) {
		t.Fatal("same seed and calls, different deliveries")
	}
	if len(first) == 3000 || slices.IsSorted(first) {
		t.Fatal("faults were not applied")
	}
	// A different seed makes different decisions.
	_, a, b, _ := chaosPair(t, ChaosConfig{Seed: 1235, Drop: 0.1, Duplicate: 0.1, Reorder: 0.2, ReorderHold: time.Hour})
	sendSeq(t, a, "b", 3000)
	if slices.Equal(first, seqs(drainFor(b, 0))) {
		t.Fatal("different seeds, same deliveries")
	}
}

func TestChaosConcurrent(t *testing.T) {
	n := NewMemNetwork()
	c := NewChaos(ChaosConfig{Seed: 1, Drop: 0.1, Duplicate: 0.1, Reorder: 0.1, Delay: 0.1, DelayMax: time.Millisecond, ReorderHold: time.Millisecond})
	var eps []Endpoint
	for _, name := range []Addr{"a", "b", "c", "d"} {
		ep, _ := n.Endpoint(name)
		eps = append(eps, c.Wrap(ep))
	}
	var wg sync.WaitGroup
	for i, ep := range eps {
		wg.Go(func() {
			for j := range uint32(2000) {
				ep.Send(eps[(i+1+int(j))%len(eps)].Addr(), 0, seqPayload(j, 8))
				if j%50 == 0 {
					ep.Drain(func(Addr, uint16, []byte) {})
				}
				if j%500 == 0 {
					c.Partition(ep.Addr(), eps[(i+1)%len(eps)].Addr())
					c.Heal(ep.Addr(), eps[(i+1)%len(eps)].Addr())
				}
			}
		})
	}
	wg.Wait()
	for _, ep := range eps {
		if err := ep.Close(); err != nil {
			t.Fatal(err)
		}
		if err := ep.Send("a", 0, nil); err == nil {
			t.Fatal("Send after Close succeeded")
		}
	}
	if s := c.Stats(); s.Frames != 8000 {
		t.Fatalf("stats %+v", s)
	}
}
