package shopping

import "github.com/hydrogo/hydro/hydro"

// Figure2 is the original single-node program: requests are tagged with their
// client's class by a join with the static class table, then folded per
// (client, class) into a cart holding the items in request order. The fold
// emits every cart every tick; a cart is final once it is checked out.
//
//hydro:flow
func Figure2(f *hydro.Flow, shopping hydro.Input[Request], classes []ClientClass, out hydro.Output[Cart]) {
	server := f.Process("server")
	requests := hydro.Source(server, shopping)
	tagged := hydro.Join(requests, hydro.Iter(server, classes), tag, hydro.Tick, hydro.Static)
	carts := hydro.FoldKeyed(tagged, newCart, addItem, hydro.Static)
	hydro.Sink(carts, out)
}
