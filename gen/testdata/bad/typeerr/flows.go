// Package typeerr does not type-check.
package typeerr

import "github.com/hydrogo/hydro/hydro"

//hydro:flow
func Broken(f *hydro.Flow, in hydro.Input[int], out hydro.Output[string]) {
	hydro.Sink(hydro.Source(f.Process("p"), in), out)
}
