package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmux runs wsgidev on a terminal of its own, as a person would see it:
// keys go in with send-keys and the screen comes out with capture-pane.
type tmux struct {
	t      *testing.T
	socket string // a tmux server of our own, never the user's
}

func (m tmux) run(args ...string) string {
	m.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", m.socket}, args...)...).CombinedOutput()
	if err != nil {
		m.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (m tmux) screen() string {
	out, _ := exec.Command("tmux", "-L", m.socket, "capture-pane", "-p", "-t", "tui").CombinedOutput()
	return string(out)
}

// waitScreen waits until the screen shows every one of want.
func (m tmux) waitScreen(want ...string) string {
	m.t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		s := m.screen()
		missing := ""
		for _, w := range want {
			if !strings.Contains(s, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return s
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("the screen never showed %q; last screen:\n%s", missing, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startInTmux runs wsgidev serve on the probe app on a 120x40 tmux
// terminal of its own, after one request to /x?from=tmux has answered; it
// returns the screen handle and the base URL.
func startInTmux(t *testing.T) (tmux, string) {
	t.Helper()
	return serveInTmux(t, tmuxServe{ready: "/x?from=tmux"})
}

// tmuxServe says how to run `wsgidev serve` on a tmux terminal.
type tmuxServe struct {
	dir   string   // the project; testdata/probe when empty
	env   []string // KEY=VALUE words, shell-quoted, added to wsgidev's environment
	args  []string // serve's flags and APPSPEC; "app.py" when empty
	ready string   // requested until the server answers, with any status; "/x" when empty
}

// serveInTmux runs wsgidev serve as s says on a 120x40 tmux terminal of its
// own and waits until s.ready answers; it returns the screen handle and the
// base URL, http://127.0.0.1:PORT.
func serveInTmux(t *testing.T, s tmuxServe) (tmux, string) {
	t.Helper()
	if s.dir == "" {
		s.dir = "testdata/probe"
	}
	dir, _ := filepath.Abs(s.dir)
	if len(s.args) == 0 {
		s.args = []string{"app.py"}
	}
	if s.ready == "" {
		s.ready = "/x"
	}
	port := freePort(t)
	m := openTmux(t, fmt.Sprintf("cd %s && env PYTHONDONTWRITEBYTECODE=1 %s %s serve --port %d %s",
		dir, strings.Join(s.env, " "), wsgidevBin, port, strings.Join(s.args, " ")))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(startTimeout)
	for {
		resp, err := http.Get(base + s.ready)
		if err == nil {
			resp.Body.Close()
			return m, base
		}
		if time.Now().After(deadline) {
			t.Fatalf("wsgidev in tmux never answered: %v\n%s", err, m.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// openTmux runs the shell command cmd on a 120x40 tmux terminal of its
// own, killed when the test ends; it skips the test without tmux.
func openTmux(t *testing.T, cmd string) tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is missing; .ci/run installs it")
		}
		t.Skip("tmux is not installed")
	}
	m := tmux{t: t, socket: fmt.Sprintf("wsgidev-test-%d-%s", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-"))} // a subtest's name has a slash
	m.run("new-session", "-d", "-s", "tui", "-x", "120", "-y", "40", cmd)
	t.Cleanup(func() { exec.Command("tmux", "-L", m.socket, "kill-server").Run() })
	return m
}

// childOf asks the probe app which Python serves it.
func childOf(t *testing.T, base string) int {
	t.Helper()
	resp, err := http.Get(base + "/pid")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var pid int
	fmt.Fscan(resp.Body, &pid)
	return pid
}

// waitDown waits until nothing listens at base any more. It sends no
// request: one in flight when q arrives makes the inspector ask before it
// quits.
func waitDown(t *testing.T, m tmux, base, why string) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			return
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatalf("wsgidev still serving after %s\n%s", why, m.screen())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestInspectorInTmux(t *testing.T) {
	t.Parallel()
	m, base := startInTmux(t)
	m.waitScreen("GET", "/x?from=tmux", "200", "1 request")

	m.run("send-keys", "-t", "tui", "Enter")
	m.waitScreen("[1 Environ]", "PATH_INFO", "'/x'", "QUERY_STRING", "'from=tmux'", "wsgi.input")
	m.run("send-keys", "-t", "tui", "4")
	m.waitScreen("[4 Body]", "hello, world!")
	m.run("send-keys", "-t", "tui", "6")
	m.waitScreen("[6 Timeline]", "start_response", "close() called")
	pid := childOf(t, base)

	// Escape and q in one write would reach the program as alt+q.
	m.run("send-keys", "-t", "tui", "Escape")
	m.waitScreen("METHOD", "PATH")
	m.run("send-keys", "-t", "tui", "q")
	waitDown(t, m, base, "q")
	waitGone(t, pid, "the Python child after q in the inspector")
}

// Closing the terminal (SIGHUP) ends wsgidev, not a reload that leaves it
// serving with nobody watching.
func TestInspectorQuitsWhenTheTerminalCloses(t *testing.T) {
	t.Parallel()
	m, base := startInTmux(t)
	m.waitScreen("1 request")
	pid := childOf(t, base)
	m.run("kill-session", "-t", "tui")
	waitDown(t, m, base, "its terminal closed")
	waitGone(t, pid, "the Python child after the terminal closed")
}
