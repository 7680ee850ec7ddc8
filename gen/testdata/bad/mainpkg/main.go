// Command mainpkg declares a flow spanning locations in package main.
package main

import "github.com/hydrogo/hydro/hydro"

//hydro:flow
func Relay(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int]) {
	a, b := f.Process("a"), f.Process("b")
	hydro.Sink(hydro.Send(hydro.Source(a, in), b), out)
}

func main() {}
