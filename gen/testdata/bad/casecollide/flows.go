// Package casecollide has two flows whose names differ only in case.
package casecollide

import "github.com/hydrogo/hydro/hydro"

//hydro:flow
func Carts(f *hydro.Flow) { f.Process("p") }

//hydro:flow
func CARTS(f *hydro.Flow) { f.Process("p") }
