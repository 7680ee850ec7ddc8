package testfile

import "github.com/hydrogo/hydro/hydro"

//hydro:flow
func InTest(f *hydro.Flow) { f.Process("p") }
