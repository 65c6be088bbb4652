package main

// serve's --tls, --cert and --key, --bind and --static, checked from the
// outside: curl over HTTPS and through the unix socket, openssl for the
// fingerprint, a Django project for runserver's static files.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// schemeApp answers with what tells how it was reached.
const schemeApp = `def application(environ, start_response):
    body = ("scheme=%s HTTPS=%s SERVER_NAME=%s REMOTE_ADDR=%r\n" % (environ["wsgi.url_scheme"], environ.get("HTTPS"),
            environ["SERVER_NAME"], environ.get("REMOTE_ADDR"))).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
`

var (
	httpsLine       = regexp.MustCompile(`(?m)^  serving  (https://127\.0\.0\.1:[0-9]+/)`)
	fingerprintLine = regexp.MustCompile(`(?m)^           SHA-256 ([0-9A-F:]{95})$`)
)

// folderWithApp writes app.py into a new folder.
func folderWithApp(t *testing.T, app string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte(app), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// curl runs curl with args and returns what it printed, failing the test
// unless it exits 0.
func curl(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		needTool(t, "no curl (Debian: apt-get install curl)")
	}
	out, code := command(t, t.TempDir(), nil, "curl", append([]string{"-sS", "--max-time", "30"}, args...)...)
	if code != 0 {
		t.Fatalf("curl %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

func TestServeHTTPSWithItsOwnCertificate(t *testing.T) {
	t.Parallel()
	dir, cache := folderWithApp(t, schemeApp), t.TempDir()
	env := []string{"XDG_CACHE_HOME=" + cache}
	args := []string{"serve", "--tls", "--port", "0", "--no-reload", "--no-tui"}
	p := start(t, launch{dir: dir, env: env, args: args})
	url := p.waitOutput(httpsLine)[1]
	certFile := filepath.Join(cache, "wsgidev", "tls", "localhost.pem")
	p.waitOutput(regexp.MustCompile(`made now and kept in ` + regexp.QuoteMeta(certFile) + `\)\n`))
	fingerprint := p.waitOutput(fingerprintLine)[1]

	if body := curl(t, "--cacert", certFile, url); body != "scheme=https HTTPS=on SERVER_NAME=127.0.0.1 REMOTE_ADDR='127.0.0.1'\n" {
		t.Errorf("curl over HTTPS: %q", body)
	}
	port := strings.TrimSuffix(url[strings.LastIndexByte(url, ':')+1:], "/")
	if body := curl(t, "--cacert", certFile, "https://localhost:"+port+"/"); !strings.HasPrefix(body, "scheme=https") {
		t.Errorf("curl to https://localhost: %q", body)
	}
	if body := curl(t, "http://127.0.0.1:"+port+"/"); !strings.Contains(body, "Client sent an HTTP request to an HTTPS server") {
		t.Errorf("plain HTTP to the HTTPS port: %q", body)
	}
	openssl, code := command(t, dir, nil, "openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", certFile)
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(openssl), "="+fingerprint) {
		t.Errorf("openssl says %q (exit %d), the banner %s", openssl, code, fingerprint)
	}
	if fi, err := os.Stat(filepath.Join(cache, "wsgidev", "tls", "localhost-key.pem")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the key file: %v, %v; want mode 0600", fi, err)
	}
	p.stop()

	again := start(t, launch{dir: dir, env: env, args: args})
	again.waitOutput(httpsLine)
	if got := again.waitOutput(fingerprintLine)[1]; got != fingerprint || strings.Contains(again.stdout.String(), "made now") {
		t.Errorf("the second start did not reuse the certificate (fingerprint %s, was %s):\n%s", got, fingerprint, again.stdout)
	}
}

// writePair writes a self-signed certificate for localhost and 127.0.0.1
// valid from notBefore to notAfter, and its key, as mkcert would.
func writePair(t *testing.T, dir, name string, notBefore, notAfter time.Time) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: notBefore, NotAfter: notAfter, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
	for path, block := range map[string]*pem.Block{certFile: {Type: "CERTIFICATE", Bytes: der}, keyFile: {Type: "PRIVATE KEY", Bytes: keyDER}} {
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return certFile, keyFile
}

func TestServeHTTPSWithAGivenCertificate(t *testing.T) {
	t.Parallel()
	dir := folderWithApp(t, schemeApp)
	now := time.Now()
	cert, key := writePair(t, dir, "good", now.Add(-time.Hour), now.Add(24*time.Hour))
	p := start(t, launch{dir: dir, args: []string{"serve", "--cert", cert, "--key", key, "--port", "0", "--no-reload", "--no-tui"}})
	url := p.waitOutput(httpsLine)[1]
	p.waitOutput(regexp.MustCompile(`(?m)^  https    certificate for localhost, 127\.0\.0\.1 \(--cert ` + regexp.QuoteMeta(cert) + `\)$`))
	if body := curl(t, "--cacert", cert, url); !strings.HasPrefix(body, "scheme=https HTTPS=on") {
		t.Errorf("curl over HTTPS with the given certificate: %q", body)
	}

	_, otherKey := writePair(t, dir, "other", now.Add(-time.Hour), now.Add(24*time.Hour))
	expired, expiredKey := writePair(t, dir, "expired", now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--key", key}, "--key needs --cert"},
		{[]string{"--cert", cert, "--key", otherKey}, "are not a pair"},
		{[]string{"--cert", expired, "--key", expiredKey}, "expired on"},
		{[]string{"--cert", filepath.Join(dir, "none.pem"), "--key", key}, "no such file"},
	} {
		bad, code := run(t, dir, append([]string{"serve", "--port", "0", "--no-reload", "--no-tui"}, tc.args...)...)
		if code == 0 || !strings.Contains(bad.stderr.String(), tc.want) {
			t.Errorf("serve %s: exit %d, want an error with %q\n%s", strings.Join(tc.args, " "), code, tc.want, bad.dump())
		}
	}
}

var socketLine = regexp.MustCompile(`(?m)^  serving  unix:(\S+)  \(Ctrl-C to stop\)\n           curl --unix-socket (\S+) http://localhost/$`)

func TestServeOnAUnixSocket(t *testing.T) {
	t.Parallel()
	dir := folderWithApp(t, schemeApp)
	sock := filepath.Join(t.TempDir(), "app.sock")
	args := []string{"serve", "--bind", "unix:" + sock, "--no-reload", "--no-tui"}
	p := start(t, launch{dir: dir, args: args})
	if m := p.waitOutput(socketLine); m[1] != sock || m[2] != sock {
		t.Errorf("the banner names %q and %q, want %s", m[1], m[2], sock)
	}
	if body := curl(t, "--unix-socket", sock, "http://localhost/"); body != "scheme=http HTTPS=None SERVER_NAME=localhost REMOTE_ADDR=''\n" {
		t.Errorf("curl through the socket: %q", body)
	}
	fi, err := os.Stat(sock)
	if err != nil || fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o660 {
		t.Errorf("the socket file: %v %v; want a socket with mode 0660", fi, err)
	}
	p.signal(syscall.SIGTERM)
	if code := p.wait(); code != 0 {
		t.Errorf("wsgidev exited %d after SIGTERM\n%s", code, p.dump())
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket file is still there after SIGTERM (%v)", err)
	}

	// A run killed outright leaves its socket; the next one replaces it.
	crashed := start(t, launch{dir: dir, args: args})
	crashed.waitOutput(socketLine)
	crashed.signal(syscall.SIGKILL)
	crashed.wait()
	if _, err := os.Lstat(sock); err != nil {
		t.Fatalf("SIGKILL left no socket file to test with: %v", err)
	}
	next := start(t, launch{dir: dir, args: args})
	next.waitOutput(socketLine)
	if body := curl(t, "--unix-socket", sock, "http://localhost/"); !strings.HasPrefix(body, "scheme=http") {
		t.Errorf("curl after a stale socket was replaced: %q", body)
	}

	// A live one is not taken over.
	taken, code := run(t, dir, args...)
	if code == 0 || !strings.Contains(taken.stderr.String(), "a server is listening on this socket") {
		t.Errorf("a second wsgidev on a live socket: exit %d\n%s", code, taken.dump())
	}
	if both, code := run(t, dir, "serve", "--bind", "unix:"+sock, "--port", "9000"); code == 0 || !strings.Contains(both.stderr.String(), "both say where to serve") {
		t.Errorf("--bind with --port: exit %d\n%s", code, both.dump())
	}
}

func TestServeStaticFiles(t *testing.T) {
	t.Parallel()
	dir := folderWithApp(t, schemeApp)
	if err := os.MkdirAll(filepath.Join(dir, "static", "css"), 0o755); err != nil {
		t.Fatal(err)
	}
	css := "body { color: teal }\n"
	if err := os.WriteFile(filepath.Join(dir, "static", "css", "site.css"), []byte(css), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startServing(t, launch{dir: dir, args: []string{"serve", "--port", "0", "--no-reload", "--no-tui", "--static", "/static=./static"}})
	p.waitOutput(regexp.MustCompile(`(?m)^  static   /static/ from static \(served by wsgidev, before the app\)$`))
	resp, body := p.get("/static/css/site.css", "Range: bytes=5-8")
	if resp.StatusCode != http.StatusPartialContent || body != css[5:9] || resp.Header.Get("Content-Range") != "bytes 5-8/21" {
		t.Errorf("a range: %s %q, Content-Range %q", resp.Status, body, resp.Header.Get("Content-Range"))
	}
	resp, body = p.get("/static/css/site.css")
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || body != css || etag == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("the whole file: %s %q, headers %v", resp.Status, body, resp.Header)
	}
	if resp, _ := p.get("/static/css/site.css", "If-None-Match: "+etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("a conditional GET: %s, want 304", resp.Status)
	}
	if body := p.getText("/static/none.css", http.StatusOK); !strings.HasPrefix(body, "scheme=http") {
		t.Errorf("a missing file did not go to the app: %q", body)
	}
	p.waitOutput(regexp.MustCompile(`"GET /static/css/site.css HTTP/1.1" 304 0 \S+ \(static file static/css/site.css, served by wsgidev\)`))
}

// A Django project with DEBUG on serves the admin's CSS as runserver
// does; --no-static turns that off.
func TestServeDjangoStaticFiles(t *testing.T) {
	t.Parallel()
	python := pythonWith(t, "django")
	dir := t.TempDir()
	if out, code := command(t, dir, nil, python, "-m", "django", "startproject", "mysite", "."); code != 0 {
		t.Fatalf("django startproject: exit %d\n%s", code, out)
	}
	args := []string{"serve", "mysite/wsgi.py", "--python", python, "--port", "0", "--no-reload", "--no-tui"}
	p := startServing(t, launch{dir: dir, args: args})
	p.waitOutput(regexp.MustCompile(`(?m)^  static   /static/ through django.contrib.staticfiles under DEBUG`))
	resp, body := p.get("/static/admin/css/base.css")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || !strings.Contains(body, "DJANGO Admin styles") {
		t.Errorf("the admin's CSS: %s %s, %d bytes", resp.Status, resp.Header.Get("Content-Type"), len(body))
	}
	off := startServing(t, launch{dir: dir, args: append(args, "--no-static")})
	off.getText("/static/admin/css/base.css", http.StatusNotFound)
	off.waitOutput(regexp.MustCompile(`"GET /static/admin/css/base.css HTTP/1.1" 404`)) // after the whole banner
	if strings.Contains(off.stdout.String(), "staticfiles") {
		t.Errorf("the banner speaks of static files with --no-static:\n%s", off.stdout)
	}
}
