// Package nodetype declares a type named like the node type hydrogen
// generates.
package nodetype

import "github.com/hydrogo/hydro/hydro"

// RelayP is the name of the node type of location "p" of flow Relay.
type RelayP struct{}

//hydro:flow
func Relay(f *hydro.Flow, in hydro.Input[int], out hydro.Output[int], nd int) {
	hydro.Sink(hydro.Source(f.Process("p"), in), out)
}
