//go:build linux && !wsgidev_portable

package pyrunner

import (
	"errors"
	"os/exec"

	"golang.org/x/sys/unix"
)

// reap waits until the child has exited without reaping it (WNOWAIT), kills
// what is left of its group, then reaps it. Until it is reaped its PID, and
// so its group's ID, cannot name anything else.
func reap(cmd *exec.Cmd, group tree) {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, cmd.Process.Pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	group.kill()
	cmd.Wait()
}
