package devserver_test

// Issue 16: the child finds the layers of real apps and records what each
// changed, and an app behaves the same with layers recorded and without.

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
	"github.com/wsgidev/wsgidev/templates"
)

// layerSession serves spec from dir with python (a path, "" for python3
// on PATH), every request's layers recorded unless noLayers (so that no
// test depends on the budget of requests a second).
func layerSession(t *testing.T, dir, spec, python string, noLayers bool) *testSession {
	t.Helper()
	py, err := pyrunner.FindPython(python, dir)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := pyrunner.ParseAppSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	return runSession(t, dir, devserver.SessionConfig{Child: pyrunner.Config{Python: py, Spec: parsed, Dir: dir,
		Threads: 4, NoLayers: noLayers, Env: []string{"PYTHONDONTWRITEBYTECODE=1"}}, AllLayers: !noLayers})
}

// exchange sends a GET with headers (name, value, …) and returns the
// body and the exchange wsgidev recorded.
func (ts *testSession) exchange(path string, headers ...string) (string, *exchange.Exchange) {
	ts.t.Helper()
	req, err := http.NewRequest("GET", ts.BaseURL()+path, nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	ex := ts.next("the exchange of GET "+path, func(u exchange.Update) bool { return u.Done != nil && u.Done.Target == path }).Done
	return string(body), ex
}

// layerNames are the names of the layers ex passed, in order.
func layerNames(ex *exchange.Exchange) string {
	var names []string
	for _, l := range ex.Layers {
		names = append(names, l.Name)
	}
	return strings.Join(names, " → ")
}

// envChange finds the change layer made to key.
func envChange(t *testing.T, ex *exchange.Exchange, layer, key string) exchange.EnvChange {
	t.Helper()
	for _, l := range ex.Layers {
		if l.Name != layer {
			continue
		}
		for _, c := range l.Environ {
			if c.Key == key {
				return c
			}
		}
	}
	t.Fatalf("%s made no change to %s; layers: %+v", layer, key, ex.Layers)
	return exchange.EnvChange{}
}

// starterSession serves the starter app of wsgidev new --template name.
func starterSession(t *testing.T, name string) *testSession {
	dir := t.TempDir()
	files, err := templates.StarterFiles(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := templates.WriteStarter(dir, files); err != nil {
		t.Fatal(err)
	}
	return layerSession(t, dir, "app.py", "", false)
}

func TestLayersMiddlewareTemplate(t *testing.T) {
	t.Parallel()
	ts := starterSession(t, "middleware")
	body, ex := ts.exchange("/")
	if got := layerNames(ex); got != "RequestID → hello" {
		t.Fatalf("layers %q, want RequestID → hello", got)
	}
	c := envChange(t, ex, "RequestID", "requestid.id")
	if c.Op != exchange.OpAdd || c.NewType != "str" || !strings.Contains(body, "the id "+c.New+".") {
		t.Errorf("RequestID's change %+v does not match what the app saw:\n%s", c, body)
	}
	rid := ex.Layers[0]
	if len(rid.Headers) != 1 || rid.Headers[0] != (exchange.HeaderChange{Op: exchange.OpAdd, Name: "X-Request-Id", New: c.New}) {
		t.Errorf("RequestID's header changes %+v, want X-Request-Id added", rid.Headers)
	}
	if rid.Where != "app.py:41" || rid.Parent != -1 || ex.Layers[1].Via != "app" || ex.Layers[1].Parent != 0 {
		t.Errorf("layers %+v: want RequestID at app.py:41 on top, hello held as app", ex.Layers)
	}
	if rid.NewBody || rid.Returned != "list" || rid.Took <= 0 || ex.Layers[1].Took > rid.Took {
		t.Errorf("RequestID %+v: it passes the list on, and its time holds hello's", rid)
	}
}

// The routing starter: the router moves the mount's prefix from
// PATH_INFO to SCRIPT_NAME on the way to the app mounted there.
func TestLayersRoutingTemplate(t *testing.T) {
	t.Parallel()
	ts := starterSession(t, "routing")
	_, ex := ts.exchange("/api/status")
	if got := layerNames(ex); got != "Router → api" {
		t.Fatalf("layers %q, want Router → api", got)
	}
	if c := envChange(t, ex, "Router", "SCRIPT_NAME"); c.Op != exchange.OpChange || c.Old != "" || c.New != "/api" {
		t.Errorf("the router's SCRIPT_NAME: %+v, want '' → '/api'", c)
	}
	if c := envChange(t, ex, "Router", "PATH_INFO"); c.Old != "/api/status" || c.New != "/status" {
		t.Errorf("the router's PATH_INFO: %+v, want '/api/status' → '/status'", c)
	}
	if via := ex.Layers[1].Via; via != "mounts['/api']" {
		t.Errorf("api held in %q, want mounts['/api']", via)
	}
}

// sameApp is served with layers recorded and without: an app that uses
// wsgi.file_wrapper, write() and a generator with close(), under a class
// middleware that passes the body on, a closure middleware that replaces
// it (and passes close() on), and one that drops a generator unclosed.
const sameApp = `import sys

def inner(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/file":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return environ["wsgi.file_wrapper"](open(__file__, "rb"), 64)
    if path == "/write":
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written, ")
        return [b"then returned"]
    if path == "/boom":
        raise ZeroDivisionError("inner failed")
    return body(start_response)

def body(start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    try:
        for i in range(3):
            print("yield", i)
            yield b"part %d\n" % i
    finally:
        print("inner generator closed")

class Pass:
    def __init__(self, app):
        self.app = app
    def __call__(self, environ, start_response):
        environ["pass.seen"] = "yes"
        return self.app(environ, start_response)

def upper(app):
    def middleware(environ, start_response):
        if environ["PATH_INFO"] == "/drop":
            return dropped(app(environ, start_response))
        result = app(environ, start_response)
        if environ["PATH_INFO"] != "/gen":
            return result
        return Upper(result)
    return middleware

class Upper:
    def __init__(self, result):
        self.result = result
    def __iter__(self):
        for chunk in self.result:
            yield chunk.upper()
    def close(self):
        print("outer close")
        self.result.close()

def dropped(result):
    # Yields the first chunk and drops the generator without close():
    # CPython finalizes it as soon as the last reference goes.
    yield next(iter(result))
    result = None
    print("dropped it")

application = Pass(upper(inner))
`

func TestLayersChangeNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte(sameApp), 0o644); err != nil {
		t.Fatal(err)
	}
	on := layerSession(t, dir, "app.py", "", false)
	off := layerSession(t, dir, "app.py", "", true)
	for _, path := range []string{"/gen", "/file", "/write", "/drop", "/boom"} {
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			bodyOn, exOn := on.exchange(path)
			bodyOff, exOff := off.exchange(path)
			if sameText(bodyOn) != sameText(bodyOff) || exOn.Status != exOff.Status {
				t.Errorf("layers on: %d %q\nlayers off: %d %q", exOn.Status, bodyOn, exOff.Status, bodyOff)
			}
			if a, b := steps(exOn), steps(exOff); a != b {
				t.Errorf("the call went otherwise with layers recorded:\n%s\nwithout:\n%s", a, b)
			}
			if len(exOn.Layers) < 2 || len(exOff.Layers) != 0 {
				t.Errorf("%d layers recorded with layers on, %d with --no-layers", len(exOn.Layers), len(exOff.Layers))
			}
			if (exOn.Failure == nil) != (exOff.Failure == nil) {
				t.Fatalf("failure with layers %+v, without %+v", exOn.Failure, exOff.Failure)
			}
			if exOn.Failure != nil && (exOn.Failure.Traceback != exOff.Failure.Traceback || strings.Contains(exOn.Failure.Traceback, "_wsgidev")) {
				t.Errorf("the traceback differs or shows wsgidev's frames:\n%s\nwithout layers:\n%s", exOn.Failure.Traceback, exOff.Failure.Traceback)
			}
		})
	}
	_, ex := on.exchange("/gen")
	if up := ex.Layers[1]; up.Name != "upper.<locals>.middleware" || !up.NewBody || up.Returned != "Upper" {
		t.Errorf("the closure middleware %+v: want it named, and its Upper in place of the generator", up)
	}
	if _, ex := on.exchange("/boom"); ex.Layers[len(ex.Layers)-1].Raised != "ZeroDivisionError" {
		t.Errorf("layers of /boom %+v: want the inner app's ZeroDivisionError", ex.Layers)
	}
}

// sameText is a page without what differs between two servers of one
// app: ports and the addresses of objects (in the debug page's locals).
func sameText(page string) string {
	return serverBits.ReplaceAllString(page, "…")
}

var serverBits = regexp.MustCompile(`127\.0\.0\.1:\d+|'REMOTE_PORT': '\d+'|0x[0-9a-f]+`)

// steps is what a call did, in order, without times: events, what was
// printed, lint.
func steps(ex *exchange.Exchange) string {
	var b strings.Builder
	for _, e := range ex.Events {
		b.WriteString(e.Kind + " " + e.Status + " " + e.Text + " " + e.Rule)
		if e.Returned != nil {
			b.WriteString(e.Returned.Type)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// The banner's stack and READY's layers come from the same place; a
// module-level check that an app with one layer records none.
func TestLayersOneLayer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte("def application(environ, start_response):\n"+
		"    start_response('200 OK', [('Content-Type', 'text/plain')])\n    return [b'one']\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := layerSession(t, dir, "app.py", "", false)
	if _, ex := ts.exchange("/"); len(ex.Layers) != 0 || ex.LayersSkipped {
		t.Errorf("an app of one layer recorded %+v (skipped: %v)", ex.Layers, ex.LayersSkipped)
	}
}

// Past the budget of requests a second, a request's layers are not
// recorded and its exchange says so; a replay of it is recorded, and so
// is every request with AllLayers (--all-layers, --capture).
func TestLayersBudget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files, err := templates.StarterFiles("middleware")
	if err != nil {
		t.Fatal(err)
	}
	if err := templates.WriteStarter(dir, files); err != nil {
		t.Fatal(err)
	}
	serve := func(all bool) *testSession {
		py, err := pyrunner.FindPython("", dir)
		if err != nil {
			t.Fatal(err)
		}
		return runSession(t, dir, devserver.SessionConfig{
			Child:           pyrunner.Config{Python: py, Spec: pyrunner.AppSpec{File: filepath.Join(dir, "app.py")}, Dir: dir, Threads: 4},
			LayersPerSecond: 0.001, // a burst of one, then one every 1000 s
			AllLayers:       all,
		})
	}

	ts := serve(false)
	_, first := ts.exchange("/")
	_, second := ts.exchange("/")
	if layerNames(first) != "RequestID → hello" || first.LayersSkipped {
		t.Fatalf("the first request: layers %q (skipped %v), want RequestID → hello recorded", layerNames(first), first.LayersSkipped)
	}
	if len(second.Layers) != 0 || !second.LayersSkipped {
		t.Fatalf("the second request, past the budget: layers %q, skipped %v; want none and skipped", layerNames(second), second.LayersSkipped)
	}
	res := ts.Control().Replay(exchange.ReplayRequest{Request: second, Of: second.ID, Against: second})
	switch {
	case res.New == nil:
		t.Errorf("the replay of the second request got no answer: %s", res.Err)
	case res.New.ReplayOf != second.ID || layerNames(res.New) != "RequestID → hello" || res.New.LayersSkipped:
		t.Errorf("the replay of the second request (a replay of #%d): layers %q, skipped %v; want them recorded",
			res.New.ReplayOf, layerNames(res.New), res.New.LayersSkipped)
	}

	all := serve(true)
	for i := range 3 {
		if _, ex := all.exchange("/"); layerNames(ex) != "RequestID → hello" || ex.LayersSkipped {
			t.Errorf("with AllLayers, request %d: layers %q (skipped %v)", i+1, layerNames(ex), ex.LayersSkipped)
		}
	}
}
