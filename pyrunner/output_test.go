package pyrunner

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// printsApp prints as apps do: print() with several arguments (each
// argument, each space and the newline a write of their own), a write
// holding two lines and the start of a third, and a line that never ends.
const printsApp = `import sys

def application(environ, start_response):
    errors = environ["wsgi.errors"]
    print("got form", {"name": "x"}, file=errors)
    print("a", "b")
    sys.stdout.write("no newline")
    errors.write("one\ntwo\nthr")
    errors.write("ee\n")
    print("flushed", end="", file=errors, flush=True)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
`

// One write of the app is one entry, and lines are split only at
// newlines: the writes print() makes are joined into its line, a line
// still open is sent when the app flushes it or when the call ends.
func TestOutputIsJoinedIntoLines(t *testing.T) {
	app := filepath.Join(t.TempDir(), "app.py")
	writeFile(t, app, printsApp)
	r := startRunner(t, AppSpec{File: app})
	call, err := r.Call(context.Background(), CallRequest{Environ: []string{"REQUEST_METHOD", "GET", "PATH_INFO", "/"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range collect(t, call) {
		if ev.Kind == EventLog {
			got = append(got, string(ev.Stream)+":"+ev.Text)
		}
	}
	want := []string{
		"e:got form {'name': 'x'}\n",
		"o:a b\n",
		"e:one\ntwo\n",
		"e:three\n",
		"e:flushed",
		"o:no newline",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("log entries\n got %q\nwant %q", got, want)
	}
}

// A line longer than a frame's share goes out in pieces as it grows,
// never held whole in the child.
func TestOutputLongLineInPieces(t *testing.T) {
	app := filepath.Join(t.TempDir(), "app.py")
	writeFile(t, app, `import sys

def application(environ, start_response):
    for _ in range(5):
        sys.stdout.write("x" * 100000)
    start_response("200 OK", [])
    return []
`)
	r := startRunner(t, AppSpec{File: app})
	call, err := r.Call(context.Background(), CallRequest{Environ: []string{"REQUEST_METHOD", "GET", "PATH_INFO", "/"}})
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	total := 0
	for _, ev := range collect(t, call) {
		if ev.Kind == EventLog {
			sizes = append(sizes, len(ev.Text))
			total += len(ev.Text)
		}
	}
	if total != 500000 || len(sizes) < 2 {
		t.Errorf("pieces %v (%d bytes); want 500000 bytes in more than one piece", sizes, total)
	}
	const maxLogChars = 1 << 18 // MAX_LOG_CHARS in _wsgidev_wire.py
	for _, n := range sizes {
		if n > maxLogChars {
			t.Errorf("a piece of %d characters, more than %d", n, maxLogChars)
		}
	}
}
