// Package shop is a flow with a keyed join at a server, for the tests of
// gen/rewrite's partitioning: the join's key is the only partition key.
package shop

import "github.com/hydrogo/hydro/hydro"

// Order is a customer's order of an item, from a warehouse.
type Order struct {
	ID        uint64 `hydro:"key"`
	Customer  string
	Item      string
	Warehouse string
}

// Want is an order by item.
type Want struct {
	Item     string `hydro:"key"`
	ID       uint64
	Customer string
}

// Stock is the count of an item in a warehouse.
type Stock struct {
	Item      string `hydro:"key"`
	Warehouse string
	Count     int
}

// Line is an order with the stock of its item.
type Line struct {
	ID       uint64 `hydro:"key"`
	Customer string
	Item     string
	Count    int
}

// Shop joins every order with the stock of its item at a server.
//
//hydro:flow
func Shop(f *hydro.Flow, orders hydro.Input[Order], stock hydro.Input[Stock], lines hydro.Output[Line]) {
	client, server := f.Process("client"), f.Process("server")
	wants := hydro.Map(hydro.Send(hydro.Source(client, orders), server), want)
	stocked := hydro.Send(hydro.Source(client, stock), server)
	joined := hydro.Join(wants, stocked, line, hydro.Static, hydro.Static)
	hydro.Sink(hydro.Send(joined, client), lines)
}

// Count counts a server's orders.
//
//hydro:flow
func Count(f *hydro.Flow, orders hydro.Input[Order], counts hydro.Output[int]) {
	client, server := f.Process("client"), f.Process("server")
	n := hydro.Fold(hydro.Send(hydro.Source(client, orders), server), zero, count, hydro.Static)
	hydro.Sink(hydro.Send(n, client), counts)
}

func want(o Order) Want { return Want{Item: o.Item, ID: o.ID, Customer: o.Customer} }

func line(w Want, s Stock) Line {
	return Line{ID: w.ID, Customer: w.Customer, Item: w.Item, Count: s.Count}
}

func zero() int { return 0 }

func count(n *int, _ Order) { *n++ }
