package devserver_test

// A session's Control against a real server and Python child: the same
// calls the inspector's stepping keys and pdb console make.

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// stepApp streams two chunks that name the PATH_INFO and X-Debug header it
// saw, notes close() in $CLOSE_LOG, and stops in pdb on /pdb.
const stepApp = `import os

spin = [True]

class Body:
    def __init__(self, environ):
        self.environ, self.n = environ, 0
    def __iter__(self):
        return self
    def __next__(self):
        self.n += 1
        if self.n > 2:
            raise StopIteration
        return ("chunk%d %s %s\n" % (self.n, self.environ["PATH_INFO"], self.environ.get("HTTP_X_DEBUG", "-"))).encode()
    def close(self):
        with open(os.environ["CLOSE_LOG"], "a") as f:
            f.write(self.environ["PATH_INFO"] + "\n")

def application(environ, start_response):
    if environ["PATH_INFO"] == "/spin":
        breakpoint()
        print("spinning")
        while spin[0]:
            pass
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"stopped"]
    if environ["PATH_INFO"] == "/pdb":
        seen = []
        breakpoint()
        seen.append("stepped")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [",".join(seen).encode()]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return Body(environ)
`

// debugSession serves stepApp; close() calls are logged in closeLog.
type debugSession struct {
	*testSession
	ctl      *devserver.Control
	closeLog string
}

func startDebugSession(t *testing.T) *debugSession {
	t.Helper()
	closeLog := filepath.Join(t.TempDir(), "closed.log")
	ts := startSession(t, stepApp, devserver.SessionConfig{Inspector: true}, "CLOSE_LOG="+closeLog)
	return &debugSession{testSession: ts, ctl: ts.Control(), closeLog: closeLog}
}

// The client's side of stepping, a chunk at a time, is the debugger's
// (debugger_test.go TestStepsReachTheClientOneAtATime); these check that
// each call reaches the debugger.

func TestControlStepsAHeldRequest(t *testing.T) {
	t.Parallel()
	cs := startDebugSession(t)
	if err := cs.ctl.Break("next"); err != nil {
		t.Fatal(err)
	}
	if got := cs.ctl.Breaks(); len(got) != 1 || got[0] != "next" {
		t.Fatalf("breaks %q, want [next]", got)
	}
	client := cs.fetch("/orig")
	id := cs.held(exchange.HeldBeforeApp)
	if got := cs.ctl.Breaks(); len(got) != 0 {
		t.Errorf("breaks %q after the next request was held, want none", got)
	}

	if err := cs.ctl.EditEnviron(id, "PATH_INFO", "/edited", false); err != nil {
		t.Fatal(err)
	}
	if err := cs.ctl.EditEnviron(id, "HTTP_X_DEBUG", "1", false); err != nil {
		t.Fatal(err)
	}
	if err := cs.ctl.EditEnviron(id, "HTTP_X_DEBUG", "", true); err != nil {
		t.Fatal(err)
	}
	if err := cs.ctl.EditEnviron(id, "HTTP_X_DEBUG", "2", false); err != nil {
		t.Fatal(err)
	}
	err := cs.ctl.EditEnviron(id, "wsgi.input", "x", false)
	if err == nil || !strings.Contains(err.Error(), "wsgi.* keys are objects") {
		t.Fatalf("editing wsgi.input: %v; want it refused", err)
	}

	if err := cs.ctl.Step(id); err != nil {
		t.Fatal(err)
	}
	cs.held(exchange.HeldAfterStart)
	if err := cs.ctl.Step(id); err != nil {
		t.Fatal(err)
	}
	cs.held(exchange.HeldBeforeChunk + " 1")
	if err := cs.ctl.Step(id); err != nil {
		t.Fatal(err)
	}
	cs.held(exchange.HeldBeforeChunk + " 2")
	if err := cs.ctl.Continue(id); err != nil {
		t.Fatal(err)
	}
	if got := answer(t, client); got != "chunk1 /edited 2\nchunk2 /edited 2\n" {
		t.Errorf("the client got %q, want both chunks of the edited request", got)
	}

	ex := cs.done(id)
	var ops []string
	for _, e := range ex.EnvironEdits {
		ops = append(ops, e.Op+" "+e.Key)
	}
	if got := strings.Join(ops, ", "); got != "change PATH_INFO, add HTTP_X_DEBUG, delete HTTP_X_DEBUG, add HTTP_X_DEBUG" {
		t.Errorf("the exchange records the edits %q", got)
	}
	if err := cs.ctl.Step(id); err == nil {
		t.Error("a finished request could still be stepped")
	}
}

func TestControlAbortsAHeldRequest(t *testing.T) {
	t.Parallel()
	cs := startDebugSession(t)
	if err := cs.ctl.Break("GET /abort"); err != nil {
		t.Fatal(err)
	}
	if err := cs.ctl.Break("status:5xx"); err == nil { // no status before the app runs
		t.Error("a bad breakpoint was taken")
	}
	client := cs.fetch("/abort")
	id := cs.held(exchange.HeldBeforeApp)
	cs.ctl.Step(id)
	cs.held(exchange.HeldAfterStart)
	cs.ctl.Step(id)
	cs.held(exchange.HeldBeforeChunk + " 1")
	if err := cs.ctl.Abort(id); err != nil {
		t.Fatal(err)
	}
	if got := answer(t, client); got != "503 Service Unavailable" {
		t.Errorf("the client got %q, want 503", got)
	}
	ex := cs.done(id)
	if ex.Status != http.StatusServiceUnavailable || ex.Failure == nil || !strings.Contains(ex.Failure.Message, "aborted in the debugger") {
		t.Errorf("the exchange: status %d, failure %+v", ex.Status, ex.Failure)
	}
	closed, _ := os.ReadFile(cs.closeLog)
	if string(closed) != "/abort\n" {
		t.Errorf("close() log %q; want the aborted request's iterable closed", closed)
	}
	cs.ctl.ClearBreaks()
	resp, err := http.Get(cs.BaseURL() + "/abort")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after the breakpoints were cleared: %s", resp.Status)
	}
}

// The pdb console's calls: each prompt is an input event; the lines sent
// drive pdb, and the request finishes. The exchange keeps the lines typed
// where pdb read them, so its transcript reads as on a terminal.
func TestControlAnswersPdb(t *testing.T) {
	t.Parallel()
	cs := startDebugSession(t)
	client := cs.fetch("/pdb")
	var transcript strings.Builder
	prompt := func() uint64 {
		u := cs.next("pdb's prompt", func(u exchange.Update) bool {
			if e := u.Event; e != nil && e.Event.Kind == exchange.EventLog && (e.Event.Stream == "stdout" || e.Event.Stream == "stdin") {
				transcript.WriteString(u.Event.Event.Text)
			}
			return u.Event != nil && u.Event.Event.Kind == exchange.EventInput
		})
		return u.Event.ID
	}
	id := prompt()
	if err := cs.ctl.Input(id, "n\n", false); err != nil {
		t.Fatal(err)
	}
	prompt()
	if err := cs.ctl.Input(id, "p seen\n", false); err != nil {
		t.Fatal(err)
	}
	prompt()
	if !strings.Contains(transcript.String(), "(Pdb) n\n") || !strings.Contains(transcript.String(), "(Pdb) p seen\n['stepped']\n") {
		t.Fatalf("pdb's output:\n%s", transcript.String())
	}
	if err := cs.ctl.Input(id, "c\n", false); err != nil {
		t.Fatal(err)
	}
	if got := answer(t, client); got != "stepped" {
		t.Errorf("the client got %q after c", got)
	}
	cs.done(id)
	if err := cs.ctl.Input(id, "c\n", false); err == nil {
		t.Error("a finished request took a line")
	}
}

// ctrl+c in the pdb console: refused at pdb's prompt (nothing runs);
// while the app runs on after "c", it stops the app in that request
// only: pdb's prompt comes back (Python 3.12 and later) or the request
// fails with KeyboardInterrupt, and the server answers on.
func TestControlInterruptsPdb(t *testing.T) {
	t.Parallel()
	cs := startDebugSession(t)
	client := cs.fetch("/spin")
	isInput := func(u exchange.Update) bool { return u.Event != nil && u.Event.Event.Kind == exchange.EventInput }
	id := cs.next("pdb's prompt", isInput).Event.ID
	if err := cs.ctl.Interrupt(id); !errors.Is(err, devserver.ErrAtPrompt) {
		t.Fatalf("interrupt at the prompt: %v, want ErrAtPrompt", err)
	}
	must(t, cs.ctl.Input(id, "c\n", false))
	cs.next("the app spinning", func(u exchange.Update) bool {
		return u.Event != nil && u.Event.Event.Kind == exchange.EventLog && u.Event.Event.Text == "spinning\n"
	})
	must(t, cs.ctl.Interrupt(id))
	u := cs.next("pdb's prompt or the end", func(u exchange.Update) bool { return isInput(u) || u.Done != nil })
	if u.Done != nil {
		if f := u.Done.Failure; f == nil || !strings.Contains(f.Message, "KeyboardInterrupt") {
			t.Fatalf("failure %+v, want KeyboardInterrupt", f)
		}
	} else {
		must(t, cs.ctl.Input(id, "!spin[0] = False\n", false))
		cs.next("pdb's prompt", isInput)
		must(t, cs.ctl.Input(id, "c\n", false))
		if got := answer(t, client); got != "stopped" {
			t.Errorf("after the interrupt and c: %q", got)
		}
	}
	resp, err := http.Get(cs.BaseURL() + "/other")
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after the interrupt the server answered %s", resp.Status)
	}
}

// Shutting down while a request waits in pdb gives pdb the end of input:
// nobody is left to type, so pdb quits, the request ends with its
// traceback, and the shutdown does not wait out its grace.
func TestShutdownEndsAPdbSession(t *testing.T) {
	t.Parallel()
	cs := startDebugSession(t)
	client := cs.fetch("/pdb")
	cs.next("pdb's prompt", func(u exchange.Update) bool {
		return u.Event != nil && u.Event.Event.Kind == exchange.EventInput
	})
	if err := cs.Stop(); err != nil {
		t.Fatalf("shutdown with pdb waiting: %v", err)
	}
	if got := answer(t, client); got != "500 Internal Server Error" {
		t.Errorf("the client got %q, want pdb's BdbQuit as a 500", got)
	}
}
