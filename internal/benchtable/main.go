// Command benchtable reads `go test -bench -benchmem` output on standard
// input and prints, for every benchmark with generated, handwritten and
// interpreted sub-benchmarks, the ratios generated/handwritten and
// interpreted/generated with each variant's allocations per op; a variant
// that did not run shows as "-". The variant is the last element of a
// sub-benchmark's name and the benchmark is the rest, so RoundTrip/window1
// is the benchmark of BenchmarkRoundTrip/window1/generated. Other lines pass
// through unchanged.
//
//	go test -run '^$' -bench . -benchmem ./examples/microbench/ | go run ./internal/benchtable
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"text/tabwriter"
)

// result is one benchmark line.
type result struct {
	nsPerOp float64
	allocs  int64
}

var line = regexp.MustCompile(`^Benchmark(\S+)/(generated|handwritten|interpreted)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:.*?\s(\d+) allocs/op)?`)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	results := map[string]map[string]result{}
	var order []string
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		text := sc.Text()
		fmt.Fprintln(out, text)
		m := line.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		ns, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			return fmt.Errorf("parse %q: %w", text, err)
		}
		allocs := int64(-1)
		if m[4] != "" {
			allocs, _ = strconv.ParseInt(m[4], 10, 64)
		}
		if results[m[1]] == nil {
			results[m[1]] = map[string]result{}
			order = append(order, m[1])
		}
		results[m[1]][m[2]] = result{ns, allocs}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(order) == 0 {
		return nil
	}
	fmt.Fprintln(out)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "benchmark\tgenerated/handwritten\tinterpreted/generated\tallocs/op gen\thand\tinterp\t")
	for _, name := range order {
		r := results[name]
		g, h, i := r["generated"], r["handwritten"], r["interpreted"]
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t\n", name, ratio(g, h), ratio(i, g), allocs(r, "generated"), allocs(r, "handwritten"), allocs(r, "interpreted"))
	}
	return w.Flush()
}

func ratio(a, b result) string {
	if a.nsPerOp == 0 || b.nsPerOp == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", a.nsPerOp/b.nsPerOp)
}

func allocs(r map[string]result, variant string) string {
	x, ok := r[variant]
	if !ok || x.allocs < 0 {
		return "-"
	}
	return strconv.FormatInt(x.allocs, 10)
}
