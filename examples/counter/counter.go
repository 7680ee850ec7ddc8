// Package counter is a durable keyed counter: clients send increments, the
// counter node adds each to its key's total, which is Durable state, and
// acknowledges every increment once the tick that applied it is synced. It
// is what the durability benchmark and the process-level crash test run.
package counter

import (
	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

// Incr is one command: add N to Key's total. Client and Seq name the
// command, so that its acknowledgement finds its sender.
type Incr struct {
	Key    uint32 `hydro:"key"`
	Client uint32
	Seq    uint64
	N      int64
}

// Total is a key's total.
type Total struct {
	Key uint32 `hydro:"key"`
	N   int64
}

// Counter keeps a durable total per key. Every tick it emits every total
// on totals, and acknowledges the tick's commands on acks; both leave only
// once the tick's changes are synced.
//
//hydro:flow
func Counter(f *hydro.Flow, cmds hydro.Input[Incr], acks hydro.Output[Incr], totals hydro.Output[Total]) {
	p := f.Process("counter")
	in := hydro.Source(p, cmds)
	hydro.Sink(hydro.ReduceKeyed(hydro.Map(in, total), add, hydro.Durable), totals)
	hydro.Sink(in, acks)
}

func total(c Incr) Total { return Total{Key: c.Key, N: c.N} }

func add(acc *Total, t Total) { acc.N += t.N }

// Peak is the highest value reported for a key.
type Peak struct {
	Key uint32              `hydro:"key"`
	Max lattices.Max[int64] `hydro:"lattice"`
}

// Lookup asks for a key's peak.
type Lookup struct {
	Key uint32 `hydro:"key"`
}

// Peaks keeps the highest value reported per key, durably, and answers
// lookups by probing the merge's index: the merge emits nothing, since its
// only reader is the probed side of a join.
//
//hydro:flow
func Peaks(f *hydro.Flow, reports hydro.Input[Peak], lookups hydro.Input[Lookup], answers hydro.Output[Peak]) {
	p := f.Process("counter")
	peaks := hydro.MergeKeyed(hydro.Source(p, reports), hydro.Durable)
	hydro.Sink(hydro.Join(hydro.Source(p, lookups), peaks, found, hydro.Tick, hydro.Tick), answers)
}

func found(_ Lookup, p Peak) Peak { return p }

// Milestone is a key whose total has reached Threshold.
type Milestone struct {
	Key uint32 `hydro:"key"`
}

// Threshold is the total at which a key becomes a Milestone.
const Threshold = 10

// Milestones keeps the same durable totals as Counter and outputs each key
// whose total has reached Threshold, once per run of the node: a restarted
// node outputs again the keys it recovers past the threshold. Only the
// totals that changed in a tick reach the Unique in generated code
// (docs/incremental.md), so it also checks that recovered totals count as
// changed in the first tick.
//
//hydro:flow
func Milestones(f *hydro.Flow, cmds hydro.Input[Incr], reached hydro.Output[Milestone]) {
	p := f.Process("counter")
	totals := hydro.ReduceKeyed(hydro.Map(hydro.Source(p, cmds), total), add, hydro.Durable)
	hydro.Sink(hydro.Unique(hydro.FilterMap(totals, milestone), hydro.Static), reached)
}

func milestone(t Total) (Milestone, bool) { return Milestone{Key: t.Key}, t.N >= Threshold }
