//go:build unix && (!linux || wsgidev_portable)

package pyrunner

import "os/exec"

// reap waits for the child, then kills what is left of its group. Between
// the two the group's ID could only name something else if the PID were
// reused and its new owner made itself a group leader, within microseconds;
// Linux waits without reaping first (reap_linux.go).
func reap(cmd *exec.Cmd, group tree) {
	cmd.Wait()
	group.kill()
}
