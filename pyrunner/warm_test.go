//go:build linux && !wsgidev_portable

package pyrunner

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// warmRunner starts a runner with warm reloads on and waits until its
// template is built; notices collects what it told the user.
type warmRunner struct {
	*Runner
	mu      sync.Mutex
	notices []string
}

func startWarm(t *testing.T, cfg Config) *warmRunner {
	t.Helper()
	w := &warmRunner{}
	cfg.Warm = true
	cfg.OnNotice = func(s string) {
		w.mu.Lock()
		w.notices = append(w.notices, s)
		w.mu.Unlock()
	}
	w.Runner = startRunnerWith(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := w.Loaded(ctx); err != nil {
		t.Fatal(err)
	}
	return w
}

// waitTemplate waits until the template is built, or warm reloads are off.
func (w *warmRunner) waitTemplate(t *testing.T) bool {
	t.Helper()
	var ready bool
	waitFor(t, func() bool {
		w.warm.mu.Lock()
		defer w.warm.mu.Unlock()
		ready = w.warm.tpl != nil && w.warm.tpl.usable()
		return ready || w.warm.off
	})
	return ready
}

func (w *warmRunner) noticesSaid(part string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, n := range w.notices {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

type probeSeen struct {
	Argv          []string          `json:"argv"`
	Environ       map[string]string `json:"environ"`
	Path          []string          `json:"path"`
	Main          []string          `json:"main"`
	Modules       []string          `json:"modules"`
	HelperImports int               `json:"helper_imports"`
	HelperToken   string            `json:"helper_token"`
	Random        float64           `json:"random"`
	PPID          int               `json:"ppid"`
	OwnGroup      bool              `json:"own_group"`
	Cwd           string            `json:"cwd"`
	Threads       int               `json:"threads"`
	Signals       map[string]string `json:"signals"`
	FDs           []string          `json:"fds"`
	Stdin         string            `json:"stdin"`
}

func probe(t *testing.T, r *Runner) probeSeen {
	t.Helper()
	body, err := callBody(t, r, "/")
	if err != nil {
		t.Fatal(err)
	}
	var s probeSeen
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatalf("probe said %q: %v", body, err)
	}
	return s
}

// TestWarmChildSeesWhatAColdChildSees compares the probe app started cold
// with two forks of the template, field by field, on the Python found as
// usual and on each supported CPython this machine has.
func TestWarmChildSeesWhatAColdChildSees(t *testing.T) {
	t.Run("default", func(t *testing.T) { compareColdWarm(t, Python{}) })
	for _, v := range []string{"3.8", "3.9", "3.10", "3.11", "3.12", "3.13"} {
		t.Run(v, func(t *testing.T) { compareColdWarm(t, Python{Path: pyenvPython(t, v)}) })
	}
}

func compareColdWarm(t *testing.T, py Python) {
	dir, _ := filepath.Abs("testdata/warmprobe")
	cfg := Config{Python: py, Spec: AppSpec{File: filepath.Join(dir, "probe.py")}, Dir: dir,
		Argv: []string{"probe.py", "--flag"}, Env: []string{"PROBE_SETTING=on"}}
	// The cold side is a reloaded child too: the first one may go through a
	// pyenv shim, which changes the environment; reloads exec the real
	// interpreter, as the template does.
	plain := startRunnerWith(t, cfg)
	if res := reloadAndWait(t, plain); res.LoadErr != nil {
		t.Fatal(res.LoadErr)
	}
	cold := probe(t, plain)
	if cold.PPID != os.Getpid() {
		t.Fatalf("the cold child's parent is %d, not us", cold.PPID)
	}
	r := startWarm(t, cfg)
	if !r.waitTemplate(t) {
		t.Fatalf("no template: %v", r.notices)
	}
	var warm [2]probeSeen
	for i := range warm {
		if res := reloadAndWait(t, r.Runner); res.LoadErr != nil {
			t.Fatal(res.LoadErr)
		}
		warm[i] = probe(t, r.Runner)
		if warm[i].PPID == os.Getpid() {
			t.Fatalf("reload %d started cold, not from the template", i+1)
		}
	}
	for i, w := range warm {
		same := func(what string, a, b any) {
			if !reflect.DeepEqual(a, b) {
				t.Errorf("fork %d: %s differs from a cold start:\ncold %v\nwarm %v", i+1, what, a, b)
			}
		}
		same("sys.argv", cold.Argv, w.Argv)
		same("os.environ", cold.Environ, w.Environ)
		same("sys.path", cold.Path, w.Path)
		same("__main__", cold.Main, w.Main)
		same("sys.modules", cold.Modules, w.Modules)
		same("project module imports", cold.HelperImports, w.HelperImports)
		same("own process group", cold.OwnGroup, w.OwnGroup)
		same("cwd", cold.Cwd, w.Cwd)
		same("threads at import", cold.Threads, w.Threads)
		same("signal handlers", cold.Signals, w.Signals)
		same("open fds", cold.FDs, w.FDs)
		same("stdin", cold.Stdin, w.Stdin)
		if w.HelperImports != 1 {
			t.Errorf("fork %d: the project module was imported %d times in its interpreter", i+1, w.HelperImports)
		}
	}
	if warm[0].Random == warm[1].Random || warm[0].HelperToken == warm[1].HelperToken {
		t.Errorf("two forks drew the same random numbers: %v %v", warm[0].Random, warm[0].HelperToken)
	}
	if warm[0].PPID != warm[1].PPID {
		t.Errorf("the forks came from different templates (%d, %d) though nothing changed", warm[0].PPID, warm[1].PPID)
	}
}

// TestWarmReloadBrokenSaveRecovers: a syntax error through the warm path
// gives the traceback, and the next save serves again, from the template.
func TestWarmReloadBrokenSaveRecovers(t *testing.T) {
	dir := t.TempDir()
	app := filepath.Join(dir, "app.py")
	writeFile(t, app, appVersion("v1"))
	r := startWarm(t, Config{Spec: AppSpec{File: app}, Dir: dir})
	if !r.waitTemplate(t) {
		t.Fatalf("no template: %v", r.notices)
	}
	writeFile(t, app, "def application(:\n")
	res := reloadAndWait(t, r.Runner)
	if res.LoadErr == nil || res.LoadErr.Kind != "SyntaxError" || !strings.Contains(res.LoadErr.Traceback, "app.py") {
		t.Fatalf("want a SyntaxError with its traceback, got %+v", res)
	}
	writeFile(t, app, appVersion("v2"))
	if res := reloadAndWait(t, r.Runner); res.LoadErr != nil {
		t.Fatal(res.LoadErr)
	}
	if body, err := callBody(t, r.Runner, "/"); body != "v2" {
		t.Fatalf("after the fix got %q %v", body, err)
	}
	if !r.forked() {
		t.Errorf("the child was not forked from the template")
	}
}

// forked reports whether the current child is a fork of a template.
func (r *Runner) forked() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur.forked
}

// libVenv makes a virtualenv on the system Python whose site-packages holds
// the given modules: library code, as the template sees it.
func libVenv(t *testing.T, modules map[string]string) string {
	t.Helper()
	venv := filepath.Join(t.TempDir(), "venv")
	out, err := exec.Command("/usr/bin/python3", "-m", "venv", "--without-pip", "--system-site-packages", venv).CombinedOutput()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot make a virtualenv (python3-venv): %v\n%s", err, out)
		}
		t.Skipf("cannot make a virtualenv: %v\n%s", err, out)
	}
	site, _ := filepath.Glob(filepath.Join(venv, "lib", "python3*", "site-packages"))
	if len(site) != 1 {
		t.Fatalf("no site-packages in %s", venv)
	}
	for name, src := range modules {
		writeFile(t, filepath.Join(site[0], name+".py"), src)
	}
	return filepath.Join(venv, "bin", "python")
}

// TestWarmLeavesOutAModuleThatStartsAThread: the template names the
// module, the next template is built without it, and each fork imports it
// afresh, thread and all.
func TestWarmLeavesOutAModuleThatStartsAThread(t *testing.T) {
	py := libVenv(t, map[string]string{
		"ticker":      "import threading, time\nT = threading.Thread(target=time.sleep, args=(3600,), daemon=True)\nT.start()\n",
		"uses_ticker": "import ticker\n",
	})
	r := serveWarm(t, py, "import json, uses_ticker, ticker", "ticker.T.is_alive()")
	if !r.noticesSaid("ticker started a thread") && !r.noticesSaid("uses_ticker started a thread") {
		t.Fatalf("no notice names the module: %v", r.notices)
	}
	r.warm.mu.Lock()
	excluded := r.warm.exclude["ticker"] && r.warm.exclude["uses_ticker"] && !r.warm.exclude["json"]
	r.warm.mu.Unlock()
	if !excluded {
		t.Errorf("left out %v; want ticker and what imports it, not json", r.warm.exclude)
	}
	if res := reloadAndWait(t, r.Runner); res.LoadErr != nil {
		t.Fatal(res.LoadErr)
	}
	if !r.forked() {
		t.Errorf("the reload did not fork from the template")
	}
	// Imported afresh, its thread runs; a thread object carried over from
	// the template would be dead after the fork.
	if body, err := callBody(t, r.Runner, "/"); body != "True" {
		t.Errorf("the module's thread alive in the fork: %q %v", body, err)
	}
}

// TestWarmTemplateThatCannotBeBuiltFallsBackToColdReloads.
func TestWarmTemplateThatCannotBeBuiltFallsBackToColdReloads(t *testing.T) {
	py := libVenv(t, map[string]string{
		// Dies only when preloaded, as a library crashing the template would.
		"fragile": "import os, sys\nif '_wsgidev_template' in sys.modules:\n    os._exit(7)\n",
	})
	dir := t.TempDir()
	app := filepath.Join(dir, "app.py")
	writeFile(t, app, "import fragile\n"+appVersion("v1"))
	r := startWarm(t, Config{Python: Python{Path: py}, Spec: AppSpec{File: app}, Dir: dir})
	if r.waitTemplate(t) {
		t.Fatal("the template was built though a module kills it")
	}
	if !r.noticesSaid("warm reloads off, reloads restart Python instead: the template process exited with status 7") {
		t.Fatalf("notices: %q", r.notices)
	}
	writeFile(t, app, "import fragile\n"+appVersion("v2"))
	if res := reloadAndWait(t, r.Runner); res.LoadErr != nil {
		t.Fatal(res.LoadErr)
	}
	if body, err := callBody(t, r.Runner, "/"); body != "v2" {
		t.Fatalf("after a cold reload got %q %v", body, err)
	}
}

// TestWarmReloadWithFrameworks: Flask and Django apps reload from the
// template and serve the new code.
func TestWarmReloadWithFrameworks(t *testing.T) {
	for _, tc := range []struct {
		name, module, src string
	}{
		{"flask", "flask", "import flask\napp = flask.Flask(__name__)\n\n@app.route('/')\ndef index():\n    return 'BODY'\n"},
		{"django", "django", "from django.conf import settings\n" +
			"settings.configure(DEBUG=True, SECRET_KEY='t', ALLOWED_HOSTS=['*'], ROOT_URLCONF=__name__, MIDDLEWARE=[], INSTALLED_APPS=[])\n" +
			"from django.core.wsgi import get_wsgi_application\nfrom django.http import HttpResponse\nfrom django.urls import path\n" +
			"urlpatterns = [path('', lambda request: HttpResponse('BODY'))]\napplication = get_wsgi_application()\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := exec.Command("/usr/bin/python3", "-c", "import "+tc.module).Run(); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("%s is not importable from /usr/bin/python3", tc.module)
				}
				t.Skipf("%s is not installed", tc.module)
			}
			dir := t.TempDir()
			app := filepath.Join(dir, "app.py")
			writeFile(t, app, strings.Replace(tc.src, "BODY", "v1", 1))
			r := startWarm(t, Config{Python: Python{Path: "/usr/bin/python3"}, Spec: AppSpec{File: app}, Dir: dir})
			if !r.waitTemplate(t) {
				t.Fatalf("no template: %v", r.notices)
			}
			for _, v := range []string{"v2", "v3"} {
				// The first request may import libraries lazily, and the
				// template is built again with them: a save comes later.
				if !r.waitTemplate(t) {
					t.Fatalf("no template: %v", r.notices)
				}
				writeFile(t, app, strings.Replace(tc.src, "BODY", v, 1))
				if res := reloadAndWait(t, r.Runner); res.LoadErr != nil {
					t.Fatal(res.LoadErr)
				}
				body, err := callEnviron(t, r.Runner, "REQUEST_METHOD", "GET", "PATH_INFO", "/", "SERVER_NAME", "127.0.0.1",
					"SERVER_PORT", "80", "SERVER_PROTOCOL", "HTTP/1.1", "wsgi.url_scheme", "http", "SCRIPT_NAME", "", "QUERY_STRING", "")
				if body != v {
					t.Fatalf("after the save got %q %v, want %s", body, err, v)
				}
				if !r.forked() {
					t.Errorf("the reload to %s did not fork from the template", v)
				}
			}
		})
	}
}

// TestWarmRebuildsWhenALibraryChanges: after a pip install changed a
// preloaded module, the next reload is cold and the template is rebuilt
// with the new code.
func TestWarmRebuildsWhenALibraryChanges(t *testing.T) {
	py := libVenv(t, map[string]string{"vlib": "VALUE = 'lib1'\n"})
	r := serveWarm(t, py, "import vlib", "vlib.VALUE")
	r.warm.mu.Lock()
	old := r.warm.tpl
	r.warm.mu.Unlock()
	var lib string
	for path := range old.files {
		if filepath.Base(path) == "vlib.py" {
			lib = path
		}
	}
	if lib == "" {
		t.Fatal("the template does not list vlib.py among its files")
	}
	writeFile(t, lib, "VALUE = 'lib2'\n")
	later := time.Now().Add(2 * time.Second) // a new mtime, however coarse the clock
	os.Chtimes(lib, later, later)
	r.coldThenWarm(t, "lib2")
	r.warm.mu.Lock()
	rebuilt := r.warm.tpl != old
	r.warm.mu.Unlock()
	if !rebuilt {
		t.Error("the template was not rebuilt")
	}
}

// TestWarmRebuildsWhenTheEnvironmentChanges: a template is only good for
// the environment it was started with.
func TestWarmRebuildsWhenTheEnvironmentChanges(t *testing.T) {
	r := serveWarm(t, "", "import os", "os.environ.get('WARM_TEST_SETTING', 'unset')")
	t.Setenv("WARM_TEST_SETTING", "changed")
	r.coldThenWarm(t, "changed")
}

// serveWarm serves an app that runs imports and answers str(answer), on
// py (default: as found), and waits for its template.
func serveWarm(t *testing.T, py, imports, answer string) *warmRunner {
	t.Helper()
	dir := t.TempDir()
	app := filepath.Join(dir, "app.py")
	writeFile(t, app, imports+"\n"+
		"def application(environ, start_response):\n"+
		"    start_response('200 OK', [])\n"+
		"    return [str("+answer+").encode()]\n")
	r := startWarm(t, Config{Python: Python{Path: py}, Spec: AppSpec{File: app}, Dir: dir})
	if !r.waitTemplate(t) {
		t.Fatalf("no template: %v", r.notices)
	}
	return r
}

// coldThenWarm checks that, after a change that makes the template stale,
// the next reload starts cold and the one after forks from a new template,
// both answering want (if not "").
func (w *warmRunner) coldThenWarm(t *testing.T, want string) {
	t.Helper()
	for _, warm := range []bool{false, true} {
		if warm && !w.waitTemplate(t) {
			t.Fatalf("no new template: %v", w.notices)
		}
		if res := reloadAndWait(t, w.Runner); res.LoadErr != nil {
			t.Fatal(res.LoadErr)
		}
		if body, _ := callBody(t, w.Runner, "/"); (want != "" && body != want) || w.forked() != warm {
			t.Fatalf("got %q, forked %v; want %q, forked %v", body, w.forked(), want, warm)
		}
	}
}

// TestWarmForkIsSupervisedLikeAColdChild: its exit status reaches the
// runner, a crash brings a new child, and Stop escalates to SIGKILL for a
// fork that ignores SIGTERM and would outlive its closed pipe.
func TestWarmForkIsSupervisedLikeAColdChild(t *testing.T) {
	r := serveWarm(t, "", "import os, signal, threading, time\n"+
		"signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"+
		"threading.Thread(target=time.sleep, args=(300,), daemon=False).start()\n"+
		"def die(path):\n"+
		"    if path == '/die':\n"+
		"        os._exit(3)\n"+
		"    return os.getpid()", "die(environ['PATH_INFO'])")
	if res := reloadAndWait(t, r.Runner); res.LoadErr != nil || !r.forked() {
		t.Fatalf("reload: %+v, forked %v", res.LoadErr, r.forked())
	}
	if _, err := callBody(t, r.Runner, "/die"); err == nil || !strings.Contains(err.Error(), "exited with status 3") {
		t.Fatalf("a fork's exit: %v, want it to say the status", err)
	}
	body, err := callBody(t, r.Runner, "/")
	if err != nil {
		t.Fatalf("no new child after the crash: %v", err)
	}
	if res := reloadAndWait(t, r.Runner); res.LoadErr != nil || !r.forked() {
		t.Fatalf("reload: %+v, forked %v", res.LoadErr, r.forked())
	}
	body, _ = callBody(t, r.Runner, "/")
	pid, _ := strconv.Atoi(body)
	if pid == 0 || syscall.Kill(pid, 0) != nil {
		t.Fatalf("the fork %q is not running", body)
	}
	r.Stop(0)
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("fork %d still there after Stop: %v", pid, err)
	}
}

// TestWarmTemplateKilledTakesItsForksAndIsRebuilt: a template that dies
// takes its forks along (PDEATHSIG); the runner starts a child cold, says
// so at the next reload and builds a new template.
func TestWarmTemplateKilledTakesItsForksAndIsRebuilt(t *testing.T) {
	r := serveWarm(t, "", "import os", "os.getpid()")
	if res := reloadAndWait(t, r.Runner); res.LoadErr != nil || !r.forked() {
		t.Fatalf("reload: %+v, forked %v", res.LoadErr, r.forked())
	}
	body, _ := callBody(t, r.Runner, "/")
	fork, _ := strconv.Atoi(body)
	r.warm.mu.Lock()
	tpl := r.warm.tpl
	r.warm.mu.Unlock()
	syscall.Kill(tpl.cmd.Process.Pid, syscall.SIGKILL)
	<-tpl.exited
	waitFor(t, func() bool { return errors.Is(syscall.Kill(fork, 0), syscall.ESRCH) })
	if body, err := callBody(t, r.Runner, "/"); err != nil || body == strconv.Itoa(fork) {
		t.Fatalf("after the template died: %q %v, want a new child", body, err)
	}
	r.coldThenWarm(t, "")
	if !r.noticesSaid("warm reloads: the warm template was killed by signal SIGKILL (killed); starting a new template") {
		t.Errorf("notices: %q", r.notices)
	}
}

// TestWarmLearnsLibrariesImportedWhileServing: a library module a request
// imported lazily is preloaded by the next template.
func TestWarmLearnsLibrariesImportedWhileServing(t *testing.T) {
	r := serveWarm(t, "", "import sys\n"+
		"def lazy(path):\n"+
		"    if path == '/use':\n"+
		"        import xml.dom.minidom\n"+
		"    return 'xml.dom.minidom' in sys.modules", "lazy(environ['PATH_INFO'])")
	if body, _ := callBody(t, r.Runner, "/has"); body != "False" {
		t.Fatalf("before any use: %q", body)
	}
	r.warm.mu.Lock()
	old := r.warm.tpl
	r.warm.mu.Unlock()
	callBody(t, r.Runner, "/use")
	waitFor(t, func() bool {
		r.warm.mu.Lock()
		defer r.warm.mu.Unlock()
		return r.warm.tpl != old && r.warm.tpl != nil && r.warm.tpl.usable()
	})
	if res := reloadAndWait(t, r.Runner); res.LoadErr != nil || !r.forked() {
		t.Fatalf("reload: %+v, forked %v", res.LoadErr, r.forked())
	}
	if body, _ := callBody(t, r.Runner, "/has"); body != "True" {
		t.Errorf("the lazily imported module was not preloaded: %q", body)
	}
}

// TestWarmForkTakesTheAppsProcessesAlong: what a fork's app starts ends
// with the fork, on a reload and on a crash: the template kills the fork's
// group before it reaps the fork.
func TestWarmForkTakesTheAppsProcessesAlong(t *testing.T) {
	r := serveWarm(t, "", "import os, subprocess\n"+
		"def answer(path):\n"+
		"    if path == '/die':\n"+
		"        os._exit(3)\n"+
		"    return subprocess.Popen(['sleep', '300']).pid", "answer(environ['PATH_INFO'])")
	for _, end := range []string{"reload", "crash"} {
		if res := reloadAndWait(t, r.Runner); res.LoadErr != nil || !r.forked() {
			t.Fatalf("reload: %+v, forked %v", res.LoadErr, r.forked())
		}
		body, err := callBody(t, r.Runner, "/")
		sleeper, _ := strconv.Atoi(body)
		if err != nil || sleeper == 0 {
			t.Fatalf("/: %q %v", body, err)
		}
		t.Cleanup(func() { // should the test fail, by PID
			if !exited(sleeper) {
				syscall.Kill(sleeper, syscall.SIGKILL)
			}
		})
		if end == "reload" {
			reloadAndWait(t, r.Runner)
		} else {
			callBody(t, r.Runner, "/die")
		}
		waitFor(t, func() bool { return exited(sleeper) })
	}
}

// exited reports whether pid has ended: gone, or a zombie nobody reaped.
func exited(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}
