// Package cycle is a golden case: a cycle through DeferTick.
package cycle

import "github.com/hydrogo/hydro/hydro"

// Countdown emits every seed, then each seed minus one in the next tick,
// down to zero.
//
//hydro:flow
func Countdown(f *hydro.Flow, seeds hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("node")
	back, complete := hydro.Cycle[int](p)
	all := hydro.Union(hydro.Source(p, seeds), hydro.DeferTick(back))
	hydro.Sink(all, out)
	complete(hydro.FilterMap(all, func(x int) (int, bool) { return x - 1, x > 0 }))
}
