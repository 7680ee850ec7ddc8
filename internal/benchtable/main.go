// Command benchtable reads `go test -bench -benchmem` output on standard
// input and prints, for every benchmark with generated, handwritten and
// interpreted sub-benchmarks, the ratios generated/handwritten and
// interpreted/generated of the variants' median times, with each variant's
// median allocations per op and the number of samples behind the medians; a
// variant that did not run shows as "-". The variant is the last element of
// a sub-benchmark's name and the benchmark is the rest, so RoundTrip/window1
// is the benchmark of BenchmarkRoundTrip/window1/generated. Other lines pass
// through unchanged.
//
// Every line of a benchmark is one sample, so the input may hold several runs
// (`-count`, or the output of several `go test` runs one after another, which
// interleaves the variants in time; `make bench` does that):
//
//	for i in 1 2 3 4 5; do go test -run '^$' -bench . -benchmem ./examples/microbench/; done | go run ./internal/benchtable
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"text/tabwriter"
)

// samples are the measurements of one variant of one benchmark.
type samples struct {
	nsPerOp []float64
	allocs  []int64
}

var line = regexp.MustCompile(`^Benchmark(\S+)/(generated|handwritten|interpreted)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:.*?\s(\d+) allocs/op)?`)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	results := map[string]map[string]*samples{}
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
		if results[m[1]] == nil {
			results[m[1]] = map[string]*samples{}
			order = append(order, m[1])
		}
		s := results[m[1]][m[2]]
		if s == nil {
			s = &samples{}
			results[m[1]][m[2]] = s
		}
		s.nsPerOp = append(s.nsPerOp, ns)
		if m[4] != "" {
			allocs, err := strconv.ParseInt(m[4], 10, 64)
			if err != nil {
				return fmt.Errorf("parse %q: %w", text, err)
			}
			s.allocs = append(s.allocs, allocs)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(order) == 0 {
		return nil
	}
	fmt.Fprintln(out)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "benchmark (medians)\tgenerated/handwritten\tinterpreted/generated\tallocs/op gen\thand\tinterp\tsamples\t")
	for _, name := range order {
		r := results[name]
		g, h, i := r["generated"], r["handwritten"], r["interpreted"]
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t\n", name, ratio(g, h), ratio(i, g), allocs(g), allocs(h), allocs(i), count(r))
	}
	return w.Flush()
}

// median returns the middle of xs (the mean of the two middle ones for an
// even count); xs must not be empty.
func median[T int64 | float64](xs []T) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return (float64(s[n/2-1]) + float64(s[n/2])) / 2
}

func ratio(a, b *samples) string {
	if a == nil || b == nil {
		return "-"
	}
	x, y := median(a.nsPerOp), median(b.nsPerOp)
	if x == 0 || y == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", x/y)
}

func allocs(s *samples) string {
	if s == nil || len(s.allocs) == 0 {
		return "-"
	}
	return strconv.FormatFloat(median(s.allocs), 'f', -1, 64)
}

// count is the fewest samples of any variant that ran: the number behind
// the least supported median of the row.
func count(r map[string]*samples) int {
	n := 0
	for _, s := range r {
		if n == 0 || len(s.nsPerOp) < n {
			n = len(s.nsPerOp)
		}
	}
	return n
}
