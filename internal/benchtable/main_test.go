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
