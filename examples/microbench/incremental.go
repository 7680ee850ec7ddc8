package microbench

import (
	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/lattices"
)

// Flows whose generated code evaluates incrementally (docs/incremental.md);
// the differential test checks them against the interpreter tick by tick.

// Probe is a request for a sensor's merged reading.
type Probe struct {
	Sensor int `hydro:"key"`
	Tag    int
}

// Hot merges readings per sensor over all ticks and releases, once, every
// sensor whose peak passes 50, with its reading at that tick; each probe
// gets the current reading of its sensor if that sensor is hot. The joins
// read the merge's index, and the merge hands the Unique only the sensors
// that changed.
//
//hydro:flow
func Hot(f *hydro.Flow, in hydro.Input[Pair], probes hydro.Input[Probe], out hydro.Output[Reading], answers hydro.Output[Pair]) {
	p := f.Process("bench")
	readings := hydro.MergeKeyed(hydro.Map(hydro.Source(p, in), func(x Pair) Reading {
		return Reading{Sensor: x.Key, Peak: lattices.NewMax(x.Value), Values: lattices.NewSetUnion(x.Value % 5)}
	}))
	hot := hydro.Filter(readings, func(r Reading) bool { return peakOf(r) > 50 })
	fresh := hydro.Unique(hydro.Map(hot, func(r Reading) Probe { return Probe{Sensor: r.Sensor} }), hydro.Static)
	hydro.Sink(hydro.Join(fresh, hot, func(_ Probe, r Reading) Reading { return r }), out)
	hydro.Sink(hydro.Join(hydro.Source(p, probes), hydro.Filter(hot, func(r Reading) bool { return r.Values.Len() > 1 }),
		func(q Probe, r Reading) Pair { return Pair{Key: q.Tag, Value: peakOf(r)} }), answers)
}

// Firsts reports, once, every key whose running maximum (a Static
// ReduceKeyed) reaches 90: the reduction hands the Unique only the keys that
// changed.
//
//hydro:flow
func Firsts(f *hydro.Flow, in hydro.Input[Pair], out hydro.Output[Pair]) {
	p := f.Process("bench")
	maxima := hydro.ReduceKeyed(hydro.Source(p, in), func(acc *Pair, x Pair) { acc.Value = max(acc.Value, x.Value) }, hydro.Static)
	hydro.Sink(hydro.Unique(hydro.Filter(maxima, func(x Pair) bool { return x.Value >= 90 }), hydro.Static), out)
}

// Unacked keeps every item until an acknowledgement for its key arrives,
// replaying the rest each tick: the resend-until-acknowledged pattern. An
// acknowledged item is dropped from the Persist for good.
//
//hydro:flow
func Unacked(f *hydro.Flow, in hydro.Input[Pair], acks hydro.Input[int], out hydro.Output[Pair]) {
	p := f.Process("bench")
	hydro.Sink(hydro.AntiJoinBy(hydro.Persist(hydro.Source(p, in)), hydro.Source(p, acks),
		func(x Pair) int { return x.Key }, func(k int) int { return k }, hydro.Static), out)
}

func peakOf(r Reading) int {
	v, _ := r.Peak.Value()
	return v
}

// Pending merges readings per sensor and reports, every tick, each sensor
// with more than one distinct value that no probe has retired. A retired
// sensor can never be reported again, so its merged reading is forgotten.
//
//hydro:flow
func Pending(f *hydro.Flow, in hydro.Input[Pair], retired hydro.Input[Probe], out hydro.Output[Reading]) {
	p := f.Process("bench")
	readings := hydro.MergeKeyed(hydro.Map(hydro.Source(p, in), func(x Pair) Reading {
		return Reading{Sensor: x.Key, Peak: lattices.NewMax(x.Value), Values: lattices.NewSetUnion(x.Value % 5)}
	}))
	hydro.Sink(hydro.AntiJoin(hydro.Filter(readings, func(r Reading) bool { return r.Values.Len() > 1 }), hydro.Source(p, retired), hydro.Static), out)
}

// Snapshot merges readings per sensor over all ticks (a Static MergeKeyed)
// and answers each request with every sensor's peak, tagged with the
// request, and each probe with its sensor's peak: the cross join reads the
// merge's groups in place and the join its index, so that a tick without
// requests costs nothing per sensor held.
//
//hydro:flow
func Snapshot(f *hydro.Flow, in hydro.Input[Pair], requests hydro.Input[int], probes hydro.Input[Probe], out hydro.Output[Pair], answers hydro.Output[Pair]) {
	p := f.Process("bench")
	readings := hydro.MergeKeyed(hydro.Map(hydro.Source(p, in), func(x Pair) Reading {
		return Reading{Sensor: x.Key, Peak: lattices.NewMax(x.Value), Values: lattices.NewSetUnion(x.Value % 5)}
	}))
	asked := hydro.Unique(hydro.Source(p, requests), hydro.Tick)
	hydro.Sink(hydro.CrossJoin(asked, readings, func(tag int, r Reading) Pair {
		return Pair{Key: tag*1000 + r.Sensor, Value: peakOf(r)}
	}, hydro.Tick, hydro.Tick), out)
	hydro.Sink(hydro.Join(hydro.Source(p, probes), readings,
		func(q Probe, r Reading) Pair { return Pair{Key: q.Tag, Value: peakOf(r)} }), answers)
}
