package hashset

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/sim"
	"github.com/hydrogo/hydro/hydro/sim/simtest"
)

func testKey(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("hashset test key " + name))
	return ed25519.NewKeyFromSeed(seed[:])
}

var (
	leaderKey   = testKey("leader")
	storageKeys = []ed25519.PrivateKey{testKey("s0"), testKey("s1"), testKey("s2")}
)

// checker watches a simulated run of Hashset through its outputs as they
// are emitted and records every violation of its invariants: an outcome is
// output at most once per write, for the value written; its certificate
// holds one valid signature per storage node, each on the count that node
// computed for the value; it is consistent exactly when those counts agree,
// and then reports that count. An inconsistency is reported (alarms) only
// for a write two storage nodes acked with different counts, for the value
// written, and once unless the client crashed.
type checker struct {
	nodes      int
	sent       map[uint64]Write
	counted    map[uint64]map[hydro.MemberID]uint32 // the lowest count each node acked
	logged     map[uint64]map[[2]uint32]bool        // every (node, count) acked
	outcomes   map[uint64]Outcome
	alarms     map[uint64]int
	crashed    bool // the client crashed, so it may report an alarm again
	violations []string
}

func newChecker(nodes int) *checker {
	return &checker{nodes: nodes, sent: map[uint64]Write{}, counted: map[uint64]map[hydro.MemberID]uint32{},
		logged: map[uint64]map[[2]uint32]bool{}, outcomes: map[uint64]Outcome{}, alarms: map[uint64]int{}}
}

// divergent reports whether two storage nodes acked write id with
// different counts.
func (c *checker) divergent(id uint64) bool {
	for a := range c.logged[id] {
		for b := range c.logged[id] {
			if a[0] != b[0] && a[1] != b[1] {
				return true
			}
		}
	}
	return false
}

func (c *checker) alarm(i Inconsistency) {
	c.alarms[i.ID]++
	if c.alarms[i.ID] > 1 && !c.crashed {
		c.fail("write %d reported inconsistent twice", i.ID)
	}
	if w, ok := c.sent[i.ID]; !ok || w.Value != i.Value {
		c.fail("inconsistency of write %d for value %q, which was not written as such", i.ID, i.Value)
	}
	if !c.divergent(i.ID) {
		c.fail("write %d reported inconsistent, but no two nodes acked it with different counts", i.ID)
	}
}

func (c *checker) fail(format string, args ...any) {
	c.violations = append(c.violations, fmt.Sprintf(format, args...))
}

func (c *checker) ack(a Ack) {
	if c.counted[a.ID] == nil {
		c.counted[a.ID] = map[hydro.MemberID]uint32{}
	}
	if c.logged[a.ID] == nil {
		c.logged[a.ID] = map[[2]uint32]bool{}
	}
	c.logged[a.ID][[2]uint32{uint32(a.Node), a.Count}] = true
	if old, ok := c.counted[a.ID][a.Node]; !ok || a.Count < old {
		c.counted[a.ID][a.Node] = a.Count
	}
}

func (c *checker) outcome(o Outcome) {
	if _, dup := c.outcomes[o.ID]; dup {
		c.fail("write %d answered twice", o.ID)
	}
	c.outcomes[o.ID] = o
	if w, ok := c.sent[o.ID]; !ok || w.Value != o.Value {
		c.fail("outcome %d for value %q, which was not written as such", o.ID, o.Value)
	}
	if len(o.Certificate) != c.nodes {
		c.fail("write %d: certificate of %d signatures for %d nodes", o.ID, len(o.Certificate), c.nodes)
	}
	agree := true
	for i, s := range o.Certificate {
		if i > 0 && s.Node <= o.Certificate[i-1].Node {
			c.fail("write %d: certificate not one signature per node in node order", o.ID)
		}
		pub := storageKeys[int(s.Node)%len(storageKeys)].Public().(ed25519.PublicKey)
		if !ed25519.Verify(pub, AckMessage(o.Value, s.Count), s.Sig) {
			c.fail("write %d: node %d's signature does not verify", o.ID, s.Node)
		}
		if got, ok := c.counted[o.ID][s.Node]; !ok || got != s.Count {
			c.fail("write %d: certificate says node %d counted %d, the node computed %d", o.ID, s.Node, s.Count, got)
		}
		agree = agree && s.Count == o.Certificate[0].Count
	}
	if o.Consistent != agree {
		c.fail("write %d: consistent=%v but the nodes' counts agree=%v", o.ID, o.Consistent, agree)
	}
	if o.Consistent && len(o.Certificate) > 0 && o.Count != o.Certificate[0].Count {
		c.fail("write %d: count %d, the nodes computed %d", o.ID, o.Count, o.Certificate[0].Count)
	}
}

// scenario is one simulated run.
type scenario struct {
	nodes, writes int
	generated     bool
	// derived runs the generated nodes of DecoupledHashset instead, the
	// flow decoupled.hydroplan derives from Hashset.
	derived bool
	// partitioned runs the generated nodes of PartitionedHashset, which
	// partitioned.hydroplan derives from Hashset: leaderPartitions leaders
	// and storagePartitions partitions of each of the nodes storage nodes.
	partitioned bool
	// scalable runs the generated nodes of ScalableHashset, which
	// scalable.hydroplan derives from Hashset: DecoupledHashset's proxy
	// and signer, then the leader, the proxy, the signer and every storage
	// node partitioned.
	scalable   bool
	faults     sim.Faults
	faultSteps int // if positive, faults stop after that many steps
	maxSteps   int
	// sequential writes one value at a time, waiting for its outcome.
	sequential bool
	// preload gives member m the values preload(m) at start (generated
	// nodes only; the interpreter gives every member the same).
	preload func(m int) []string
	// leaderPublic is what storage nodes verify against (default the
	// leader's).
	leaderPublic ed25519.PublicKey
}

func value(i int) string { return fmt.Sprintf("v%d", i%7) } // repeats, and collides in 16 buckets

// leaderPartitions and storagePartitions are the numbers of partitions
// partitioned.hydroplan splits the leader and each storage node into.
const leaderPartitions, storagePartitions = 3, 4

// proxyPartitions and signerPartitions are the numbers of partitions
// scalable.hydroplan splits the proxy and the signer into (the leader and
// the storage nodes as partitioned.hydroplan does).
const proxyPartitions, signerPartitions = 3, 2

// simulate runs sc with seed; it reports whether every write got its
// outcome within sc.maxSteps. A crashed client loses its writes; the driver
// writes them again, as a user would.
func simulate(t *testing.T, seed uint64, sc scenario) (*checker, bool) {
	t.Helper()
	c := newChecker(sc.nodes)
	in := hydro.NewInput[Write]("writes")
	outcomes := hydro.NewOutputFunc("outcomes", c.outcome)
	acks := hydro.NewOutputFunc("acks", c.ack)
	alarms := hydro.NewOutputFunc("alarms", c.alarm)
	pub := sc.leaderPublic
	if pub == nil {
		pub = leaderKey.Public().(ed25519.PublicKey)
	}
	clientCrashed := false
	cfg := sim.Config{Seed: seed, Faults: sc.faults, Trace: func(e sim.Event) {
		if e.Kind == sim.Crash && e.Location == "client" {
			clientCrashed, c.crashed = true, true
		}
	}}
	if sc.faultSteps > 0 {
		cfg.Schedule = []sim.Phase{{From: sc.faultSteps}}
	}
	var s *sim.Sim
	var err error
	switch {
	case sc.derived:
		s, err = sim.NewNodes([]sim.Location{{Name: "client", Members: 1}, {Name: "leader", Members: 1}, {Name: "proxy", Members: 1},
			{Name: "signer", Members: 1}, {Name: "storage", Members: sc.nodes}},
			func(location string, m int) (hydro.NetNode, error) {
				switch location {
				case "client":
					return NewDecoupledHashsetClient(in, nil, nil, nil, nil, outcomes, acks, alarms), nil
				case "leader":
					return NewDecoupledHashsetLeader(in, nil, nil, nil, nil, outcomes, acks, alarms), nil
				case "proxy":
					return NewDecoupledHashsetProxy(in, nil, nil, nil, nil, outcomes, acks, alarms), nil
				case "signer":
					return NewDecoupledHashsetSigner(in, leaderKey, nil, nil, nil, outcomes, acks, alarms), nil
				}
				var pre []string
				if sc.preload != nil {
					pre = sc.preload(m)
				}
				return NewDecoupledHashsetStorage(in, nil, pub, storageKeys, pre, outcomes, acks, alarms), nil
			}, cfg)
	case sc.scalable:
		s, err = sim.NewNodes([]sim.Location{{Name: "client", Members: 1}, {Name: "leader", Members: leaderPartitions},
			{Name: "proxy", Members: proxyPartitions}, {Name: "signer", Members: signerPartitions},
			{Name: "storage", Members: sc.nodes * storagePartitions}},
			func(location string, m int) (hydro.NetNode, error) {
				switch location {
				case "client":
					return NewScalableHashsetClient(in, nil, nil, nil, nil, outcomes, acks, alarms), nil
				case "leader":
					return NewScalableHashsetLeader(in, nil, nil, nil, nil, outcomes, acks, alarms), nil
				case "proxy":
					return NewScalableHashsetProxy(in, nil, nil, nil, nil, outcomes, acks, alarms), nil
				case "signer":
					return NewScalableHashsetSigner(in, leaderKey, nil, nil, nil, outcomes, acks, alarms), nil
				}
				var pre []string
				if sc.preload != nil {
					pre = sc.preload(m / storagePartitions) // the base member's
				}
				return NewScalableHashsetStorage(in, nil, pub, storageKeys, pre, outcomes, acks, alarms), nil
			}, cfg)
	case sc.partitioned:
		s, err = sim.NewNodes([]sim.Location{{Name: "client", Members: 1}, {Name: "leader", Members: leaderPartitions},
			{Name: "storage", Members: sc.nodes * storagePartitions}},
			func(location string, m int) (hydro.NetNode, error) {
				switch location {
				case "client":
					return NewPartitionedHashsetClient(in, nil, nil, nil, nil, outcomes, acks, alarms), nil
				case "leader":
					return NewPartitionedHashsetLeader(in, leaderKey, nil, nil, nil, outcomes, acks, alarms), nil
				}
				var pre []string
				if sc.preload != nil {
					pre = sc.preload(m / storagePartitions) // the base member's
				}
				return NewPartitionedHashsetStorage(in, nil, pub, storageKeys, pre, outcomes, acks, alarms), nil
			}, cfg)
	case sc.generated:
		s, err = sim.NewNodes([]sim.Location{{Name: "client", Members: 1}, {Name: "leader", Members: 1}, {Name: "storage", Members: sc.nodes}},
			func(location string, m int) (hydro.NetNode, error) {
				switch location {
				case "client":
					return NewHashsetClient(in, nil, nil, nil, nil, outcomes, acks, alarms), nil
				case "leader":
					return NewHashsetLeader(in, leaderKey, nil, nil, nil, outcomes, acks, alarms), nil
				}
				var pre []string
				if sc.preload != nil {
					pre = sc.preload(m)
				}
				return NewHashsetStorage(in, nil, pub, storageKeys, pre, outcomes, acks, alarms), nil
			}, cfg)
	default:
		f := hydro.NewFlow("Hashset")
		Hashset(f, in, leaderKey, pub, storageKeys, nil, outcomes, acks, alarms)
		cfg.Members = map[string]int{"storage": sc.nodes}
		s, err = sim.New(f, cfg)
	}
	require.NoError(t, err)

	next := 0
	push := func(n int) {
		for ; n > 0 && next < sc.writes; n-- {
			next++
			w := Write{ID: uint64(next), Value: value(next)}
			c.sent[w.ID] = w
			in.Push(w)
		}
	}
	wave := max(1, sc.writes/4)
	steps := 0
	done := func() bool {
		steps++
		switch {
		case sc.sequential && len(c.outcomes) == next:
			push(1)
		case !sc.sequential && steps%200 == 1:
			push(wave)
		}
		if clientCrashed {
			clientCrashed = false
			for id := uint64(1); id <= uint64(next); id++ {
				if _, ok := c.outcomes[id]; !ok {
					in.Push(c.sent[id])
				}
			}
		}
		return next == sc.writes && len(c.outcomes) == sc.writes
	}
	if err := s.RunUntil(done, sc.maxSteps); err != nil {
		return c, false
	}
	// Let the acks and reports still in flight arrive.
	require.NoError(t, s.RunUntilQuiet(sc.maxSteps))
	return c, true
}

// missedAlarms returns the writes two storage nodes acked with different
// counts but that were not reported inconsistent. Without loss and
// crashes every ack reaches the leader, so there are none at quiescence.
func (c *checker) missedAlarms() []uint64 {
	var missed []uint64
	for id := range c.logged {
		if c.divergent(id) && c.alarms[id] == 0 {
			missed = append(missed, id)
		}
	}
	slices.Sort(missed)
	return missed
}

// faulty loses, repeats and delays messages and crashes nodes heavily
// enough that most runs cannot finish before the schedule stops the faults.
var faulty = sim.Faults{Drop: 0.4, Duplicate: 0.3, Crash: 0.004}

const faultSteps = 2_000

func each(t *testing.T, fn func(t *testing.T, generated bool)) {
	for _, generated := range []bool{false, true} {
		t.Run(fmt.Sprintf("generated=%v", generated), func(t *testing.T) { fn(t, generated) })
	}
}

func TestHashsetCompletesWithoutFaults(t *testing.T) {
	each(t, func(t *testing.T, generated bool) {
		simtest.Seeds(t, simtest.Count(30, 10_000), func(t *testing.T, seed uint64) {
			c, ok := simulate(t, seed, scenario{nodes: 3, writes: 16, generated: generated, maxSteps: 50_000})
			assert.Empty(t, c.violations)
			assert.Empty(t, c.missedAlarms(), "writes acked with different counts but not reported")
			assert.True(t, ok, "every write answered: %d of 16", len(c.outcomes))
		})
	})
}

func TestHashsetUnderFaults(t *testing.T) {
	each(t, func(t *testing.T, generated bool) {
		simtest.Seeds(t, simtest.Count(20, 10_000), func(t *testing.T, seed uint64) {
			c, ok := simulate(t, seed, scenario{nodes: 3, writes: 16, generated: generated,
				faults: faulty, faultSteps: faultSteps, maxSteps: 100_000})
			assert.Empty(t, c.violations)
			assert.True(t, ok, "every write answered once faults stop: %d of 16", len(c.outcomes))
		})
	})
}

// TestHashsetSequentialCountsAreExact writes one value at a time without
// faults: every node then holds the same values, so every outcome is
// consistent, and its count is the number of distinct values written so
// far under the value's hash, as one storage node computes it.
func TestHashsetSequentialCountsAreExact(t *testing.T) {
	each(t, func(t *testing.T, generated bool) {
		simtest.Seeds(t, simtest.Count(20, 1_000), func(t *testing.T, seed uint64) {
			c, ok := simulate(t, seed, scenario{nodes: 3, writes: 14, generated: generated, sequential: true,
				faults: sim.Faults{Duplicate: 0.3}, maxSteps: 100_000})
			require.True(t, ok)
			assert.Empty(t, c.violations)
			held := map[string]bool{}
			for id := uint64(1); id <= 14; id++ {
				v := c.sent[id].Value
				held[v] = true
				want := uint32(0)
				for u := range held {
					if Hash(u) == Hash(v) {
						want++
					}
				}
				o := c.outcomes[id]
				assert.True(t, o.Consistent, "write %d", id)
				assert.Equal(t, want, o.Count, "write %d (%s)", id, v)
			}
		})
	})
}

// collidingWith returns a value other than v in v's bucket, to preload a
// storage node with.
func collidingWith(v string) string {
	for i := 0; ; i++ {
		if u := fmt.Sprintf("extra%d", i); Hash(u) == Hash(v) {
			return u
		}
	}
}

// TestHashsetReportsDivergentCounts forces storage node 0 to hold one more
// value in the bucket of v0: every write of v0 is reported inconsistent,
// every other write consistent.
func TestHashsetReportsDivergentCounts(t *testing.T) {
	extra := collidingWith(value(0))
	simtest.Seeds(t, simtest.Count(20, 1_000), func(t *testing.T, seed uint64) {
		c, ok := simulate(t, seed, scenario{nodes: 3, writes: 14, generated: true, sequential: true, maxSteps: 100_000,
			preload: func(m int) []string {
				if m == 0 {
					return []string{extra}
				}
				return nil
			}})
		require.True(t, ok)
		assert.Empty(t, c.violations)
		assert.Empty(t, c.missedAlarms())
		for id, o := range c.outcomes {
			assert.Equal(t, Hash(o.Value) != Hash(extra), o.Consistent, "write %d of %s", id, o.Value)
			assert.Equal(t, !o.Consistent, c.alarms[id] > 0, "write %d of %s reported inconsistent", id, o.Value)
		}
	})
}

// TestHashsetNeverStoresAForgery gives the storage nodes another leader's
// public key: no signature verifies, so nothing is stored or acked, and no
// write is answered.
func TestHashsetNeverStoresAForgery(t *testing.T) {
	each(t, func(t *testing.T, generated bool) {
		simtest.Seeds(t, simtest.Count(10, 100), func(t *testing.T, seed uint64) {
			c, ok := simulate(t, seed, scenario{nodes: 3, writes: 6, generated: generated, maxSteps: 5_000,
				leaderPublic: testKey("impostor").Public().(ed25519.PublicKey)})
			assert.False(t, ok)
			assert.Empty(t, c.counted, "acks")
			assert.Empty(t, c.outcomes)
		})
	})
}

// TestHashsetCheckerCatchesBadCertificates makes sure the invariants can
// fail.
func TestHashsetCheckerCatchesBadCertificates(t *testing.T) {
	c := newChecker(2)
	c.sent[1] = Write{ID: 1, Value: "x"}
	sig := func(m int, n uint32) []byte { return ed25519.Sign(storageKeys[m], AckMessage("x", n)) }
	c.ack(Ack{ID: 1, Node: 0, Value: "x", Count: 1, Sig: sig(0, 1)})
	c.ack(Ack{ID: 1, Node: 1, Value: "x", Count: 2, Sig: sig(1, 2)})
	c.outcome(Outcome{ID: 1, Value: "x", Consistent: true, Count: 1, Certificate: []NodeSig{{0, 1, sig(0, 1)}, {1, 1, sig(0, 1)}}})
	assert.Equal(t, []string{
		"write 1: node 1's signature does not verify",
		"write 1: certificate says node 1 counted 1, the node computed 2",
	}, c.violations)
}

// TestHashsetCheckerCatchesBadAlarms makes sure the inconsistency
// invariants can fail: a report for a write the nodes agree on, one for
// another value, and a repeated one.
func TestHashsetCheckerCatchesBadAlarms(t *testing.T) {
	c := newChecker(2)
	c.sent[1] = Write{ID: 1, Value: "x"}
	c.sent[2] = Write{ID: 2, Value: "y"}
	c.ack(Ack{ID: 1, Node: 0, Value: "x", Count: 1})
	c.ack(Ack{ID: 1, Node: 1, Value: "x", Count: 1})
	c.ack(Ack{ID: 2, Node: 0, Value: "y", Count: 1})
	c.ack(Ack{ID: 2, Node: 1, Value: "y", Count: 2})
	c.alarm(Inconsistency{ID: 1, Value: "x"})
	c.alarm(Inconsistency{ID: 2, Value: "z"})
	c.alarm(Inconsistency{ID: 2, Value: "y"})
	assert.Equal(t, []string{
		"write 1 reported inconsistent, but no two nodes acked it with different counts",
		`inconsistency of write 2 for value "z", which was not written as such`,
		"write 2 reported inconsistent twice",
	}, c.violations)
	assert.Empty(t, c.missedAlarms())
	c.alarms = map[uint64]int{}
	assert.Equal(t, []uint64{2}, c.missedAlarms())
}
