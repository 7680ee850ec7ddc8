// Package cputime reads the CPU time the calling process has used, for
// benchmarks that report CPU per operation: on a shared machine it measures
// the work more steadily than the elapsed time.
package cputime

import "time"

// Process returns the user and system CPU time the process has used, every
// thread's and its garbage collector's included. Where the system does not
// report it (Available is false) it returns 0.
func Process() time.Duration { return process() }
