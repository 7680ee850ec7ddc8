package cputime

import (
	"testing"
	"time"
)

func TestProcessGrowsWithWork(t *testing.T) {
	if !Available {
		t.Skip("no CPU time on this system")
	}
	start := Process()
	x := 0
	for deadline := time.Now().Add(30 * time.Millisecond); time.Now().Before(deadline); {
		for i := range 1000 {
			x += i
		}
	}
	_ = x
	if got := Process() - start; got <= 0 {
		t.Fatalf("CPU time did not grow over 30ms of work: %v", got)
	}
}
