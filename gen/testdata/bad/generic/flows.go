// Package generic has a flow with type parameters.
package generic

import "github.com/hydrogo/hydro/hydro"

//hydro:flow
func Generic[T any](f *hydro.Flow, in hydro.Input[T], out hydro.Output[T]) {
	hydro.Sink(hydro.Source(f.Process("p"), in), out)
}
