package main

// Framework hints: what wsgidev says when a framework hides an error from
// it, or when the app imports a module its Python lacks.

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const flaskApp = `from flask import Flask

app = Flask(__name__)


@app.route("/boom")
def boom():
    total = 41
    return str(total / 0)
`

var flaskHint = regexp.MustCompile(`(?m)^wsgidev: Flask answered GET /boom with its own 500 INTERNAL SERVER ERROR page and kept the exception \(ZeroDivisionError: division by zero\).*--env FLASK_DEBUG=1.*PROPAGATE_EXCEPTIONS`)

func TestFlaskSwallowedExceptionIsSaidOnce(t *testing.T) {
	t.Parallel()
	py := pythonWith(t, "flask")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"app.py": flaskApp})
	p := startServing(t, launch{dir: dir, args: []string{"serve", "app.py", "--port", "0", "--python", py}})
	for range 2 {
		resp, body := p.get("/boom", "Accept: text/html")
		if resp.StatusCode != http.StatusInternalServerError || strings.Contains(body, "wsgidev") {
			t.Fatalf("GET /boom: %d, want Flask's own 500 page:\n%s", resp.StatusCode, body)
		}
	}
	p.waitOutput(flaskHint)
	p.waitOutput(regexp.MustCompile(`(?s)"GET /boom HTTP/1\.1" 500.*"GET /boom HTTP/1\.1" 500`))
	if n := len(flaskHint.FindAllString(p.stdout.String(), -1)); n != 1 {
		t.Errorf("the hint was said %d times, want once:\n%s", n, p.dump())
	}

	// In debug mode Flask lets the exception out: wsgidev's page, no hint.
	debug := startServing(t, launch{dir: dir, args: []string{"serve", "app.py", "--port", "0", "--python", py, "--env", "FLASK_DEBUG=1"}})
	if body := debug.getText("/boom", http.StatusInternalServerError); !strings.Contains(body, "ZeroDivisionError") || !strings.Contains(body, "wsgidev") {
		t.Errorf("with FLASK_DEBUG=1, GET /boom is not wsgidev's page with the traceback:\n%s", body)
	}
	debug.waitOutput(accessLine("/boom", 500, -1))
	if strings.Contains(debug.stdout.String(), "Flask answered") {
		t.Errorf("with FLASK_DEBUG=1 the hint was said anyway:\n%s", debug.dump())
	}
}

// An app that imports a module its Python lacks, while the .venv here has
// it: the banner and the error page say which Python ran the app and name
// the one to use.
func TestMissingModuleNamesThePythonThatHasIt(t *testing.T) {
	t.Parallel()
	py := pythonWith(t, "venv")
	dir := t.TempDir()
	if out, code := command(t, dir, nil, py, "-m", "venv", "--without-pip", ".venv"); code != 0 {
		needTool(t, "cannot make a virtualenv (Debian: python3-venv): "+out)
	}
	site, _ := filepath.Glob(filepath.Join(dir, ".venv", "lib", "python3*", "site-packages"))
	if len(site) != 1 {
		t.Fatalf("no site-packages in the virtualenv: %v", site)
	}
	writeFiles(t, site[0], map[string]string{"wsgidev_only_in_venv.py": "NAME = 'from the venv'\n"})
	writeFiles(t, dir, map[string]string{"app.py": "import wsgidev_only_in_venv\n\n\n" +
		"def application(environ, start_response):\n    start_response('200 OK', [])\n    return [b'ok']\n"})
	p := startServing(t, launch{dir: dir, args: []string{"serve", "app.py", "--port", "0", "--python", py}})
	hint := regexp.MustCompile(`(?m)^wsgidev: the app ran on \S+ \(from --python\), which has no module 'wsgidev_only_in_venv'; ` +
		`\./\.venv/bin/python has it: restart wsgidev with --python \./\.venv/bin/python$`)
	p.waitOutput(hint)
	if body := p.getText("/", http.StatusInternalServerError); !strings.Contains(body, "restart wsgidev with --python ./.venv/bin/python") {
		t.Errorf("the error page does not name the Python that has the module:\n%s", body)
	}
	// Served with it, the app imports.
	good := startServing(t, launch{dir: dir, args: []string{"serve", "app.py", "--port", "0", "--python", "./.venv/bin/python"}})
	good.getText("/", http.StatusOK)
}
