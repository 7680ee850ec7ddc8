// Package promoted keys a join by a field promoted from an embedded struct.
package promoted

import "github.com/hydrogo/hydro/hydro"

type keyPart struct {
	Client uint32 `hydro:"key"`
}

type Item struct {
	keyPart
	Name string
}

type Class struct {
	Client uint32 `hydro:"key"`
	Class  string
}

//hydro:flow
func Promoted(f *hydro.Flow, items hydro.Input[Item], classes []Class, out hydro.Output[string]) {
	p := f.Process("p")
	hydro.Sink(hydro.Join(hydro.Source(p, items), hydro.Iter(p, classes), label), out)
}

func label(i Item, c Class) string { return i.Name + ":" + c.Class }
