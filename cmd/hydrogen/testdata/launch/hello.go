// Package launch is a small program for the tests of "hydrogen run": a
// front process that greets names and collects a report from every member
// of a worker cluster.
package launch

import "github.com/hydrogo/hydro/hydro"

// Report is what a worker sends the front about itself.
type Report struct {
	Member hydro.MemberID
	Label  string
}

// Hello greets every name pushed to the front, and has every worker send the
// front one report, which the front prints.
//
//hydro:flow
func Hello(f *hydro.Flow, names hydro.Input[string], greeting string, label string, greeted hydro.Output[string], reports hydro.Output[Report]) {
	front, workers := f.Process("front"), f.Cluster("worker")
	hydro.Sink(hydro.Map(hydro.Source(front, names), func(n string) string { return Greet(greeting, n) }), greeted)
	mine := hydro.Map(hydro.SelfID(workers), func(m hydro.MemberID) Report { return Report{Member: m, Label: label} })
	hydro.Sink(hydro.Send(mine, front), reports)
}

// Greet greets name. It panics on an empty name, which lets the tests crash
// a node.
func Greet(greeting, name string) string {
	if name == "" {
		panic("launch.Greet: empty name")
	}
	return greeting + ", " + name
}

// Ghost has a location without a main package, and a parameter that no
// location uses.
//
//hydro:flow
func Ghost(f *hydro.Flow, out hydro.Output[string], motto string) {
	hydro.Sink(hydro.Iter(f.Process("ghost"), []string{"boo"}), out)
}
