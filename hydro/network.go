package hydro

import (
	"fmt"
	"reflect"

	"github.com/cespare/xxhash/v2"

	"github.com/hydrogo/hydro/internal/ops"
)

// MemberID identifies a member of a cluster; members are numbered from 0.
type MemberID uint32

// Send moves a stream to a process. Items arrive in some later tick of the
// destination, unordered and possibly repeated (see docs/semantics.md).
func Send[T any](s Stream[T], to *Process) Stream[T] {
	pos := callerPos(2)
	return network[T](ops.Send, pos, s, to, func(any, int) int { return 0 })
}

// Broadcast moves a stream to every member of a cluster.
func Broadcast[T any](s Stream[T], to *Cluster) Stream[T] {
	pos := callerPos(2)
	return network[T](ops.Broadcast, pos, s, to, func(any, int) int { return ops.Everyone })
}

// DemuxBy moves each item to one member of a cluster: the member that member
// returns for it, modulo the cluster's size.
func DemuxBy[T any](s Stream[T], to *Cluster, member func(T) MemberID) Stream[T] {
	pos := callerPos(2)
	return network[T](ops.Demux, pos, s, to, func(x any, n int) int { return int(uint64(member(x.(T))) % uint64(n)) })
}

// Demux moves each item to one member of a cluster chosen by its key (the
// fields tagged `hydro:"key"`): the xxhash of the key fields' binary
// encodings (docs/netio.md), modulo the cluster's size. Items with equal keys
// go to the same member, so a keyed operator after Demux sees every item of
// its keys: this is how a flow is partitioned.
func Demux[T any](s Stream[T], to *Cluster) Stream[T] {
	pos := callerPos(2)
	k, ok := keyOf[T](s.f, ops.Demux, pos, "input")
	if !ok {
		return poison[T](s.f)
	}
	t := reflect.TypeFor[T]()
	fields := paths(k.schema, k.schema.Key)
	for _, i := range fields {
		if _, err := appendWire(nil, reflect.New(t.FieldByIndex(i).Type).Elem()); err != nil {
			s.f.errorf(pos, "%s: key field %s of %s cannot be hashed: %v", ops.Demux.API, t.FieldByIndex(i).Name, t, err)
			return poison[T](s.f)
		}
	}
	var buf []byte
	route := func(x any, n int) int {
		v := addressable(t, x)
		buf = buf[:0]
		for _, i := range fields {
			var err error
			buf, err = appendWire(buf, field(v, i))
			if err != nil {
				panic(fmt.Sprintf("hydro.Demux at %s: %v", pos, err))
			}
		}
		return int(xxhash.Sum64(buf) % uint64(n))
	}
	return network[T](ops.Demux, pos, s, to, route)
}

func network[T any](spec *ops.Spec, pos Pos, s Stream[T], to Location, route ops.Route) Stream[T] {
	f, _, ok := inputs(spec, pos, s.operand())
	if !ok {
		return poison[T](f)
	}
	tf, dest, ok := locationOf(spec, pos, to)
	if !ok {
		return poison[T](f)
	}
	if tf != f {
		f.errorf(pos, "%s: the destination %q belongs to flow %q, not %q", spec.API, to.Name(), tf.g.Name, f.g.Name)
		return poison[T](f)
	}
	p := ops.NetworkPayload{Route: route}
	return stream[T](f, f.addNode(spec, pos, dest, []operand{s.operand()}, nil, elemType[T](), p), dest)
}

// SelfID emits, in the node's first tick, the member's own ID within loc
// (always 0 for a process). Join it with a stream to tag items with the
// member that produced them.
func SelfID(loc Location) Stream[MemberID] {
	pos := callerPos(2)
	f, id, ok := locationOf(ops.SelfID, pos, loc)
	if !ok {
		return poison[MemberID](f)
	}
	wrap := func(m int) any { return MemberID(m) }
	return stream[MemberID](f, f.addNode(ops.SelfID, pos, id, nil, nil, elemType[MemberID](), wrap), id)
}

// ClusterSize emits, in the node's first tick at location at, the number of
// members of cluster c in the deployment: the simulator's member count, the
// launcher's -n, the addresses a node's -peers lists. A quorum (all of a
// cluster, a majority) derives from it, so that it cannot disagree with how
// many members actually run. Cross-join it with the stream that needs it:
//
//	n := hydro.ClusterSize(leader, participants)
//	done := hydro.CrossJoin(counts, n, reached, hydro.Tick, hydro.Static)
func ClusterSize(at Location, c *Cluster) Stream[int] {
	pos := callerPos(2)
	f, id, ok := locationOf(ops.ClusterSize, pos, at)
	if !ok {
		return poison[int](f)
	}
	if c == nil || c.flow() == nil {
		f.errorf(pos, "%s: the cluster is nil; declare one with Flow.Cluster", ops.ClusterSize.API)
		return poison[int](f)
	}
	if c.flow() != f {
		f.errorf(pos, "%s: the cluster %q belongs to flow %q, not %q", ops.ClusterSize.API, c.Name(), c.flow().g.Name, f.g.Name)
		return poison[int](f)
	}
	wrap := func(n int) any { return n }
	node := f.addNode(ops.ClusterSize, pos, id, nil, nil, elemType[int](), wrap)
	f.g.Nodes[node].Target = c.Name()
	return stream[int](f, node, id)
}
