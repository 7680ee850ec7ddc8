package main

import (
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	in := `goos: linux
BenchmarkIdentity/generated-2         	  100000	      1000 ns/op	       0 B/op	       0 allocs/op
BenchmarkIdentity/handwritten-2       	  100000	       800 ns/op	       0 B/op	       0 allocs/op
BenchmarkIdentity/interpreted-2       	    1000	     50000 ns/op	    9000 B/op	    1024 allocs/op
BenchmarkOther-2 	 10 	 5 ns/op
PASS
`
	var out strings.Builder
	if err := run(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.HasPrefix(got, in) {
		t.Errorf("input not passed through:\n%s", got)
	}
	for _, want := range []string{"generated/handwritten", "Identity", "1.25x", "50.00x", "1024"} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got[len(in):], "Other") {
		t.Errorf("a benchmark without variants in the table:\n%s", got)
	}
}

func TestTableNestedAndPartial(t *testing.T) {
	in := `BenchmarkCodecDecodeFlat/generated-2     	 1000	  4.000 ns/op	5000.00 MB/s	 0 B/op	 0 allocs/op
BenchmarkCodecDecodeFlat/handwritten-2   	 1000	  2.000 ns/op	10000.00 MB/s	 0 B/op	 0 allocs/op
BenchmarkRoundTrip/window1/generated-2   	 1000	  30000 ns/op	33333 msgs/s	 0 B/op	 0 allocs/op
BenchmarkRoundTrip/window1/handwritten-2 	 1000	  20000 ns/op	50000 msgs/s	 0 B/op	 0 allocs/op
BenchmarkRoundTrip/window256/generated   	 1000	    300 ns/op	 1 B/op	 0 allocs/op
BenchmarkRoundTrip/generated/window1-2   	 1000	    300 ns/op
`
	var out strings.Builder
	if err := run(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	table := out.String()[len(in):]
	for _, row := range [][]string{
		{"CodecDecodeFlat", "2.00x", "-", "0", "0", "-", "1"},
		{"RoundTrip/window1", "1.50x", "-", "0", "0", "-", "1"},
		{"RoundTrip/window256", "-", "-", "0", "-", "-", "1"},
	} {
		if !strings.Contains(table, row[0]) {
			t.Errorf("table lacks %s:\n%s", row[0], table)
			continue
		}
		for line := range strings.SplitSeq(table, "\n") {
			if f := strings.Fields(line); len(f) > 0 && f[0] == row[0] {
				if strings.Join(f, " ") != strings.Join(row, " ") {
					t.Errorf("row %q, want %q", f, row)
				}
			}
		}
	}
	if strings.Contains(table, "RoundTrip/generated") {
		t.Errorf("a variant that is not the last element made a row:\n%s", table)
	}
}

// Several samples of each variant, interleaved as make bench runs them: the
// table compares medians, so one disturbed sample does not move a ratio.
func TestTableMedians(t *testing.T) {
	in := `BenchmarkJoin/generated-2    	 100	 1000 ns/op	 0 B/op	 0 allocs/op
BenchmarkJoin/handwritten-2  	 100	  500 ns/op	 0 B/op	 0 allocs/op
BenchmarkJoin/generated-2    	 100	 9000 ns/op	 0 B/op	 2 allocs/op
BenchmarkJoin/handwritten-2  	 100	  400 ns/op	 0 B/op	 0 allocs/op
BenchmarkJoin/generated-2    	 100	 1200 ns/op	 0 B/op	 0 allocs/op
BenchmarkJoin/handwritten-2  	 100	  600 ns/op	 0 B/op	 0 allocs/op
BenchmarkJoin/interpreted-2  	 100	 6000 ns/op	 0 B/op	 7 allocs/op
BenchmarkJoin/interpreted-2  	 100	 3000 ns/op	 0 B/op	 8 allocs/op
`
	var out strings.Builder
	if err := run(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	table := out.String()[len(in):]
	want := "Join 2.40x 3.75x 0 0 7.5 2"
	for line := range strings.SplitSeq(table, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == "Join" {
			if got := strings.Join(f, " "); got != want {
				t.Errorf("row %q, want %q", got, want)
			}
			return
		}
	}
	t.Errorf("table lacks Join:\n%s", table)
}
