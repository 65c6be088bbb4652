//go:build windows

package pyrunner

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// process is a child we started, in a Job Object of its own: the processes
// it starts are in the job too, and closing the job kills them all.
type process struct {
	cmd *exec.Cmd
	job *job
}

// startProcess starts cmd in a new job. The files' handles are inherited
// (and no other: os/exec lists exactly these in
// PROC_THREAD_ATTRIBUTE_HANDLE_LIST), named to the child in WSGIDEV_HANDLES;
// it opens them with msvcrt.open_osfhandle.
//
// The child starts suspended and runs only once it is in the job, so
// nothing it starts can escape the job. CREATE_NO_WINDOW gives it a console
// of its own without a window: our console's Ctrl-C and Ctrl-Break never
// reach it (CTRL+BREAK reaches every process attached to a console, whatever
// its process group), so wsgidev decides how it stops, as on Unix.
func startProcess(cmd *exec.Cmd, files []*os.File) (*process, error) {
	handles := make([]syscall.Handle, len(files))
	ids := make([]string, len(files))
	for i, f := range files {
		h := windows.Handle(f.Fd())
		// AdditionalInheritedHandles must be inheritable already.
		if err := windows.SetHandleInformation(h, windows.HANDLE_FLAG_INHERIT, windows.HANDLE_FLAG_INHERIT); err != nil {
			return nil, fmt.Errorf("let the child inherit a pipe: %w", err)
		}
		handles[i] = syscall.Handle(h)
		ids[i] = strconv.FormatUint(uint64(h), 10)
	}
	cmd.Env = append(cmd.Env, "WSGIDEV_HANDLES="+strings.Join(ids, ","))
	cmd.SysProcAttr = &syscall.SysProcAttr{
		AdditionalInheritedHandles: handles,
		CreationFlags:              windows.CREATE_SUSPENDED | windows.CREATE_NO_WINDOW,
	}
	j, err := newJob()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		j.close()
		return nil, err
	}
	err = j.assign(cmd.Process.Pid)
	if err == nil {
		err = resume(cmd.Process.Pid)
	}
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		j.close()
		return nil, err
	}
	return &process{cmd, j}, nil
}

func (p *process) tree() tree { return tree{p.job} }

// wait waits until the child has exited, then closes its job, which kills
// what the app started (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE).
func (p *process) wait() (code int, note string) {
	p.cmd.Wait()
	p.job.close()
	return describeExit(uint32(p.cmd.ProcessState.ExitCode()))
}

// tree is a child's job: the child and what the app started.
type tree struct{ job *job }

// terminate is kill: a process without a console window of ours has no
// gentler way to be asked to leave.
func (t tree) terminate() { t.kill() }

// kill ends every process in the job.
func (t tree) kill() { t.job.terminate() }

// job is a Job Object handle, zero once closed: a closed handle's value may
// soon name another object, so it is never used after close.
type job struct {
	mu sync.Mutex
	h  windows.Handle
}

func newJob() (*job, error) {
	h, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return nil, fmt.Errorf("create a job object: %w", err)
	}
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if _, err := windows.SetInformationJobObject(h, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(h)
		return nil, fmt.Errorf("set up a job object: %w", err)
	}
	return &job{h: h}, nil
}

// assign puts the process pid in the job. The PID names our child still:
// cmd.Process holds a handle to it, so it cannot be reused.
func (j *job) assign(pid int) error {
	p, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(pid))
	if err != nil {
		return fmt.Errorf("open the new process: %w", err)
	}
	defer windows.CloseHandle(p)
	if err := windows.AssignProcessToJobObject(j.h, p); err != nil {
		return fmt.Errorf("put the new process in a job object: %w", err)
	}
	return nil
}

func (j *job) terminate() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.h != 0 {
		windows.TerminateJobObject(j.h, 1)
	}
}

func (j *job) close() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.h != 0 {
		windows.CloseHandle(j.h)
		j.h = 0
	}
}

// resume lets a process created suspended run. os/exec keeps no handle to
// its first thread, so its threads are found in a snapshot of the system's
// (a suspended new process has just the one).
func resume(pid int) error {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPTHREAD, 0)
	if err != nil {
		return fmt.Errorf("resume the new process: %w", err)
	}
	defer windows.CloseHandle(snap)
	entry := windows.ThreadEntry32{Size: uint32(unsafe.Sizeof(windows.ThreadEntry32{}))}
	resumed := false
	for err = windows.Thread32First(snap, &entry); err == nil; err = windows.Thread32Next(snap, &entry) {
		if entry.OwnerProcessID != uint32(pid) {
			continue
		}
		th, err := windows.OpenThread(windows.THREAD_SUSPEND_RESUME, false, entry.ThreadID)
		if err != nil {
			return fmt.Errorf("resume the new process: %w", err)
		}
		_, err = windows.ResumeThread(th)
		windows.CloseHandle(th)
		if err != nil {
			return fmt.Errorf("resume the new process: %w", err)
		}
		resumed = true
	}
	if !resumed {
		return errors.New("resume the new process: it has no thread")
	}
	return nil
}

// describeExit says how a process ended. Codes from 0xC0000000 up are
// NTSTATUS errors: the process crashed (0xC0000005 is an access violation).
func describeExit(code uint32) (int, string) {
	switch {
	case code == 0:
		return 0, "exited (status 0)"
	case code >= 0xC0000000:
		return int(code), fmt.Sprintf("crashed (exception 0x%08X)", code)
	default:
		return int(code), fmt.Sprintf("exited with status %d", code)
	}
}
