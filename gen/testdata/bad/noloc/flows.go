// Package noloc has a flow without a location.
package noloc

import "github.com/hydrogo/hydro/hydro"

//hydro:flow
func Nowhere(f *hydro.Flow) {}
