package shopping

// The generated nodes, codecs and per-role mains (cmd/client, cmd/server),
// and the sample workload in data/ that README's main command runs.
//go:generate go run github.com/hydrogo/hydro/cmd/hydrogen
//go:generate go run ./cmd/workload -clients 5 -seed 1 -dir data
