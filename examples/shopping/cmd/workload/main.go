// Command workload writes a shopping workload as the JSON files that the
// generated mains read: the client classes (-param.classes=@classes.json)
// and every request, one JSON item per line, in the shape each figure's
// input takes (-in.shopping.file=...): requests.jsonl for Figure 2,
// prefixes.jsonl for Figure 3 and sessions.jsonl for Figures 4–8.
//
//	go run ./examples/shopping/cmd/workload -clients 5 -seed 1 -dir examples/shopping/data
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hydrogo/hydro/examples/shopping"
)

func main() {
	clients := flag.Int("clients", 5, "number of shopping sessions")
	items := flag.Int("items", 6, "maximum requests per session before checkout")
	batch := flag.Int("batch", 4, "maximum requests per batch")
	seed := flag.Uint64("seed", 1, "workload seed")
	dir := flag.String("dir", ".", "directory to write the files to")
	flag.Parse()
	if err := run(*dir, *clients, *items, *batch, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "workload:", err)
		os.Exit(1)
	}
}

func run(dir string, clients, items, batch int, seed uint64) error {
	if clients < 1 || items < 1 || batch < 1 {
		return fmt.Errorf("-clients, -items and -batch must be positive")
	}
	w := shopping.NewWorkload(seed, clients, items)
	batches := w.Interleave(seed, batch)
	classes, err := json.MarshalIndent(w.Classes, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "classes.json"), append(classes, '\n'), 0o666); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(dir, "requests.jsonl"), batches); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(dir, "prefixes.jsonl"), w.PrefixRequests(batches)); err != nil {
		return err
	}
	return writeLines(filepath.Join(dir, "sessions.jsonl"), shopping.SessionRequests(batches))
}

// writeLines writes every item of every batch as one line of JSON.
func writeLines[T any](path string, batches [][]T) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	for _, b := range batches {
		for _, x := range b {
			if err := enc.Encode(x); err != nil {
				f.Close()
				return fmt.Errorf("%s: %w", path, err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
