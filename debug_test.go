package main

// --break on the command line, a reload while a request is held, and the
// headless commands typed on wsgidev's terminal.

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

func TestBadBreakExits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ expr, want string }{
		{"GET status:5xx", `^wsgidev: --break: breakpoint "GET status:5xx": status:5xx: a breakpoint holds a request before the app is called, so there is no status yet$`},
		{"bogus:x", `^wsgidev: --break: breakpoint "bogus:x": bogus:x: unknown term`},
		{"", `^wsgidev: --break: empty breakpoint: give terms such as next`},
		{"header:", `^wsgidev: --break: breakpoint "header:": header:: name a request header`},
		{"GET POST", `two methods \(GET and POST\)`},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			t.Parallel()
			p := start(t, launch{dir: "testdata/specs", args: []string{"serve", "app.py", "--port", "0", "--no-tui", "--break", tc.expr}})
			if code := p.wait(); code == 0 {
				t.Errorf("wsgidev exited 0 for --break %q", tc.expr)
			}
			stderr := strings.TrimSuffix(p.stderr.String(), "\n")
			if strings.Contains(stderr, "\n") || !regexp.MustCompile(tc.want).MatchString(stderr) {
				t.Errorf("stderr is not one line matching %q:\n%s", tc.want, p.dump())
			}
		})
	}
}

var (
	heldLine      = regexp.MustCompile(`(?m)^wsgidev: GET /held \(#\d+\) is held in the debugger before the app$`)
	reloadWaits   = regexp.MustCompile(`(?m)^wsgidev: reload waits: 1 request held in the debugger — continue or abort it`)
	releasedLine  = regexp.MustCompile(`(?m)^wsgidev: SIGUSR1: released 1 request held in the debugger$`)
	goesAheadLine = regexp.MustCompile(`(?m)^wsgidev: reload goes ahead: no request is held any more$`)
	usr1Hint      = regexp.MustCompile("(?m)^  break    GET /held\n +without the inspector held requests only wait: `kill -USR1 (\\d+)`")
)

// TestReloadWaitsForAHeldRequest: a save while a request is held does not
// reload under it; the held request runs on the code it was held with once
// released (SIGUSR1 headless), and the reload follows.
func TestReloadWaitsForAHeldRequest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp("v1"))
	p := startServing(t, launch{dir: dir, args: []string{"serve", "--no-tui", "--port", "0", "--break", "GET /held", "app.py"}})
	p.waitOutput(usr1Hint)
	held := make(chan string, 1)
	go func() {
		resp, err := p.client.Get(p.base + "/held")
		if err != nil {
			held <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		held <- string(body)
	}()
	p.waitOutput(heldLine)
	if body := p.getText("/", http.StatusOK); body != "v1" {
		t.Fatalf("a request no breakpoint matches: %q", body)
	}

	writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp("v2"))
	p.waitOutput(reloadWaits)
	if n := p.reloads(); n != 0 {
		t.Fatalf("reloaded %d times while a request was held\n%s", n, p.dump())
	}
	p.signal(syscall.SIGUSR1)
	p.waitOutput(releasedLine)
	if body := <-held; body != "v1" {
		t.Errorf("the held request answered %q; want v1, the code it was held with", body)
	}
	p.waitOutput(goesAheadLine)
	p.waitReloads(1)
	p.waitBody("/", "v2")
}

var (
	consoleBanner = regexp.MustCompile("(?m)reload   on changes to .*SIGHUP or type r⏎ reloads\\)\n(?s:.*)" +
		"without the inspector held requests only wait: `kill -USR1 \\d+` or type c⏎ releases them")
	consoleReleased = regexp.MustCompile(`(?m)^wsgidev: c⏎: released 1 request held in the debugger$`)
	savedReload     = regexp.MustCompile(`reloaded in \S+ \(app\.py changed\)`)
	manualReload    = regexp.MustCompile(`reloaded in \S+ \(manual reload\)`)
)

// Headless on a terminal, typing r⏎ reloads and c⏎ releases the held
// requests: the way to do both where there is no SIGHUP or SIGUSR1.
func TestConsoleOnWsgidevsTerminal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp("v1"))
	p := startServing(t, launch{dir: dir, tty: true, typing: true,
		args: []string{"serve", "--no-tui", "--port", "0", "--break", "GET /held", "app.py"}})
	p.waitOutput(consoleBanner)
	held := p.getAsync("/held")
	p.waitOutput(heldLine)
	p.typeLine("c")
	p.waitOutput(consoleReleased)
	if r := <-held; r.err != nil || r.body != "v1" {
		t.Errorf("the released request got %q (%v)", r.body, r.err)
	}
	writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp("v2"))
	p.waitOutput(savedReload)
	p.typeLine("r")
	p.waitOutput(manualReload)
}
