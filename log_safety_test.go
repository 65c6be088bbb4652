package main

// What the app prints and what a client sends reach wsgidev's own output
// as text, whatever they hold: no escape sequence from either reaches the
// terminal, output of any size passes, and a full thread pool is said.
// The app is testdata/hostile/app.py.

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"

	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// rawControls lists the control characters in s that a terminal would act
// on: all but newline and tab (and ESC in wsgidev's own colours, which a
// piped log never has).
func rawControls(s string) []string {
	var found []string
	for i, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r < 0xa0) || (r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD")) {
			start := max(0, i-40)
			found = append(found, s[start:min(len(s), i+20)])
		}
	}
	return found
}

func TestHeadlessLogEscapesControls(t *testing.T) {
	t.Parallel()
	p := startServing(t, launch{dir: "testdata/hostile", args: []string{"serve", "app.py", "--port", "0", "--no-reload"}})
	p.getText("/%1B]0;pwned%07", http.StatusOK)
	p.waitOutput(regexp.MustCompile(`(?m)^app! .*wsgi\.errors got /\\x1b\]0;pwned\\x07$`))
	p.getText("/raise?%1B]52;c;ZXZpbA==%07", http.StatusInternalServerError)
	p.waitOutput(regexp.MustCompile(`ValueError: the client asked for \\x1b\[2J%1B\]52;c;ZXZpbA==%07`))
	resp, _ := p.get("/%9B2J")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /%%9B2J: %d", resp.StatusCode)
	}
	p.waitOutput(regexp.MustCompile(`(?m)^app\| .*stdout got /\\u009b2J$`))
	p.signal(syscall.SIGTERM)
	p.wait()

	out := p.stdout.String() + p.stderr.String()
	for _, want := range []string{
		`hostile: imported \x1b]0;retitled at import\x07`, // import-time output
		`<App \x1b[2J\x1b]52;c;ZXZpbA==\x07>`,             // the app's repr in the banner
		`stdout got /\x1b]0;pwned\x07`, `stderr got /\x1b]0;pwned\x07`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the log does not show %q:\n%s", want, out)
		}
	}
	if bad := rawControls(out); len(bad) > 0 {
		t.Errorf("raw control characters reach the terminal, around:\n%q", bad)
	}
}

// Output of any size passes: a 2 MB line at import, 17 MiB printed or
// written to wsgi.errors in a request (more than a frame holds). The app
// imports, every request gets its answer from the same child, and the
// log shows each with a marker where it was cut.
func TestBigOutputPasses(t *testing.T) {
	t.Parallel()
	p := startServing(t, launch{dir: "testdata/hostile", env: []string{"HOSTILE_BIG_IMPORT=1"},
		args: []string{"serve", "app.py", "--port", "0", "--no-reload"}})
	p.waitOutput(regexp.MustCompile(`(?m)^app\| x{100,}… \[line cut: \d+ more bytes\]$`))
	p.waitOutput(regexp.MustCompile(`(?m)^app\| hostile: after the big line$`))
	for _, path := range []string{"/big-stdout", "/big-errors", "/x"} {
		if body := p.getText(path, http.StatusOK); body != "ok\n" {
			t.Errorf("GET %s = %q", path, body)
		}
		p.waitOutput(accessLine(path, 200, 3))
	}
	p.waitOutput(regexp.MustCompile(`(?m)^app\| \[GET /big-stdout\] y+… \[cut: the request printed more than 256 KiB; the rest is not kept\]$`))
	p.waitOutput(regexp.MustCompile(`(?m)^app! \[GET /big-errors\] e+… \[cut: the request printed more than 256 KiB; the rest is not kept\]$`))
	out := p.stdout.String()
	for _, bad := range []string{"failed to import", "Python process", "BrokenPipeError"} {
		if strings.Contains(out, bad) {
			t.Errorf("the log says %q:\n%.3000s", bad, out)
		}
	}
	if len(out) > 2<<20 {
		t.Errorf("the log printed %d bytes for 34 MiB of output; it should show what was kept", len(out))
	}
}

// With --threads 4 and four requests holding their threads, the fifth
// waits: the log says when the queue forms and when it drains, the
// request's line says how long it waited, and its timeline holds the wait.
func TestFullThreadPoolIsAnnounced(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	release, capturePath := filepath.Join(tmp, "release"), filepath.Join(tmp, "capture.jsonl")
	p := startServing(t, launch{dir: "testdata/hostile", args: []string{"serve", "app.py", "--port", "0", "--no-reload", "--threads", "4", "--capture", capturePath}})
	var answers []<-chan result
	for i := 1; i <= 5; i++ {
		answers = append(answers, p.getAsync(fmt.Sprintf("/block/%d?%s", i, release)))
	}
	p.waitOutput(regexp.MustCompile(`(?m)^wsgidev: all 4 threads of the app are busy \(--threads 4\): new requests wait for one`))
	if err := os.WriteFile(release, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, answer := range answers {
		if r := <-answer; r.err != nil || r.status != http.StatusOK {
			t.Fatalf("a blocked request: %d %v\n%s", r.status, r.err, p.dump())
		}
	}
	p.waitOutput(regexp.MustCompile(`(?m)^wsgidev: no request waits for a thread any more: 1 request waited, the longest \d`))
	// A client can have its answer before the log has its line: wait for all five.
	p.waitOutput(regexp.MustCompile(`(?s)(?:"GET /block/\d.*?){5}`))
	waited := regexp.MustCompile(`(?m)"GET /block/\d\?\S+ HTTP/1\.1" 200 3 \S+ \(waited \S+ for a thread\)$`)
	if n := len(waited.FindAllString(p.stdout.String(), -1)); n != 1 {
		t.Errorf("%d access lines say the request waited for a thread, want 1:\n%s", n, p.dump())
	}
	// Each waiting request's timeline holds its wait.
	p.signal(syscall.SIGTERM)
	p.wait()
	src, err := capture.ReadFile(capturePath)
	if err != nil {
		t.Fatal(err)
	}
	var timelines []string
	for _, e := range src.Entries {
		var kinds []string
		for _, ev := range e.Exchange.Events {
			if ev.Kind == exchange.EventWaitThread || ev.Kind == exchange.EventGotThread {
				kinds = append(kinds, ev.Kind+": "+ev.Text)
			}
		}
		if len(kinds) > 0 {
			timelines = append(timelines, strings.Join(kinds, "; "))
		}
	}
	want := regexp.MustCompile(`^wait-thread: all 4 threads busy; number 1 in the queue for one; got-thread: after waiting \S+$`)
	if len(timelines) != 1 || !want.MatchString(timelines[0]) {
		t.Errorf("the waits in the exchanges' timelines: %q", timelines)
	}
}
