// Package timesend sends clock readings across the network.
package timesend

import (
	"time"

	"github.com/hydrogo/hydro/hydro"
)

type Stamp struct {
	At time.Time
}

//hydro:flow
func Ticks(f *hydro.Flow, in hydro.Input[Stamp], out hydro.Output[time.Time]) {
	a, b := f.Process("a"), f.Process("b")
	hydro.Sink(hydro.Send(hydro.Timer(a, time.Second), b), out)
	hydro.ForEach(hydro.Send(hydro.Source(b, in), a), func(Stamp) {})
}
