package main

// The inspector's control against a real server and Python child: the
// same calls the stepping keys and the pdb console make.

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// stepApp streams two chunks that name the PATH_INFO and X-Debug header it
// saw, notes close() in $CLOSE_LOG, and stops in pdb on /pdb.
const stepApp = `import os

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
    if environ["PATH_INFO"] == "/pdb":
        seen = []
        breakpoint()
        seen.append("stepped")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [",".join(seen).encode()]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return Body(environ)
`

// debugServer is a server on a real child, with the inspector's control
// and a subscription that sees what the inspector would.
type debugServer struct {
	t        *testing.T
	ctl      *control
	sub      *exchange.Subscription
	base     string
	closeLog string
	pending  []exchange.Update
}

func startDebugServer(t *testing.T) *debugServer {
	t.Helper()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), stepApp)
	cs := &debugServer{t: t, closeLog: filepath.Join(dir, "closed.log")}
	cs.ctl = serveControl(t, dir, "CLOSE_LOG="+cs.closeLog)
	cs.sub = cs.ctl.hub.Subscribe()
	cs.base = cs.ctl.base
	return cs
}

// next returns the first update that match accepts, skipping others.
func (cs *debugServer) next(what string, match func(exchange.Update) bool) exchange.Update {
	cs.t.Helper()
	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	for {
		for len(cs.pending) > 0 {
			u := cs.pending[0]
			cs.pending = cs.pending[1:]
			if match(u) {
				return u
			}
		}
		select {
		case <-cs.sub.Wake():
			cs.pending, _ = cs.sub.Drain()
		case <-deadline.C:
			cs.t.Fatalf("never saw %s", what)
		}
	}
}

// held waits until a request is held at pos and returns its ID.
func (cs *debugServer) held(pos string) uint64 {
	cs.t.Helper()
	u := cs.next("a request held at "+pos, func(u exchange.Update) bool {
		return u.Event != nil && u.Event.Event.Kind == exchange.EventHeld && u.Event.Event.Text == pos
	})
	return u.Event.ID
}

func (cs *debugServer) done(id uint64) *exchange.Exchange {
	cs.t.Helper()
	return cs.next("the request's end", func(u exchange.Update) bool { return u.Done != nil && u.Done.ID == id }).Done
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

func TestControlStepsAHeldRequest(t *testing.T) {
	t.Parallel()
	cs := startDebugServer(t)
	if err := cs.ctl.Break("next"); err != nil {
		t.Fatal(err)
	}
	if got := cs.ctl.Breaks(); len(got) != 1 || got[0] != "next" {
		t.Fatalf("breaks %q, want [next]", got)
	}
	client := streamLines(cs.base, "/orig")
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
	nothingYet(t, client, "held after start_response")
	if err := cs.ctl.Step(id); err != nil {
		t.Fatal(err)
	}
	cs.held(exchange.HeldBeforeChunk + " 1")
	nothingYet(t, client, "held before chunk 1")
	if err := cs.ctl.Step(id); err != nil {
		t.Fatal(err)
	}
	cs.held(exchange.HeldBeforeChunk + " 2")
	receive(t, client, "200 OK")
	receive(t, client, "chunk1 /edited 2")
	nothingYet(t, client, "held before chunk 2")
	if err := cs.ctl.Continue(id); err != nil {
		t.Fatal(err)
	}
	receive(t, client, "chunk2 /edited 2")
	receive(t, client, "EOF")

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
	cs := startDebugServer(t)
	if err := cs.ctl.Break("GET /abort"); err != nil {
		t.Fatal(err)
	}
	if err := cs.ctl.Break("status:5xx"); err == nil { // no status before the app runs
		t.Error("a bad breakpoint was taken")
	}
	client := streamLines(cs.base, "/abort")
	id := cs.held(exchange.HeldBeforeApp)
	cs.ctl.Step(id)
	cs.held(exchange.HeldAfterStart)
	cs.ctl.Step(id)
	cs.held(exchange.HeldBeforeChunk + " 1")
	if err := cs.ctl.Abort(id); err != nil {
		t.Fatal(err)
	}
	receive(t, client, "503 Service Unavailable")
	ex := cs.done(id)
	if ex.Status != http.StatusServiceUnavailable || ex.Failure == nil || !strings.Contains(ex.Failure.Message, "aborted in the debugger") {
		t.Errorf("the exchange: status %d, failure %+v", ex.Status, ex.Failure)
	}
	closed, _ := os.ReadFile(cs.closeLog)
	if string(closed) != "/abort\n" {
		t.Errorf("close() log %q; want the aborted request's iterable closed", closed)
	}
	cs.ctl.ClearBreaks()
	resp, err := http.Get(cs.base + "/abort")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after the breakpoints were cleared: %s", resp.Status)
	}
}

// The pdb console's calls: each prompt is an input event; the lines sent
// drive pdb, and the request finishes.
func TestControlAnswersPdb(t *testing.T) {
	t.Parallel()
	cs := startDebugServer(t)
	client := streamLines(cs.base, "/pdb")
	var transcript strings.Builder
	prompt := func() uint64 {
		u := cs.next("pdb's prompt", func(u exchange.Update) bool {
			if u.Event != nil && u.Event.Event.Kind == exchange.EventLog && u.Event.Event.Stream == "stdout" {
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
	if !strings.Contains(transcript.String(), "(Pdb) ") || !strings.Contains(transcript.String(), "['stepped']") {
		t.Fatalf("pdb's output:\n%s", transcript.String())
	}
	if err := cs.ctl.Input(id, "c\n", false); err != nil {
		t.Fatal(err)
	}
	receive(t, client, "200 OK")
	receive(t, client, "stepped")
	receive(t, client, "EOF")
	cs.done(id)
	if err := cs.ctl.Input(id, "c\n", false); err == nil {
		t.Error("a finished request took a line")
	}
}

// Shutting down while a request waits in pdb gives pdb the end of input:
// nobody is left to type, so pdb quits, the request ends with its
// traceback, and the shutdown does not wait out its grace.
func TestShutdownEndsAPdbSession(t *testing.T) {
	t.Parallel()
	cs := startDebugServer(t)
	client := streamLines(cs.base, "/pdb")
	cs.next("pdb's prompt", func(u exchange.Update) bool {
		return u.Event != nil && u.Event.Event.Kind == exchange.EventInput
	})
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := cs.ctl.srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown with pdb waiting: %v", err)
	}
	receive(t, client, "500 Internal Server Error")
}
