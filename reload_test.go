package main

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// projectApp is a small app whose answers show which code is running.
func projectApp(version string) string {
	return `import importlib, os, sys, time

VERSION = "` + version + `"

def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/pid":
        body = str(os.getpid())
    elif path == "/slow":
        print("entered slow", flush=True)
        time.sleep(1.5)
        body = VERSION
    elif path == "/lazy":
        body = importlib.import_module(environ["QUERY_STRING"]).VALUE
    else:
        body = VERSION
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode()]
`
}

func writeProjectFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// serveProject serves a temp project's app.py with the reloader on.
func serveProject(t *testing.T, env ...string) (*proc, string) {
	t.Helper()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp("v1"))
	p := startServing(t, launch{dir: dir, env: env, args: []string{"serve", "--no-tui", "--port", "0", "app.py"}})
	if body := p.getText("/", http.StatusOK); body != "v1" {
		t.Fatalf("first answer %q", body)
	}
	return p, dir
}

var reloadedLine = regexp.MustCompile(`(?m)^wsgidev: reloaded in \S+ \((.*)\)$`)

// reloads counts the reloads wsgidev reported so far.
func (p *proc) reloads() int { return len(reloadedLine.FindAllString(p.stdout.String(), -1)) }

// waitReloads waits until wsgidev has reported n reloads in all.
func (p *proc) waitReloads(n int) {
	p.t.Helper()
	deadline := time.After(startTimeout)
	for {
		s, changed := p.stdout.snapshot()
		if len(reloadedLine.FindAllString(s, -1)) >= n {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			p.t.Fatalf("not %d reloads within %s\n%s", n, startTimeout, p.dump())
		}
	}
}

// waitBody polls path until it answers want: the first response with the
// new code, as a user refreshing the page sees it.
func (p *proc) waitBody(path, want string) {
	p.t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		resp, body := p.get(path)
		if resp.StatusCode == http.StatusOK && body == want {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("GET %s still answers %d %q, want %q\n%s", path, resp.StatusCode, body, want, p.dump())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// quietly checks that no further reload is reported within a short quiet
// window: the one place a bounded wait is the assertion.
func (p *proc) quietly(want int) {
	p.t.Helper()
	time.Sleep(600 * time.Millisecond)
	if got := p.reloads(); got != want {
		p.t.Fatalf("%d reloads, want exactly %d\n%s", got, want, p.dump())
	}
}

func TestReloadOnEdit(t *testing.T) {
	t.Parallel()
	p, dir := serveProject(t)
	writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp("v2"))
	p.waitBody("/", "v2")
	p.waitReloads(1)
	if m := reloadedLine.FindStringSubmatch(p.stdout.String()); m[1] != "app.py changed" {
		t.Errorf("reload line names %q", m[1])
	}
	p.signal(syscall.SIGHUP)
	p.waitOutput(regexp.MustCompile(`reloaded in \S+ \(manual reload\)`))
}

func TestReloadWatchesNewFoldersAndLazyImports(t *testing.T) {
	t.Parallel()
	outside := t.TempDir() // a module outside the project, on PYTHONPATH
	writeProjectFile(t, filepath.Join(outside, "extlib.py"), `VALUE = "ext1"`)
	p, dir := serveProject(t, "PYTHONPATH="+outside)

	// A folder created after the start, imported only by a later request.
	writeProjectFile(t, filepath.Join(dir, "pkg", "sub", "__init__.py"), "")
	writeProjectFile(t, filepath.Join(dir, "pkg", "__init__.py"), "")
	writeProjectFile(t, filepath.Join(dir, "pkg", "sub", "mod.py"), `VALUE = "a"`)
	p.waitReloads(1) // new .py files in the project count as changes
	p.waitBody("/lazy?pkg.sub.mod", "a")
	writeProjectFile(t, filepath.Join(dir, "pkg", "sub", "mod.py"), `VALUE = "b"`)
	p.waitBody("/lazy?pkg.sub.mod", "b")

	p.waitBody("/lazy?extlib", "ext1")
	n := p.reloads()
	writeProjectFile(t, filepath.Join(outside, "extlib.py"), `VALUE = "ext2"`)
	p.waitBody("/lazy?extlib", "ext2")
	p.waitReloads(n + 1)
}

func TestBrokenSaveShowsTheErrorThenRecovers(t *testing.T) {
	t.Parallel()
	p, dir := serveProject(t)
	writeProjectFile(t, filepath.Join(dir, "app.py"), "def application(environ, start_response:\n    pass\n")
	p.waitOutput(regexp.MustCompile(`app.py changed; the app failed to import: SyntaxError`))
	resp, body := p.get("/")
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "SyntaxError") ||
		!strings.Contains(body, `app.py", line 1`) || !strings.Contains(body, "^") {
		t.Fatalf("after a broken save: %d\n%s", resp.StatusCode, body)
	}
	writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp("fixed"))
	p.waitBody("/", "fixed")
}

func TestEditorSavesReloadOnce(t *testing.T) {
	t.Parallel()
	p, dir := serveProject(t)
	app := filepath.Join(dir, "app.py")
	// vim with backupcopy=no: swap file, the 4913 probe, rename to a
	// backup, write anew, remove the backup.
	writeProjectFile(t, filepath.Join(dir, ".app.py.swp"), "swap")
	writeProjectFile(t, filepath.Join(dir, "4913"), "")
	os.Remove(filepath.Join(dir, "4913"))
	if err := os.Rename(app, app+"~"); err != nil {
		t.Fatal(err)
	}
	writeProjectFile(t, app, projectApp("vim"))
	os.Remove(app + "~")
	os.Remove(filepath.Join(dir, ".app.py.swp"))
	p.waitBody("/", "vim")
	p.quietly(1)
}

func TestIgnoredPathsDoNotReload(t *testing.T) {
	t.Parallel()
	p, dir := serveProject(t)
	writeProjectFile(t, filepath.Join(dir, "venv", "pyvenv.cfg"), "home = /usr/bin\n")
	p.quietly(0)
	for _, name := range []string{
		"__pycache__/app.cpython-311.py", ".git/hooks/x.py", "node_modules/x.py",
		"venv/lib/site.py", ".mypy_cache/x.py", "app.db", "uploads/photo.jpg", "server.log",
	} {
		writeProjectFile(t, filepath.Join(dir, name), "changed")
	}
	p.quietly(0)
}

func TestRequestInFlightDuringReloadFinishesOnOldCode(t *testing.T) {
	t.Parallel()
	p, dir := serveProject(t)
	slow := p.getAsync("/slow")
	p.waitOutput(regexp.MustCompile(`entered slow`))
	writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp("v2"))
	p.waitBody("/", "v2")
	r := <-slow
	if r.err != nil || r.status != http.StatusOK || r.body != "v1" {
		t.Fatalf("in-flight request: %d %q %v; want the old code's v1", r.status, r.body, r.err)
	}
}

func TestNoPythonLeftAfterManyReloads(t *testing.T) {
	t.Parallel()
	p, dir := serveProject(t)
	pids := []int{p.childPID()}
	for i := 2; i <= 8; i++ {
		version := "v" + string(rune('0'+i))
		writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp(version))
		p.waitBody("/", version)
		pids = append(pids, p.childPID())
	}
	for _, pid := range pids[:len(pids)-1] {
		waitGone(t, pid, "a Python child replaced by a reload")
	}
	p.signal(syscall.SIGTERM)
	if code := p.wait(); code != 0 {
		t.Errorf("exit %d\n%s", code, p.dump())
	}
	waitGone(t, pids[len(pids)-1], "the last Python child")
}

func TestCrashAtImportIsRetriedThenFixedBySave(t *testing.T) {
	t.Parallel()
	p, dir := serveProject(t)
	writeProjectFile(t, filepath.Join(dir, "app.py"), "import os\nos._exit(3)\n")
	// Each attempt dies before importing the app; wsgidev says so and keeps
	// trying, further apart each time, while requests get the reason.
	p.waitOutput(regexp.MustCompile(`(?s)exited with status 3 before importing the app; trying again in \S+.*exited with status 3 before importing the app; trying again in`))
	resp, body := p.get("/")
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "exited with status 3") {
		t.Fatalf("while crashing at import: %d\n%s", resp.StatusCode, body)
	}
	writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp("recovered"))
	p.waitBody("/", "recovered")
}
