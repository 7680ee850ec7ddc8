// Package tags has a lattice whose Merge has a value receiver and a
// pointer-typed key.
package tags

import "github.com/hydrogo/hydro/hydro"

type copyMerge struct{ V int }

func (c copyMerge) Merge(o copyMerge) bool { return false }

type valueMerge struct {
	K int       `hydro:"key"`
	L copyMerge `hydro:"lattice"`
}

type pointerKey struct {
	K *int `hydro:"key"`
}

//hydro:flow
func Lattice(f *hydro.Flow, in hydro.Input[valueMerge], out hydro.Output[valueMerge]) {
	hydro.Sink(hydro.MergeKeyed(hydro.Source(f.Process("p"), in)), out)
}

//hydro:flow
func Pointer(f *hydro.Flow, in hydro.Input[pointerKey], out hydro.Output[pointerKey]) {
	s := hydro.Source(f.Process("p"), in)
	hydro.Sink(hydro.Join(s, s, func(a, _ pointerKey) pointerKey { return a }), out)
}
