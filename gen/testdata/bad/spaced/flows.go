// Package spaced has a flow directive written with a space.
package spaced

import "github.com/hydrogo/hydro/hydro"

// hydro:flow
func Spaced(f *hydro.Flow) { f.Process("p") }
