// Package unused has ports it never uses: hydrogen check warns.
package unused

import "github.com/hydrogo/hydro/hydro"

//hydro:flow
func Unused(f *hydro.Flow, in, idle hydro.Input[int], out, empty hydro.Output[int]) {
	hydro.Sink(hydro.Source(f.Process("p"), in), out)
}
