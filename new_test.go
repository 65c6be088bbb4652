package main

// `wsgidev new`: each starter app is written, served by the real binary and
// used over HTTP, and the plain-WSGI ones pass wsgiref.validate.

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/templates"
)

// newStarter runs `wsgidev new` for template into a fresh folder whose
// name has a space (the printed command must quote it) and returns the
// path of its app.py.
func newStarter(t *testing.T, template string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), template+" app")
	p, code := run(t, t.TempDir(), "new", dir, "--template", template)
	if code != 0 {
		t.Fatalf("wsgidev new exited %d\n%s", code, p.dump())
	}
	app := filepath.Join(dir, "app.py")
	if want := "\n  wsgidev serve " + capture.ShellQuote(app) + "\n"; !strings.Contains(p.stdout.String(), want) {
		t.Errorf("wsgidev new does not print the next command %q:\n%s", want, p.dump())
	}
	return app
}

// starterChecks use a served starter app over HTTP and return how many
// requests they made.
var starterChecks = map[string]func(t *testing.T, p *proc) int{
	"hello":      checkHello,
	"streaming":  checkStreaming,
	"form":       checkForm,
	"middleware": checkMiddleware,
	"routing":    checkRouting,
	"flask":      checkFlask,
}

func TestNewStartersServe(t *testing.T) {
	t.Parallel()
	for _, s := range templates.Starters() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			check, ok := starterChecks[s.Name]
			if !ok {
				t.Fatalf("no check for template %s: add one to starterChecks", s.Name)
			}
			args := []string{"serve", "", "--no-tui", "--no-reload", "--port", "0"}
			if s.Name == "flask" {
				args = append(args, "--python", pythonWith(t, "flask"))
			}
			app := newStarter(t, s.Name)
			args[1] = app
			p := startServing(t, launch{dir: filepath.Dir(app), args: args})
			n := check(t, p)
			p.waitCount(requestLine, n)
			for _, bad := range []string{"WSGI warning", "error:", "Traceback"} {
				if strings.Contains(p.stdout.String(), bad) {
					t.Errorf("the log has %q:\n%s", bad, p.dump())
				}
			}
		})
	}
}

var requestLine = regexp.MustCompile(`(?m)^127\.0\.0\.1 - - \[[^]]+\] "[A-Z]+ \S+ HTTP/1\.1" \d{3} `)

// waitCount waits until stdout has n matches of re.
func (p *proc) waitCount(re *regexp.Regexp, n int) {
	p.t.Helper()
	deadline := time.After(startTimeout)
	for {
		s, changed := p.stdout.snapshot()
		if len(re.FindAllString(s, -1)) >= n {
			return
		}
		select {
		case <-changed:
		case <-p.exited:
			p.t.Fatalf("wsgidev exited before %d lines matching %q\n%s", n, re, p.dump())
		case <-deadline:
			p.t.Fatalf("not %d lines matching %q within %s\n%s", n, re, startTimeout, p.dump())
		}
	}
}

func checkHello(t *testing.T, p *proc) int {
	resp, body := p.get("/greet?name=Ada", "User-Agent: wsgidev-test/1")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
		t.Errorf("GET /greet: %s, Content-Length %q for %d bytes", resp.Status, resp.Header.Get("Content-Length"), len(body))
	}
	for _, want := range []string{"Hello, Ada!", "You sent GET /greet with wsgidev-test/1."} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /greet?name=Ada lacks %q:\n%s", want, body)
		}
	}
	if body := p.getText("/", http.StatusOK); !strings.Contains(body, "Hello, world!") {
		t.Errorf("GET / without a name:\n%s", body)
	}
	return 2
}

// checkStreaming reads the response off the socket to see its chunked
// framing: one HTTP chunk per yield shows each was sent on its own, not
// gathered into one write.
func checkStreaming(t *testing.T, p *proc) int {
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(p.base, "http://"), startTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(startTimeout))
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" {
		t.Fatalf("GET /: %s, Transfer-Encoding %q; want 200 and chunked", resp.Status, resp.TransferEncoding)
	}
	// http.ReadResponse would undo the framing; read the chunks raw from
	// what follows the header.
	var chunks []string
	for len(chunks) < 20 {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading a chunk size after %q: %v", chunks, err)
		}
		size, err := strconv.ParseInt(strings.TrimSpace(line), 16, 64)
		if err != nil {
			t.Fatalf("bad chunk size line %q", line)
		}
		if size == 0 {
			break
		}
		data := make([]byte, size+2) // and its CRLF
		if _, err := io.ReadFull(r, data); err != nil {
			t.Fatalf("reading a chunk: %v", err)
		}
		chunks = append(chunks, string(data[:size]))
	}
	// Each yield is one line, made half a second after the one before, so
	// the server sends them apart. Yields that are ready at once may share
	// a chunk (the last line and "done" do), so the count allows for a
	// machine so loaded that the server fell half a second behind; a
	// server that buffered the body would send one chunk.
	if len(chunks) < 3 {
		t.Errorf("the body came in %d chunks %q, want the yields sent apart", len(chunks), chunks)
	}
	var lines []string
	for _, c := range chunks {
		if !strings.HasSuffix(c, "\n") {
			t.Errorf("chunk %q splits a yield", c)
		}
		lines = append(lines, strings.Split(strings.TrimSuffix(c, "\n"), "\n")...)
	}
	if len(lines) != 6 || lines[5] != "done" {
		t.Fatalf("the body's lines are %q, want 5 chunk lines and done", lines)
	}
	for i, line := range lines[:5] {
		if want := fmt.Sprintf("chunk %d of 5, ", i+1); !strings.HasPrefix(line, want) {
			t.Errorf("line %d is %q, want it to start %q", i+1, line, want)
		}
	}
	return 1
}

func checkForm(t *testing.T, p *proc) int {
	if body := p.getText("/", http.StatusOK); !strings.Contains(body, `<form method="post">`) {
		t.Errorf("GET / shows no form:\n%s", body)
	}
	form := url.Values{"name": {"<b>Ada</b>"}, "message": {"1 < 2 & 3 > \"2\""}}.Encode()
	post := func(chunked bool) string {
		req, err := http.NewRequest("POST", p.base+"/", strings.NewReader(form))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if chunked {
			req.ContentLength = -1 // no Content-Length: the app reads to the body's end
		}
		resp, err := p.client.Do(req)
		if err != nil {
			t.Fatalf("POST /: %v\n%s", err, p.dump())
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /: %s\n%s", resp.Status, body)
		}
		return string(body)
	}
	for _, chunked := range []bool{false, true} {
		body := post(chunked)
		for _, want := range []string{"&lt;b&gt;Ada&lt;/b&gt;", "1 &lt; 2 &amp; 3 &gt; &quot;2&quot;"} {
			if !strings.Contains(body, want) {
				t.Errorf("POST (chunked %v) echo lacks the escaped %q:\n%s", chunked, want, body)
			}
		}
		if strings.Contains(body, "<b>Ada") {
			t.Errorf("POST (chunked %v) echoes markup unescaped:\n%s", chunked, body)
		}
	}
	return 3
}

func checkMiddleware(t *testing.T, p *proc) int {
	seen := map[string]bool{}
	for i := 0; i < 2; i++ {
		resp, body := p.get("/")
		id := resp.Header.Get("X-Request-Id")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(id, "req-") {
			t.Fatalf("GET /: %s, X-Request-Id %q; want 200 and the middleware's header", resp.Status, id)
		}
		if !strings.Contains(body, "the id "+id+".") {
			t.Errorf("the app did not see the middleware's id %s in its environ:\n%s", id, body)
		}
		seen[id] = true
	}
	if len(seen) != 2 {
		t.Errorf("two requests got the ids %v, want two different ones", seen)
	}
	return 2
}

// checkRouting sees each mounted app get its prefix in SCRIPT_NAME and
// the rest of the path in PATH_INFO.
func checkRouting(t *testing.T, p *proc) int {
	if body := p.getText("/api/status", http.StatusOK); body != `{"script_name": "/api", "path_info": "/status", "method": "GET"}` {
		t.Errorf("GET /api/status: %q", body)
	}
	if body := p.getText("/blog/2024/hello", http.StatusOK); !strings.Contains(body, "PATH_INFO &#x27;/2024/hello&#x27; and SCRIPT_NAME &#x27;/blog&#x27;") {
		t.Errorf("GET /blog/2024/hello:\n%s", body)
	}
	if body := p.getText("/", http.StatusOK); !strings.Contains(body, `href="/blog/2024/hello"`) {
		t.Errorf("GET /:\n%s", body)
	}
	resp, _ := p.get("/nowhere")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nowhere: %s, want 404", resp.Status)
	}
	return 4
}

func checkFlask(t *testing.T, p *proc) int {
	if body := p.getText("/?name=Ada", http.StatusOK); body != "Hello, Ada, from Flask!\n" {
		t.Errorf("GET /?name=Ada: %q", body)
	}
	if body := p.getText("/environ", http.StatusOK); !strings.Contains(body, "wsgi.version = (1, 0)") {
		t.Errorf("GET /environ does not show the environ:\n%s", body)
	}
	return 2
}

// The plain-WSGI starters pass wsgiref.validate, the standard library's
// checker, with its warnings as errors, under Debian's Python.
func TestNewStartersValidate(t *testing.T) {
	t.Parallel()
	python := "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		needTool(t, "no "+python)
	}
	validate, err := filepath.Abs("testdata/new/validate.py")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range templates.Starters() {
		if s.Name == "flask" {
			continue
		}
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			app := newStarter(t, s.Name)
			out, code := command(t, filepath.Dir(app), nil, python, validate, app)
			if code != 0 || !strings.HasSuffix(out, "valid\n") {
				t.Fatalf("wsgiref.validate on %s: exit %d\n%s", s.Name, code, out)
			}
		})
	}
	// The check can fail: an app that yields str is refused.
	t.Run("a broken app fails", func(t *testing.T) {
		t.Parallel()
		app := filepath.Join(t.TempDir(), "app.py")
		broken := "def application(environ, start_response):\n" +
			"    start_response('200 OK', [('Content-Type', 'text/plain')])\n" +
			"    return ['not bytes']\n"
		if err := os.WriteFile(app, []byte(broken), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, code := command(t, filepath.Dir(app), nil, python, validate, app); code == 0 {
			t.Fatalf("wsgiref.validate passed an app that yields str:\n%s", out)
		}
	})
}

func TestNewRefusesToOverwrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mine := filepath.Join(dir, "requirements.txt")
	if err := os.WriteFile(mine, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The flask template writes app.py and requirements.txt: the one that
	// exists stops it before app.py is written.
	p, code := run(t, dir, "new", dir, "--template", "flask")
	if code != 2 || !strings.Contains(p.stderr.String(), mine+" already exists; wsgidev new never overwrites") {
		t.Errorf("exit %d, want 2 and an error naming %s\n%s", code, mine, p.dump())
	}
	if data, _ := os.ReadFile(mine); string(data) != "mine\n" {
		t.Errorf("requirements.txt was changed to %q", data)
	}
	if _, err := os.Stat(filepath.Join(dir, "app.py")); err == nil {
		t.Error("app.py was written although the template could not be written whole")
	}

	// Both files there: both named.
	os.WriteFile(filepath.Join(dir, "app.py"), []byte("mine\n"), 0o644)
	p, code = run(t, dir, "new", ".", "-t", "flask")
	if code != 2 || !strings.Contains(p.stderr.String(), "app.py and requirements.txt already exist") {
		t.Errorf("exit %d, want 2 and an error naming both files\n%s", code, p.dump())
	}
}

func TestNewBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"no folder", []string{"new"}, []string{"name one folder to write the app into, e.g. wsgidev new myapp"}},
		{"two folders", []string{"new", "a", "b"}, []string{"name one folder"}},
		{"unknown template", []string{"new", "fresh", "--template", "django"},
			[]string{`no template "django"; choose one of these with --template:`, "  hello ", "  streaming ", "  form ", "  middleware ", "  flask "}},
		{"a file, not a folder", []string{"new", file}, []string{file + " is a file, not a folder"}},
		{"a file on the way", []string{"new", filepath.Join(file, "sub")}, []string{file + " is a file, not a folder"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, code := run(t, dir, tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2\n%s", code, p.dump())
			}
			for _, want := range tt.want {
				if !strings.Contains(p.stderr.String(), "wsgidev new: ") || !strings.Contains(p.stderr.String(), want) {
					t.Errorf("stderr lacks %q\n%s", want, p.dump())
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "fresh")); err == nil {
		t.Error("a bad --template still made the folder")
	}
}

func TestNewHelpListsTemplates(t *testing.T) {
	t.Parallel()
	p, code := run(t, t.TempDir(), "new", "--help")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, p.dump())
	}
	for _, s := range templates.Starters() {
		if !strings.Contains(p.stdout.String(), s.Name+" ") || !strings.Contains(p.stdout.String(), s.Summary) {
			t.Errorf("wsgidev new --help does not list %s:\n%s", s.Name, p.stdout.String())
		}
	}
}
