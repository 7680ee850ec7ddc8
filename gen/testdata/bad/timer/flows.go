// Package timer has timers with constant periods that are not positive.
package timer

import (
	"time"

	"github.com/hydrogo/hydro/hydro"
)

//hydro:flow
func Timers(f *hydro.Flow, out hydro.Output[time.Time]) {
	p := f.Process("p")
	hydro.Sink(hydro.Union(hydro.Timer(p, 0), hydro.Timer(p, -time.Second)), out)
}
