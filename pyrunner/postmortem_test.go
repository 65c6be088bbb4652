package pyrunner

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// failingApp raises with a local in its innermost frame, one frame below
// the app's callable, whose own local the caller's frame shows.
const failingApp = `import os

def handler(n):
    marker = 'post-mortem-4711'
    raise ValueError("failure %s" % n)

def body():
    yield b"part"
    marker = 'post-mortem-4711'
    raise ValueError("failure in the iterable")

class Closing(list):
    def close(self):
        marker = 'post-mortem-4711'
        raise ValueError("failure in close()")

def application(environ, start_response):
    caller_local = 'caller-' + environ["PATH_INFO"]
    if environ["PATH_INFO"] == "/crash":
        os._exit(3)
    if environ["PATH_INFO"] == "/iterable":
        start_response("200 OK", [])
        return body()
    if environ["PATH_INFO"] == "/bad-status":
        start_response("200", [])  # wsgidev's start_response raises: no reason phrase
    if environ["PATH_INFO"] == "/close":
        start_response("200 OK", [])
        return Closing([b"ok"])
    return handler(environ["PATH_INFO"])
`

// startFailing runs failingApp keeping keep failures.
func startFailing(t *testing.T, keep int) *Runner {
	t.Helper()
	app := filepath.Join(t.TempDir(), "app.py")
	writeFile(t, app, failingApp)
	return startRunnerWith(t, Config{Spec: AppSpec{File: app}, Dir: "testdata", KeepFailures: keep})
}

// fail makes one call that raises, and returns it once done.
func fail(t *testing.T, r *Runner, path string) *Call {
	t.Helper()
	call, err := r.Call(context.Background(), CallRequest{Environ: []string{"REQUEST_METHOD", "GET", "PATH_INFO", path}})
	if err != nil {
		t.Fatal(err)
	}
	evs := collect(t, call)
	if f := evs[len(evs)-1].Failure; f == nil || (f.Kind != FailException && f.Kind != FailWSGI) {
		t.Fatalf("the call did not fail with an exception: %+v", evs[len(evs)-1])
	}
	return call
}

// postMortem runs a post-mortem session on call with commands, and returns
// what pdb printed and how the session ended.
func postMortem(t *testing.T, r *Runner, call *Call, commands ...string) (string, *Failure) {
	t.Helper()
	session, err := r.PostMortem(call)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out strings.Builder
	for {
		ev, err := session.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch ev.Kind {
		case EventLog:
			out.WriteString(ev.Text)
		case EventInput:
			if len(commands) == 0 {
				session.Input("", true) // ctrl+d
				continue
			}
			out.WriteString(commands[0] + "\n")
			session.Input(commands[0], false)
			commands = commands[1:]
		case EventDone:
			return out.String(), ev.Failure
		}
	}
}

func TestPostMortemShowsTheFramesLocals(t *testing.T) {
	r := startFailing(t, 10)
	call := fail(t, r, "/one")
	out, f := postMortem(t, r, call, "p marker", "up", "p caller_local", "where", "q")
	if f != nil {
		t.Fatalf("the session failed: %+v\n%s", f, out)
	}
	for _, want := range []string{"ValueError: failure /one", "'post-mortem-4711'", "'caller-/one'", "application()"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdb's output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "run_call") {
		t.Errorf("pdb shows wsgidev's own frames:\n%s", out)
	}
	// q freed the frames: a second session says so.
	_, f = postMortem(t, r, call)
	if f == nil || f.Kind != FailNotKept || !strings.Contains(f.Message, "closed") {
		t.Errorf("a second session on a closed one: %+v, want not-kept saying it was closed", f)
	}
}

// A failure after start_response, in the iterable or in close(), is kept too.
func TestPostMortemOfTheBodyAndClose(t *testing.T) {
	r := startFailing(t, 10)
	for _, path := range []string{"/iterable", "/close"} {
		if out, f := postMortem(t, r, fail(t, r, path), "p marker"); f != nil || !strings.Contains(out, "post-mortem-4711") {
			t.Errorf("%s: %+v\n%s", path, f, out)
		}
	}
}

// A WSGI rule broken in wsgidev's start_response opens at the app's frame
// that called it: wsgidev's own frames are left out of the session.
func TestPostMortemLeavesOutWsgidevsFrames(t *testing.T) {
	r := startFailing(t, 10)
	out, f := postMortem(t, r, fail(t, r, "/bad-status"), "where", "p caller_local")
	if f != nil || !strings.Contains(out, "'caller-/bad-status'") || strings.Contains(out, "_wsgidev") {
		t.Errorf("%+v\n%s", f, out)
	}
}

func TestPostMortemBoundDropsTheOldest(t *testing.T) {
	r := startFailing(t, 2)
	first, second, third := fail(t, r, "/1"), fail(t, r, "/2"), fail(t, r, "/3")
	_, f := postMortem(t, r, first)
	if f == nil || f.Kind != FailNotKept || !strings.Contains(f.Message, "dropped") || !strings.Contains(f.Message, "--keep-failures 2") {
		t.Errorf("the first of three with a bound of 2: %+v, want not-kept saying it was dropped", f)
	}
	for _, call := range []*Call{second, third} {
		if out, f := postMortem(t, r, call, "p marker"); f != nil || !strings.Contains(out, "post-mortem-4711") {
			t.Errorf("a kept failure: %+v\n%s", f, out)
		}
	}
}

func TestPostMortemOffKeepsNothing(t *testing.T) {
	r := startFailing(t, 0)
	_, f := postMortem(t, r, fail(t, r, "/1"))
	if f == nil || f.Kind != FailNotKept || !strings.Contains(f.Message, "--keep-failures is 0") {
		t.Errorf("with --keep-failures 0: %+v", f)
	}
}

func TestPostMortemAfterReload(t *testing.T) {
	r := startFailing(t, 10)
	call := fail(t, r, "/1")
	done := make(chan struct{})
	if err := r.Reload(nil, time.Second, func(Reload) { close(done) }); err != nil {
		t.Fatal(err)
	}
	<-done
	if _, err := r.PostMortem(call); !errors.Is(err, ErrReloaded) {
		t.Errorf("after a reload: %v, want ErrReloaded", err)
	}
}

func TestPostMortemAfterACrash(t *testing.T) {
	r := startFailing(t, 10)
	call := fail(t, r, "/1")
	crash, err := r.Call(context.Background(), CallRequest{Environ: []string{"REQUEST_METHOD", "GET", "PATH_INFO", "/crash"}})
	if err != nil {
		t.Fatal(err)
	}
	if evs := collect(t, crash); evs[len(evs)-1].Failure == nil || evs[len(evs)-1].Failure.Kind != FailChildExit {
		t.Fatalf("the crash: %+v", evs[len(evs)-1])
	}
	_, err = r.PostMortem(call)
	if err == nil || errors.Is(err, ErrReloaded) || !strings.Contains(err.Error(), "is gone") {
		t.Errorf("after the child crashed: %v, want one saying its process is gone", err)
	}
}

// TestReloadClosesAnOpenPostMortem: a session waiting for a line is
// closed by a reload, which does not wait for it.
func TestReloadClosesAnOpenPostMortem(t *testing.T) {
	r := startFailing(t, 10)
	session, err := r.PostMortem(fail(t, r, "/1"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for ev, _ := session.Next(ctx); ev.Kind != EventInput; ev, _ = session.Next(ctx) {
		if ev.Kind == EventDone {
			t.Fatalf("the session ended before its prompt: %+v", ev.Failure)
		}
	}
	if err := r.Reload(nil, 0, nil); err != nil { // no grace: the child may exit before it answers
		t.Fatal(err)
	}
	for {
		ev, err := session.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == EventDone {
			if ev.Failure == nil || ev.Failure.Kind != FailCancelled {
				t.Errorf("a reload ended the session with %+v, want cancelled", ev.Failure)
			}
			return
		}
	}
}
