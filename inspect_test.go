package main

// wsgidev inspect and the inspector's w, run as a user runs them: the real
// binary on a tmux terminal, captures made by serve --capture, and what w
// writes read back by wsgidev export.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// inspectInTmux runs `wsgidev inspect ARGS` in dir on a tmux terminal of
// its own; when it ends, the terminal says "exit=N".
func inspectInTmux(t *testing.T, dir string, args ...string) tmux {
	t.Helper()
	return openTmux(t, fmt.Sprintf("cd %s && env PYTHONDONTWRITEBYTECODE=1 %s inspect %s; echo exit=$?; sleep 600",
		dir, wsgidevBin, strings.Join(args, " ")))
}

// typeText types s as it is, not as key names.
func (m tmux) typeText(s string) { m.run("send-keys", "-t", "tui", "-l", s) }

func TestInspectCaptureInTmux(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	captureTraffic(t, dir)
	m := inspectInTmux(t, dir, "capture.jsonl")
	m.waitScreen("capture.jsonl · 10 requests", "/json?a=1&b=%20x", "/missing", "reload off")

	m.keys("g", "Enter", "4")
	m.waitScreen("#1 GET /json?a=1&b=%20x", "as JSON", `"greeting": "hello",`)
	m.keys("r")
	m.waitScreen("nothing to replay against: wsgidev inspect FILE --app APPSPEC")

	// w: all ten, to a name of our own; the file reads back with export.
	m.keys("Escape")
	m.waitScreen("METHOD")
	m.keys("w")
	m.waitScreen("write #1 to: wsgidev-")
	m.keys("Tab", "C-u")
	m.typeText("saved.jsonl")
	m.waitScreen("write all 10 shown to: saved.jsonl")
	m.keys("Enter")
	m.waitScreen("wrote 10 requests to saved.jsonl")
	saved := filepath.Join(dir, "saved.jsonl")
	if info, err := os.Stat(saved); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("saved.jsonl: %v, %v; want a file readable by its owner alone", info, err)
	}
	p, code := run(t, dir, "export", "--format", "har", "saved.jsonl")
	var har struct {
		Log struct {
			Entries []struct {
				Request struct{ URL string }
			}
		}
	}
	if err := json.Unmarshal([]byte(p.stdout.String()), &har); code != 0 || err != nil || len(har.Log.Entries) != 10 {
		t.Fatalf("export of what w wrote exited %d (%v), %d entries\n%s", code, err, len(har.Log.Entries), p.dump())
	}

	// A name taken is replaced only when asked.
	m.keys("w", "C-u")
	m.typeText("saved.jsonl")
	m.keys("Enter")
	m.waitScreen("saved.jsonl exists: y replaces it, any other key keeps it")
	m.keys("n", "Escape")
	m.waitScreen("10 requests · ")
	if p, _ := run(t, dir, "export", "--format", "curl", "saved.jsonl"); !strings.Contains(p.stdout.String(), "# 10 requests from saved.jsonl") {
		t.Errorf("the file kept is not the one written:\n%s", p.dump())
	}
	m.keys("q")
	m.waitScreen("exit=0")
}

// A browser's HAR (no wsgidev fields, no numbers) and one export wrote
// both open, every entry numbered.
func TestInspectHARInTmux(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	path := captureTraffic(t, dir)
	if p, code := run(t, dir, "export", "--format", "har", path, "-o", "export.har"); code != 0 {
		t.Fatalf("export exited %d\n%s", code, p.dump())
	}
	browser := `{"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "120"}, "entries": [
  {"startedDateTime": "2026-01-02T10:00:00.000Z", "time": 12,
   "request": {"method": "GET", "url": "http://example.test/page", "httpVersion": "HTTP/1.1", "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
   "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [{"name": "Content-Type", "value": "text/html"}], "cookies": [],
                "content": {"size": 31, "mimeType": "text/html", "text": "<html><body><p>hi</p></body></html>"}, "redirectURL": "", "headersSize": -1, "bodySize": 31},
   "cache": {}, "timings": {"send": 0, "wait": 12, "receive": 0}},
  {"startedDateTime": "2026-01-02T10:00:01.000Z", "time": 5,
   "request": {"method": "POST", "url": "http://example.test/api", "httpVersion": "HTTP/1.1", "headers": [{"name": "Content-Type", "value": "application/json"}], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 9,
               "postData": {"mimeType": "application/json", "text": "{\"a\": 1}"}},
   "response": {"status": 201, "statusText": "Created", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [],
                "content": {"size": 0, "mimeType": "text/plain"}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
   "cache": {}, "timings": {"send": 0, "wait": 5, "receive": 0}}]}}`
	if err := os.WriteFile(filepath.Join(dir, "browser.har"), []byte(browser), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("browser", func(t *testing.T) {
		m := inspectInTmux(t, dir, "browser.har")
		m.waitScreen("browser.har · 2 requests", "/page", "/api", "201")
		m.keys("k", "Enter", "4")
		m.waitScreen("#1 GET /page", "as HTML", "    <p>hi</p>")
		m.keys("q", "q") // back to the list, then quit
		m.waitScreen("exit=0")
	})
	t.Run("export", func(t *testing.T) {
		m := inspectInTmux(t, dir, "export.har")
		m.waitScreen("export.har · 10 requests", "/json?a=1&b=%20x", "/missing")
		m.keys("q")
		m.waitScreen("exit=0")
	})
}

// A bad line and a cut last one: the good requests are shown, the
// problems are on stderr, in the log pane and in the exit status.
func TestInspectBadFileInTmux(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	data, err := os.ReadFile(captureTraffic(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	bad := lines[0] + lines[1] + "this is not JSON\n" + strings.Join(lines[2:], "") + `{"id": 99, "method": "GE`
	if err := os.WriteFile(filepath.Join(dir, "bad.jsonl"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	m := inspectInTmux(t, dir, "bad.jsonl")
	m.waitScreen("bad.jsonl · 10 requests", "2 problems reading the file: L shows them")
	m.keys("L")
	m.waitScreen("line 3: ", "line 13: the last line is cut short")
	m.keys("q")
	m.waitScreen("exit=2", "wsgidev inspect: bad.jsonl: error: line 3:", "bad.jsonl has bad lines (above); showed the good ones (10 requests)")
}

// --app starts the app to replay against: r compares with the file's
// answer, and after an edit and R, says what changed in the JSON. Its
// Python ends with the inspector.
func TestInspectAppReplaysInTmux(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	captureTraffic(t, dir)
	m := inspectInTmux(t, dir, "capture.jsonl", "--app", "app.py")
	screen := m.waitScreen("capture.jsonl · 10 requests · replays to app.py", "Python 3.")
	base := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(screen)
	if base == "" {
		t.Fatalf("the title has no URL:\n%s", screen)
	}
	resp, err := http.Get(base + "/pid")
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	fmt.Fscan(resp.Body, &pid)
	resp.Body.Close()

	m.keys("g", "r")
	m.waitScreen("replay of #1 GET /json?a=1&b=%20x → #12", "same answer") // #11 asked for the pid
	m.keys("Escape")
	m.waitScreen("↻#1 /json?a=1&b=%20x")

	editApp(t, dir)
	m.keys("R")
	m.waitScreen("reloaded in")
	m.keys("g", "r")
	m.waitScreen("differs: body", `~ $.greeting: "hello" → "howdy"`)
	m.keys("q", "q") // the diff closes, then the list quits
	m.waitScreen("exit=0")
	if pid > 0 {
		waitGone(t, pid, "the app's Python after the inspector quit")
	}
}

func TestInspectNeedsATerminalAndAFile(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	path := captureTraffic(t, dir)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"inspect", path}, "wsgidev inspect: the inspector needs a terminal"},
		{[]string{"inspect"}, "wsgidev inspect: name one capture or HAR file"},
		{[]string{"inspect", "nothing-here.jsonl"}, "nothing-here.jsonl: no such file"},
	} {
		p, code := run(t, dir, c.args...)
		if code != 2 || !strings.Contains(p.stderr.String(), c.want) {
			t.Errorf("wsgidev %s exited %d, want 2 and %q\n%s", strings.Join(c.args, " "), code, c.want, p.dump())
		}
	}
}
