package main

// The debugger and the pdb console in the real inspector, on a tmux
// terminal, driven by keys as a person would.

import (
	"bufio"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// streamingApp answers with two chunks, one line each; the first names the
// PATH_INFO the app saw.
const streamingApp = `def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    def body():
        yield ("one %s\n" % environ["PATH_INFO"]).encode()
        yield b"two\n"
    return body()
`

// keys sends tmux key names to the inspector.
func (m tmux) keys(keys ...string) {
	m.t.Helper()
	m.run(append([]string{"send-keys", "-t", "tui"}, keys...)...)
}

// waitOffScreen waits until the screen no longer shows text.
func (m tmux) waitOffScreen(text string) {
	m.t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		s := m.screen()
		if !strings.Contains(s, text) {
			return
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("the screen still shows %q; last screen:\n%s", text, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// breakpoint() in a request opens the pdb console: n and c typed there
// drive pdb, keys meant for the list stay in the console, and the request
// finishes with what the stepped code did.
func TestPdbConsoleInTmux(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), pdbProjectApp)
	m, base := serveInTmux(t, tmuxServe{dir: dir, ready: "/ready", args: []string{"--no-reload", "app.py"}})
	m.waitScreen("/ready", "1 request")
	client := streamLines(base, "/pdb")
	m.waitScreen("pdb · GET /pdb", `-> seen.append("stepped")`, "(Pdb)", "pdb waiting: GET /pdb")

	m.keys("q", "j") // list keys: they go to pdb's input line
	m.waitScreen("(Pdb) qj")
	m.keys("BSpace", "BSpace")
	m.waitOffScreen("(Pdb) qj")
	m.keys("n", "Enter")
	m.waitScreen("(Pdb) n", "-> start_response(")
	m.keys("c", "Enter")
	receive(t, client, "200 OK")
	receive(t, client, "stepped")
	receive(t, client, "EOF")
	m.waitScreen("2 requests")
	m.waitOffScreen("pdb · GET /pdb")
}

// B breaks on the next request; i edits its PATH_INFO; in the detail's timeline s steps it to
// start_response, to chunk 1, to chunk 2 (only now is chunk 1 sent), and
// c runs it to the end. A breaks the next one's run with a 503.
func TestSteppingInTmux(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), streamingApp)
	m, base := serveInTmux(t, tmuxServe{dir: dir, ready: "/ready", args: []string{"--no-reload", "app.py"}})
	m.waitScreen("/ready", "1 request")

	m.keys("B")
	m.waitScreen("break: next")
	client := streamLines(base, "/s")
	m.waitScreen("⏸ 1 held", "GET     /s")
	m.waitOffScreen("break: next")
	m.keys("i")
	m.waitScreen("Edit the environ of #2 GET /s")
	m.keys("j", "j")
	m.waitScreen("› PATH_INFO")
	m.keys("Enter")
	m.waitScreen("PATH_INFO = /s")
	m.keys("C-u", "/edited", "Enter")
	m.waitScreen("'/edited'", "(was '/s')")
	m.keys("Escape")
	m.waitScreen("DURATION") // the list: the editor shows REQUEST_METHOD and PATH_INFO too
	m.keys("Enter")
	m.waitScreen("#2 GET /s")
	m.keys("6")
	m.waitScreen("[6 Timeline]", "held before the app is called")
	m.keys("s")
	m.waitScreen("held after start_response")
	m.keys("s")
	m.waitScreen("held before chunk 1 is sent")
	nothingYet(t, client, "held before chunk 1")
	m.keys("s")
	m.waitScreen("held before chunk 2 is sent")
	receive(t, client, "200 OK")
	receive(t, client, "one /edited")
	nothingYet(t, client, "held before chunk 2")
	m.keys("c")
	receive(t, client, "two")
	receive(t, client, "EOF")
	m.waitScreen("▶ continue", "close() called")

	m.keys("Escape")
	m.waitScreen("DURATION") // the list: the editor shows REQUEST_METHOD and PATH_INFO too
	m.keys("B")
	m.waitScreen("break: next")
	aborted := streamLines(base, "/s")
	m.waitScreen("⏸ 1 held")
	m.keys("A")
	receive(t, aborted, "503 Service Unavailable")
	m.waitScreen("3 requests")
	m.waitOffScreen("⏸ 1 held")
}

// A save while a request is held does not reload under it: the inspector
// says the reload waits, and R releases the request and lets it go ahead.
func TestReloadWaitsInTmux(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	app := filepath.Join(dir, "app.py")
	writeProjectFile(t, app, projectApp("v1"))
	m, base := serveInTmux(t, tmuxServe{dir: dir, ready: "/ready"})
	m.waitScreen("/ready", "1 request")
	m.keys("B")
	m.waitScreen("break: next")
	held := streamLines(base, "/held")
	m.waitScreen("⏸ 1 held")

	writeProjectFile(t, app, projectApp("v2"))
	m.waitScreen("reload waits (R releases)")
	nothingYet(t, held, "held while a reload waits")
	m.keys("R")
	receive(t, held, "200 OK")
	receive(t, held, "v1")
	m.waitScreen("reloaded in")
	m.waitOffScreen("reload waits")
	after := streamLines(base, "/")
	receive(t, after, "200 OK")
	receive(t, after, "v2")
}

// streamLines requests path and passes on what the client sees: the status
// line, then each line of the body as it arrives, then "EOF".
func streamLines(base, path string) <-chan string {
	out := make(chan string, 8)
	go func() {
		defer close(out)
		resp, err := http.Get(base + path)
		if err != nil {
			out <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		out <- resp.Status
		r := bufio.NewReader(resp.Body)
		for {
			line, err := r.ReadString('\n')
			if line != "" {
				out <- strings.TrimSuffix(line, "\n")
			}
			if err == io.EOF {
				out <- "EOF"
				return
			}
			if err != nil {
				out <- "error: " + err.Error()
				return
			}
		}
	}()
	return out
}

func receive(t *testing.T, c <-chan string, want string) {
	t.Helper()
	select {
	case got := <-c:
		if got != want {
			t.Fatalf("the client saw %q, want %q", got, want)
		}
	case <-time.After(startTimeout):
		t.Fatalf("the client never saw %q", want)
	}
}

// nothingYet checks the client has seen nothing more: the request is held
// at a step, so nothing more can have been sent.
func nothingYet(t *testing.T, c <-chan string, when string) {
	t.Helper()
	select {
	case got := <-c:
		t.Fatalf("%s, the client already saw %q", when, got)
	default:
	}
}
