// Package ports reads an Input twice, and has ports it never uses.
package ports

import "github.com/hydrogo/hydro/hydro"

//hydro:flow
func Twice(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("p")
	hydro.Sink(hydro.Union(hydro.Source(p, in), hydro.Source(p, in)), out)
}
