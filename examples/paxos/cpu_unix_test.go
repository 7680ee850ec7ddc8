//go:build unix

package paxos

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used, user and system, its
// garbage collector's included: on a shared machine, a steadier measure of
// the work than the elapsed time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
