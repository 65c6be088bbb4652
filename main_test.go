package main

// These tests build the real wsgidev binary once and run it as a user
// would: a real Python child, real HTTP on loopback, --port 0 and the URL
// read from the banner. This file has the harness and the commands
// themselves; cli_test.go covers app specs, flags and bad input, and
// lifecycle_test.go the output, faults, signals and leftover processes.
// The apps they serve are in testdata/.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// buildFlags are extra `go build` flags for the binary under test; under
// `go test -race` the binary is race-checked too (race_test.go).
var buildFlags []string

// wsgidevBin is the binary TestMain builds for every test.
var wsgidevBin string

const (
	startTimeout   = 30 * time.Second // banner, exit after bad input
	processTimeout = 10 * time.Second // a process to exit or vanish
)

func TestMain(m *testing.M) { os.Exit(buildAndRun(m)) }

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "wsgidev-main-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	wsgidevBin = filepath.Join(dir, "wsgidev")
	args := append(append([]string{"build"}, buildFlags...), "-o", wsgidevBin, ".")
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building wsgidev: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// output collects what a process writes and wakes whoever waits for text.
type output struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func newOutput() *output { return &output{changed: make(chan struct{})} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(bytes.ReplaceAll(p, []byte("\r\n"), []byte("\n"))) // a pty's line ends
	close(o.changed)
	o.changed = make(chan struct{})
	return len(p), nil
}

func (o *output) snapshot() (string, <-chan struct{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String(), o.changed
}

func (o *output) String() string {
	s, _ := o.snapshot()
	return s
}

// launch says how to run wsgidev.
type launch struct {
	dir  string   // working folder, relative to the repo; default testdata/probe
	env  []string // KEY=VALUE added to the environment
	args []string // after "wsgidev"
	tty  bool     // stdout and stderr on a pseudo-terminal instead of pipes
	// typing puts stdin on the pseudo-terminal too (with tty): proc.typeLine
	// types on it, as a person at the terminal would.
	typing bool
}

// proc is one running wsgidev.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdout *output // with tty, stderr too
	stderr *output
	exited chan struct{}
	term   *os.File // the terminal's master side, with launch.typing
	base   string   // http://127.0.0.1:PORT, once serving
	url    string   // the banner's URL
	client *http.Client
}

// start runs wsgidev; t.Cleanup stops it by its PID and checks that it
// never panicked.
func start(t *testing.T, l launch) *proc {
	t.Helper()
	if l.dir == "" {
		l.dir = "testdata/probe"
	}
	dir, err := filepath.Abs(l.dir)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(wsgidevBin, l.args...)
	cmd.Dir = dir
	cmd.Env = append(testEnv(), l.env...)
	cmd.WaitDelay = processTimeout
	p := &proc{
		t: t, cmd: cmd, stdout: newOutput(), stderr: newOutput(), exited: make(chan struct{}),
		client: &http.Client{Timeout: startTimeout, Transport: &http.Transport{}},
	}
	var copied chan struct{}
	if l.tty {
		master, slave := openPTY(t)
		cmd.Stdout, cmd.Stderr = slave, slave
		if l.typing {
			cmd.Stdin, p.term = slave, master
		}
		copied = make(chan struct{})
		go func() {
			io.Copy(p.stdout, master) // ends with EIO once every slave fd is closed
			master.Close()
			close(copied)
		}()
		defer slave.Close()
	} else {
		cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd.Wait()
		if copied != nil {
			<-copied
		}
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.client.CloseIdleConnections()
		p.stop()
		for _, s := range []string{p.stdout.String(), p.stderr.String()} {
			for _, bad := range []string{"panic:", "goroutine ", "DATA RACE"} {
				if strings.Contains(s, bad) {
					t.Errorf("wsgidev's output has %q:\n%s", bad, s)
				}
			}
		}
	})
	return p
}

// testEnv is this process's environment without what would change
// wsgidev's output, plus no bytecode files written into testdata.
func testEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NO_COLOR=") {
			env = append(env, kv)
		}
	}
	return append(env, "PYTHONDONTWRITEBYTECODE=1")
}

var servingLine = regexp.MustCompile(`(?m)^  serving  (http://([0-9.]+:[0-9]+)\S*)`)

// startServing starts wsgidev and waits for the banner's URL.
func startServing(t *testing.T, l launch) *proc {
	t.Helper()
	p := start(t, l)
	m := p.waitOutput(servingLine)
	p.url, p.base = m[1], "http://"+m[2]
	return p
}

// waitOutput waits until stdout matches re and returns the submatches; it
// fails the test if wsgidev exits first or the deadline passes.
func (p *proc) waitOutput(re *regexp.Regexp) []string {
	p.t.Helper()
	deadline := time.After(startTimeout)
	for {
		s, changed := p.stdout.snapshot()
		if m := re.FindStringSubmatch(s); m != nil {
			return m
		}
		select {
		case <-changed:
		case <-p.exited:
			if m := re.FindStringSubmatch(p.stdout.String()); m != nil {
				return m
			}
			p.t.Fatalf("wsgidev exited (%v) before printing %q\n%s", p.cmd.ProcessState, re, p.dump())
		case <-deadline:
			p.t.Fatalf("no %q from wsgidev within %s\n%s", re, startTimeout, p.dump())
		}
	}
}

func (p *proc) dump() string {
	return "stdout:\n" + p.stdout.String() + "stderr:\n" + p.stderr.String()
}

// wait waits for wsgidev to exit and returns its exit code (-1 if a signal
// ended it).
func (p *proc) wait() int {
	p.t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(startTimeout):
		p.t.Fatalf("wsgidev did not exit within %s\n%s", startTimeout, p.dump())
		return 0
	}
}

func (p *proc) signal(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %s: %v", sig, err)
	}
}

// typeLine types line and Enter on wsgidev's terminal (launch.typing).
func (p *proc) typeLine(line string) {
	p.t.Helper()
	if _, err := p.term.WriteString(line + "\r"); err != nil {
		p.t.Fatalf("typing %q: %v", line, err)
	}
}

// stop ends wsgidev by its PID: SIGTERM, then SIGKILL if it lingers.
func (p *proc) stop() {
	for _, sig := range []os.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		select {
		case <-p.exited:
			return
		default:
		}
		p.cmd.Process.Signal(sig)
		select {
		case <-p.exited:
			return
		case <-time.After(processTimeout):
		}
	}
}

// get requests path from the server, with header lines "Name: value".
func (p *proc) get(path string, header ...string) (*http.Response, string) {
	p.t.Helper()
	req, err := http.NewRequest("GET", p.base+path, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	for _, h := range header {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		p.t.Fatalf("GET %s: %v\n%s", path, err, p.dump())
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatalf("GET %s: reading the body: %v", path, err)
	}
	return resp, string(body)
}

// getText requests path and fails unless the status is want.
func (p *proc) getText(path string, want int) string {
	p.t.Helper()
	resp, body := p.get(path)
	if resp.StatusCode != want {
		p.t.Fatalf("GET %s: status %d, want %d; body:\n%s\n%s", path, resp.StatusCode, want, body, p.dump())
	}
	return body
}

// childPID asks the probe app for the PID of the Python serving it.
func (p *proc) childPID() int {
	p.t.Helper()
	var pid int
	if _, err := fmt.Sscan(p.getText("/pid", http.StatusOK), &pid); err != nil {
		p.t.Fatal(err)
	}
	return pid
}

// processGone reports whether pid has ended. An orphan that died can stay
// a zombie when nothing reaps it, and a zombie runs no code: gone too.
func processGone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

// waitGone fails the test unless pid ends within processTimeout.
func waitGone(t *testing.T, pid int, what string) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(processTimeout)
	for !processGone(pid) {
		select {
		case <-tick.C:
		case <-deadline:
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("%s (PID %d) still runs %s later", what, pid, processTimeout)
		}
	}
}

// openPTY opens a pseudo-terminal pair, for output that must look like a
// terminal's.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err == nil {
		err = unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0)
	}
	if err != nil {
		m.Close()
		t.Skipf("no pseudo-terminal: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("no pseudo-terminal: %v", err)
	}
	return m, s
}

func TestServeHelpTeachesAppSpecs(t *testing.T) {
	t.Parallel()
	p := start(t, launch{args: []string{"serve", "--help"}})
	if code := p.wait(); code != 0 {
		t.Fatalf("wsgidev serve --help exited %d\n%s", code, p.dump())
	}
	help := p.stdout.String()
	for _, want := range []string{
		"APPSPEC", "wsgidev serve app.py", "path/to/app.py:", "pkg.module:app", "create_app(",
		"mysite/wsgi.py", "mysite.wsgi:application", "--port", "--python", "--threads",
		"--env", "--env-file", "--script-name", "--host",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("serve --help does not mention %q:\n%s", want, help)
		}
	}
}
