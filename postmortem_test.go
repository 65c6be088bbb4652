package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/inspector"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// postMortemApp fails on every path but /ok, with a local in the frame
// that raised and another in its caller's.
const postMortemApp = `def handler(path):
    marker = 'post-mortem-4711'
    raise ValueError("failed at " + path)

def application(environ, start_response):
    caller_local = 'caller-' + environ["PATH_INFO"]
    if environ["PATH_INFO"] == "/ok":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    return handler(environ["PATH_INFO"])
`

// d on a failed request in the inspector of the real binary: pdb at the
// frame that raised, up to its caller, ctrl+d closes it; after a reload the
// same d says the traceback went with the old process.
func TestPostMortemInTmux(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), postMortemApp)
	m, base := serveInTmux(t, tmuxServe{dir: dir, args: []string{"--no-reload", "app.py"}, ready: "/ok"})
	resp, err := http.Get(base + "/boom")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	m.waitScreen("/boom", "500", "2 requests", "d post-mortem pdb") // d is offered once the request is done

	m.run("send-keys", "-t", "tui", "d")
	m.waitScreen("post-mortem · GET /boom", "ValueError: failed at /boom", "(Pdb)")
	m.typeLine("p marker")
	m.waitScreen("'post-mortem-4711'")
	m.typeLine("up")
	m.typeLine("p caller_local")
	m.waitScreen("'caller-/boom'")
	m.run("send-keys", "-t", "tui", "C-d")
	m.waitScreen("d post-mortem pdb")

	m.run("send-keys", "-t", "tui", "R")
	m.waitScreen("reloaded")
	m.run("send-keys", "-t", "tui", "d")
	m.waitScreen("the app was reloaded since this request")
}

// --pm on wsgidev's own terminal: pdb opens at the failure and holds the
// request until c; the client then gets the error page.
func TestPostMortemHeadlessOnATerminal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), postMortemApp)
	p := startServing(t, launch{dir: dir, tty: true, typing: true,
		args: []string{"serve", "--no-tui", "--no-reload", "--pm", "--port", "0"}})
	answer := make(chan int, 1)
	go func() {
		resp, err := p.client.Get(p.base + "/boom")
		if err != nil {
			answer <- 0
			return
		}
		resp.Body.Close()
		answer <- resp.StatusCode
	}()
	p.waitOutput(regexp.MustCompile(`post-mortem: ValueError: failed at /boom`))
	p.waitOutput(regexp.MustCompile(`\(Pdb\) `))
	p.typeLine("p marker")
	p.waitOutput(regexp.MustCompile(`'post-mortem-4711'`))
	select {
	case status := <-answer:
		t.Fatalf("the request was answered (%d) while pdb still had it\n%s", status, p.dump())
	default:
	}
	p.typeLine("c")
	if status := <-answer; status != http.StatusInternalServerError {
		t.Fatalf("the request after c: %d, want 500\n%s", status, p.dump())
	}
}

// Without a terminal, --pm would hang every failure on a prompt nobody
// sees: refused before serving.
func TestPostMortemRefusedWithoutATerminal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), postMortemApp)
	p := start(t, launch{dir: dir, args: []string{"serve", "--no-tui", "--pm", "--port", "0"}})
	if code := p.wait(); code != 1 {
		t.Fatalf("exit code %d, want 1\n%s", code, p.dump())
	}
	if !strings.Contains(p.stderr.String(), "--pm needs a terminal") || strings.Contains(p.stdout.String(), "serving") {
		t.Fatalf("want a refusal before serving:\n%s", p.dump())
	}
}

// The inspector model on a real session (teatest): d, then p marker.
func TestPostMortemInspectorOnARealChild(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), postMortemApp)
	py, err := pyrunner.FindPython("", dir)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := devserver.NewSession(devserver.SessionConfig{
		Child: pyrunner.Config{Python: py, Spec: pyrunner.AppSpec{File: "app.py"}, Dir: dir, Threads: 4,
			Env: []string{"PYTHONDONTWRITEBYTECODE=1"}, KeepFailures: 10},
		Version: "test", Inspector: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Stop()
	sub := sess.Hub().Subscribe()
	if _, err := sess.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Loaded(); err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, inspector.NewModel(inspector.Options{Updates: sub, Control: sess.Control(), NoColor: true}),
		teatest.WithInitialTermSize(120, 30))
	resp, err := http.Get(sess.BaseURL() + "/boom")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	waitFor(t, tm, "d post-mortem pdb") // offered once the failed request is done
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("d")})
	waitFor(t, tm, "(Pdb)")
	tm.Type("p marker")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "post-mortem-4711")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlD}) // pdb quits, the pane closes
	waitFor(t, tm, "d post-mortem pdb")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// typeLine types line as text (tmux would read "up" as the arrow key), then Enter.
func (m tmux) typeLine(line string) {
	m.t.Helper()
	m.run("send-keys", "-t", "tui", "-l", line)
	m.run("send-keys", "-t", "tui", "Enter")
}

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(startTimeout), teatest.WithCheckInterval(20*time.Millisecond))
}
