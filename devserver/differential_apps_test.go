//go:build linux

package devserver_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// The apps compared by differential_test.go: httpbin, a fresh Django
// project, and the Flask and Bottle apps in testdata/frameworks.

func frameworksDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "frameworks"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// hdr builds a header from name, value pairs; repeated names add values.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

const (
	formType      = "application/x-www-form-urlencoded"
	jsonType      = "application/json"
	multipartType = "multipart/form-data; boundary=wsgidev-boundary"
	multipartBody = "--wsgidev-boundary\r\n" +
		"Content-Disposition: form-data; name=\"field\"\r\n\r\ncaf\xc3\xa9\r\n" +
		"--wsgidev-boundary\r\n" +
		"Content-Disposition: form-data; name=\"upload\"; filename=\"notes.txt\"\r\n" +
		"Content-Type: text/plain\r\n\r\nline one\nline two\n\xff\x00 raw bytes\r\n" +
		"--wsgidev-boundary--\r\n"
)

func TestDifferentialHTTPBin(t *testing.T) {
	t.Parallel()
	requireModules(t, frameworkPython, "httpbin")
	d := newDiffer(t, frameworksDir(t), "httpbin:app", "")

	d.compare(t, "get with query", "GET", "/get?a=1&b=caf%C3%A9&b=2&empty=", "", nil)
	d.compare(t, "head get", "HEAD", "/get?a=1", "", nil)
	d.compare(t, "post form", "POST", "/post?q=1", "name=caf%C3%A9&n=1&n=2", hdr("Content-Type", formType))
	d.compare(t, "post json", "POST", "/post", `{"x":[1,"ü",null],"y":{"z":true}}`, hdr("Content-Type", jsonType))
	d.compare(t, "put json", "PUT", "/put", `{"put":1}`, hdr("Content-Type", jsonType))
	d.compare(t, "delete", "DELETE", "/delete?id=7", "", nil)
	d.compare(t, "anything unicode", "GET", "/anything/caf%C3%A9/%E2%9C%93?q=%C3%BC&r=%E2%82%AC", "", nil)
	d.compare(t, "anything repeated headers", "GET", "/anything", "", hdr("X-Multi", "1", "X-Multi", "two", "Accept", "text/plain"))
	d.compare(t, "stream", "GET", "/stream/5", "", nil)
	d.compare(t, "head stream", "HEAD", "/stream/5", "", nil)
	d.compare(t, "stream bytes", "GET", "/stream-bytes/5000?seed=7&chunk_size=512", "", nil)
	d.compare(t, "status 418", "GET", "/status/418", "", nil)
	d.compare(t, "status 204", "GET", "/status/204", "", nil)
	d.compare(t, "redirect", "GET", "/redirect/2", "", nil)
	d.compare(t, "absolute redirect", "GET", "/absolute-redirect/1", "", nil)
	d.compare(t, "cookies set", "GET", "/cookies/set?a=1&b=caf%C3%A9", "", nil)
	d.compare(t, "cookies", "GET", "/cookies", "", hdr("Cookie", "a=1; b=2"))
	d.compare(t, "gzip", "GET", "/gzip", "", hdr("Accept-Encoding", "gzip"))
	d.compare(t, "response headers", "GET", "/response-headers?X-Test=caf%C3%A9&X-Test=2", "", nil)
	d.compare(t, "etag not modified", "GET", "/etag/abc", "", hdr("If-None-Match", `"abc"`))
	d.compare(t, "png", "GET", "/image/png", "", nil)
	d.compare(t, "utf-8 page", "GET", "/encoding/utf8", "", nil)
	d.compare(t, "range", "GET", "/range/2048", "", hdr("Range", "bytes=100-1100"))
	d.compare(t, "basic auth", "GET", "/basic-auth/u/p", "", hdr("Authorization", "Basic dTpw"))
	d.compare(t, "basic auth refused", "GET", "/basic-auth/u/p", "", nil)
	d.compare(t, "post multipart", "POST", "/post", multipartBody, hdr("Content-Type", multipartType))
	d.compare(t, "post large", "POST", "/post", strings.Repeat("0123456789abcdef", 20<<10), hdr("Content-Type", "text/plain"))
}

func TestDifferentialFlask(t *testing.T) {
	t.Parallel()
	requireModules(t, frameworkPython, "flask")
	d := newDiffer(t, frameworksDir(t), "flaskapp:app", "")

	d.compare(t, "unicode route", "GET", "/caf%C3%A9", "", nil)
	d.compare(t, "unicode parameter", "GET", "/hello/J%C3%BCrgen?x=%C3%A9", "", nil)
	d.compare(t, "post json echo", "POST", "/echo?q=1", `{"k":[1,"ü"],"n":null}`, hdr("Content-Type", jsonType))
	d.compare(t, "stream", "GET", "/stream?n=5", "", nil)
	d.compare(t, "head stream", "HEAD", "/stream", "", nil)
	d.compare(t, "not found", "GET", "/nope", "", nil)
	d.compare(t, "redirect", "GET", "/old", "", nil)
	d.compare(t, "file", "GET", "/file", "", nil)
	d.compare(t, "file range", "GET", "/file", "", hdr("Range", "bytes=10-29"))
	d.compare(t, "file not modified", "GET", "/file", "", hdr("If-None-Match", "*"))
	d.compare(t, "head file", "HEAD", "/file", "", nil)
	d.compare(t, "method not allowed", "DELETE", "/echo", "", nil)

	d.compare(t, "environ path", "GET", "/environ/a%2Fb/%FF/caf%C3%A9//x/../y?q=%C3%A9+%2B&&z", "", nil)
	d.compare(t, "environ headers", "GET", "/environ", "",
		hdr("Accept", "a", "Accept", "b", "X-Empty", "", "X-Name", "caf\xc3\xa9", "Cookie", "a=1; b=2"))
	d.compare(t, "environ form", "POST", "/environ?x", "a=1&b=%C3%A9", hdr("Content-Type", formType))
	d.compareRaw(t, "environ chunked body", "POST /environ HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n"+
		"Content-Type: text/plain\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
	d.compareRaw(t, "environ expect continue", "POST /environ HTTP/1.1\r\nHost: {host}\r\nContent-Length: 3\r\n"+
		"Expect: 100-continue\r\nConnection: close\r\n\r\nabc")
	d.compareRaw(t, "environ http/1.0", "GET /environ?v=1.0 HTTP/1.0\r\nHost: {host}\r\n\r\n")
	d.compareRaw(t, "environ odd target", "GET /environ/100%25/a;b=1/%3F/%20?a=1;b=2&c=%3B HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
	d.compareRaw(t, "environ empty query", "GET /environ? HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
	d.compareRaw(t, "url without host", "GET /hello/x HTTP/1.0\r\n\r\n")
	d.compareRaw(t, "environ absolute target", "GET http://{host}/environ/abs?x=1 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
	d.compareRaw(t, "environ raw query bytes", "GET /environ?q=caf\xc3\xa9&r=%20 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")

	// Issue 14: the status line as the app wrote it, OPTIONS * for the
	// app, an explicit Content-Length: 0, a fragment a raw client sent,
	// and a request with two lengths refused.
	d.compare(t, "custom reason phrase", "GET", "/reason", "", nil)
	d.compareRaw(t, "options star", "OPTIONS * HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
	d.compareRaw(t, "environ content-length 0", "POST /environ HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	d.compareRaw(t, "environ fragment", "GET /environ/p?a=1#frag HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
	d.compareRefused(t, "content-length and transfer-encoding", "POST /environ HTTP/1.1\r\nHost: {host}\r\nContent-Length: 4\r\n"+
		"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hello/smuggled HTTP/1.1\r\nHost: {host}\r\n\r\n")
}

// TestDifferentialFlaskMounted mounts the app under a prefix: --script-name
// for wsgidev, SCRIPT_NAME in the environment for gunicorn.
func TestDifferentialFlaskMounted(t *testing.T) {
	t.Parallel()
	requireModules(t, frameworkPython, "flask")
	d := newDiffer(t, frameworksDir(t), "flaskapp:app", "/mnt")

	d.compare(t, "unicode route", "GET", "/mnt/caf%C3%A9", "", nil)
	d.compare(t, "url", "GET", "/mnt/hello/J%C3%BCrgen?x=1", "", nil)
	d.compare(t, "redirect", "GET", "/mnt/old", "", nil)
	d.compare(t, "environ", "GET", "/mnt/environ/a%2Fb?q=1", "", nil)
	d.compare(t, "mount point", "GET", "/mnt", "", nil)
	d.compare(t, "not found", "GET", "/mnt/nope", "", nil)
}

// TestDifferentialFlaskLayered serves the Flask app under two middleware
// (flaskapp:layered): recording its three layers changes no answer, a
// file_wrapper, a generator and a HEAD included (issue 16).
func TestDifferentialFlaskLayered(t *testing.T) {
	t.Parallel()
	requireModules(t, frameworkPython, "flask")
	d := newDiffer(t, frameworksDir(t), "flaskapp:layered", "")

	d.compare(t, "environ", "GET", "/environ/a%2Fb?q=%C3%A9", "", hdr("X-Name", "caf\xc3\xa9"))
	d.compare(t, "post json echo", "POST", "/echo?q=1", `{"k":[1,"ü"]}`, hdr("Content-Type", jsonType))
	d.compare(t, "stream", "GET", "/stream?n=5", "", nil)
	d.compare(t, "head stream", "HEAD", "/stream", "", nil)
	d.compare(t, "file", "GET", "/file", "", nil)
	d.compare(t, "file range", "GET", "/file", "", hdr("Range", "bytes=10-29"))
	d.compare(t, "not found", "GET", "/nope", "", nil)

	d.server.get(t, "/stream?n=2")
	ex := d.server.waitExchange(t, func(ex *exchange.Exchange) bool { return ex.Target == "/stream?n=2" })
	if got := layerNames(ex); got != "ProxyFix → tagged.<locals>.tag → Flask 'flaskapp'" {
		t.Fatalf("layers recorded %q, want ProxyFix → tagged.<locals>.tag → Flask 'flaskapp'", got)
	}
	if c := envChange(t, ex, "tagged.<locals>.tag", "flaskapp.tagged"); c.Op != exchange.OpAdd || c.New != "yes" {
		t.Errorf("the closure's change %+v, want flaskapp.tagged added", c)
	}
}

func TestDifferentialBottle(t *testing.T) {
	t.Parallel()
	requireModules(t, frameworkPython, "bottle")
	d := newDiffer(t, frameworksDir(t), "bottleapp:app", "")

	d.compare(t, "unicode parameter", "GET", "/hello/J%C3%BCrgen%20%E2%9C%93", "", nil)
	d.compare(t, "post form", "POST", "/form", "name=caf%C3%A9&n=1", hdr("Content-Type", formType))
	d.compare(t, "json", "GET", "/json?a=%C3%BC&b=2", "", nil)
	d.compare(t, "post json", "POST", "/json", `{"a":[1,2],"b":"ü"}`, hdr("Content-Type", jsonType))
	d.compare(t, "not found", "GET", "/nope", "", nil)
	d.compare(t, "head", "HEAD", "/hello/x", "", nil)
	d.compare(t, "static file", "GET", "/static/bottleapp.py", "", nil)
	d.compare(t, "static range", "GET", "/static/bottleapp.py", "", hdr("Range", "bytes=-20"))
	d.compare(t, "static not modified", "GET", "/static/bottleapp.py", "", hdr("If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT"))
	d.compare(t, "generator", "GET", "/stream?n=4", "", nil)
}

func TestDifferentialDjango(t *testing.T) {
	t.Parallel()
	requireModules(t, frameworkPython, "django")
	dir := newDjangoProject(t)
	d := newDiffer(t, dir, "mysite.wsgi:application", "")

	d.compare(t, "view", "GET", "/hello/J%C3%BCrgen/?x=%C3%A9", "", nil)
	d.compare(t, "unicode route", "GET", "/caf%C3%A9/", "", nil)
	d.compare(t, "append slash", "GET", "/hello/x?y=1", "", nil)
	d.compare(t, "not found", "GET", "/nope/", "", nil)
	d.compare(t, "admin redirect", "GET", "/admin/", "", nil)
	d.compare(t, "post without csrf", "POST", "/hello/x/", "a=1", hdr("Content-Type", formType))
	d.compare(t, "head", "HEAD", "/hello/x/", "", nil)
	d.compareRaw(t, "http/1.0 without host", "GET /hello/x/ HTTP/1.0\r\n\r\n")
	d.compare(t, "upload multipart", "POST", "/upload/", multipartBody, hdr("Content-Type", multipartType))
	d.compare(t, "upload form", "POST", "/upload/?x=1", "a=1&b=caf%C3%A9", hdr("Content-Type", formType))
	d.compare(t, "file response", "GET", "/source/", "", nil)
	d.compare(t, "streaming response", "GET", "/stream/", "", nil)
}

// newDjangoProject makes a fresh django-admin startproject in a temporary
// folder and adds the views in testdata/frameworks/djangoviews.py with their
// routes, allowing the loopback hosts the tests use.
func newDjangoProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command(frameworkPython, "-m", "django", "startproject", "mysite", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("django startproject: %v\n%s", err, out)
	}
	views, err := os.ReadFile(filepath.Join(frameworksDir(t), "djangoviews.py"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "mysite", "views.py"), string(views), false)
	writeFile(t, filepath.Join(dir, "mysite", "urls.py"), "\nfrom mysite import views\n\n"+
		"urlpatterns += [\n"+
		"    path('hello/<str:name>/', views.hello), path('café/', views.cafe),\n"+
		"    path('upload/', views.upload), path('source/', views.source), path('stream/', views.stream),\n"+
		"]\n", true)
	writeFile(t, filepath.Join(dir, "mysite", "settings.py"), "\nALLOWED_HOSTS = ['127.0.0.1', 'localhost']\n", true)
	return dir
}

func writeFile(t *testing.T, path, text string, appendTo bool) {
	t.Helper()
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if appendTo {
		flag = os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
