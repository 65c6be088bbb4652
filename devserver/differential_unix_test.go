//go:build linux

package devserver_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
)

// addressApp answers with the environ keys that say where a request came
// from and to, as JSON (null for a key not set).
const addressApp = `import json

def application(environ, start_response):
    keys = ("SERVER_NAME", "SERVER_PORT", "REMOTE_ADDR", "REMOTE_PORT", "wsgi.url_scheme")
    body = json.dumps({k: environ.get(k) for k in keys}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
`

// Over a unix socket, the environ's addresses are gunicorn's: SERVER_NAME
// and SERVER_PORT from Host (the socket's path and "" without one), an
// empty REMOTE_ADDR and no REMOTE_PORT.
func TestUnixSocketEnvironLikeGunicorn(t *testing.T) {
	t.Parallel()
	wsgidevSock := filepath.Join(t.TempDir(), "wsgidev.sock")
	ts := startSession(t, addressApp, devserver.SessionConfig{Socket: wsgidevSock})
	gunicornSock := filepath.Join(t.TempDir(), "gunicorn.sock")
	runGunicorn(t, ts.dir, "app:application", frameworkPython, "unix", gunicornSock)

	for _, raw := range []string{
		"GET /env HTTP/1.1\r\nHost: localhost\r\n\r\n",
		"GET /env HTTP/1.1\r\nHost: example.test:8443\r\nConnection: close\r\n\r\n",
		"GET /env HTTP/1.0\r\n\r\n",
	} {
		want := addressesOver(t, gunicornSock, raw)
		got := addressesOver(t, wsgidevSock, raw)
		// Without Host each names its own socket.
		if want["SERVER_NAME"] == gunicornSock {
			want["SERVER_NAME"] = wsgidevSock
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\nwsgidev  %v\ngunicorn %v", raw, got, want)
		}
	}
}

// addressesOver sends raw over the unix socket at path and decodes the
// answer of addressApp.
func addressesOver(t *testing.T, path, raw string) map[string]any {
	t.Helper()
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(sessionTimeout))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s: %s: %v", path, resp.Status, err)
	}
	return out
}
