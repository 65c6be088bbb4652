package devserver_test

// Where and how a session serves: HTTPS with its certificate, a unix
// socket. The raw head, the app's status line, the framing checks and the
// Control's replays must work there as over plain TCP.

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// servingApp answers with what tells where it was served from, under a
// reason phrase of its own.
const servingApp = `def application(environ, start_response):
    keys = ("wsgi.url_scheme", "HTTPS", "SERVER_NAME", "SERVER_PORT", "REMOTE_ADDR", "REMOTE_PORT")
    body = "".join("%s=%r\n" % (k, environ.get(k)) for k in keys).encode()
    start_response("299 Custom Reason", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
`

// trusting is a client that trusts exactly cert, dialling through dial
// when it is not nil.
func trusting(cert *devserver.Cert, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Client {
	tr := &http.Transport{DialContext: dial}
	if cert != nil {
		roots := x509.NewCertPool()
		roots.AddCert(cert.Pair.Leaf)
		tr.TLSClientConfig = &tls.Config{RootCAs: roots}
	}
	return &http.Client{Timeout: sessionTimeout, Transport: tr}
}

// unixDial dials the socket at path whatever the address.
func unixDial(path string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}
}

// requestWith makes a request with c, header lines given as name, value pairs,
// and returns the response with its body read.
func requestWith(t *testing.T, c *http.Client, method, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestHTTPSSession(t *testing.T) {
	t.Parallel()
	cert, err := devserver.LocalCert(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ts := startSession(t, servingApp, devserver.SessionConfig{TLS: cert})
	if !strings.HasPrefix(ts.BaseURL(), "https://127.0.0.1:") {
		t.Fatalf("BaseURL %s, want https://127.0.0.1:PORT", ts.BaseURL())
	}
	c := trusting(cert, nil)
	resp, body := requestWith(t, c, "GET", ts.BaseURL()+"/env")
	if resp.Status != "299 Custom Reason" {
		t.Errorf("status %q: the app's reason phrase is lost over TLS", resp.Status)
	}
	if resp.ProtoMajor != 1 || resp.TLS == nil || resp.TLS.NegotiatedProtocol == "h2" {
		t.Errorf("protocol %s, ALPN %q: HTTP/1.1 over TLS wanted", resp.Proto, resp.TLS.NegotiatedProtocol)
	}
	for _, want := range []string{"wsgi.url_scheme='https'", "HTTPS='on'", "SERVER_NAME='127.0.0.1'"} {
		if !strings.Contains(body, want) {
			t.Errorf("the app saw no %s:\n%s", want, body)
		}
	}
	orig := ts.next("the record of /env", func(u exchange.Update) bool { return u.Done != nil && u.Done.Target == "/env" }).Done
	if !strings.HasPrefix(string(orig.RawHead.Data), "GET /env HTTP/1.1\r\n") {
		t.Errorf("raw head over TLS: %q", orig.RawHead.Data)
	}

	// The framing check refuses a request with both lengths, over TLS too.
	conn, err := tls.Dial("tcp", strings.TrimPrefix(ts.BaseURL(), "https://"), &tls.Config{RootCAs: c.Transport.(*http.Transport).TLSClientConfig.RootCAs, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST /both HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
	conn.SetDeadline(time.Now().Add(sessionTimeout))
	refused, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	refused.Body.Close()
	if refused.StatusCode != http.StatusBadRequest {
		t.Errorf("both Content-Length and Transfer-Encoding over TLS: %s", refused.Status)
	}

	// The inspector's replay goes over HTTPS and is recorded as one.
	res := ts.Control().Replay(exchange.ReplayRequest{Request: orig, Of: orig.ID, Against: orig})
	if res.Err != "" || res.New == nil || res.New.ReplayOf != orig.ID {
		t.Fatalf("replay over TLS: %+v", res)
	}
	if curl := ts.Control().Curl(orig); !strings.Contains(curl, "--cacert "+cert.File+" https://127.0.0.1:") {
		t.Errorf("curl command for an HTTPS session: %s", curl)
	}
}

// A client speaking plain HTTP to the HTTPS port is told so.
func TestHTTPSSessionAnswersPlainHTTP(t *testing.T) {
	t.Parallel()
	cert, err := devserver.LocalCert(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ts := startSession(t, servingApp, devserver.SessionConfig{TLS: cert})
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.BaseURL(), "https://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(sessionTimeout))
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	answer, _ := io.ReadAll(conn)
	if !strings.HasPrefix(string(answer), "HTTP/1.0 400 Bad Request\r\n") || !strings.Contains(string(answer), "use https://") {
		t.Fatalf("plain HTTP to the HTTPS port got %q", answer)
	}
}

func TestUnixSocketSession(t *testing.T) {
	t.Parallel()
	sock := filepath.Join(t.TempDir(), "app.sock")
	ts := startSession(t, servingApp, devserver.SessionConfig{Socket: sock})
	fi, err := os.Stat(sock)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != devserver.SocketMode {
		t.Errorf("socket file %v, want a socket with mode %v", fi.Mode(), devserver.SocketMode)
	}
	if ts.BaseURL() != "http://localhost" {
		t.Errorf("BaseURL %s", ts.BaseURL())
	}
	resp, body := requestWith(t, trusting(nil, unixDial(sock)), "GET", "http://localhost/env")
	if resp.Status != "299 Custom Reason" {
		t.Errorf("status %q", resp.Status)
	}
	for _, want := range []string{"SERVER_NAME='localhost'", "SERVER_PORT='80'", "REMOTE_ADDR=''", "REMOTE_PORT=None", "wsgi.url_scheme='http'", "HTTPS=None"} {
		if !strings.Contains(body, want) {
			t.Errorf("the app saw no %s:\n%s", want, body)
		}
	}
	orig := ts.next("the record of /env", func(u exchange.Update) bool { return u.Done != nil && u.Done.Target == "/env" }).Done
	res := ts.Control().Replay(exchange.ReplayRequest{Request: orig, Of: orig.ID, Against: orig})
	if res.Err != "" || res.New == nil || res.New.ReplayOf != orig.ID {
		t.Fatalf("replay over the unix socket: %+v", res)
	}
	if curl := ts.Control().Curl(orig); !strings.Contains(curl, "--unix-socket "+sock+" http://localhost/env") {
		t.Errorf("curl command for a socket: %s", curl)
	}
	if err := ts.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket file is still there after Stop (%v)", err)
	}
}

// HTTPS on a unix socket: curl --unix-socket with an https:// URL.
func TestHTTPSOnAUnixSocket(t *testing.T) {
	t.Parallel()
	cert, err := devserver.LocalCert(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "app.sock")
	ts := startSession(t, servingApp, devserver.SessionConfig{Socket: sock, TLS: cert})
	_, body := requestWith(t, trusting(cert, unixDial(sock)), "GET", "https://localhost/env")
	if !strings.Contains(body, "wsgi.url_scheme='https'") || !strings.Contains(body, "SERVER_PORT='443'") {
		t.Errorf("the app saw:\n%s", body)
	}
	orig := ts.next("the record of /env", func(u exchange.Update) bool { return u.Done != nil && u.Done.Target == "/env" }).Done
	if res := ts.Control().Replay(exchange.ReplayRequest{Request: orig, Of: orig.ID, Against: orig}); res.Err != "" || res.New == nil || res.New.ReplayOf != orig.ID {
		t.Fatalf("replay over HTTPS on the socket: %+v", res)
	}
}
