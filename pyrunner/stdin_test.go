package pyrunner

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pdbApp stops in pdb on every request: the user steps over one line, then
// continues, and the answer shows the step ran.
const pdbApp = `def application(environ, start_response):
    seen = []
    breakpoint()
    seen.append("stepped")
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [",".join(seen).encode()]
`

// startPdbCall runs pdbApp and makes one call to it.
func startPdbCall(t *testing.T) (context.Context, *Call) {
	t.Helper()
	app := filepath.Join(t.TempDir(), "app.py")
	writeFile(t, app, pdbApp)
	r := startRunner(t, AppSpec{File: app})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	call, err := r.Call(ctx, CallRequest{Environ: []string{"REQUEST_METHOD", "GET", "PATH_INFO", "/"}})
	if err != nil {
		t.Fatal(err)
	}
	return ctx, call
}

// TestPdbInACall drives a real pdb session through the protocol: the prompt
// arrives as the call's stdout, EventInput asks for each command.
func TestPdbInACall(t *testing.T) {
	ctx, call := startPdbCall(t)
	commands := []string{"n", "p seen", "c"}
	var out, body strings.Builder
	for {
		ev, err := call.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch ev.Kind {
		case EventLog:
			out.WriteString(ev.Text)
		case EventInput:
			if len(commands) == 0 {
				t.Fatalf("pdb asked for more input than the session has; it printed:\n%s", out.String())
			}
			call.Input(commands[0], false)
			commands = commands[1:]
		case EventChunk:
			body.Write(ev.Data)
		}
		if ev.Kind == EventDone {
			if ev.Failure != nil {
				t.Fatalf("call failed: %+v\npdb printed:\n%s", ev.Failure, out.String())
			}
			break
		}
	}
	if len(commands) != 0 {
		t.Errorf("pdb finished without asking for %q", commands)
	}
	if body.String() != "stepped" {
		t.Errorf("body %q, want %q", body.String(), "stepped")
	}
	for _, want := range []string{"(Pdb) ", "seen.append", "['stepped']"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("pdb output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestStdinEOFEndsPdb: ending sys.stdin makes pdb quit, which fails the
// call as an exception instead of hanging it.
func TestStdinEOFEndsPdb(t *testing.T) {
	ctx, call := startPdbCall(t)
	for {
		ev, err := call.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == EventInput {
			call.Input("", true)
		}
		if ev.Kind == EventDone {
			if ev.Failure == nil || !strings.Contains(ev.Failure.Message, "BdbQuit") {
				t.Fatalf("want the call failed by BdbQuit, got %+v", ev.Failure)
			}
			return
		}
	}
}

// TestInputAtImport: an app reading stdin while it is imported asks through
// OnInput, and Runner.Input answers.
func TestInputAtImport(t *testing.T) {
	dir := t.TempDir()
	app := filepath.Join(dir, "app.py")
	writeFile(t, app, `NAME = input("name? ")

def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [NAME.encode()]
`)
	asked := make(chan struct{}, 1)
	r := startRunnerWith(t, Config{Spec: AppSpec{File: app}, Dir: dir, OnInput: func() { asked <- struct{}{} }})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	select {
	case <-asked:
	case <-ctx.Done():
		t.Fatal("the app's input() never asked")
	}
	r.Input("ada", false)
	if _, err := r.Loaded(ctx); err != nil {
		t.Fatal(err)
	}
	if body, err := callBody(t, r, "/"); body != "ada" {
		t.Fatalf("body %q, %v; want the line typed at import", body, err)
	}
}
