// Package blankline has a flow directive separated from its function.
package blankline

import "github.com/hydrogo/hydro/hydro"

//hydro:flow

func Detached(f *hydro.Flow) { f.Process("p") }
