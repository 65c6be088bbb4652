package devserver_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// pathApp answers every request it gets with its path, so a request
// that went on to the app shows.
const pathApp = `def application(environ, start_response):
    body = ("app: " + environ["SCRIPT_NAME"] + environ["PATH_INFO"]).encode("latin-1")
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
`

// staticFolder makes static/ in a session's folder: a stylesheet, a
// dotfile, a subfolder, and a link that leads out of the folder.
func staticFolder(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "static")
	for name, text := range map[string]string{"css/site.css": "body { color: teal }\n", ".env": "SECRET=1\n", "sub/x.txt": "x"} {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outside := filepath.Join(filepath.Dir(dir), "outside.txt")
	if err := os.WriteFile(outside, []byte("outside"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "escape.txt")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// staticRequest makes a request to the session with the shared client.
func staticRequest(t *testing.T, ts *testSession, method, path string, header ...string) (*http.Response, string) {
	t.Helper()
	return requestWith(t, client, method, ts.BaseURL()+path, header...)
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	d, err := devserver.ParseStatic("/static/=" + staticFolder(t))
	if err != nil {
		t.Fatal(err)
	}
	ts := startSession(t, pathApp, devserver.SessionConfig{Static: []devserver.StaticDir{d}})

	resp, body := staticRequest(t, ts, "GET", "/static/css/site.css")
	etag, modified := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if resp.StatusCode != 200 || body != "body { color: teal }\n" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || etag == "" || modified == "" {
		t.Fatalf("GET the stylesheet: %s %q, headers %v", resp.Status, body, resp.Header)
	}
	ex := ts.next("the stylesheet's record", func(u exchange.Update) bool { return u.Done != nil }).Done
	if ex.Static != filepath.Join(d.Dir, "css", "site.css") || ex.Status != 200 || string(ex.ResponseBody.Data) != body || ex.Environ != nil {
		t.Errorf("the record: static %q, status %d, body %q, environ %v", ex.Static, ex.Status, ex.ResponseBody.Data, ex.Environ)
	}

	tests := []struct {
		name, method, path string
		header             []string
		status             int
		body               string
	}{
		{"a range", "GET", "/static/css/site.css", []string{"Range", "bytes=0-3"}, 206, "body"},
		{"unchanged by ETag", "GET", "/static/css/site.css", []string{"If-None-Match", etag}, 304, ""},
		{"unchanged by date", "GET", "/static/css/site.css", []string{"If-Modified-Since", modified}, 304, ""},
		{"changed ETag", "GET", "/static/css/site.css", []string{"If-None-Match", `"other"`}, 200, "body { color: teal }\n"},
		{"HEAD", "HEAD", "/static/css/site.css", nil, 200, ""},
		{"a dotfile goes to the app", "GET", "/static/.env", nil, 200, "app: /static/.env"},
		{"a folder goes to the app", "GET", "/static/sub", nil, 200, "app: /static/sub"},
		{"a missing file goes to the app", "GET", "/static/none.css", nil, 200, "app: /static/none.css"},
		{"dot-dot goes to the app", "GET", "/static/%2e%2e/outside.txt", nil, 200, "app: /static/../outside.txt"},
		{"a link out of the folder goes to the app", "GET", "/static/escape.txt", nil, 200, "app: /static/escape.txt"},
		{"POST goes to the app", "POST", "/static/css/site.css", nil, 200, "app: /static/css/site.css"},
		{"outside the prefix", "GET", "/staticx/css/site.css", nil, 200, "app: /staticx/css/site.css"},
	}
	for _, tt := range tests {
		resp, body := staticRequest(t, ts, tt.method, tt.path, tt.header...)
		if resp.StatusCode != tt.status || body != tt.body {
			t.Errorf("%s: %s %q, want %d %q", tt.name, resp.Status, body, tt.status, tt.body)
		}
	}
	resp, _ = staticRequest(t, ts, "GET", "/static/css/site.css", "Range", "bytes=5-8")
	if got := resp.Header.Get("Content-Range"); got != "bytes 5-8/21" {
		t.Errorf("Content-Range %q", got)
	}
}

// Under --script-name the prefix is the mount's: /api/static.
func TestStaticFilesUnderAMount(t *testing.T) {
	t.Parallel()
	d, err := devserver.ParseStatic("/static=" + staticFolder(t))
	if err != nil {
		t.Fatal(err)
	}
	ts := startSession(t, pathApp, devserver.SessionConfig{Static: []devserver.StaticDir{d}, ScriptName: "/api"})
	if resp, body := staticRequest(t, ts, "GET", "/api/static/css/site.css"); resp.StatusCode != 200 || body != "body { color: teal }\n" {
		t.Errorf("under the mount: %s %q", resp.Status, body)
	}
	if resp, _ := staticRequest(t, ts, "GET", "/static/css/site.css"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("outside the mount: %s, want 404", resp.Status)
	}
}

func TestParseStatic(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for spec, want := range map[string]string{
		"static":                   "give URL-PREFIX=FOLDER",
		"static=" + dir:            "give URL-PREFIX=FOLDER",
		"/static=":                 "give URL-PREFIX=FOLDER",
		"/static=" + dir + "/none": "no such file",
		"/static=" + file:          "is not a folder",
	} {
		if _, err := devserver.ParseStatic(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--static %s: %v, want an error with %q", spec, err, want)
		}
	}
	d, err := devserver.ParseStatic("/assets/=" + dir + "/")
	if err != nil || d.Prefix != "/assets" || d.Dir != dir {
		t.Errorf("a good one: %+v, %v", d, err)
	}
}
