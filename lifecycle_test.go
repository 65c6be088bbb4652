package main

// The headless output, what a save can fix, and the process's life:
// signals, crashes and leftover Python processes. Helpers are in main_test.go.

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// accessLine matches werkzeug's access-log shape plus the duration,
// 127.0.0.1 - - [22/Nov/2026 10:00:00] "GET /x HTTP/1.1" 200 13 1.4ms,
// for one request; a size of -1 matches any.
func accessLine(target string, status, size int) *regexp.Regexp {
	sizeRE := `\d+`
	if size >= 0 {
		sizeRE = strconv.Itoa(size)
	}
	return regexp.MustCompile(fmt.Sprintf(`(?m)^127\.0\.0\.1 - - \[\d{2}/[A-Z][a-z]{2}/\d{4} \d{2}:\d{2}:\d{2}\] `+
		`"GET %s HTTP/1\.1" %d %s \d+(\.\d+)?(µs|ms|s)$`, regexp.QuoteMeta(target), status, sizeRE))
}

func TestHeadlessOutput(t *testing.T) {
	t.Parallel()
	p := startServing(t, launch{args: []string{"serve", "app.py", "--port", "0"}})
	// Import-time output is the app's too.
	p.waitOutput(regexp.MustCompile(`(?m)^app\S* +probe: imported on stdout$`))
	p.waitOutput(regexp.MustCompile(`(?m)^app\S* +probe: imported on stderr$`))

	for _, target := range []string{"/x?n=1", "/x?n=2"} {
		if body := p.getText(target, http.StatusOK); body != "hello, world!" {
			t.Fatalf("GET %s = %q", target, body)
		}
		p.waitOutput(accessLine(target, 200, 13))
	}
	p.getText("/say", http.StatusOK)
	for _, said := range []string{"said on stdout", "said on stderr", "said on wsgi.errors"} {
		p.waitOutput(regexp.MustCompile(`(?m)^app\S* .*GET /say.* ` + said + `$`))
	}
	p.getText("/boom", http.StatusInternalServerError)
	p.waitOutput(accessLine("/boom", 500, -1))
	p.getText("/x?n=3", http.StatusOK)
	p.waitOutput(accessLine("/x?n=3", 200, 13)) // everything before it is printed by now

	out := p.stdout.String()
	for _, target := range []string{"/x?n=1", "/x?n=2", "/x?n=3", "/say", "/boom"} {
		if n := strings.Count(out, `"GET `+target+` HTTP/1.1"`); n != 1 {
			t.Errorf("%d access-log lines for GET %s, want 1", n, target)
		}
	}
	// The failing request's traceback, in full: every frame and the error.
	tb := regexp.MustCompile(`(?s)Traceback \(most recent call last\):\n.*probe/app\.py", line \d+, in application\n` +
		`.*probe/app\.py", line \d+, in explode\n.*RuntimeError: kaboom from the probe\n`)
	if !tb.MatchString(out) {
		t.Errorf("the output does not show /boom's whole traceback:\n%s", out)
	}
	if regexp.MustCompile(`(?m)^app\S* .*GET /say\S* *$`).MatchString(out) {
		t.Errorf("print() in the app gave an empty output line:\n%s", out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("piped output has ANSI escapes:\n%q", out)
	}
}

func TestColourOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		env    []string
		colour bool
	}{
		{"terminal", nil, true},
		{"terminal with NO_COLOR", []string{"NO_COLOR=1"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := startServing(t, launch{tty: true, env: tc.env, args: []string{"serve", "app.py", "--port", "0", "--no-tui"}})
			p.getText("/x", http.StatusOK)
			line := p.waitOutput(regexp.MustCompile(`(?m)^.*"GET /x HTTP/1\.1" 200 13.*$`))[0]
			if got := strings.Contains(line, "\x1b["); got != tc.colour {
				t.Errorf("access line %q: coloured %v, want %v", line, got, tc.colour)
			}
		})
	}
}

func TestSaveFixableErrorsKeepServing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, dir, spec string
		want            string // in the output and both error pages
		traceback       string // the traceback's last line, if there is one
	}{
		{"syntax error", "testdata/broken", "syntax_error.py", "SyntaxError", `syntax_error.py", line 4`},
		{"missing callable", "testdata/specs", "app.py:nope", "app.py has no attribute 'nope'; it defines: app, application, other, reply", ""},
		{"factory raising", "testdata/broken", "factory_raises.py",
			"ValueError: factory could not build the app: DATABASE_URL is not set", `factory_raises.py", line 5, in create_app`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := startServing(t, launch{dir: tc.dir, args: []string{"serve", tc.spec, "--port", "0"}})
			p.waitOutput(regexp.MustCompile(`failed to import|no WSGI app found`))
			p.waitOutput(regexp.MustCompile(regexp.QuoteMeta(tc.want)))
			for range 2 { // still serving after the first error
				resp, body := p.get("/")
				if resp.StatusCode != http.StatusInternalServerError || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
					t.Fatalf("GET /: %d %s, want 500 text/plain", resp.StatusCode, resp.Header.Get("Content-Type"))
				}
				if !strings.Contains(body, tc.want) || !strings.Contains(body, tc.traceback) {
					t.Errorf("the plain error page does not show %q and %q:\n%s", tc.want, tc.traceback, body)
				}
				if strings.Contains(body, "importlib") {
					t.Errorf("the traceback shows importlib's frames, not just the app's:\n%s", body)
				}
				checkLocationOnce(t, body, tc.want)
			}
			checkLocationOnce(t, p.stdout.String(), tc.want)
			resp, body := p.get("/", "Accept: text/html,application/xhtml+xml,*/*;q=0.8")
			if resp.StatusCode != http.StatusInternalServerError || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("GET / from a browser: %d %s, want 500 text/html", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if !strings.Contains(body, "<html") || !strings.Contains(html.UnescapeString(body), tc.want) {
				t.Errorf("the HTML error page does not show %q:\n%s", tc.want, body)
			}
			p.waitOutput(accessLine("/", 500, -1))
		})
	}
}

// checkLocationOnce fails if a line of text that says want names a
// location ("…, line N)") more than once.
func checkLocationOnce(t *testing.T, text, want string) {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, want) && strings.Count(line, ", line ") > 1 {
			t.Errorf("the location is said twice in %q", line)
		}
	}
}

func TestStopSignalsFinishRequestsInFlight(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			p := startServing(t, launch{args: []string{"serve", "app.py", "--port", "0"}})
			pid := p.childPID()
			slow := p.getAsync("/slow?secs=1")
			p.waitOutput(regexp.MustCompile(`slow: started`))
			p.signal(sig)
			if r := <-slow; r.err != nil || r.status != http.StatusOK || r.body != "slow done" {
				t.Errorf("the request in flight got %d %q (%v), want 200 \"slow done\"", r.status, r.body, r.err)
			}
			if code := p.wait(); code != 0 {
				t.Errorf("wsgidev exited %d after %s, want 0\n%s", code, sig, p.dump())
			}
			waitGone(t, pid, "the Python child")
		})
	}
}

func TestSecondInterruptQuitsAtOnce(t *testing.T) {
	t.Parallel()
	p := startServing(t, launch{args: []string{"serve", "app.py", "--port", "0"}})
	pid := p.childPID()
	slow := p.getAsync("/slow?secs=60")
	p.waitOutput(regexp.MustCompile(`slow: started`))
	p.signal(syscall.SIGINT)
	p.waitOutput(regexp.MustCompile(`shutting down`))
	p.signal(syscall.SIGINT)
	// A graceful stop would have waited for the request and exited 0.
	if code := p.wait(); code <= 0 {
		t.Errorf("wsgidev exited %d after a second Ctrl-C, want a non-zero status of its own\n%s", code, p.dump())
	}
	if r := <-slow; r.err == nil && r.status == http.StatusOK {
		t.Errorf("the 60s request finished although wsgidev quit at once: %q", r.body)
	}
	waitGone(t, pid, "the Python child")
}

func TestKilledWsgidevTakesPythonAlong(t *testing.T) {
	t.Parallel()
	p := startServing(t, launch{args: []string{"serve", "app.py", "--port", "0"}})
	pid := p.childPID()
	p.signal(syscall.SIGKILL)
	p.wait()
	waitGone(t, pid, "the Python child of a SIGKILLed wsgidev")
}

func TestChildDeathGets502ThenANewChild(t *testing.T) {
	t.Parallel()
	p := startServing(t, launch{args: []string{"serve", "app.py", "--port", "0"}})
	first := p.childPID()
	if body := p.getText("/exit", http.StatusBadGateway); !strings.Contains(body, "exited with status 7") {
		t.Errorf("the 502 page does not say how the process ended:\n%s", body)
	}
	p.waitOutput(regexp.MustCompile(`exited with status 7`))
	second := p.childPID()
	if second == first {
		t.Errorf("the request after the crash was served by the dead child's PID %d", first)
	}
	waitGone(t, first, "the crashed Python child")
	p.signal(syscall.SIGTERM)
	if code := p.wait(); code != 0 {
		t.Errorf("wsgidev exited %d after SIGTERM\n%s", code, p.dump())
	}
	waitGone(t, second, "the replacement Python child")
}

type result struct {
	status int
	body   string
	err    error
}

// getAsync requests path in the background.
func (p *proc) getAsync(path string) <-chan result {
	ch := make(chan result, 1)
	go func() {
		resp, err := p.client.Get(p.base + path)
		if err != nil {
			ch <- result{err: err}
			return
		}
		defer resp.Body.Close()
		var b strings.Builder
		_, err = io.Copy(&b, resp.Body)
		ch <- result{status: resp.StatusCode, body: b.String(), err: err}
	}()
	return ch
}

// TestAppProcessesEndWithTheirPython: what the app starts (a fork, a
// subprocess) ends with the Python that started it, however that stops: a
// reload, a crash, SIGTERM or SIGKILL of wsgidev.
func TestAppProcessesEndWithTheirPython(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		stop func(p *proc)
	}{
		{"reload", func(p *proc) {
			p.signal(syscall.SIGHUP)
			p.waitOutput(reloadedLine)
		}},
		{"crash", func(p *proc) { p.getText("/exit", http.StatusBadGateway) }},
		{"SIGTERM", func(p *proc) { p.signal(syscall.SIGTERM); p.wait() }},
		{"SIGKILL", func(p *proc) { p.signal(syscall.SIGKILL); p.wait() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := startServing(t, launch{args: []string{"serve", "app.py", "--port", "0"}})
			python := p.childPID()
			var forked, popened int
			if _, err := fmt.Sscan(p.getText("/spawn", http.StatusOK), &forked, &popened); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { // should the test fail, by PID
				for _, pid := range []int{forked, popened} {
					if !processGone(pid) {
						syscall.Kill(pid, syscall.SIGKILL)
					}
				}
			})
			tc.stop(p)
			waitGone(t, python, "the Python child")
			waitGone(t, forked, "a process the app forked")
			waitGone(t, popened, "a subprocess the app started")
		})
	}
}
