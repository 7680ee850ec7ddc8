//go:build unix

package durable

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f without waiting. The lock
// goes with the open file: it is released when f is closed or the process
// dies, however it dies.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
