// Package local has a closure using a variable of the flow body.
package local

import "github.com/hydrogo/hydro/hydro"

//hydro:flow
func Local(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("p")
	step := 3
	hydro.Sink(hydro.Map(hydro.Source(p, in), func(x int) int { return x + step }), out)
}
