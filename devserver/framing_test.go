package devserver_test

// HTTP/1.1's framing rules and the status line, on the wire: raw requests
// to a real server with a real Python child (issue 14, items 7 and 8).

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// sendRaw writes raw on a new connection and reads until the server closes
// it (the connection's deadline fails a server that keeps it open).
func (ts *testServer) sendRaw(t *testing.T, raw string) []byte {
	t.Helper()
	c := ts.dial(t)
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	all, err := io.ReadAll(c.br)
	if err != nil {
		t.Fatalf("the server kept the connection open: %v\nafter %q", err, all)
	}
	return all
}

// responses parses every response in data, for requests of method.
func responses(t *testing.T, data []byte, method string) []*http.Response {
	t.Helper()
	var out []*http.Response
	br := bufio.NewReader(bytes.NewReader(data))
	for {
		if _, err := br.Peek(1); err != nil {
			return out
		}
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatalf("reading response %d: %v\n%s", len(out)+1, err, data)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		out = append(out, resp)
	}
}

func bodyOf(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// A request with both Content-Length and Transfer-Encoding gets a 400 and
// the connection closes: what follows its body (here a second, smuggled
// request) never reaches the app.
func TestBothLengthsRefused(t *testing.T) {
	ts := startValidated(t, "rules")
	all := ts.sendRaw(t, "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"+
		"0\r\n\r\nGET /environ?smuggled HTTP/1.1\r\nHost: test\r\n\r\n")
	got := responses(t, all, "POST")
	if len(got) != 1 || got[0].StatusCode != http.StatusBadRequest || !strings.Contains(bodyOf(got[0]), "request smuggling") {
		t.Fatalf("want one 400 that says why, got %d responses:\n%s", len(got), all)
	}
	f := wantFailure(t, ts.waitExchange(t, byPath("/upload")), exchange.FailBadRequest, "")
	if !strings.Contains(f.Message, "Content-Length and with Transfer-Encoding") {
		t.Errorf("failure %+v", f)
	}
	ts.get(t, "/environ?after") // everything before it is recorded by now
	ts.waitExchange(t, byPath("/environ?after"))
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, ex := range ts.exchanges {
		if strings.Contains(ex.Target, "smuggled") {
			t.Errorf("the smuggled request reached the app: %s %s", ex.Method, ex.Target)
		}
	}
}

// A chunked body that is not chunked properly gets a 400 the client sees,
// and the exchange says why; whether or not the app read the body.
func TestMalformedChunkedBody(t *testing.T) {
	ts := startValidated(t, "rules")
	for _, tc := range []struct {
		name, chunks, why string
	}{
		{"not hex", "zz\r\nabc\r\n0\r\n\r\n", "invalid byte in chunk length"},
		{"overflow", "fffffffffffffffffff\r\nabc\r\n0\r\n\r\n", "http chunk length too large"},
		{"bare LF", "3\nabc\r\n0\r\n\r\n", "chunked line ends with bare LF"},
	} {
		for _, path := range []string{"/upload", "/reason"} { // reads its body; never does
			t.Run(tc.name+" "+path, func(t *testing.T) {
				target := fmt.Sprintf("%s?%s", path, strings.ReplaceAll(tc.name, " ", "-"))
				all := ts.sendRaw(t, "POST "+target+" HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"+tc.chunks)
				got := responses(t, all, "POST")
				if len(got) != 1 || got[0].StatusCode != http.StatusBadRequest || !strings.Contains(bodyOf(got[0]), tc.why) {
					t.Fatalf("want one 400 saying %q:\n%s", tc.why, all)
				}
				f := wantFailure(t, ts.waitExchange(t, byPath(target)), exchange.FailBadRequest, "")
				if !strings.Contains(f.Message, "chunked body is malformed: "+tc.why) || f.Cut {
					t.Errorf("failure %+v", f)
				}
			})
		}
	}
}

// When the app reads a malformed body only after its response began, the
// connection is cut (no fake success) and the exchange says why. The body
// is longer than wsgidev and net/http read before the head goes out, and
// the app reads it only once told to.
func TestMalformedBodyAfterTheResponseBegan(t *testing.T) {
	ts := startValidated(t, "rules")
	c := ts.dial(t)
	big := strings.Repeat("x", 1<<20)
	go fmt.Fprintf(c, "POST /read-after-start?token=late HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"+
		"%x\r\n%s\r\nzz\r\nabc\r\n0\r\n\r\n", len(big), big)
	var got strings.Builder
	for !strings.Contains(got.String(), "started\n") {
		line, err := c.br.ReadString('\n')
		got.WriteString(line)
		if err != nil {
			t.Fatalf("before the app read the body: %v\n%s", err, got.String())
		}
	}
	ts.get(t, "/release?token=late")
	rest, _ := io.ReadAll(c.br) // to the cut
	all := got.String() + string(rest)
	if !strings.HasPrefix(all, "HTTP/1.1 200 OK\r\n") || strings.HasSuffix(all, "0\r\n\r\n") {
		t.Errorf("want the start of the response, then a cut:\n%.500s", all)
	}
	f := wantFailure(t, ts.waitExchange(t, byPath("/read-after-start?token=late")), exchange.FailBadRequest, "")
	if !f.Cut || !strings.Contains(f.Message, "chunked body is malformed: invalid byte in chunk length") {
		t.Errorf("failure %+v", f)
	}
}

// CONNECT asks for a tunnel: refused with a 400, the connection closed.
func TestConnectRefused(t *testing.T) {
	ts := startValidated(t, "rules")
	all := ts.sendRaw(t, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
	got := responses(t, all, "CONNECT")
	if len(got) != 1 || got[0].StatusCode != http.StatusBadRequest || !strings.Contains(bodyOf(got[0]), "CONNECT") {
		t.Fatalf("want one 400 about CONNECT:\n%s", all)
	}
	ex := ts.waitExchange(t, func(ex *exchange.Exchange) bool { return ex.Method == "CONNECT" })
	wantFailure(t, ex, exchange.FailBadRequest, "")
	if len(ex.Environ) != 0 {
		t.Errorf("the app was called for CONNECT")
	}
}

// The status line reaches the client as the app wrote it, on every
// response of a kept-alive connection, pipelined or not, for responses
// without a body, and after a 100 Continue.
func TestStatusLineVerbatim(t *testing.T) {
	ts := startValidated(t, "rules")
	c := ts.dial(t)
	type sent struct{ method, status string }
	requests := []sent{{"GET", "299 Custom Reason Here"}, {"GET", "200 OK"}, {"GET", "404 Gone Fishing"},
		{"GET", "302 FOUND"}, {"GET", "204 Nothing Here"}, {"GET", "500 Internal Server Error"},
		{"GET", "418 caf\u00e9"}, {"HEAD", "299 Head Reason"}}
	var raw strings.Builder
	for _, r := range requests {
		fmt.Fprintf(&raw, "%s /reason?status=%s HTTP/1.1\r\nHost: test\r\n\r\n", r.method, url.QueryEscape(r.status))
	}
	io.WriteString(c, raw.String()) // pipelined: all at once
	for _, r := range requests {
		wire := latin1(r.status) // the app's str as bytes on the wire
		resp, err := http.ReadResponse(c.br, &http.Request{Method: r.method})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.Proto != "HTTP/1.1" || resp.Status != wire {
			t.Errorf("status line %q %q, want HTTP/1.1 %q", resp.Proto, resp.Status, wire)
		}
		if want := "status " + r.status; r.method == "GET" && resp.StatusCode != 204 && string(body) != want {
			t.Errorf("%s: body %q, want %q", r.status, body, want)
		}
	}
	// The app reads the body, so the client gets 100 Continue first.
	io.WriteString(c, "POST /reason?read=1&status=299+After+Continue HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
	if line, _ := c.br.ReadString('\n'); line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("after Expect: %q", line)
	}
	c.br.ReadString('\n')
	io.WriteString(c, "hi")
	if line, _ := c.br.ReadString('\n'); line != "HTTP/1.1 299 After Continue\r\n" {
		t.Errorf("after 100 Continue: %q", line)
	}
}

// latin1 is s as the bytes of its latin-1 encoding.
func latin1(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteByte(byte(r))
	}
	return b.String()
}

// OPTIONS * is the app's to answer, as under gunicorn; net/http would
// answer it itself. (wsgiref.validate wants PATH_INFO to start with a
// slash, which "*" cannot, so the app runs without it.)
func TestOptionsStarReachesTheApp(t *testing.T) {
	ts := startServer(t, "rules.py", serverOptions{raw: true})
	c := ts.dial(t)
	io.WriteString(c, "OPTIONS * HTTP/1.1\r\nHost: test\r\n\r\n")
	resp, err := http.ReadResponse(c.br, &http.Request{Method: "OPTIONS"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ex := ts.waitExchange(t, byPath("*"))
	var pathInfo string
	for _, kv := range ex.Environ {
		if kv.Key == "PATH_INFO" {
			pathInfo = kv.Value
		}
	}
	if ex.Method != "OPTIONS" || pathInfo != "*" || ex.Failure != nil {
		t.Errorf("OPTIONS * reached the app as %s with PATH_INFO %q (failure %+v)", ex.Method, pathInfo, ex.Failure)
	}
}
