package main

import (
	"os/exec"
	"syscall"
)

// dieWithLauncher has the kernel send the node SIGTERM when the launcher
// dies, however it dies (SIGKILL included), so that no node outlives a run
// holding its port, its data directory or a file its starter waits on.
// Linux delivers the signal when the launcher's thread that started the
// node exits; the Go runtime keeps its threads for the life of the process.
func dieWithLauncher(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
}
