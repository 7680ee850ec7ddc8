// Package pipeline is a golden case: a straight pipeline.
package pipeline

import (
	"strings"

	"github.com/hydrogo/hydro/hydro"
)

// Pipeline trims, filters and upper-cases lines.
//
//hydro:flow
func Pipeline(f *hydro.Flow, in hydro.Input[string], prefix string, out hydro.Output[string]) {
	p := f.Process("node")
	s := hydro.Map(hydro.Source(p, in), strings.TrimSpace)
	s = hydro.Filter(s, func(l string) bool { return l != "" })
	s = hydro.Map(s, func(l string) string { return prefix + strings.ToUpper(l) })
	hydro.Sink(s, out)
}

// Panics panics on a negative item, inside a closure.
//
//hydro:flow
func Panics(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	p := f.Process("node")
	hydro.Sink(hydro.Map(hydro.Source(p, in), func(x int) int {
		if x < 0 {
			panic("negative item")
		}
		return x
	}), out)
}
