//go:build !unix

package bench

import "os/exec"

// ownProcessGroup does nothing where process groups are not available.
func ownProcessGroup(*exec.Cmd) {}

// killProcessGroup kills the launcher only where process groups are not
// available: there a node the launcher did not stop may outlive it.
func killProcessGroup(cmd *exec.Cmd) {
	cmd.Process.Kill()
}
