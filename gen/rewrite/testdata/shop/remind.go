package shop

import (
	"time"

	"github.com/hydrogo/hydro/hydro"
)

// Remind holds every order at a server until the client cancels it, and
// reminds the client of the orders it holds at every tick of the server's
// timer: a cross join with a clock, through a cycle that carries the held
// orders to the next tick.
//
//hydro:flow
func Remind(f *hydro.Flow, orders hydro.Input[Order], cancels hydro.Input[Order], reminders hydro.Output[Order]) {
	client, server := f.Process("client"), f.Process("server")
	held, hold := hydro.Cycle[Order](server)
	arrived := hydro.Send(hydro.Source(client, orders), server)
	cancelled := hydro.Send(hydro.Source(client, cancels), server)
	open := hydro.AntiJoin(hydro.Union(arrived, held), cancelled, hydro.Static)
	hold(hydro.DeferTick(open))
	due := hydro.CrossJoin(open, hydro.Timer(server, time.Second), remind, hydro.Tick, hydro.Tick)
	hydro.Sink(hydro.Send(due, client), reminders)
}

// Pair pairs every order with every stock line at a server.
//
//hydro:flow
func Pair(f *hydro.Flow, orders hydro.Input[Order], stock hydro.Input[Stock], lines hydro.Output[Line]) {
	client, server := f.Process("client"), f.Process("server")
	wants := hydro.Map(hydro.Send(hydro.Source(client, orders), server), want)
	stocked := hydro.Send(hydro.Source(client, stock), server)
	hydro.Sink(hydro.Send(hydro.CrossJoin(wants, stocked, line, hydro.Tick, hydro.Tick), client), lines)
}

func remind(o Order, _ time.Time) Order {
	return Order{ID: o.ID, Customer: o.Customer, Item: o.Item, Warehouse: o.Warehouse}
}
