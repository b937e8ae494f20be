//go:build !unix

package watch

import "os/exec"

func shellCommand(command string) *exec.Cmd { return exec.Command("cmd", "/C", command) }

func setGroup(cmd *exec.Cmd) {}

// signalGroup kills the process; without process groups its children may
// outlive it.
func signalGroup(cmd *exec.Cmd, kill bool) { _ = cmd.Process.Kill() }
