// Package hashset is the running example of "Optimizing Distributed
// Protocols with Query Rewrites" (§2.1, Listings 1 and 2) as a Hydro for Go
// flow: a verifiably replicated key-value store with hash-conflict
// detection, written as the paper's plain base program — one leader and a
// cluster of storage nodes — from which the rewrites derive scaled versions.
//
// The leader signs each client value (ed25519) and sends value and
// signature to every storage node. A storage node verifies the signature,
// stores (hash, value), counts the distinct stored values whose hash
// collides with the value's, signs the value with the count, and replies.
// Once every storage node replied, the leader answers the client with a
// certificate of all replies if they report the same count, and reports an
// inconsistency otherwise.
package hashset

//go:generate go run github.com/hydrogo/hydro/cmd/hydrogen
//go:generate go run ./cmd/demodata -dir data

import (
	"cmp"
	"crypto/ed25519"
	"encoding/binary"
	"hash/fnv"
	"slices"
	"time"

	"github.com/hydrogo/hydro/hydro"
)

// Timeout is how long a client waits for an outcome before it resends a
// write.
const Timeout = 500 * time.Millisecond

// Buckets is the number of distinct hashes: deliberately small, so that
// values collide.
const Buckets = 16

// Hash is the hash the storage nodes index values by: FNV-1a, reduced to
// Buckets values.
//
//hydro:pure
func Hash(value string) uint8 {
	h := fnv.New32a()
	h.Write([]byte(value))
	return uint8(h.Sum32() % Buckets)
}

// Write is a client's request to store Value. Its ID, unique per write,
// determines the value.
type Write struct {
	ID    uint64 `hydro:"key,fd=Value"`
	Value string
}

// Signed is a write with the leader's signature of its value, as the
// leader sends it to every storage node.
type Signed struct {
	ID    uint64 `hydro:"key,fd=Value"`
	Value string `hydro:"fd=Sig"`
	Sig   []byte
}

// Entry is a value a storage node holds, under its hash: the paper's
// hashset relation. The value determines its hash.
type Entry struct {
	Hash  uint8  `hydro:"key"`
	Value string `hydro:"fd=Hash"`
}

// Bucket is the number of distinct values a storage node holds under one
// hash.
type Bucket struct {
	Hash  uint8 `hydro:"key"`
	Count uint32
}

// Arrival is a verified write at a storage node, with its value's hash.
type Arrival struct {
	ID    uint64 `hydro:"key,fd=Value"`
	Value string `hydro:"fd=Hash"`
	Hash  uint8
}

// Ack is a storage node's reply for a write: how many distinct values it
// holds under the value's hash (the value included), signed by the node.
type Ack struct {
	ID    uint64 `hydro:"key,fd=Value"`
	Node  hydro.MemberID
	Value string
	Count uint32
	Sig   []byte
}

// NodeSig is one storage node's signature in a certificate.
type NodeSig struct {
	Node  hydro.MemberID
	Count uint32
	Sig   []byte
}

// Outcome is the leader's answer to a write: with Consistent, every
// storage node reported Count and Certificate holds their signatures, one
// per node in node order; otherwise the nodes reported different counts
// (Certificate still lists what each reported).
type Outcome struct {
	ID          uint64 `hydro:"key,fd=Value"`
	Value       string
	Consistent  bool
	Count       uint32
	Certificate []NodeSig
}

// Inconsistency is the leader's report that two storage nodes acked a
// write with different collision counts: the paper's outInconsistent. It
// is sent as soon as the two acks arrive, before the outcome.
type Inconsistency struct {
	ID    uint64 `hydro:"key,fd=Value"`
	Value string
}

// ackPair is two acks of one write.
type ackPair struct {
	ID   uint64 `hydro:"key"`
	A, B Ack
}

// quorum is a tally of acks with the number of storage nodes it needs.
type quorum struct {
	Outcome
	Needed int
}

// Hashset is the base program.
//
// Client: every write is kept, and resent every Timeout, until its outcome
// arrives; the outcome is output once, and the write forgotten.
//
// Leader: a write without an outcome yet is signed and sent to every
// storage node (a resent one again). Acks are carried from tick to tick,
// one per storage node (the lowest count a node reported), until every
// node — ClusterSize(storage) of them — has acked; then the outcome is
// decided, the acks are released and the client answered. The leader
// remembers outcomes, so that a late ack starts nothing and a resent write
// is answered with the same outcome. Independently of the outcome, the
// leader keeps every ack it receives and reports to the client, once, each
// write two storage nodes acked with different counts (Listing 1's
// outInconsistent): the client outputs each report once, to alarms.
//
// Storage: a write whose signature does not verify against leaderPublic is
// dropped; a valid one is stored (once per value) and acked with the
// collision count, signed with the node's key from storageKeys (indexed by
// member), and logged to output acks.
//
//hydro:flow
func Hashset(f *hydro.Flow, writes hydro.Input[Write], leaderKey ed25519.PrivateKey, leaderPublic ed25519.PublicKey,
	storageKeys []ed25519.PrivateKey, preload []string, outcomes hydro.Output[Outcome], acks hydro.Output[Ack], alarms hydro.Output[Inconsistency]) {
	client, leader, storage := f.Process("client"), f.Process("leader"), f.Cluster("storage")

	// Client: send, resend until answered, output each outcome once.
	asked := hydro.Source(client, writes)
	waiting, wait := hydro.Cycle[Write](client)
	resent := hydro.CrossJoin(waiting, hydro.Timer(client, Timeout), again, hydro.Tick, hydro.Tick)
	answers, answer := hydro.Cycle[Outcome](client)
	pending := hydro.Union(asked, waiting)
	hydro.Sink(hydro.ReduceKeyed(hydro.Join(answers, pending, outcome, hydro.Tick, hydro.Tick), keepFirst, hydro.Tick), outcomes)
	wait(hydro.DeferTickLazy(hydro.AntiJoin(pending, answers, hydro.Tick)))
	arrived := hydro.Send(hydro.Union(asked, resent), leader)

	// Leader: sign and send to storage what is undecided; answer the rest.
	decided, decide := hydro.Cycle[Outcome](leader)
	fresh := hydro.AntiJoin(arrived, decided, hydro.Static)
	repeat := hydro.Join(arrived, decided, known, hydro.Tick, hydro.Static)
	signed := hydro.Map(fresh, func(w Write) Signed { return sign(leaderKey, w) })
	toStorage := hydro.Broadcast(signed, storage)

	// Storage: verify, store, count collisions, sign and reply.
	valid := hydro.FilterMap(toStorage, func(s Signed) (Arrival, bool) {
		return Arrival{ID: s.ID, Value: s.Value, Hash: Hash(s.Value)}, ed25519.Verify(leaderPublic, []byte(s.Value), s.Sig)
	})
	held := hydro.Map(hydro.Iter(storage, preload), entryOf)
	stored := hydro.Unique(hydro.Union(held, hydro.Map(valid, entry)), hydro.Static)
	buckets := hydro.FoldKeyed(stored, newBucket, countValue, hydro.Static)
	counted := hydro.JoinBy(valid, buckets, arrivalHash, bucketHash, collisions, hydro.Tick, hydro.Tick)
	signedAcks := hydro.CrossJoin(counted, hydro.SelfID(storage), func(a Ack, m hydro.MemberID) Ack {
		a.Node = m
		a.Sig = signAck(storageKeys, m, a)
		return a
	}, hydro.Tick, hydro.Static)
	hydro.Sink(signedAcks, acks)

	// Leader: collect one ack per storage node, then decide.
	open, carry := hydro.Cycle[Ack](leader)
	acked := hydro.Send(signedAcks, leader)
	live := hydro.AntiJoin(hydro.Union(acked, open), decided, hydro.Static)
	tallies := hydro.FoldKeyed(live, newOutcome, addAck, hydro.Tick)
	done := hydro.FilterMap(hydro.CrossJoin(tallies, hydro.ClusterSize(leader, storage), withNeeded, hydro.Tick, hydro.Static), complete)
	carry(hydro.DeferTickLazy(hydro.AntiJoin(live, done, hydro.Tick)))
	decide(hydro.DeferTickLazy(done))
	answer(hydro.Send(hydro.Union(done, repeat), client))

	// Leader: keep every ack; report each write two nodes counted
	// differently. The client outputs each report once.
	conflicts := hydro.Unique(hydro.FilterMap(hydro.Join(acked, acked, pairAcks, hydro.Static, hydro.Static), disagree), hydro.Static)
	hydro.Sink(hydro.Unique(hydro.Send(conflicts, client), hydro.Static), alarms)
}

// sign signs a write's value with the leader's key. Ed25519 signatures are
// deterministic: the same key and value give the same signature.
//
//hydro:pure
func sign(key ed25519.PrivateKey, w Write) Signed {
	return Signed{ID: w.ID, Value: w.Value, Sig: ed25519.Sign(key, []byte(w.Value))}
}

// AckMessage is what a storage node signs: the value and its collision
// count.
func AckMessage(value string, count uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte(value), count)
}

// signAck signs an ack with member m's key: storageKeys[m], or with fewer
// keys than members storageKeys[m mod len]. Without keys the ack is
// unsigned, and its certificate does not verify.
func signAck(storageKeys []ed25519.PrivateKey, m hydro.MemberID, a Ack) []byte {
	if len(storageKeys) == 0 {
		return nil
	}
	return ed25519.Sign(storageKeys[int(m)%len(storageKeys)], AckMessage(a.Value, a.Count))
}

func again(w Write, _ time.Time) Write { return w }

func outcome(o Outcome, _ Write) Outcome { return o }

func keepFirst(*Outcome, Outcome) {}

func known(_ Write, o Outcome) Outcome { return o }

func entryOf(v string) Entry { return Entry{Hash: Hash(v), Value: v} }

func entry(a Arrival) Entry { return Entry{Hash: a.Hash, Value: a.Value} }

func newBucket(e Entry) Bucket { return Bucket{Hash: e.Hash} }

func countValue(b *Bucket, _ Entry) { b.Count++ }

func arrivalHash(a Arrival) uint8 { return a.Hash }

func bucketHash(b Bucket) uint8 { return b.Hash }

func collisions(a Arrival, b Bucket) Ack { return Ack{ID: a.ID, Value: a.Value, Count: b.Count} }

func newOutcome(a Ack) Outcome { return Outcome{ID: a.ID, Value: a.Value} }

// addAck records a node's ack; of several acks from one node (a resent
// write counted again, after more values arrived) it keeps the lowest
// count, whatever order they arrive in.
func addAck(o *Outcome, a Ack) {
	for i := range o.Certificate {
		if o.Certificate[i].Node == a.Node {
			if a.Count < o.Certificate[i].Count {
				o.Certificate[i] = NodeSig{Node: a.Node, Count: a.Count, Sig: a.Sig}
			}
			return
		}
	}
	o.Certificate = append(o.Certificate, NodeSig{Node: a.Node, Count: a.Count, Sig: a.Sig})
}

func pairAcks(a, b Ack) ackPair { return ackPair{ID: a.ID, A: a, B: b} }

// disagree reports a write whose pair of acks, from two storage nodes,
// carries two counts.
func disagree(p ackPair) (Inconsistency, bool) {
	return Inconsistency{ID: p.ID, Value: p.A.Value}, p.A.Node != p.B.Node && p.A.Count != p.B.Count
}

func withNeeded(o Outcome, n int) quorum { return quorum{Outcome: o, Needed: n} }

// complete decides a write once every storage node acked: consistent if
// they all report one count.
func complete(q quorum) (Outcome, bool) {
	if len(q.Certificate) < q.Needed {
		return Outcome{}, false
	}
	o := q.Outcome
	o.Certificate = slices.SortedFunc(slices.Values(o.Certificate), func(a, b NodeSig) int { return cmp.Compare(a.Node, b.Node) })
	o.Count, o.Consistent = o.Certificate[0].Count, true
	for _, s := range o.Certificate[1:] {
		if s.Count != o.Count {
			o.Consistent = false
		}
	}
	return o, true
}
