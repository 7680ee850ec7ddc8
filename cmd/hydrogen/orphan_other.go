//go:build !linux

package main

import "os/exec"

// dieWithLauncher does nothing where the kernel offers no parent-death
// signal: a node there outlives a launcher that is killed without the
// chance to stop it.
func dieWithLauncher(cmd *exec.Cmd) {}
