package devserver_test

// The session's rules, on a real Python child: a reload waits for held
// requests and goes ahead once they are released, whichever way; the
// console gives typed lines to the app that reads stdin and runs the
// others as commands.

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// versionApp answers every request with its version; /ask answers with
// the line it read from stdin, /slow only after a minute.
const versionApp = `import sys, time

VERSION = "%s"

def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/ask":
        body = "got %%r" %% sys.stdin.readline()
    elif path == "/slow":
        time.sleep(60)
        body = "slept"
    else:
        body = VERSION
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode()]
`

func appVersion(v string) string { return fmt.Sprintf(versionApp, v) }

func mustBreak(t *testing.T, expr string) []devserver.Breakpoint {
	t.Helper()
	b, err := devserver.ParseBreakpoint(expr)
	if err != nil {
		t.Fatal(err)
	}
	return []devserver.Breakpoint{b}
}

// A save while a request is held does not reload under it: the reload
// waits, the held request runs on the code it was held with once
// released, and the reload follows with the files that changed.
func TestReloadWaitsForHeldRequests(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		inspector bool
		release   func(ts *testSession, id uint64, typing io.Writer)
		answer    string // the start of what the held request gets
		says      string // what the session says when it lets go
	}{
		{"continued", true, func(ts *testSession, id uint64, _ io.Writer) { ts.Control().Continue(id) }, "v1", ""},
		{"aborted", true, func(ts *testSession, id uint64, _ io.Writer) { ts.Control().Abort(id) }, "503", ""},
		{"R pressed again", true, func(ts *testSession, _ uint64, _ io.Writer) { ts.Control().Reload() },
			"v1", "R: released 1 request held in the debugger, for the reload"},
		{"c typed on the console", false, func(_ *testSession, _ uint64, typing io.Writer) { io.WriteString(typing, "c\n") },
			"v1", "c⏎: released 1 request held in the debugger"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			typed, typing := io.Pipe()
			t.Cleanup(func() { typing.Close() })
			cfg := devserver.SessionConfig{Inspector: tt.inspector, Breaks: mustBreak(t, "GET /held")}
			if !tt.inspector {
				cfg.Terminal = typed
			}
			ts := startSession(t, appVersion("v1"), cfg)
			held := ts.fetch("/held")
			id := ts.held(exchange.HeldBeforeApp)
			writeApp(t, ts.dir, appVersion("v2"))
			ts.Changed([]string{filepath.Join(ts.dir, "app.py")})
			ts.notice("reload waits: 1 request held in the debugger — continue or abort it")
			if !ts.Control().ReloadWaits() {
				t.Error("ReloadWaits is false while a reload waits")
			}
			if body := ts.text("/"); body != "v1" {
				t.Fatalf("a request no breakpoint holds got %q while the reload waits; want v1, the old code", body)
			}
			tt.release(ts, id, typing)
			if tt.says != "" {
				ts.notice(tt.says)
			}
			if got := answer(t, held); !strings.HasPrefix(got, tt.answer) {
				t.Errorf("the held request got %q, want %s…", got, tt.answer)
			}
			ts.notice("reload goes ahead: no request is held any more")
			if r := ts.reloaded(); !slices.Equal(r.Files, []string{filepath.Join(ts.dir, "app.py")}) {
				t.Errorf("the reload reports the files %q, want the one saved", r.Files)
			}
			if body := ts.text("/"); body != "v2" {
				t.Errorf("after the reload: %q, want v2", body)
			}
		})
	}
}

// Headless on a terminal, a line goes to the app that reads stdin, and
// is a command when none does.
func TestConsoleTakesLinesAndCommands(t *testing.T) {
	t.Parallel()
	typed, typing := io.Pipe()
	t.Cleanup(func() { typing.Close() })
	ts := startSession(t, appVersion("v1"), devserver.SessionConfig{Terminal: typed})
	typeLine := func(line string) {
		t.Helper()
		if _, err := io.WriteString(typing, line); err != nil {
			t.Fatal(err)
		}
	}
	typeLine("?\n")
	ts.notice("commands (when no app reads stdin): r⏎ reload the app")
	typeLine("bogus\n")
	ts.notice(`no command "bogus"; commands`)

	asked := func() {
		t.Helper()
		ts.next("a read of stdin", func(u exchange.Update) bool { return u.Event != nil && u.Event.Event.Kind == exchange.EventInput })
	}
	got := ts.fetch("/ask")
	asked()
	typeLine("r\n") // the app reads: the line is its, not a reload
	if body := answer(t, got); body != `got 'r\n'` {
		t.Errorf("the app read %s, want the line typed", body)
	}

	writeApp(t, ts.dir, appVersion("v2"))
	typeLine("r\n")
	if r := ts.reloaded(); len(r.Files) != 0 {
		t.Errorf("r⏎ reloaded for the files %q; want a manual reload", r.Files)
	}
	if body := ts.text("/"); body != "v2" {
		t.Errorf("after r⏎: %q, want v2", body)
	}

	got = ts.fetch("/ask")
	asked()
	typing.Close() // Ctrl-D: the end of input
	if body := answer(t, got); body != `got ''` {
		t.Errorf("after the end of input the app read %s, want ''", body)
	}
}
