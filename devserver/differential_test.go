//go:build linux

package devserver_test

// Differential tests: the same app served by gunicorn (the reference) and by
// wsgidev gets the same requests, and the answers must agree in status,
// headers and body once what legitimately differs between two servers on two
// ports is normalised away. The apps are real frameworks from Debian's
// packages (python3-flask, python3-django, python3-bottle, python3-httpbin,
// gunicorn), imported by Debian's own /usr/bin/python3.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// frameworkPython is Debian's interpreter, the one the python3-* packages
// install into (python3 on PATH may be another build without them).
const frameworkPython = "/usr/bin/python3"

// requireModules skips the test when python cannot import the modules, or
// fails it under CI=true, where .ci/run installs them and a skip would hide
// a broken setup.
func requireModules(t *testing.T, python string, modules ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, "-c", "import "+strings.Join(modules, ", ")).CombinedOutput()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("differential test needs %s importable from %s (Debian: apt-get install python3-flask python3-django python3-bottle python3-httpbin gunicorn): %v\n%s",
		strings.Join(modules, ", "), python, err, bytes.TrimSpace(out))
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// freePort asks the kernel for a free loopback port. Another process could
// take it before gunicorn binds; gunicorn then fails to start, which
// startGunicorn reports.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// startGunicorn serves appspec from dir with gunicorn's sync worker (one
// worker) on a free port and returns its base URL (runGunicorn).
func startGunicorn(t *testing.T, dir, appspec, python string, env ...string) string {
	t.Helper()
	addr := "127.0.0.1:" + freePort(t)
	runGunicorn(t, dir, appspec, python, "tcp", addr, env...)
	return "http://" + addr
}

// runGunicorn serves appspec from dir with gunicorn's sync worker (one
// worker) on addr, a TCP host:port or a unix socket's path (network
// "unix"), and waits until it accepts connections. gunicorn runs on python
// itself (python -m gunicorn) so both servers run the app on the same
// interpreter. --preload imports the app in the master before it binds, so
// an open port means the app imported. env adds to the environment (gunicorn
// takes SCRIPT_NAME from it). The whole process group is stopped in
// t.Cleanup: SIGTERM, a bounded grace, then SIGKILL.
func runGunicorn(t *testing.T, dir, appspec, python, network, addr string, env ...string) {
	t.Helper()
	requireModules(t, python, "gunicorn")
	bind := addr
	if network == "unix" {
		bind = "unix:" + addr
	}
	logPath := filepath.Join(t.TempDir(), "gunicorn.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(python, "-m", "gunicorn", "--workers", "1", "--worker-class", "sync",
		"--bind", bind, "--preload", "--graceful-timeout", "2", "--error-logfile", "-", appspec)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), pythonEnv...), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start gunicorn: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		select {
		case <-exited: // gone and reaped already: its pid is no longer ours to signal
			return
		default:
		}
		syscall.Kill(-pid, syscall.SIGTERM) // the master stops its worker, then exits
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-pid, syscall.SIGKILL) // master and worker alike
			<-exited
		}
	})

	gunicornLog := func() string {
		data, _ := os.ReadFile(logPath)
		return string(data)
	}
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		conn, err := net.DialTimeout(network, addr, time.Second)
		if err == nil {
			conn.Close()
			return
		}
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			t.Fatalf("gunicorn %s exited before serving (%v):\n%s", appspec, err, gunicornLog())
		case <-deadline:
			t.Fatalf("gunicorn %s not listening on %s within 30s:\n%s", appspec, addr, gunicornLog())
		case <-tick.C:
		}
	}
}

// pythonEnv is the environment both servers run the app with. A fixed hash
// seed, because an app may list a set (Flask's Allow header does) and two
// interpreters would otherwise order it differently; no bytecode files in
// testdata.
var pythonEnv = []string{"PYTHONHASHSEED=0", "PYTHONDONTWRITEBYTECODE=1"}

// differ sends each request to the same app under both servers.
type differ struct {
	wsgidev, gunicorn string // base URLs
	client            *http.Client
	server            *testServer // wsgidev's, for what it recorded
}

// newDiffer serves appspec from dir under both servers, mounted under
// scriptName unless it is "".
func newDiffer(t *testing.T, dir, appspec, scriptName string) *differ {
	t.Helper()
	var env []string
	if scriptName != "" {
		env = append(env, "SCRIPT_NAME="+scriptName)
	}
	g := startGunicorn(t, dir, appspec, frameworkPython, env...)
	// httpbin answers some statuses without a Content-Type (wsgiref.validate
	// rejects those too), so its warnings are right and not checked here.
	ts := startServer(t, appspec, serverOptions{python: frameworkPython, raw: true, lintClean: appspec != "httpbin:app", dir: dir,
		env: pythonEnv, scriptName: scriptName})
	transport := &http.Transport{DisableCompression: true} // /gzip is compared as sent
	t.Cleanup(transport.CloseIdleConnections)
	return &differ{wsgidev: ts.URL, gunicorn: g, server: ts, client: &http.Client{
		Transport:     transport,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// reply is one server's answer, read whole.
type reply struct {
	server   string // "wsgidev" or "gunicorn", for messages
	hostport string // 127.0.0.1:PORT of the server, for normalising
	method   string
	interim  []int // 1xx statuses before the final one (100 Continue)
	status   int
	line     string // the status line after the protocol: "302 FOUND"
	header   http.Header
	length   int64 // Content-Length as declared; -1 when chunked or absent
	body     []byte
}

type server struct{ name, url string }

func (d *differ) servers() [2]server {
	return [2]server{{"wsgidev", d.wsgidev}, {"gunicorn", d.gunicorn}}
}

// compare sends the same request to both servers and reports every
// difference that survives normalisation.
func (d *differ) compare(t *testing.T, name, method, path, body string, header http.Header) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		var got [2]*reply
		for i, s := range d.servers() {
			var r io.Reader
			if body != "" {
				r = strings.NewReader(body)
			}
			req, err := http.NewRequest(method, s.url+path, r)
			if err != nil {
				t.Fatal(err)
			}
			req.Header = header.Clone()
			if req.Header == nil {
				req.Header = http.Header{}
			}
			resp, err := d.client.Do(req)
			if err != nil {
				t.Fatalf("%s: %s %s: %v", s.name, method, path, err)
			}
			got[i] = readReply(t, s, method, resp)
		}
		diffReplies(t, got[0], got[1])
	})
}

// sendRaw dials the server and writes raw, {host} replaced by its
// host:port; the connection closes with the test.
func (s server) sendRaw(t *testing.T, raw string) net.Conn {
	t.Helper()
	hostport := strings.TrimPrefix(s.url, "http://")
	conn, err := net.DialTimeout("tcp", hostport, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, strings.ReplaceAll(raw, "{host}", hostport)); err != nil {
		t.Fatalf("%s: %v", s.name, err)
	}
	return conn
}

// compareRaw writes the same raw request (with {host} replaced by each
// server's host:port) to both servers, for what net/http's client cannot
// send: HTTP/1.0, absolute-form targets, raw bytes in the query.
func (d *differ) compareRaw(t *testing.T, name, raw string) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		var got [2]*reply
		for i, s := range d.servers() {
			conn := s.sendRaw(t, raw)
			method, _, _ := strings.Cut(raw, " ")
			br := bufio.NewReader(conn)
			var interim []int
			for {
				resp, err := http.ReadResponse(br, &http.Request{Method: method})
				if err != nil {
					t.Fatalf("%s: reading the response: %v", s.name, err)
				}
				if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
					got[i] = readReply(t, s, method, resp)
					got[i].interim = interim
					break
				}
				interim = append(interim, resp.StatusCode)
			}
		}
		diffReplies(t, got[0], got[1])
	})
}

// compareRefused writes a raw request both servers must refuse with 400
// and then close the connection, answering nothing after it (a smuggled
// second request, say). The pages differ (each server has its own); the
// status and the close must not.
func (d *differ) compareRefused(t *testing.T, name, raw string) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		for _, s := range d.servers() {
			conn := s.sendRaw(t, raw)
			all, err := io.ReadAll(conn) // to the server's close; the deadline fails a server that keeps it open
			if err != nil {
				t.Errorf("%s: the connection stays open after the refusal: %v", s.name, err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(all)), nil)
			if err != nil {
				t.Fatalf("%s: reading the answer: %v\n%q", s.name, err, all)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest || bytes.Count(all, []byte("HTTP/1.")) != 1 {
				t.Errorf("%s: %q and %d answers, want one 400:\n%s", s.name, resp.Status, bytes.Count(all, []byte("HTTP/1.")), all)
			}
		}
	})
}

func readReply(t *testing.T, s server, method string, resp *http.Response) *reply {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading the body: %v", s.name, err)
	}
	r := &reply{server: s.name, hostport: strings.TrimPrefix(s.url, "http://"), method: method,
		status: resp.StatusCode, line: resp.Status, header: resp.Header, length: -1, body: body}
	if len(resp.TransferEncoding) == 0 && resp.Header.Get("Content-Length") != "" {
		r.length = resp.ContentLength
	}
	return r
}

// ignoredHeaders differ between any two servers whatever the app does; each
// says why it is left out.
var ignoredHeaders = map[string]string{
	"date":              "the server's clock at the time of the response",
	"server":            "gunicorn names itself; wsgidev sends none",
	"connection":        "connection management: gunicorn's sync worker closes every connection, wsgidev keeps it alive",
	"keep-alive":        "connection management (hop-by-hop), like Connection",
	"transfer-encoding": "framing, compared on its own in diffFraming",
	"content-length":    "framing, compared on its own in diffFraming",
}

// clockHeaders carry a time the app took from its own clock (Django's
// never_cache sets Expires to now), so the two servers' answers may be a
// second or two apart; they must be HTTP dates within a few seconds.
var clockHeaders = map[string]bool{"expires": true}

func diffReplies(t *testing.T, w, g *reply) {
	t.Helper()
	if !reflect.DeepEqual(w.interim, g.interim) {
		t.Errorf("interim responses: wsgidev %v, gunicorn %v", w.interim, g.interim)
	}
	if w.line != g.line {
		// The reason phrase too: the app's, as the app wrote it ("302 FOUND").
		t.Errorf("status: wsgidev %q, gunicorn %q", w.line, g.line)
	}
	diffHeaders(t, w, g)
	diffFraming(t, w, g)
	wb, gb := normBody(t, w), normBody(t, g)
	if !reflect.DeepEqual(wb, gb) {
		t.Errorf("bodies differ (host:port normalised to {host}) at %s:\nwsgidev:  %s\ngunicorn: %s",
			firstDiff(wb, gb, "body"), show(wb), show(gb))
	}
}

// firstDiff names where two decoded JSON values first differ, so that a
// long body's difference is found at a glance.
func firstDiff(a, b any, at string) string {
	switch a := a.(type) {
	case map[string]any:
		if b, ok := b.(map[string]any); ok {
			for k := range a {
				if !reflect.DeepEqual(a[k], b[k]) {
					return firstDiff(a[k], b[k], at+"."+k)
				}
			}
			for k := range b {
				if _, ok := a[k]; !ok {
					return at + "." + k
				}
			}
		}
	case []any:
		if b, ok := b.([]any); ok && len(a) == len(b) {
			for i := range a {
				if !reflect.DeepEqual(a[i], b[i]) {
					return firstDiff(a[i], b[i], fmt.Sprintf("%s[%d]", at, i))
				}
			}
		}
	}
	return fmt.Sprintf("%s (wsgidev %s, gunicorn %s)", at, show(a), show(b))
}

func diffHeaders(t *testing.T, w, g *reply) {
	t.Helper()
	wh, gh := normHeaders(w), normHeaders(g)
	for name := range mergeKeys(wh, gh) {
		wv, gv := wh[name], gh[name]
		if clockHeaders[name] && len(wv) == 1 && len(gv) == 1 {
			wt, werr := http.ParseTime(wv[0])
			gt, gerr := http.ParseTime(gv[0])
			if werr == nil && gerr == nil && wt.Sub(gt).Abs() <= 5*time.Second {
				continue
			}
		}
		if !reflect.DeepEqual(wv, gv) {
			t.Errorf("header %s: wsgidev %q, gunicorn %q", name, wv, gv)
		}
	}
}

// normHeaders lower-cases names (HTTP field names are case-insensitive;
// net/http also canonicalises them) and writes the server's own host:port
// as {host} in values such as an absolute Location.
func normHeaders(r *reply) map[string][]string {
	out := map[string][]string{}
	for name, values := range r.header {
		name = strings.ToLower(name)
		if _, ok := ignoredHeaders[name]; ok {
			continue
		}
		for _, v := range values {
			out[name] = append(out[name], strings.ReplaceAll(v, r.hostport, "{host}"))
		}
	}
	return out
}

func mergeKeys(a, b map[string][]string) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

// diffFraming compares how the body was delimited. gunicorn never invents a
// Content-Length, so one in its answer came from the app and wsgidev must
// pass it on unchanged. When the app gave none, gunicorn chunks, and wsgidev
// either chunks too or, when the app produced the whole body before the
// first flush, declares its length as net/http does; that length must be the
// body's own. A body that embeds the port changes length with the port's
// width, and a compressed one with its digits, so two lengths are compared
// only between ports of the same width (all of the kernel's default
// ephemeral range) and for bodies that are not content-encoded.
func diffFraming(t *testing.T, w, g *reply) {
	t.Helper()
	comparable := len(w.hostport) == len(g.hostport) && g.header.Get("Content-Encoding") == ""
	if g.length >= 0 {
		switch {
		case w.length < 0:
			t.Errorf("framing: the app declared Content-Length %d (gunicorn sent it), wsgidev sent none", g.length)
		case w.length != g.length && comparable:
			t.Errorf("framing: Content-Length wsgidev %d, gunicorn %d", w.length, g.length)
		}
	}
	noBody := w.method == http.MethodHead || w.status == http.StatusNoContent || w.status == http.StatusNotModified
	if w.length >= 0 && !noBody && int64(len(w.body)) != w.length {
		t.Errorf("framing: wsgidev declared Content-Length %d and sent %d bytes", w.length, len(w.body))
	}
	if noBody && len(w.body) > 0 {
		t.Errorf("wsgidev sent %d body bytes for a %s with status %d", len(w.body), w.method, w.status)
	}
}

// normBody is what the body says, with what may differ taken out: a gzip
// body is compared unzipped (its header holds the time it was compressed),
// the server's host:port becomes {host}, and JSON (one document or JSON
// lines, as httpbin's /stream sends) is compared parsed, because the order of
// object keys can follow the environ's order, which differs between servers
// (wsgidev sorts the HTTP_* keys, gunicorn keeps the request's order).
func normBody(t *testing.T, r *reply) any {
	t.Helper()
	body := r.body
	if r.header.Get("Content-Encoding") == "gzip" && len(body) > 0 {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			body, err = io.ReadAll(zr)
		}
		if err != nil {
			t.Errorf("%s: gzip body: %v", r.server, err)
			return r.body
		}
	}
	body = bytes.ReplaceAll(body, []byte(r.hostport), []byte("{host}"))
	mediaType, _, _ := mime.ParseMediaType(r.header.Get("Content-Type"))
	if len(body) == 0 || (mediaType != "application/json" && !strings.HasSuffix(mediaType, "+json")) {
		return string(body)
	}
	var docs []any
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Errorf("%s: a %s body that is not JSON: %v", r.server, mediaType, err)
			return string(body)
		}
		docs = append(docs, v)
	}
}

func show(v any) string {
	s, ok := v.(string)
	if !ok {
		data, _ := json.Marshal(v)
		s = string(data)
	}
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return strconv.Quote(s)
}
