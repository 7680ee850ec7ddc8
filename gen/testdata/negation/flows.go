// Package negation is a golden case: negation across strata.
package negation

import "github.com/hydrogo/hydro/hydro"

// Item is a keyed value.
type Item struct {
	Key   int `hydro:"key"`
	Value int
}

// Rare passes the items whose key occurs at most twice in the tick, and the
// keys never seen with a zero value.
//
//hydro:flow
func Rare(f *hydro.Flow, in hydro.Input[Item], out hydro.Output[Item], keys hydro.Output[int]) {
	p := f.Process("node")
	src := hydro.Source(p, in)
	counts := hydro.FoldKeyed(src, func(x Item) Item { return Item{Key: x.Key} }, func(acc *Item, _ Item) { acc.Value++ })
	common := hydro.Filter(counts, func(c Item) bool { return c.Value > 2 })
	hydro.Sink(hydro.AntiJoin(src, common), out)
	ks := hydro.Map(src, func(x Item) int { return x.Key })
	zero := hydro.FilterMap(src, func(x Item) (int, bool) { return x.Key, x.Value == 0 })
	hydro.Sink(hydro.Difference(ks, zero, hydro.Static), keys)
}
