//go:build !linux

package durable

import "os"

// datasync flushes the file to the device.
func datasync(f *os.File) error { return f.Sync() }
