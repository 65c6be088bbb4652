//go:build unix

package pyrunner

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// process is a child we started, the leader of its own process group.
type process struct{ cmd *exec.Cmd }

// startProcess starts cmd as the leader of a new process group, which the
// processes the app starts join (unless they leave it with setsid). The
// group also keeps the terminal's Ctrl-C away from the child: wsgidev
// decides how it stops. The files become fds 3, 4, 5…, named to the child
// in WSGIDEV_FDS.
func startProcess(cmd *exec.Cmd, files []*os.File) (*process, error) {
	fds := make([]string, len(files))
	for i := range files {
		fds[i] = strconv.Itoa(3 + i)
	}
	cmd.ExtraFiles = files
	cmd.Env = append(cmd.Env, "WSGIDEV_FDS="+strings.Join(fds, ","))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &process{cmd}, nil
}

func (p *process) tree() tree { return tree{pgid: p.cmd.Process.Pid} }

// wait waits until the child has exited, kills what is left of its group
// (what the app started: a fork, a subprocess) and reaps it (reap_*.go).
func (p *process) wait() (code int, note string) {
	reap(p.cmd, p.tree())
	return describeWait(p.cmd.ProcessState.Sys().(syscall.WaitStatus))
}

// tree is a child's process group: the child and what the app started.
type tree struct{ pgid int }

// terminate asks the whole group to leave: SIGTERM.
func (t tree) terminate() { t.signal(syscall.SIGTERM) }

// kill ends the whole group at once.
func (t tree) kill() { t.signal(syscall.SIGKILL) }

func (t tree) signal(sig syscall.Signal) {
	if t.pgid > 1 { // never kill(0) or kill(-1): our own group, or everything
		syscall.Kill(-t.pgid, sig)
	}
}

// describeWait says how a process ended, and its exit status (-1 when a
// signal ended it).
func describeWait(ws syscall.WaitStatus) (code int, note string) {
	switch {
	case ws.Signaled():
		sig := ws.Signal()
		return -1, fmt.Sprintf("was killed by signal %s (%s)", unix.SignalName(sig), sig)
	case ws.ExitStatus() == 0:
		return 0, "exited (status 0)"
	default:
		return ws.ExitStatus(), fmt.Sprintf("exited with status %d", ws.ExitStatus())
	}
}
