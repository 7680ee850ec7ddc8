// Package joinfold is a golden case: a join feeding keyed and global folds.
package joinfold

import "github.com/hydrogo/hydro/hydro"

// Order is a client's order.
type Order struct {
	Client string `hydro:"key"`
	Qty    int
}

// Client is a client's class.
type Client struct {
	Name  string `hydro:"key"`
	Class int
}

// Total is a per-class total.
type Total struct {
	Class int `hydro:"key"`
	Qty   int
}

// Totals sums the quantities per client class, over all ticks, and counts
// each tick's orders.
//
//hydro:flow
func Totals(f *hydro.Flow, orders hydro.Input[Order], clients hydro.Input[Client], out hydro.Output[Total], count hydro.Output[int]) {
	p := f.Process("node")
	os := hydro.Source(p, orders)
	tagged := hydro.Join(os, hydro.Source(p, clients), func(o Order, c Client) Total {
		return Total{Class: c.Class, Qty: o.Qty}
	}, hydro.Tick, hydro.Static)
	hydro.Sink(hydro.FoldKeyed(tagged, func(t Total) Total { return Total{Class: t.Class} },
		func(acc *Total, t Total) { acc.Qty += t.Qty }, hydro.Static), out)
	hydro.Sink(hydro.Fold(os, func() int { return 0 }, func(acc *int, _ Order) { *acc++ }), count)
}
