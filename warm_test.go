package main

// Warm reloads at the binary level: a reloaded child is a fork of the
// template, not wsgidev's own child, and none outlives a killed wsgidev.

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"

	"github.com/wsgidev/wsgidev/pyrunner"
)

// parentPID reads a process's parent from /proc.
func parentPID(t *testing.T, pid int) int {
	t.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	fields := bytes.Fields(stat[bytes.LastIndexByte(stat, ')')+1:])
	ppid, err := strconv.Atoi(string(fields[1]))
	if err != nil {
		t.Fatalf("/proc/%d/stat: %q", pid, stat)
	}
	return ppid
}

// saveUntilWarm saves app.py until a reload is forked from the template
// (the first ones may come before it is built) and returns that child's
// PID and the template's.
func saveUntilWarm(t *testing.T, p *proc, dir string) (child, template int) {
	t.Helper()
	for i := 1; i <= 20; i++ {
		version := "v" + strconv.Itoa(i+1)
		writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp(version))
		p.waitBody("/", version)
		child = p.childPID()
		if ppid := parentPID(t, child); ppid != p.cmd.Process.Pid {
			return child, ppid
		}
	}
	t.Fatalf("20 reloads, none forked from a template\n%s", p.dump())
	return 0, 0
}

// lingerApp starts a thread that keeps its Python alive for minutes after
// wsgidev's pipe closes, as an app's background worker would: only the
// lifeline ends it when wsgidev is killed.
const lingerApp = `
import threading, time
threading.Thread(target=time.sleep, args=(300,), daemon=False).start()
VALUE = "lingering"
`

func TestWarmReloadsAndAKilledWsgidevLeavesNoPython(t *testing.T) {
	t.Parallel()
	if !pyrunner.WarmReloads {
		t.Skip("this build has no warm reloads (portable_test.go)")
	}
	p, dir := serveProject(t)
	p.waitOutput(regexp.MustCompile(`(?m)^ +warm: new code runs in a fork`))
	writeProjectFile(t, filepath.Join(dir, "linger.py"), lingerApp)
	p.waitReloads(1) // a new file in the project
	child, template := saveUntilWarm(t, p, dir)
	if body := p.getText("/lazy?linger", http.StatusOK); body != "lingering" {
		t.Fatalf("/lazy?linger: %q", body)
	}
	if again := p.childPID(); again != child {
		t.Fatalf("child %d replaced by %d meanwhile\n%s", child, again, p.dump())
	}
	if parentPID(t, template) != p.cmd.Process.Pid {
		t.Fatalf("the template %d is not wsgidev's child", template)
	}
	p.signal(syscall.SIGKILL)
	p.wait()
	waitGone(t, template, "the warm template of a SIGKILLed wsgidev")
	waitGone(t, child, "a warm fork of a SIGKILLed wsgidev")
}

func TestNoWarmReloadsStartPython(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp("v1"))
	p := startServing(t, launch{dir: dir, args: []string{"serve", "--no-tui", "--no-warm", "--port", "0", "app.py"}})
	for i, version := range []string{"v2", "v3", "v4"} {
		writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp(version))
		p.waitBody("/", version)
		p.waitReloads(i + 1)
		if ppid := parentPID(t, p.childPID()); ppid != p.cmd.Process.Pid {
			t.Fatalf("with --no-warm the child after reload %d is not wsgidev's own but %d's", i+1, ppid)
		}
	}
	if bytes.Contains([]byte(p.stdout.String()), []byte("warm:")) {
		t.Errorf("the banner speaks of warm reloads under --no-warm:\n%s", p.stdout.String())
	}
}
