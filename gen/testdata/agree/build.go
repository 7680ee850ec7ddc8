package agree

import (
	"time"

	"github.com/hydrogo/hydro/hydro"
)

// Builders calls each flow of the package with a recording flow and fresh
// ports, by flow name.
var Builders = map[string]func(*hydro.Flow){
	"NoKey": func(f *hydro.Flow) {
		NoKey(f, hydro.NewInput[noKey]("a"), hydro.NewInput[keyed]("b"), hydro.NewOutput[keyed]("out"))
	},
	"KeysDiffer": func(f *hydro.Flow) {
		KeysDiffer(f, hydro.NewInput[keyed]("a"), hydro.NewInput[otherKey]("b"), hydro.NewOutput[keyed]("out"))
	},
	"NoLattice":  func(f *hydro.Flow) { NoLattice(f, hydro.NewInput[flat]("a"), hydro.NewOutput[flat]("out")) },
	"Loose":      func(f *hydro.Flow) { Loose(f, hydro.NewInput[loose]("a"), hydro.NewOutput[loose]("out")) },
	"Lifetimes":  func(f *hydro.Flow) { Lifetimes(f, hydro.NewInput[int]("a"), hydro.NewOutput[int]("out")) },
	"NotDurable": func(f *hydro.Flow) { NotDurable(f, hydro.NewInput[int]("a"), hydro.NewOutput[int]("out")) },
	"KeyedNoKey": func(f *hydro.Flow) {
		KeyedNoKey(f, hydro.NewInput[noKey]("a"), hydro.NewOutput[int]("out"))
	},
	"TimerZero":  func(f *hydro.Flow) { TimerZero(f, hydro.NewOutput[time.Time]("out")) },
	"TwoSources": func(f *hydro.Flow) { TwoSources(f, hydro.NewInput[int]("a"), hydro.NewOutput[int]("out")) },
	"Unsendable": func(f *hydro.Flow) {
		Unsendable(f, hydro.NewInput[withChan]("a"), hydro.NewInput[[]withFunc]("b"), hydro.NewOutput[withChan]("out"), hydro.NewOutput[[]withFunc]("out2"))
	},
	"NoLocation": func(f *hydro.Flow) { NoLocation(f) },
}
