package devserver_test

// Issue 16: the child finds the layers of real apps and records what each
// changed, and an app behaves the same with layers recorded and without.

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
	"github.com/wsgidev/wsgidev/templates"
)

// layerSession serves spec from dir with python (a path, "" for python3
// on PATH), layers recorded unless noLayers.
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
	sess, err := devserver.NewSession(devserver.SessionConfig{Version: "test", BodyCap: 1 << 20,
		Child: pyrunner.Config{Python: py, Spec: parsed, Dir: dir, Threads: 4, NoLayers: noLayers,
			Env: []string{"PYTHONDONTWRITEBYTECODE=1"}}})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testSession{Session: sess, t: t, dir: dir, sub: sess.Hub().Subscribe()}
	t.Cleanup(func() {
		sess.Stop()
		ts.sub.Close()
	})
	if _, err := sess.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Loaded(); err != nil {
		t.Fatal(err)
	}
	return ts
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

func TestLayersMiddlewareTemplate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files, err := templates.StarterFiles("middleware")
	if err != nil {
		t.Fatal(err)
	}
	if err := templates.WriteStarter(dir, files); err != nil {
		t.Fatal(err)
	}
	ts := layerSession(t, dir, "app.py", "", false)
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

// A Flask app behind ProxyFix(x_proto=1) and DispatcherMiddleware, in
// Flask's own pattern: app.wsgi_app = ProxyFix(…).
func TestLayersFlaskProxyFixDispatcher(t *testing.T) {
	t.Parallel()
	requireModules(t, frameworkPython, "flask")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "app.py"), `from flask import Flask, request
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask("frontend")
api = Flask("api")


@api.route("/users")
def users():
    return {"scheme": request.scheme, "script_root": request.script_root, "path": request.path}


app.wsgi_app = ProxyFix(DispatcherMiddleware(app.wsgi_app, {"/api": api}), x_proto=1)
`, false)
	ts := layerSession(t, dir, "app.py", frameworkPython, false)
	body, ex := ts.exchange("/api/users", "X-Forwarded-Proto", "https")
	if want := `{"path":"/users","scheme":"https","script_root":"/api"}`; strings.TrimSpace(body) != want {
		t.Errorf("the app answered %s, want %s", body, want)
	}
	if got := layerNames(ex); got != "ProxyFix → DispatcherMiddleware → Flask 'api'" {
		t.Fatalf("layers %q, want ProxyFix → DispatcherMiddleware → Flask 'api'", got)
	}
	if c := envChange(t, ex, "ProxyFix", "wsgi.url_scheme"); c.Op != exchange.OpChange || c.Old != "http" || c.New != "https" {
		t.Errorf("ProxyFix's change to wsgi.url_scheme: %+v, want http → https", c)
	}
	if c := envChange(t, ex, "DispatcherMiddleware", "SCRIPT_NAME"); c.Old != "" || c.New != "/api" {
		t.Errorf("the dispatcher's SCRIPT_NAME: %+v, want '' → '/api'", c)
	}
	if c := envChange(t, ex, "DispatcherMiddleware", "PATH_INFO"); c.Old != "/api/users" || c.New != "/users" {
		t.Errorf("the dispatcher's PATH_INFO: %+v, want '/api/users' → '/users'", c)
	}
	if l := ex.Layers[2]; l.Via != "mounts['/api']" || !strings.HasPrefix(l.Where, "flask/app.py:") {
		t.Errorf("the mounted app %+v: want it held in mounts['/api'], defined in flask/app.py", l)
	}
	// Without the proxy's header nothing changes the scheme, and the
	// frontend is the app the dispatcher falls back to.
	_, ex = ts.exchange("/")
	if got := layerNames(ex); got != "ProxyFix → DispatcherMiddleware → Flask 'frontend'" {
		t.Errorf("layers of GET / %q, want the frontend at the bottom", got)
	}
	for _, c := range ex.Layers[0].Environ {
		if c.Key == "wsgi.url_scheme" {
			t.Errorf("ProxyFix changed the scheme without X-Forwarded-Proto: %+v", c)
		}
	}
}

// A Django project whose wsgi.py wraps Django's WSGIHandler in ProxyFix:
// the handler is the application at the bottom.
func TestLayersDjango(t *testing.T) {
	t.Parallel()
	requireModules(t, frameworkPython, "django", "werkzeug")
	dir := newDjangoProject(t)
	writeFile(t, filepath.Join(dir, "mysite", "wsgi.py"),
		"\nfrom werkzeug.middleware.proxy_fix import ProxyFix\napplication = ProxyFix(application, x_proto=1)\n", true)
	writeFile(t, filepath.Join(dir, "mysite", "views.py"),
		"\ndef secure(request):\n    return JsonResponse({'secure': request.is_secure()})\n", true)
	writeFile(t, filepath.Join(dir, "mysite", "urls.py"), "\nurlpatterns += [path('secure/', views.secure)]\n", true)
	ts := layerSession(t, dir, "mysite/wsgi.py", frameworkPython, false)
	body, ex := ts.exchange("/secure/", "X-Forwarded-Proto", "https")
	if strings.TrimSpace(body) != `{"secure": true}` {
		t.Errorf("Django saw %s, want a secure request", body)
	}
	if got := layerNames(ex); got != "ProxyFix → WSGIHandler" {
		t.Fatalf("layers %q, want ProxyFix → WSGIHandler", got)
	}
	if c := envChange(t, ex, "ProxyFix", "wsgi.url_scheme"); c.Old != "http" || c.New != "https" {
		t.Errorf("ProxyFix's change to wsgi.url_scheme: %+v, want http → https", c)
	}
	if h := ex.Layers[1]; !strings.HasPrefix(h.Where, "django/core/handlers/wsgi.py:") || h.Via != "app" {
		t.Errorf("the handler %+v: want django's WSGIHandler, held as app", h)
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
	writeFile(t, filepath.Join(dir, "app.py"), sameApp, false)
	on := layerSession(t, dir, "app.py", "", false)
	off := layerSession(t, dir, "app.py", "", true)
	for _, path := range []string{"/gen", "/file", "/write", "/drop", "/boom"} {
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			bodyOn, exOn := on.exchange(path)
			bodyOff, exOff := off.exchange(path)
			if bodyOn != bodyOff || exOn.Status != exOff.Status {
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
	if _, ex := ts.exchange("/"); len(ex.Layers) != 0 {
		t.Errorf("an app of one layer recorded %+v", ex.Layers)
	}
}
