package microbench

import "github.com/hydrogo/hydro/hydro"

// Flows whose FlatMap functions generated code copies in place of a call
// (docs/compiler.md, "Inlining"), in the shapes the copy must keep: early
// returns, loops, an unused parameter, a captured flow parameter, and a
// function it must call instead (a defer).

// Expand emits, for each integer, its decimal digits, a few multiples, a
// constant, its scaled copies and its logged double.
//
//hydro:flow
func Expand(f *hydro.Flow, in hydro.Input[int], scale int, out hydro.Output[int]) {
	p := f.Process("bench")
	s := hydro.Source(p, in)
	digits := hydro.FlatMap(s, digitsOf)
	multiples := hydro.FlatMap(s, func(x int, emit func(int)) {
		if x%3 == 0 {
			return
		}
		for i := range x % 4 {
			if i == 2 {
				return
			}
			emit(x*10 + i)
		}
	})
	constant := hydro.FlatMap(s, func(_ int, emit func(int)) { emit(-1) })
	scaled := hydro.FlatMap(s, func(x int, emit func(int)) {
		emit(x * scale)
		emit(-x * scale)
	})
	logged := hydro.FlatMap(hydro.Map(s, func(x int) Count { return Count(x) }), doubledLogged)
	hydro.Sink(hydro.Union(digits, multiples, constant, scaled, logged), out)
}

// Count is a named integer type.
type Count int

// digitsOf emits the decimal digits of x, most significant first, and
// nothing for a negative x.
func digitsOf(x int, emit func(int)) {
	if x < 0 {
		return
	}
	var ds []int
	for {
		ds = append(ds, x%10)
		x /= 10
		if x == 0 {
			break
		}
	}
	for i := len(ds) - 1; i >= 0; i-- {
		emit(ds[i])
	}
}

// doubledLogged emits twice x, counting its calls; its defer keeps it a
// call.
func doubledLogged(x Count, emit func(int)) {
	defer func() { doubled++ }()
	emit(int(2 * x))
}

var doubled int
