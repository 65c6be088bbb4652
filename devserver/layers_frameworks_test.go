//go:build linux

package devserver_test

// Issue 16 on real frameworks: the layers of a Flask and a Django app,
// named and their changes asserted. Linux only, as the differential tests
// are: they use Debian's python3 (frameworkPython), which has Flask,
// Django and werkzeug.

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

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
