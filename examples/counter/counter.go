// Package counter is a durable keyed counter: clients send increments, the
// counter node adds each to its key's total, which is Durable state, and
// acknowledges every increment once the tick that applied it is synced. It
// is what the durability benchmark and the process-level crash test run.
package counter

import "github.com/hydrogo/hydro/hydro"

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
