package main

// What a daily user of the inspector trips on (issue 15), each in the real
// binary on a tmux terminal, driven by keys as a person would.

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// dailyApp has a route for each thing these tests provoke.
const dailyApp = `import os

spin = [True]

def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/form":
        print("got form", {"name": "x"}, file=environ["wsgi.errors"])
        body = b"form ok"
    elif path == "/raise":
        raise RuntimeError("raised before returning")
    elif path == "/echo":
        body = ("X-Long=" + environ.get("HTTP_X_LONG", "")).encode("latin-1")
    elif path == "/pdb":
        seen = []
        breakpoint()
        seen.append("stepped")
        body = ",".join(seen).encode()
    elif path == "/spin":
        breakpoint()
        print("spinning")
        while spin[0]:
            pass
        body = b"stopped"
    elif path == "/pid":
        body = str(os.getpid()).encode()
    else:
        body = b"ok " + path.encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
`

// serveDaily serves dailyApp on a tmux terminal; extra are serve's flags
// (shell words) and env its environment.
func serveDaily(t *testing.T, env []string, extra ...string) (tmux, string) {
	t.Helper()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), dailyApp)
	m, base := serveInTmux(t, tmuxServe{dir: dir, env: env, ready: "/ready", args: append(extra, "--no-reload", "app.py")})
	m.waitScreen("/ready", "1 request")
	return m, base
}

// get requests path with headers given as name, value pairs; it fails the
// test unless the server answers.
func get(t *testing.T, base, path string, header ...string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// A print() with two arguments is one line in the Log tab and one entry
// in the Timeline; q goes back from a tab to the list and the server
// answers on; an app that raised before returning had no iterable; C asks
// before it clears; q on the list quits.
func TestDailyLogBackAndQuitInTmux(t *testing.T) {
	t.Parallel()
	m, base := serveDaily(t, nil)
	get(t, base, "/form")
	m.waitScreen("/form", "2 requests")
	m.keys("Enter", "5")
	m.waitScreen("[5 Log]", "got form {'name': 'x'}")
	if s := m.screen(); strings.Count(s, "wsgi.errors") != 1 {
		t.Errorf("the print is more than one entry in the Log tab:\n%s", s)
	}
	m.keys("6")
	m.waitScreen("[6 Timeline]", "wsgi.errors      got form {'name': 'x'}")

	m.keys("q")
	m.waitScreen("METHOD", "PATH", "2/2")
	m.waitOffScreen("[6 Timeline]")
	if got := get(t, base, "/after"); got != "ok /after" {
		t.Fatalf("after q in a tab the server answered %q", got)
	}
	m.waitScreen("/after", "3 requests")

	get(t, base, "/raise")
	m.waitScreen("/raise", "4 requests · 1 error")
	m.keys("Enter", "4")
	m.waitScreen("[4 Body]", "The app raised before it returned an iterable")
	m.keys("6")
	m.waitScreen("[6 Timeline]", "✗ failed")
	if s := m.screen(); strings.Contains(s, "close() called") {
		t.Errorf("close() on an app that returned no iterable:\n%s", s)
	}
	m.keys("Escape") // alone: Escape and C in one write are alt+C
	m.waitScreen("METHOD")
	m.keys("C")
	m.waitScreen("Clear 4 requests from the list? Held ones stay. y clears, n keeps")
	m.keys("n")
	m.waitScreen("Clear 4 requests from the list: no", "/raise")

	pid := childOf(t, base)
	m.waitScreen("/pid", "5 requests")
	m.keys("q")
	waitDown(t, m, base, "q on the list")
	waitGone(t, pid, "the Python child after q on the list")
}

// waitEither waits until the screen shows one of a and b, and says which
// (0 or 1).
func (m tmux) waitEither(a, b string) int {
	m.t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		s := m.screen()
		switch {
		case strings.Contains(s, a):
			return 0
		case strings.Contains(s, b):
			return 1
		case time.Now().After(deadline):
			m.t.Fatalf("the screen never showed %q or %q; last screen:\n%s", a, b, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// /header:X-Probe=1 lists only the request that sent that header, and
// the filter bar counts the matches.
func TestDailyFilterHeaderInTmux(t *testing.T) {
	t.Parallel()
	m, base := serveDaily(t, nil)
	get(t, base, "/probe-one", "X-Probe", "1")
	get(t, base, "/probe-two", "X-Probe", "2")
	get(t, base, "/no-probe")
	m.waitScreen("/no-probe", "4 requests")
	m.keys("/")
	m.typeText("header:X-Probe=1")
	m.keys("Enter")
	m.waitScreen("/ header:X-Probe=1  1 of 4", "/probe-one")
	for _, gone := range []string{"/probe-two", "/no-probe", "/ready"} {
		m.waitOffScreen(gone)
	}
}

// "up" written to the terminal at once, as tmux sends it and as fast
// typing does, is two letters in the filter line, not the up arrow
// (which the line's text input took it for, and typed nothing).
func TestDailyFilterTypedUpInTmux(t *testing.T) {
	t.Parallel()
	m, base := serveDaily(t, nil)
	get(t, base, "/setup")
	get(t, base, "/other")
	m.waitScreen("/other", "3 requests")
	m.keys("/")
	m.waitScreen("status:5xx method:POST") // the filter line is open
	m.typeText("up")
	m.waitScreen("/ up ", "1 of 3", "/setup")
	m.waitOffScreen("/other")
}

// A held POST whose client gives up is released at once and marked as
// a client that left (⊘), no error.
func TestDailyHeldPostClientGoneInTmux(t *testing.T) {
	t.Parallel()
	m, base := serveDaily(t, nil, "--break", "'POST /form'")
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /form HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n\r\nname=x")
	m.waitScreen("⏸ held", "POST    /form")
	conn.Close()
	m.waitScreen("⊘ ", "2 requests · 0 errors")
	m.waitOffScreen("⏸ held")
}

// The y screen shows the curl command wrapped with " \" continuations:
// the lines on the screen, pasted into a shell, send the same request.
func TestDailyCurlScreenPastesInTmux(t *testing.T) {
	t.Parallel()
	long := "v=" + strings.Repeat("0123456789", 14) + "; it's 'quoted' and \"double\""
	m, base := serveDaily(t, nil)
	if got := get(t, base, "/echo", "X-Long", long); got != "X-Long="+long {
		t.Fatalf("the app echoed %q", got)
	}
	m.waitScreen("/echo", "2 requests")
	m.keys("y")
	screen := m.waitScreen("curl command for #2")
	var cmd []string
	in := false
	for _, line := range strings.Split(screen, "\n") {
		switch {
		case strings.TrimSpace(line) == "curl command for #2": // the pane's title
			in = true
		case in && strings.TrimSpace(line) == "":
			in = false // the command ends; the status line says "copied the curl command for #2"
		case in:
			cmd = append(cmd, line)
		}
	}
	if len(cmd) < 2 || !strings.HasSuffix(cmd[0], " \\") {
		t.Fatalf("the command is not wrapped with continuations:\n%s", screen)
	}
	pasted := strings.Join(cmd, "\n")
	if out, err := exec.Command("sh", "-n", "-c", pasted).CombinedOutput(); err != nil {
		t.Fatalf("sh -n: %v\n%s\n%s", err, out, pasted)
	}
	out, err := exec.Command("sh", "-c", pasted).CombinedOutput()
	if err != nil || string(out) != "X-Long="+long {
		t.Fatalf("pasted and run: %v, %q; want the same header back\n%s", err, out, pasted)
	}
}

// The pdb console: the commands typed show in the request's Log tab;
// ctrl+c interrupts the app that runs on after "c" and never quits
// wsgidev (Python 3.12 and later bring pdb's prompt back; before, the
// request fails with KeyboardInterrupt).
func TestDailyPdbConsoleInTmux(t *testing.T) {
	t.Parallel()
	m, base := serveDaily(t, nil)
	pdb := streamLines(base, "/pdb")
	m.waitScreen("pdb · GET /pdb", "(Pdb)")
	m.typeText("p seen")
	m.keys("Enter")
	m.waitScreen("(Pdb) p seen", "[]")
	m.keys("c", "Enter")
	receive(t, pdb, "200 OK")
	m.waitScreen("2 requests")
	m.waitOffScreen("pdb · GET /pdb")
	m.keys("Enter", "5")
	m.waitScreen("[5 Log]", "stdin       p seen", "stdout      []")

	m.keys("q")
	spin := streamLines(base, "/spin")
	m.waitScreen("pdb · GET /spin", "(Pdb)")
	m.keys("c", "Enter")
	m.waitScreen("spinning")
	m.keys("C-c")
	if m.waitEither("Program interrupted", "500   ") == 0 { // Python 3.12 and later
		m.typeText("!spin[0] = False")
		m.keys("Enter", "c", "Enter")
		receive(t, spin, "200 OK")
		receive(t, spin, "stopped")
	} else {
		receive(t, spin, "500 Internal Server Error")
	}
	if got := get(t, base, "/still"); got != "ok /still" {
		t.Errorf("after ctrl+c in the console the server answered %q", got)
	}
}

// An edit that does not parse is not lost: e in the pane that says so
// opens it again, the error marked at its top, and once fixed it is sent.
func TestDailyEditDraftInTmux(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	runs, seen := filepath.Join(dir, "runs"), filepath.Join(dir, "seen")
	editor := filepath.Join(dir, "edit.sh")
	script := "#!/bin/sh\necho >> " + runs + "\nif [ $(wc -l < " + runs + ") = 1 ]; then\n" +
		"  printf 'GET /drafted HTTP/1.1\\nX-Draft 1\\n\\n' > \"$1\"\nelse\n" +
		"  cp \"$1\" " + seen + "; sed -i 's/^X-Draft 1/X-Draft: 1/' \"$1\"\nfi\n"
	if err := os.WriteFile(editor, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	m, _ := serveDaily(t, []string{"VISUAL=" + editor})
	m.keys("e")
	m.waitScreen("edit of #1: nothing replayed", `line 2: want a header as "Name: value"`)
	m.keys("e")
	m.waitScreen("edited replay of #1 GET /ready → #2", "sent as edited: GET /drafted")
	got, _ := os.ReadFile(seen)
	if !strings.HasPrefix(string(got), "# wsgidev: this edit did not parse") || !strings.Contains(string(got), "\nX-Draft 1\n") {
		t.Errorf("the editor reopened\n%s\nwant the draft with its error at the top", got)
	}
}

// The environ editor: G and g move, enter on a wsgi.* key refuses at
// once, a value being typed says esc cancels, q closes the editor.
func TestDailyEnvironEditorInTmux(t *testing.T) {
	t.Parallel()
	m, base := serveDaily(t, nil)
	m.keys("B")
	m.waitScreen("break: next")
	held := streamLines(base, "/held")
	m.waitScreen("⏸ 1 held")
	m.keys("i")
	m.waitScreen("Edit the environ of #2 GET /held")
	m.keys("G", "Enter")
	m.waitScreen("wsgi.input_terminated cannot be edited")
	m.keys("g", "Enter")
	m.waitScreen("REQUEST_METHOD = GET", "esc cancel")
	m.keys("Escape")
	m.waitOffScreen("esc cancel")
	m.keys("q")
	m.waitOffScreen("Edit the environ")
	m.keys("c")
	receive(t, held, "200 OK")
}

// Under NO_COLOR the selected row is bold in reverse video; at 80
// columns the help page cuts nothing and the bar keeps "q quit"; X on the
// list says what it does; a click on a tab shows it; the list says where
// its cursor is.
func TestDailyNoColorHelpAndMouseInTmux(t *testing.T) {
	t.Parallel()
	m, base := serveDaily(t, []string{"NO_COLOR=1"})
	get(t, base, "/second")
	m.waitScreen("/second", "2/2")
	out, _ := exec.Command("tmux", "-L", m.socket, "capture-pane", "-e", "-p", "-t", "tui").CombinedOutput()
	reverse := regexp.MustCompile(`\x1b\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m`)
	colour := regexp.MustCompile(`\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]`)
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "›") && !reverse.MatchString(line) {
			t.Errorf("the selected row is not in reverse video: %q", line)
		}
	}
	if c := colour.FindString(string(out)); c != "" {
		t.Errorf("NO_COLOR, and the screen has colour %q", c)
	}

	m.run("resize-window", "-t", "tui", "-x", "80", "-y", "24")
	m.waitScreen("↑/k up • ↓/j down • enter open • / filter • L log pane • ? help • q quit")
	m.keys("?")
	s := m.waitScreen("Marks:", "r replay", "s step", ": pdb console")
	if strings.Contains(strings.ReplaceAll(s, "break when…", ""), "…") {
		t.Errorf("the help at 80 columns cuts something:\n%s", s)
	}
	m.keys("q", "X")
	m.waitScreen("explain mode on: open a request (enter)")
	m.keys("Enter")
	m.waitScreen("[1 Environ]")
	m.run("send-keys", "-t", "tui", "-l", "\x1b[<0;14;3M\x1b[<0;14;3m") // a click on "2 Req" (eight tabs: short names at 80 columns), cell 14
	m.waitScreen("[2 Request]")
}
