package counter

// The generated node, codecs and the per-role main (cmd/counter).
//go:generate go run github.com/hydrogo/hydro/cmd/hydrogen
