package devserver_test

// What broken apps get (testdata/broken.py, served without the validator)
// and apps that cannot load: a page that teaches, or a cut connection once
// the body has started, and a server that goes on serving.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// startBroken serves testdata/broken.py as it is: its mistakes must reach
// wsgidev, not a validator.
func startBroken(t *testing.T) *testServer {
	return startServer(t, "broken.py", serverOptions{raw: true})
}

// stillServing checks the server answers a plain request after a fault.
func (ts *testServer) stillServing(t *testing.T) {
	t.Helper()
	if resp, body := ts.get(t, "/"); resp.StatusCode != 200 || body != "ok" {
		t.Errorf("after the fault: status %d, body %q", resp.StatusCode, body)
	}
}

func wantFailure(t *testing.T, ex *exchange.Exchange, kind exchange.FailureKind, rule string) *exchange.Failure {
	t.Helper()
	f := ex.Failure
	if f == nil || f.Kind != kind || f.Rule != rule {
		t.Fatalf("%s: failure %+v, want kind %q rule %q", ex.Target, f, kind, rule)
	}
	return f
}

func TestRaiseBeforeStartResponse(t *testing.T) {
	ts := startBroken(t)
	tests := []struct {
		accept, contentType, traceback string
	}{
		{"text/html,application/xhtml+xml", "text/html", "<pre>Traceback (most recent call last):"},
		{"", "text/plain", "\nTraceback (most recent call last):"},
		{"application/json", "text/plain", "\nTraceback (most recent call last):"},
	}
	for _, tt := range tests {
		t.Run("Accept "+tt.accept, func(t *testing.T) {
			resp, body := ts.get(t, "/raise-before", "Accept", tt.accept)
			if resp.StatusCode != 500 || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.contentType) {
				t.Fatalf("status %d, Content-Type %q; want 500, %s", resp.StatusCode, resp.Header.Get("Content-Type"), tt.contentType)
			}
			for _, want := range []string{tt.traceback, "broken.py", "RuntimeError: boom before start_response"} {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q:\n%s", want, body)
				}
			}
		})
	}
	f := wantFailure(t, ts.waitExchange(t, byPath("/raise-before")), "exception", "")
	if !strings.Contains(f.Traceback, "boom before start_response") || f.Cut {
		t.Errorf("failure %+v", f)
	}
	ts.stillServing(t)
}

// close() is in the record only when there was an iterable to close: not
// for an app that raised before it returned one.
func TestCloseOnlyWithAnIterable(t *testing.T) {
	ts := startBroken(t)
	for path, closed := range map[string]bool{"/raise-before": false, "/raise-after": true, "/": true} {
		if resp, err := client.Get(ts.URL + path); err == nil {
			io.Copy(io.Discard, resp.Body) // /raise-after is cut after its first chunk
			resp.Body.Close()
		}
		ex := ts.waitExchange(t, byPath(path))
		has := false
		for _, e := range ex.Events {
			has = has || e.Kind == exchange.EventClose
		}
		if has != closed {
			t.Errorf("%s: close() recorded %v, want %v", path, has, closed)
		}
	}
}

func TestFailureAfterFirstChunkCutsTheConnection(t *testing.T) {
	ts := startBroken(t)
	tests := []struct {
		path            string
		kind            exchange.FailureKind
		rule, traceback string
	}{
		{"/raise-after", "exception", "", "RuntimeError: boom after the first chunk"},
		{"/str-second-chunk", "wsgi", "chunk-type", "yielded str"},
		{"/exc-info-after", "exception", "", "ValueError: late failure"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := client.Get(ts.URL + tt.path)
			if err != nil {
				t.Fatalf("%v; want the bytes sent before the failure, then a cut", err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || string(body) != "first chunk\n" || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("status %d, body %q, read error %v; want the first chunk, then a cut (unexpected EOF)", resp.StatusCode, body, err)
			}
			f := wantFailure(t, ts.waitExchange(t, byPath(tt.path)), tt.kind, tt.rule)
			if !f.Cut || !strings.Contains(f.Traceback, tt.traceback) {
				t.Errorf("failure %+v; want a cut with the traceback", f)
			}
			ts.stillServing(t)
		})
	}
}

func TestTruncatedUploadIsNotPassedOffAsWhole(t *testing.T) {
	ts := startBroken(t)
	tests := []struct{ name, head, body string }{
		{"Content-Length", "Content-Length: 1000", "only ten b"},
		{"chunked", "Transfer-Encoding: chunked", "a\r\nonly ten b\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ts.dial(t)
			fmt.Fprintf(c, "POST /upload?%s HTTP/1.1\r\nHost: test\r\n%s\r\n\r\n%s", tt.name, tt.head, tt.body)
			c.Conn.(*net.TCPConn).CloseWrite() // the client gives up mid-body
			ex := ts.waitExchange(t, byPath("/upload?"+tt.name))
			if ex.Failure == nil || ex.Failure.Kind != "cancelled" {
				t.Errorf("failure %+v, want the call cancelled, not a short body read as whole", ex.Failure)
			}
			if strings.Contains(string(ex.ResponseBody.Data), "read ") {
				t.Errorf("the app answered %q", ex.ResponseBody.Data)
			}
			ts.stillServing(t)
		})
	}
}

func TestWSGIViolations(t *testing.T) {
	ts := startBroken(t)
	tests := []struct {
		path, rule, words string
	}{
		{"/str-body", "body-str", "returned a str as its body"},
		{"/str-chunk", "chunk-type", "yielded str; PEP 3333 requires bytes"},
		{"/no-start", "start-response-missing", "before start_response() was called"},
		{"/twice", "start-response-twice", "called start_response() a second time without exc_info"},
		{"/none-body", "body-none", "returned None instead of its body; PEP 3333 requires an iterable of bytes"},
		{"/start-args", "start-response-args", "takes 2 or 3 arguments and got 1; PEP 3333 defines start_response(status, response_headers, exc_info=None)"},
		{"/bad-status", "status-format", "a three-digit code, a space and a reason phrase"},
		{"/status-crlf", "status-control", "contains the control character '\\r'; PEP 3333 forbids control characters in the status"},
		{"/status-latin1", "status-latin1", "has characters outside latin-1"},
		{"/status-digits", "status-format", "a three-digit code, a space and a reason phrase"},
		{"/latin1-header", "header-latin1", "characters outside latin-1"},
		{"/bytes-header", "header-str", "names and values of type str"},
		{"/hop-by-hop", "hop-by-hop", "the hop-by-hop header 'Connection'"},
		{"/write-before-start", "write-before-start", "PEP 3333 requires start_response() for this request first"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if tt.path == "/write-before-start" {
				ts.get(t, "/save-write") // the write() it will misuse
			}
			resp, body := ts.get(t, tt.path)
			if resp.StatusCode != 500 {
				t.Errorf("status %d, want 500", resp.StatusCode)
			}
			for _, want := range []string{"The app broke a WSGI rule", "[" + tt.rule + "]", tt.words, "Traceback"} {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q:\n%s", want, body)
				}
			}
			f := wantFailure(t, ts.waitExchange(t, byPath(tt.path)), "wsgi", tt.rule)
			if !strings.Contains(f.Message, tt.words) || f.Cut {
				t.Errorf("failure %+v", f)
			}
			ts.stillServing(t)
		})
	}
}

func TestErrorPagesKeepTheConnection(t *testing.T) {
	ts := startBroken(t)
	c := ts.dial(t)
	for _, tt := range []struct {
		path   string
		status int
	}{{"/raise-before", 500}, {"/twice", 500}, {"/exit", 502}, {"/", 200}, {"/str-chunk", 500}, {"/", 200}} {
		resp, body := c.roundTrip(t, newRequest(t, "GET", ts.URL+tt.path, nil))
		if resp.StatusCode != tt.status || resp.Close {
			t.Errorf("%s: status %d, close %v: %.200s", tt.path, resp.StatusCode, resp.Close, body)
		}
	}
}

func TestContentLengthMismatch(t *testing.T) {
	ts := startBroken(t)
	for _, path := range []string{"/short-length", "/long-length"} {
		t.Run(path, func(t *testing.T) {
			resp, err := client.Get(ts.URL + path)
			if err == nil {
				body, rerr := io.ReadAll(resp.Body)
				resp.Body.Close()
				if rerr == nil {
					t.Errorf("a clean response %q: the client must see the broken length", body)
				}
			}
			ex := ts.waitExchange(t, byPath(path))
			if len(ex.Lint) != 1 || ex.Lint[0].Rule != "content-length-mismatch" {
				t.Errorf("lint %+v, want content-length-mismatch", ex.Lint)
			}
			ts.stillServing(t)
		})
	}
}

func TestChildDeathMidRequest(t *testing.T) {
	ts := startBroken(t)
	tests := []struct {
		path, how string
	}{
		{"/exit", "exited with status 7"},
		{"/segfault", "SIGSEGV"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, before := ts.get(t, "/pid")
			resp, body := ts.get(t, tt.path)
			if resp.StatusCode != 502 || !strings.Contains(body, tt.how) || !strings.Contains(body, "The Python process died") {
				t.Errorf("status %d, body:\n%s\nwant 502 saying %q", resp.StatusCode, body, tt.how)
			}
			f := wantFailure(t, ts.waitExchange(t, byPath(tt.path)), "child-exit", "")
			if !strings.Contains(f.Message, tt.how) {
				t.Errorf("failure %+v", f)
			}
			if resp, after := ts.get(t, "/pid"); resp.StatusCode != 200 || after == before {
				t.Errorf("after the death: status %d, pid %q (before %q); want a new child", resp.StatusCode, after, before)
			}
		})
	}
}

func TestChildDeathMidStreamCutsTheConnection(t *testing.T) {
	ts := startBroken(t)
	_, before := ts.get(t, "/pid")
	resp, err := client.Get(ts.URL + "/exit-mid-stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	line, _ := br.ReadString('\n')
	_, err = io.ReadAll(br)
	if line != "partial\n" || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("first line %q, then %v; want the partial body, then a cut", line, err)
	}
	f := wantFailure(t, ts.waitExchange(t, byPath("/exit-mid-stream")), "child-exit", "")
	if !f.Cut || !strings.Contains(f.Message, "exited with status 9") {
		t.Errorf("failure %+v", f)
	}
	if _, after := ts.get(t, "/pid"); after == before {
		t.Errorf("pid %s both before and after the death", after)
	}
	ts.stillServing(t)
}

func TestAppThatFailsToLoad(t *testing.T) {
	tests := []struct {
		name, source, spec string
		want               []string
	}{
		{
			name:   "syntax error",
			source: "import os\n\ndef application(environ, start_response:\n    pass\n",
			want:   []string{"The app failed to import", "SyntaxError", "app.py, line 3", "Traceback"},
		},
		{
			name:   "import error",
			source: "import wsgidev_no_such_module\n",
			want:   []string{"ModuleNotFoundError", "wsgidev_no_such_module", "app.py", "Traceback"},
		},
		{
			name:   "missing callable",
			source: "def application(environ, start_response):\n    pass\n",
			spec:   "app.py:nope",
			want:   []string{"No WSGI app found", "app.py has no attribute 'nope'"},
		},
		{
			name:   "no callable at all",
			source: "x = 1\n",
			want:   []string{"No WSGI app found", "looked for application, app, create_app() and make_app()"},
		},
		{
			name:   "factory raising",
			source: "def create_app():\n    raise RuntimeError('factory failed')\n",
			want:   []string{"RuntimeError: factory failed", "app.py\", line 2, in create_app", "Traceback"},
		},
		{
			name:   "named factory raising",
			source: "def make(name):\n    raise RuntimeError('factory failed for ' + name)\n",
			spec:   "app.py:make('dev')",
			want:   []string{"RuntimeError: factory failed for dev", "in make", "Traceback"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte(tt.source), 0o644); err != nil {
				t.Fatal(err)
			}
			spec := tt.spec
			if spec == "" {
				spec = "app.py"
			}
			ts := startServer(t, spec, serverOptions{dir: dir, raw: true})
			for _, path := range []string{"/", "/other?x=1", "/"} { // every request, not just the first
				resp, body := ts.get(t, path)
				if resp.StatusCode != 500 {
					t.Errorf("%s: status %d, want 500", path, resp.StatusCode)
				}
				for _, want := range tt.want {
					if !strings.Contains(body, want) {
						t.Errorf("%s: the page lacks %q:\n%s", path, want, body)
					}
				}
			}
			resp, body := ts.get(t, "/", "Accept", "text/html")
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "<h1>") {
				t.Errorf("for a browser: Content-Type %q, body:\n%s", resp.Header.Get("Content-Type"), body)
			}
			wantFailure(t, ts.waitExchange(t, byPath("/other?x=1")), "load-error", "")
		})
	}
}

// TestValidatorComplaintsAreSeen proves the harness notices: the setup of
// startValidated, with an app and a request wsgiref.validate rejects, served
// raw so that the complaint is checked here instead of failing the test.
func TestValidatorComplaintsAreSeen(t *testing.T) {
	tests := []struct {
		app, method, words string
	}{
		{"badvalidated", "GET", "must be of type list: <class 'tuple'>"},
		// A warning, which the harness turns into an error.
		{"rules", "PROPFIND", "WSGIWarning: Unknown REQUEST_METHOD: 'PROPFIND'"},
	}
	for _, tt := range tests {
		t.Run(tt.app, func(t *testing.T) {
			ts := startServer(t, "validated.py", serverOptions{raw: true, env: []string{
				"WSGIDEV_TEST_APP=" + tt.app, "PYTHONWARNINGS=error::wsgiref.validate.WSGIWarning",
			}})
			resp, body := ts.do(t, tt.method, "/environ", nil)
			if resp.StatusCode != 500 || !strings.Contains(body, "wsgiref/validate.py") || !strings.Contains(body, tt.words) {
				t.Errorf("status %d, body:\n%s\nwant 500 with wsgiref.validate's %q", resp.StatusCode, body, tt.words)
			}
			ts.waitExchange(t, byPath("/environ"))
			complaints := ts.validatorComplaints() // what fails a validated server's test
			if len(complaints) != 1 || !strings.Contains(complaints[0], tt.words) {
				t.Errorf("the harness saw %q, want one complaint with %q", complaints, tt.words)
			}
		})
	}
}
