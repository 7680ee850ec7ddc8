//go:build !unix

package paxos

import "time"

// processCPU is zero where getrusage is not available: the benchmarks'
// CPU metrics are measured on Unix only.
func processCPU() time.Duration { return 0 }
