package main

// serve --capture, replay and export, run as a user runs them: the real
// binary, a real Python child, real HTTP. The app is testdata/capture/app.py,
// copied to a temporary folder so that tests can edit it. Harness helpers
// are in main_test.go; the exports are checked in export_test.go.

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver/capture"
)

// captureRequest is one request of the traffic every capture test sends.
type captureRequest struct {
	method, path, body string
	header             []string // "Name: value"
}

var traffic = []captureRequest{
	{method: "GET", path: "/json?a=1&b=%20x"},
	{method: "POST", path: "/echo", body: "héllo wörld", header: []string{"Content-Type: text/plain; charset=utf-8", "X-Header: yes"}},
	{method: "POST", path: "/echo", body: "\x00\x01\xfe\xff binary", header: []string{"Content-Type: application/octet-stream"}},
	{method: "GET", path: "/binary"},
	{method: "GET", path: "/big"}, // cut at the cap of 2048 bytes
	{method: "GET", path: "/caf%C3%A9"},
	{method: "GET", path: "/stream"},
	{method: "HEAD", path: "/stream"},
	{method: "GET", path: "/boom", header: []string{"Accept: text/plain"}},
	{method: "GET", path: "/missing"},
}

// captureApp copies the app into a new folder and returns the folder.
func captureApp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/capture/app.py")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "app.py"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// editApp changes the greeting on its own line: exactly /json answers
// differently, and no traceback line number moves.
func editApp(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, "app.py")
	src, _ := os.ReadFile(path)
	edited := bytes.Replace(src, []byte(`GREETING = "hello"`), []byte(`GREETING = "howdy"`), 1)
	if bytes.Equal(src, edited) {
		t.Fatal("the app has no GREETING line to edit")
	}
	os.WriteFile(path, edited, 0o644)
}

// send makes one request and returns the status and body.
func (p *proc) send(r captureRequest) (int, []byte) {
	p.t.Helper()
	req, err := http.NewRequest(r.method, p.base+r.path, strings.NewReader(r.body))
	if err != nil {
		p.t.Fatal(err)
	}
	if r.body == "" {
		req.Body = http.NoBody
	}
	for _, h := range r.header {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v\n%s", r.method, r.path, err, p.dump())
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}

// captureTraffic serves the app in dir with --capture, sends the traffic,
// stops wsgidev and returns the capture's path.
func captureTraffic(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "capture.jsonl")
	p := startServing(t, launch{dir: dir, args: []string{"serve", "--port", "0", "--no-reload", "--capture", path, "--capture-body-max", "2048"}})
	if !strings.Contains(p.stdout.String(), "capture  "+path+" (bodies up to 2048 bytes)") {
		t.Errorf("the banner does not say where the capture goes:\n%s", p.dump())
	}
	for _, r := range traffic {
		p.send(r)
	}
	p.signal(syscall.SIGTERM)
	if code := p.wait(); code != 0 {
		t.Fatalf("wsgidev serve exited %d\n%s", code, p.dump())
	}
	src, err := capture.ReadFile(path)
	if err != nil || len(src.Problems) != 0 || len(src.Entries) != len(traffic) {
		t.Fatalf("the capture: %v, problems %v, %d entries, want %d", err, src.Problems, len(src.Entries), len(traffic))
	}
	if big := src.Entries[4].Exchange.ResponseBody; !big.Truncated || len(big.Data) != 2048 || big.Size <= 2048 {
		t.Errorf("/big was kept as %d of %d bytes (truncated %v), want the first 2048", len(big.Data), big.Size, big.Truncated)
	}
	for _, e := range src.Entries {
		ex := e.Exchange
		line := ex.Method + " " + ex.Target + " " + ex.Proto + "\r\n"
		if head := string(ex.RawHead.Data); !strings.HasPrefix(head, line) || !strings.HasSuffix(head, "\r\n\r\n") {
			t.Errorf("%s %s: the captured raw head %q is not the request's own", ex.Method, ex.Target, head)
		}
	}
	return path
}

// run runs a wsgidev command to its end and returns it with its exit code.
func run(t *testing.T, dir string, args ...string) (*proc, int) {
	t.Helper()
	p := start(t, launch{dir: dir, args: args})
	return p, p.wait()
}

var differsLine = regexp.MustCompile(`(?m)^  DIFFERS  (\S+ \S+)`)

func TestCaptureReplayRoundTrip(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	path := captureTraffic(t, dir)

	// The same app: every answer matches (the capture names the app).
	p, code := run(t, t.TempDir(), "replay", path)
	if code != 0 || !strings.Contains(p.stdout.String(), "10 requests: 10 match, 0 differ") {
		t.Fatalf("replay of an unchanged app exited %d\n%s", code, p.dump())
	}
	if !strings.Contains(p.stdout.String(), "the captured body was cut at the capture cap: compared the first 2048 bytes") {
		t.Errorf("replay does not say /big was compared in part:\n%s", p.stdout)
	}

	// An edit: exactly /json differs, with what changed in its JSON.
	editApp(t, dir)
	p, code = run(t, dir, "replay", "capture.jsonl")
	out := p.stdout.String()
	if code != 1 {
		t.Fatalf("replay after an edit exited %d, want 1\n%s", code, p.dump())
	}
	if got := differsLine.FindAllStringSubmatch(out, -1); len(got) != 1 || got[0][1] != "GET /json?a=1&b=%20x" {
		t.Errorf("DIFFERS lines %v, want only GET /json\n%s", got, out)
	}
	for _, want := range []string{`~ $.greeting: "hello" → "howdy"`, "9 match, 1 differ"} {
		if !strings.Contains(out, want) {
			t.Errorf("replay output has no %q:\n%s", want, out)
		}
	}

	// --update takes the new answer; then all match again.
	before, _ := os.ReadFile(path)
	p, code = run(t, dir, "replay", "capture.jsonl", "--update")
	if code != 0 || !strings.Contains(p.stdout.String(), "updated 1 request in capture.jsonl") {
		t.Fatalf("replay --update exited %d\n%s", code, p.dump())
	}
	after, _ := os.ReadFile(path)
	if changed := changedLines(before, after); len(changed) != 1 || changed[0] != 2 {
		t.Errorf("--update changed lines %v, want only line 2", changed)
	}
	if p, code = run(t, dir, "replay", "capture.jsonl"); code != 0 {
		t.Errorf("replay after --update exited %d\n%s", code, p.dump())
	}
	if p, code = run(t, dir, "replay", "capture.jsonl", "--filter", "path:/json", "--app", "app.py"); code != 0 || !strings.Contains(p.stdout.String(), "replaying 1 of 10 requests") {
		t.Errorf("replay --filter exited %d\n%s", code, p.dump())
	}
}

func changedLines(a, b []byte) []int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	var changed []int
	for i := range max(len(la), len(lb)) {
		if i >= len(la) || i >= len(lb) || !bytes.Equal(la[i], lb[i]) {
			changed = append(changed, i+1)
		}
	}
	return changed
}

// Replay to a server already running (--url): the answers over HTTP match
// the ones the app gave.
func TestReplayToURL(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	path := captureTraffic(t, dir)
	server := startServing(t, launch{dir: dir, args: []string{"serve", "--port", "0", "--no-reload"}})
	p, code := run(t, dir, "replay", path, "--url", server.base)
	if code != 0 || !strings.Contains(p.stdout.String(), "10 requests: 10 match, 0 differ") {
		t.Errorf("replay --url exited %d\n%s", code, p.dump())
	}
}

func TestReplayServerDownExits2(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	path := captureTraffic(t, dir)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	p, code := run(t, dir, "replay", path, "--url", url)
	if code != 2 {
		t.Errorf("replay to a closed port exited %d, want 2\n%s", code, p.dump())
	}
	if n := strings.Count(p.stdout.String(), "  DOWN     "); n != len(traffic) {
		t.Errorf("%d DOWN lines, want one a request:\n%s", n, p.dump())
	}
	if !strings.Contains(p.stdout.String(), "is down (connection refused)") || !strings.Contains(p.stderr.String(), "the server was down for 10 requests") {
		t.Errorf("replay does not say the server is down:\n%s", p.dump())
	}
}

// kill -9 in the middle of serving leaves a capture whose complete lines
// all parse; a line cut mid-write is reported, and a new serve removes it.
func TestCaptureSurvivesKill9(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	path := filepath.Join(dir, "capture.jsonl")
	p := startServing(t, launch{dir: dir, args: []string{"serve", "--port", "0", "--no-reload", "--capture", path}})
	pid := p.childPID()
	for _, r := range traffic[:4] {
		p.send(r)
	}
	slow := p.getAsync("/slow?30") // in flight when the kill comes
	waitLines(t, path, 6)          // header, /pid and four requests written
	p.signal(syscall.SIGKILL)
	p.wait()
	<-slow
	waitGone(t, pid, "the Python child of a SIGKILLed wsgidev")

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src, err := capture.ReadFile(path)
	if err != nil || len(src.Problems) != 0 || len(src.Entries) != 5 {
		t.Fatalf("after kill -9: %v, problems %v, %d entries, want 5", err, src.Problems, len(src.Entries))
	}

	// The crash could have come in the middle of a line: cut the last one.
	os.WriteFile(path, data[:len(data)-30], 0o644)
	e, code := run(t, dir, "export", "--format", "har", "-o", "out.har", path)
	if code != 0 || !regexp.MustCompile(`capture.jsonl: warning: line 6: the last line is cut short`).MatchString(e.stderr.String()) {
		t.Errorf("export of a cut capture exited %d\n%s", code, e.dump())
	}
	p = startServing(t, launch{dir: dir, args: []string{"serve", "--port", "0", "--no-reload", "--capture", path}})
	p.send(traffic[0])
	p.signal(syscall.SIGTERM)
	p.wait()
	if !strings.Contains(p.stderr.String(), "ended in a line cut short") {
		t.Errorf("serve does not say it removed the cut line:\n%s", p.dump())
	}
	src, err = capture.ReadFile(path)
	if err != nil || len(src.Problems) != 0 || len(src.Entries) != 5 || len(src.Headers) != 2 {
		t.Errorf("appended to a repaired capture: %v, problems %v, %d entries, %d sessions", err, src.Problems, len(src.Entries), len(src.Headers))
	}
}

// waitLines waits (bounded) until the file has n complete lines.
func waitLines(t *testing.T, path string, n int) {
	t.Helper()
	deadline := time.Now().Add(processTimeout)
	for {
		data, _ := os.ReadFile(path)
		if bytes.Count(data, []byte("\n")) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d lines after %s, want %d", path, bytes.Count(data, []byte("\n")), processTimeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestReplayBadInput(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	path := captureTraffic(t, dir)
	lines := strings.SplitAfter(string(must(os.ReadFile(path))), "\n")
	lines[0] = strings.Replace(lines[0], `"wsgidev_capture":1`, `"wsgidev_capture":9`, 1)
	lines[3] = lines[3][:len(lines[3])/2] + "\n"                                                      // line 4: corrupt
	lines[4] = regexp.MustCompile(`"encoding":"base64","data":"`).ReplaceAllString(lines[4], `$0!!!`) // line 5: bad base64
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(strings.Join(lines, "")), 0o644)

	p, code := run(t, dir, "replay", bad)
	if code != 2 {
		t.Errorf("replay of a bad capture exited %d, want 2\n%s", code, p.dump())
	}
	for _, want := range []string{
		"bad.jsonl: error: line 1: capture format version 9",
		"bad.jsonl: error: line 4: not valid JSON",
		"bad.jsonl: error: line 5: response_body is not valid base64",
		"has bad lines (above); replayed the good ones",
	} {
		if !strings.Contains(p.stderr.String(), want) {
			t.Errorf("stderr has no %q:\n%s", want, p.stderr.String())
		}
	}
	if !strings.Contains(p.stdout.String(), "8 requests: 8 match") {
		t.Errorf("the good requests were not replayed:\n%s", p.stdout.String())
	}
	if p, code := run(t, dir, "replay", bad, "--update"); code != 2 || !strings.Contains(p.stderr.String(), "fix or remove them first") {
		t.Errorf("replay --update of a bad capture exited %d\n%s", code, p.dump())
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"replay", "nothing.jsonl"}, "no such file"},
		{[]string{"replay", "app.py"}, "not a wsgidev capture"},
		{[]string{"replay", path, "--filter", "status:abc"}, `--filter "status:abc"`},
		{[]string{"replay", path, "--filter", "GET or bogus:x"}, `--filter "GET or bogus:x": bogus:x: unknown term`},
		{[]string{"export", "--format", "har", path, "--filter", "is:live"}, `--filter "is:live": is:live: a capture holds finished requests only`},
		{[]string{"replay", path, "--filter", "method:PATCH"}, "has 10 requests but none match --filter"},
		{[]string{"replay", path, "--url", "localhost:1"}, "give the server's address"},
		{[]string{"replay", path, "--app", "nope.py"}, "nope.py: no such file"},
		{[]string{"export", "--format", "xml", path}, `--format "xml": choose har, curl or pytest`},
	} {
		p, code := run(t, dir, tc.args...)
		if code != 2 || !strings.Contains(p.stderr.String(), tc.want) {
			t.Errorf("wsgidev %v exited %d, want 2 and %q\n%s", tc.args, code, tc.want, p.dump())
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
