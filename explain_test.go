package main

// Explain mode has a text for every environ key the real child sets, and
// no text for a key it never sets.

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver/wsgi"
	"github.com/wsgidev/wsgidev/templates"
)

// keysApp answers every request with its environ's keys, one a line.
const keysApp = `def application(environ, start_response):
    body = "".join(key + "\n" for key in sorted(environ)).encode("latin-1")
    environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
`

func TestExplainCoversEnviron(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte(keysApp), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"serve", "app.py", "--no-tui", "--no-reload", "--port", "0", "--script-name", "/mnt"}
	p := startServing(t, launch{dir: dir, args: args})
	plain := func() (net.Conn, error) {
		return net.DialTimeout("tcp", strings.TrimPrefix(p.base, "http://"), startTimeout)
	}

	// Requests that between them bring out every key: a query, a body with
	// a length and a type, a chunked body, headers, and HTTP/1.0 without Host.
	seen := map[string]bool{}
	for _, raw := range []string{
		"GET /mnt/a%20b?x=1 HTTP/1.1\r\nHost: h\r\nUser-Agent: t\r\nCookie: a=1\r\nX-Token: 7\r\n\r\n",
		"POST /mnt/ HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi",
		"POST /mnt HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
		"GET /mnt/ HTTP/1.0\r\n\r\n",
	} {
		for _, key := range environKeys(t, p, plain, raw) {
			seen[key] = true
		}
	}
	// And one over HTTPS (HTTPS=on).
	https := start(t, launch{dir: dir, env: []string{"XDG_CACHE_HOME=" + t.TempDir()}, args: append(args, "--tls")})
	addr := https.waitOutput(httpsLine)[1]
	overTLS := func() (net.Conn, error) {
		host := strings.TrimSuffix(strings.TrimPrefix(addr, "https://"), "/")
		return tls.DialWithDialer(&net.Dialer{Timeout: startTimeout}, "tcp", host, &tls.Config{InsecureSkipVerify: true}) // the keys are wanted, not the certificate
	}
	for _, key := range environKeys(t, https, overTLS, "GET /mnt/ HTTP/1.1\r\nHost: h\r\n\r\n") {
		seen[key] = true
	}

	var unexplained []string
	for key := range seen {
		if _, ok := templates.ExplainEnviron(key, wsgi.IsHopByHop); !ok {
			unexplained = append(unexplained, key)
		}
	}
	sort.Strings(unexplained)
	if len(unexplained) > 0 {
		t.Errorf("the child sets environ keys that explain mode has no text for: %s; add them to templates/explain/environ.txt",
			strings.Join(unexplained, ", "))
	}
	for _, key := range templates.EnvironKeys() {
		if !strings.HasPrefix(key, "HTTP_") && !seen[key] {
			t.Errorf("templates/explain/environ.txt explains %s, which the child never sets", key)
		}
	}
	for _, key := range []string{"SCRIPT_NAME", "CONTENT_LENGTH", "CONTENT_TYPE", "HTTP_TRANSFER_ENCODING", "wsgi.input"} {
		if !seen[key] {
			t.Errorf("no request brought out %s; the probe requests no longer cover the environ", key)
		}
	}
}

// environKeys sends one raw request over a connection from dial and
// returns the keys the app listed.
func environKeys(t *testing.T, p *proc, dial func() (net.Conn, error), raw string) []string {
	t.Helper()
	conn, err := dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(startTimeout))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%q: %v\n%s", raw, err, p.dump())
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%q: %s, %v\n%s", raw, resp.Status, err, body)
	}
	return strings.Fields(string(body))
}
