// Package names uses, for parameters and declarations, the names generated
// code uses: imports, the node's fields and methods, its locals and its key
// types. The generated code must compile all the same.
package names

import (
	"strconv"
	"time"

	"github.com/hydrogo/hydro/hydro"
)

type Pair struct {
	A int `hydro:"key"`
	B int `hydro:"key"`
}

// Declarations named like generated locals and key types.
type (
	namesKey0 struct{}
	namesKey1 struct{}
	namesKey2 struct{}
	namesKey3 struct{}
	namesKey4 struct{}
	namesKey5 struct{}
)

func v1() int    { return 1 }
func udf1() int  { return 1 }
func udf2() int  { return 2 }
func k1() string { return "k" }

func stamp(t time.Time) int { return int(t.Unix()) }

//hydro:flow
func Names(f *hydro.Flow, in hydro.Input[Pair], fmt string, context int, time time.Duration,
	Tick, SetSizes, subgraph0, n0Buf, udf3, v2 int, out hydro.Output[string], ticks hydro.Output[int]) {
	p := f.Process("p")
	pairs := hydro.Source(p, in)
	joined := hydro.Join(pairs, pairs, func(a, b Pair) Pair { return Pair{a.A + udf3 + v2, b.B + v1() + udf1() + udf2()} })
	hydro.Sink(hydro.Map(joined, func(x Pair) string {
		return fmt + strconv.Itoa(x.A+context+Tick+SetSizes+subgraph0+n0Buf) + k1()
	}), out)
	hydro.Sink(hydro.Map(hydro.Timer(p, time), stamp), ticks)
}
