package pyrunner

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// spinApp stops in pdb, then, once continued, spins until a pdb command
// stops it.
const spinApp = `import sys

spin = [True]

def application(environ, start_response):
    breakpoint()
    print("spinning")
    n = 0
    while spin[0]:
        n += 1
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"stopped"]
`

// Interrupt is Ctrl-C for a request whose app runs on after pdb's "c":
// from Python 3.12 pdb's prompt comes back where the app runs, so the
// session goes on; before, the request fails with KeyboardInterrupt. The
// child serves on either way.
func TestInterruptStopsTheAppInPdb(t *testing.T) {
	for _, v := range []string{"3.8", "3.11", "3.12", "3.13"} {
		t.Run(v, func(t *testing.T) {
			app := filepath.Join(t.TempDir(), "app.py")
			writeFile(t, app, spinApp)
			r := startRunnerWith(t, Config{Python: Python{Path: pyenvPython(t, v)}, Spec: AppSpec{File: app}, Dir: "testdata"})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			call, err := r.Call(ctx, CallRequest{Environ: []string{"REQUEST_METHOD", "GET", "PATH_INFO", "/"}})
			if err != nil {
				t.Fatal(err)
			}
			commands := []string{"c"}
			var out strings.Builder
			var done Event
			interrupted := false
			for done.Kind != EventDone {
				ev, err := call.Next(ctx)
				if err != nil {
					t.Fatalf("%v; the app printed:\n%s", err, out.String())
				}
				switch ev.Kind {
				case EventLog:
					out.WriteString(ev.Text)
					if ev.Text == "spinning\n" {
						call.Interrupt()
					}
				case EventInput:
					if !interrupted && strings.Contains(out.String(), "Program interrupted") {
						interrupted, commands = true, []string{"!spin[0] = False", "c"}
					}
					if len(commands) == 0 {
						t.Fatalf("pdb asked for more; it printed:\n%s", out.String())
					}
					call.Input(commands[0], false)
					commands = commands[1:]
				case EventDone:
					done = ev
				}
			}
			if v == "3.12" || v == "3.13" { // sys.monitoring
				if done.Failure != nil || !strings.Contains(out.String(), "Program interrupted") {
					t.Fatalf("failure %+v; want pdb's prompt back after the interrupt, then a clean end; pdb printed:\n%s", done.Failure, out.String())
				}
			} else if done.Failure == nil || !strings.Contains(done.Failure.Message, "KeyboardInterrupt") {
				t.Fatalf("failure %+v; want KeyboardInterrupt in the request; it printed:\n%s", done.Failure, out.String())
			}
			again, err := r.Call(ctx, CallRequest{Environ: []string{"REQUEST_METHOD", "GET", "PATH_INFO", "/"}})
			if err != nil {
				t.Fatalf("after the interrupt: %v", err)
			}
			again.Cancel() // it stops in pdb again: enough to see the child serve
			collect(t, again)
		})
	}
}
