// Command interpret runs the shopping-cart program of Figure 2 in the
// reference interpreter over a generated workload and prints every cart as it
// is checked out.
//
//	go run ./examples/shopping/cmd/interpret -clients 5 -seed 1
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/hydrogo/hydro/examples/shopping"
	"github.com/hydrogo/hydro/hydro"
)

func main() {
	clients := flag.Int("clients", 5, "number of shopping sessions")
	items := flag.Int("items", 6, "maximum requests per session before checkout")
	batch := flag.Int("batch", 4, "maximum requests per tick")
	seed := flag.Uint64("seed", 1, "workload seed")
	flag.Parse()
	if err := run(*clients, *items, *batch, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "interpret:", err)
		os.Exit(1)
	}
}

func run(clients, items, batch int, seed uint64) error {
	if clients < 1 || items < 1 || batch < 1 {
		return fmt.Errorf("-clients, -items and -batch must be positive")
	}
	w := shopping.NewWorkload(seed, clients, items)
	in := hydro.NewInput[shopping.Request]("shopping")
	out := hydro.NewOutput[shopping.Cart]("carts")
	f := hydro.NewFlow("Figure2")
	shopping.Figure2(f, in, w.Classes, out)
	it, err := hydro.Interpret(f)
	if err != nil {
		return err
	}
	printed := map[uint32]bool{}
	for _, b := range w.Interleave(seed, batch) {
		in.Push(b...)
		it.Tick()
		for _, c := range out.Take() {
			if c.CheckedOut() && !printed[c.Client] {
				printed[c.Client] = true
				fmt.Printf("tick %d: checked out %v\n", it.Ticks()-1, c)
			}
		}
	}
	fmt.Printf("%d carts checked out in %d ticks\n", len(printed), it.Ticks())
	return nil
}
