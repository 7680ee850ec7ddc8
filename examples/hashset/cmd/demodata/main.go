// Command demodata writes the sample data that README's hashset command
// runs with: ed25519 keys for the leader and five storage nodes, derived
// from fixed seeds (demo keys, public by construction: never use them for
// anything else), and a few writes whose values collide under hashset.Hash.
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hydrogo/hydro/examples/hashset"
)

func main() {
	dir := flag.String("dir", "data", "the directory to write to")
	writes := flag.Int("writes", 12, "the number of sample writes")
	flag.Parse()
	if err := run(*dir, *writes); err != nil {
		fmt.Fprintln(os.Stderr, "demodata:", err)
		os.Exit(1)
	}
}

func run(dir string, writes int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	leader := key("leader")
	storage := make([]ed25519.PrivateKey, 5)
	for i := range storage {
		storage[i] = key(fmt.Sprintf("storage-%d", i))
	}
	files := map[string]any{
		"leader-key.json":    leader,
		"leader-public.json": leader.Public(),
		"storage-keys.json":  storage,
	}
	for name, v := range files {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := write(filepath.Join(dir, name), append(b, '\n')); err != nil {
			return err
		}
	}
	// Values from three buckets, so that they collide, and the first two
	// values written again at the end.
	var values []string
	for i := 0; len(values) < max(writes-2, 1); i++ {
		if v := fmt.Sprintf("value-%d", i); hashset.Hash(v) < 3 {
			values = append(values, v)
		}
	}
	var lines []byte
	for i := range writes {
		w := hashset.Write{ID: uint64(i + 1), Value: values[i%len(values)]}
		b, err := json.Marshal(w)
		if err != nil {
			return err
		}
		lines = append(append(lines, b...), '\n')
	}
	return write(filepath.Join(dir, "writes.jsonl"), lines)
}

// key derives a demo key from a fixed seed.
func key(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("hydro hashset demo key " + name))
	return ed25519.NewKeyFromSeed(seed[:])
}

// write writes b to path unless the file holds it already.
func write(path string, b []byte) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == string(b) {
		return nil
	}
	return os.WriteFile(path, b, 0o644)
}
