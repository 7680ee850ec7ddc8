// Package schedule holds flows that build and verify but that the scheduler
// rejects, for gen/pipeline's tests of where their problems are reported.
package schedule

import "github.com/hydrogo/hydro/hydro"

// Blocked folds inside its own cycle: the Fold must see its input complete
// within the tick, which the cycle forbids.
//
//hydro:flow
func Blocked(f *hydro.Flow, seeds hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("node")
	back, complete := hydro.Cycle[int](p)
	all := hydro.Union(hydro.Source(p, seeds), back)
	sum := hydro.Fold(all, func() int { return 0 }, func(acc *int, x int) { *acc += x })
	hydro.Sink(sum, out)
	complete(sum)
}
