package main

// wsgidev export, each format checked by something other than wsgidev:
// the HAR by Python's json and an independent HAR 1.2 check, the pytest
// file by pytest, the curl script by curl against a second server.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// needTool skips a test without a tool, but fails it under CI=true, where
// .ci/run installs everything.
func needTool(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: .ci/run should have installed it)")
	}
	t.Skip(msg)
}

// pythonWith returns a Python that imports module: python3 on PATH, else
// Debian's.
func pythonWith(t *testing.T, module string) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import "+module).Run() == nil {
			return py
		}
	}
	needTool(t, "no python3 with "+module+" (Debian: python3-"+module+")")
	return ""
}

// command runs a program (bounded) and returns its output and exit code.
func command(t *testing.T, dir string, env []string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env, cmd.WaitDelay = dir, append(testEnv(), env...), processTimeout
	done := make(chan struct{})
	timer := time.AfterFunc(startTimeout, func() {
		select {
		case <-done:
		default:
			cmd.Process.Kill()
		}
	})
	defer timer.Stop()
	out, err := cmd.CombinedOutput()
	close(done)
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(out), cmd.ProcessState.ExitCode()
}

func TestExportHAROpensInPython(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	path := captureTraffic(t, dir)
	har := filepath.Join(dir, "capture.har")
	if p, code := run(t, dir, "export", "--format", "har", "-o", har, path); code != 0 || p.stdout.String() != "" {
		t.Fatalf("export --format har exited %d\n%s", code, p.dump())
	}
	checker, _ := filepath.Abs("testdata/capture/harcheck.py")
	out, code := command(t, dir, nil, pythonWith(t, "json"), checker, har)
	if code != 0 {
		t.Fatalf("the HAR 1.2 check failed:\n%s", out)
	}
	src, _ := capture.ReadFile(path)
	var want []string
	for _, e := range src.Entries {
		sum := sha256.Sum256(e.Exchange.ResponseBody.Data)
		want = append(want, fmt.Sprintf("%s %s %d %s", e.Exchange.Method, capture.AbsoluteURL(e.Exchange), e.Exchange.Status, hex.EncodeToString(sum[:])))
	}
	if got := strings.Split(strings.TrimSpace(out), "\n"); !slices.Equal(got, append(want, "ok")) {
		t.Errorf("Python read the HAR as\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A HAR is read wherever a capture is: replaying it matches too.
	if p, code := run(t, dir, "replay", har, "--app", "app.py"); code != 0 || !strings.Contains(p.stdout.String(), "10 match") {
		t.Errorf("replay of the exported HAR exited %d\n%s", code, p.dump())
	}
}

func TestExportPytestPasses(t *testing.T) {
	t.Parallel()
	py := pythonWith(t, "pytest")
	dir := captureApp(t)
	path := captureTraffic(t, dir)
	testDir := t.TempDir() // elsewhere: the file finds the app through the capture
	if p, code := run(t, testDir, "export", "-f", "pytest", "-o", "test_traffic.py", path); code != 0 {
		t.Fatalf("export --format pytest exited %d\n%s", code, p.dump())
	}
	pytest := []string{"-m", "pytest", "-q", "-p", "no:cacheprovider", "test_traffic.py"}
	out, code := command(t, testDir, nil, py, pytest...)
	if code != 0 || !strings.Contains(out, "10 passed") {
		t.Fatalf("pytest on the exported tests exited %d, want 10 passed:\n%s\n%s", code, out, must(os.ReadFile(filepath.Join(testDir, "test_traffic.py"))))
	}
	// The same tests catch the edit, and only there.
	editApp(t, dir)
	out, code = command(t, testDir, nil, py, pytest...)
	if code != 1 || !strings.Contains(out, "1 failed, 9 passed") || !strings.Contains(out, "test_001_get_json") {
		t.Errorf("pytest after the edit exited %d, want test_001_get_json to fail alone:\n%s", code, out)
	}
}

// The exported file finds the app from its own folder: it passes when
// pytest runs from elsewhere, after the project moved, and with
// WSGIDEV_APP_DIR when the file travels alone.
func TestExportPytestTravelsWithTheProject(t *testing.T) {
	t.Parallel()
	py := pythonWith(t, "pytest")
	project := filepath.Join(t.TempDir(), "project")
	if err := os.Rename(captureApp(t), project); err != nil {
		t.Fatal(err)
	}
	path := captureTraffic(t, project)
	os.Mkdir(filepath.Join(project, "tests"), 0o755)
	if p, code := run(t, project, "export", "-f", "pytest", "-o", "tests/test_traffic.py", path); code != 0 {
		t.Fatalf("export --format pytest exited %d\n%s", code, p.dump())
	}
	test := filepath.Join(project, "tests", "test_traffic.py")
	if src := string(must(os.ReadFile(test))); strings.Contains(src, project) {
		t.Errorf("the exported file names the project's absolute folder %s:\n%s", project, src)
	}
	pytest := func(what, cwd, file string, env ...string) {
		t.Helper()
		out, code := command(t, cwd, env, py, "-m", "pytest", "-q", "-p", "no:cacheprovider", file)
		if code != 0 || !strings.Contains(out, "10 passed") {
			t.Errorf("pytest %s exited %d, want 10 passed:\n%s", what, code, out)
		}
	}
	pytest("from another folder", t.TempDir(), test)
	moved := filepath.Join(t.TempDir(), "moved")
	if err := os.Rename(project, moved); err != nil {
		t.Fatal(err)
	}
	pytest("after the project moved", moved, filepath.Join("tests", "test_traffic.py"))
	alone := filepath.Join(t.TempDir(), "test_alone.py")
	os.WriteFile(alone, must(os.ReadFile(filepath.Join(moved, "tests", "test_traffic.py"))), 0o644)
	pytest("alone with WSGIDEV_APP_DIR", filepath.Dir(alone), alone, "WSGIDEV_APP_DIR="+moved)
}

func TestExportCurlReplaysFaithfully(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		needTool(t, "no curl")
	}
	dir := captureApp(t)
	path := captureTraffic(t, dir)
	script := filepath.Join(dir, "requests.sh")
	if p, code := run(t, dir, "export", "--format", "curl", "-o", script, path); code != 0 {
		t.Fatalf("export --format curl exited %d\n%s", code, p.dump())
	}
	// Run the script against a second server that captures what it gets.
	second := filepath.Join(dir, "second.jsonl")
	p := startServing(t, launch{dir: dir, args: []string{"serve", "--port", "0", "--no-reload", "--capture", second, "--capture-body-max", "2048"}})
	if out, code := command(t, dir, []string{"BASE_URL=" + p.base}, "sh", script); code != 0 {
		t.Fatalf("sh %s exited %d:\n%s", script, code, out)
	}
	p.signal(syscall.SIGTERM)
	p.wait()
	was, _ := capture.ReadFile(path)
	now, err := capture.ReadFile(second)
	if err != nil || len(now.Entries) != len(was.Entries) {
		t.Fatalf("the second capture: %v, %d entries, want %d\n%s", err, len(now.Entries), len(was.Entries), p.dump())
	}
	for i := range was.Entries {
		a, b := was.Entries[i].Exchange, now.Entries[i].Exchange
		what := a.Method + " " + a.Target
		if b.Method != a.Method || b.Target != a.Target {
			t.Errorf("request %d: curl sent %s %s, want %s", i+1, b.Method, b.Target, what)
		}
		if ha, hb := sentHeaders(a), sentHeaders(b); !slices.Equal(ha, hb) {
			t.Errorf("%s: curl sent headers\n%v\nwant\n%v", what, hb, ha)
		}
		if string(a.RequestBody.Data) != string(b.RequestBody.Data) {
			t.Errorf("%s: curl sent body %q, want %q", what, b.RequestBody.Data, a.RequestBody.Data)
		}
		if d := capture.Compare(a, b, capture.CompareOptions{}); !d.Match() {
			var s strings.Builder
			d.Write(&s, "  ", 20)
			t.Errorf("%s: the answer to curl differs:\n%s", what, s.String())
		}
	}
}

// cookieApp answers with what it read of the request: the environ keys a
// browser-style HAR must bring back the same way, and the body.
const cookieApp = `def application(environ, start_response):
    keys = ("HTTP_COOKIE", "HTTP_HOST", "QUERY_STRING", "REQUEST_URI", "CONTENT_LENGTH", "SERVER_SOFTWARE")
    body = "".join("%s=%s\n" % (k, environ.get(k)) for k in keys).encode("latin-1")
    body += environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]
`

// A HAR saved by a browser has no environ: the pytest export builds the
// one the server built, so its test passes against the answer the server
// gave (two Cookie headers joined as the server joins them).
func TestExportPytestFromABrowserHAR(t *testing.T) {
	t.Parallel()
	py := pythonWith(t, "pytest")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte(cookieApp), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "capture.jsonl")
	p := startServing(t, launch{dir: dir, args: []string{"serve", "--port", "0", "--no-reload", "--capture", path}})
	req, _ := http.NewRequest("POST", p.base+"/cookies?x=1", strings.NewReader("the body"))
	req.Host = "example.test:9999"
	req.Header.Add("Cookie", "a=1")
	req.Header.Add("Cookie", "b=2")
	resp, err := p.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(answer), "HTTP_COOKIE=a=1; b=2\n") {
		t.Fatalf("the app saw:\n%s", answer)
	}
	p.signal(syscall.SIGTERM)
	p.wait()

	har := filepath.Join(dir, "capture.har")
	if p, code := run(t, dir, "export", "--format", "har", "-o", har, path); code != 0 {
		t.Fatalf("export --format har exited %d\n%s", code, p.dump())
	}
	browserHAR := filepath.Join(dir, "browser.har")
	if err := os.WriteFile(browserHAR, withoutWsgidevFields(t, must(os.ReadFile(har))), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, code := run(t, dir, "export", "--format", "pytest", "--app", "app.py", "-o", "test_browser.py", browserHAR); code != 0 {
		t.Fatalf("export --format pytest exited %d\n%s", code, p.dump())
	}
	out, code := command(t, dir, nil, py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_browser.py")
	if code != 0 || !strings.Contains(out, "1 passed") {
		t.Fatalf("pytest on the test exported from a browser-style HAR exited %d, want 1 passed:\n%s\n%s",
			code, out, must(os.ReadFile(filepath.Join(dir, "test_browser.py"))))
	}
}

// withoutWsgidevFields is a HAR without wsgidev's own "_" fields (the
// environ, the events, …), as a browser saves one.
func withoutWsgidevFields(t *testing.T, har []byte) []byte {
	t.Helper()
	var doc any
	if err := json.Unmarshal(har, &doc); err != nil {
		t.Fatal(err)
	}
	var strip func(v any)
	strip = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				if strings.HasPrefix(k, "_") {
					delete(v, k)
					continue
				}
				strip(child)
			}
		case []any:
			for _, child := range v {
				strip(child)
			}
		}
	}
	strip(doc)
	if strings.Contains(string(must(json.Marshal(doc))), `"_`) {
		t.Fatal("wsgidev's fields are still in the HAR")
	}
	return must(json.Marshal(doc))
}

// sentHeaders are a request's headers but Host, which names the server.
func sentHeaders(ex *exchange.Exchange) []string {
	var out []string
	for _, h := range ex.RequestHeaders {
		if h.Name != "Host" {
			out = append(out, h.Name+": "+h.Value)
		}
	}
	return out
}
