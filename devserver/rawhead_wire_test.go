package devserver_test

// The raw request head over real HTTP: what a raw TCP client sends is what
// the exchange records, byte for byte, however requests share a
// connection.

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// rawHeadServer serves rules.py and keeps each connection's probe of what
// its head recorder holds.
func rawHeadServer(t *testing.T) (*testServer, func() []func() int) {
	var mu sync.Mutex
	var probes []func() int
	ts := startServer(t, "rules", serverOptions{listen: func(l net.Listener) net.Listener {
		return devserver.RecordingListener(l, func(held func() int) {
			mu.Lock()
			probes = append(probes, held)
			mu.Unlock()
		})
	}})
	return ts, func() []func() int {
		mu.Lock()
		defer mu.Unlock()
		return append([]func() int(nil), probes...)
	}
}

// onlyProbe waits (bounded) for the server to accept the one connection
// of a test and returns its probe.
func onlyProbe(t *testing.T, probes func() []func() int) func() int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p := probes()
		if len(p) > 1 {
			t.Fatalf("%d connections recorded, want 1", len(p))
		}
		if len(p) == 1 {
			return p[0]
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not accept the connection within 10s")
		}
		time.Sleep(5 * time.Millisecond) // polling for the accept, bounded above
	}
}

// readResponse reads one response to a request of method from c.
func (c *rawConn) readResponse(t *testing.T, method string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(c.br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("reading the response to a %s: %v", method, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(data)
}

func checkRawHead(t *testing.T, ts *testServer, target, want string) *exchange.Exchange {
	t.Helper()
	ex := ts.waitExchange(t, byPath(target))
	if got := string(ex.RawHead.Data); got != want || ex.RawHead.Truncated || ex.RawHead.Size != int64(len(want)) {
		t.Errorf("%s: raw head\n%q (size %d, truncated %v)\nwant\n%q", target, got, ex.RawHead.Size, ex.RawHead.Truncated, want)
	}
	return ex
}

// Odd case, repeats and spacing survive; keep-alive requests with a body
// between them each get their own head, not the body.
func TestRawHeadKeepAlive(t *testing.T) {
	ts, _ := rawHeadServer(t)
	c := ts.dial(t)
	first := "GET /environ?n=1 HTTP/1.1\r\nhOsT: test\r\nX-Dup: a\r\nx-dUP:   b  \r\nX-Spaces:  lots   of\tspace \r\n\r\n"
	second := "POST /upload?n=2 HTTP/1.1\r\nHost: test\r\ncontent-length: 27\r\n\r\n"
	body := "GET /fake HTTP/1.1\r\n\r\nxyz\r\n"
	third := "GET /environ?n=3 HTTP/1.1\nHost: test\n\n" // bare LFs, which net/http accepts
	for _, step := range []struct{ write, target, head string }{
		{first, "/environ?n=1", first},
		{second + body, "/upload?n=2", second},
		{third, "/environ?n=3", third},
	} {
		io.WriteString(c, step.write)
		if resp, data := c.readResponse(t, "GET"); resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", step.target, resp.StatusCode, data)
		}
		ex := checkRawHead(t, ts, step.target, step.head)
		if step.target == "/environ?n=1" && len(ex.RequestHeaders) == 0 {
			t.Errorf("the parsed headers are gone")
		}
	}
}

// Pipelined requests sent in one write, among them a body that looks like
// a request, a chunked upload and a HEAD, each get their own head.
func TestRawHeadPipelined(t *testing.T) {
	ts, _ := rawHeadServer(t)
	c := ts.dial(t)
	heads := []string{
		"POST /upload?p=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 22\r\n\r\n",
		"POST /upload?p=2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nX-Order: after-te\r\n\r\n",
		"HEAD /environ?p=3 HTTP/1.1\r\nHost: t\r\n\r\n",
		"GET /environ?p=4 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
	}
	bodies := []string{"GET /fake HTTP/1.1\r\n\r\n", "6;x=y\r\nGET /f\r\n3\r\nake\r\n0\r\nX-Trailer: 1\r\n\r\n", "", ""}
	var all strings.Builder
	for i := range heads {
		all.WriteString(heads[i] + bodies[i])
	}
	io.WriteString(c, all.String())
	for _, method := range []string{"POST", "POST", "HEAD", "GET"} {
		if resp, data := c.readResponse(t, method); resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", method, resp.StatusCode, data)
		}
	}
	for i, target := range []string{"/upload?p=1", "/upload?p=2", "/environ?p=3", "/environ?p=4"} {
		checkRawHead(t, ts, target, heads[i])
	}
	if ex := ts.waitExchange(t, byPath("/upload?p=2")); ex.RequestBody.Size != 9 {
		t.Errorf("the chunked body reached the app as %d bytes, want 9", ex.RequestBody.Size)
	}
}

// An upload many times the cap goes through without the recorder holding
// its bytes, and the connection's next head is recorded whole.
func TestRawHeadBigUpload(t *testing.T) {
	ts, probes := rawHeadServer(t)
	c := ts.dial(t)
	const size = 128 * devserver.HeadCap // 8 MiB
	head := "PUT /upload?big HTTP/1.1\r\nHost: t\r\nContent-Length: " + strconv.Itoa(size) + "\r\n\r\n"
	io.WriteString(c, head)
	held := onlyProbe(t, probes)
	piece := bytes.Repeat([]byte("GET / HTTP/1.1\r\n\r\n"), 4096)[:64<<10]
	most := 0
	for sent := 0; sent < size; sent += len(piece) {
		if _, err := c.Write(piece); err != nil {
			t.Fatal(err)
		}
		most = max(most, held())
	}
	if resp, data := c.readResponse(t, "PUT"); resp.StatusCode != 200 || !strings.Contains(data, `"size": `+strconv.Itoa(size)) {
		t.Fatalf("upload: %d %s", resp.StatusCode, data)
	}
	// What is held while the body streams is the line buffer and the heads
	// net/http read ahead: nothing of the body.
	if most > 4096 {
		t.Errorf("the recorder held up to %d bytes during an upload of %d", most, size)
	}
	checkRawHead(t, ts, "/upload?big", head)
	next := "GET /environ?after HTTP/1.1\r\nHost: t\r\n\r\n"
	io.WriteString(c, next)
	c.readResponse(t, "GET")
	checkRawHead(t, ts, "/environ?after", next)
	if n := held(); n > devserver.ConnHeadCap {
		t.Errorf("holds %d bytes after the upload, over %d", n, devserver.ConnHeadCap)
	}
}

// A head longer than the cap keeps its first HeadCap bytes and says so;
// net/http still serves it, and the next head is whole.
func TestRawHeadOverCap(t *testing.T) {
	ts, probes := rawHeadServer(t)
	c := ts.dial(t)
	long := "GET /environ?long HTTP/1.1\r\nHost: t\r\nX-Big: " + strings.Repeat("v", 3*devserver.HeadCap) + "\r\n\r\n"
	io.WriteString(c, long)
	if resp, data := c.readResponse(t, "GET"); resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, data)
	}
	ex := ts.waitExchange(t, byPath("/environ?long"))
	if h := ex.RawHead; !h.Truncated || h.Size != int64(len(long)) || string(h.Data) != long[:devserver.HeadCap] {
		t.Errorf("a %d-byte head: kept %d, size %d, truncated %v; want its first %d bytes, truncated",
			len(long), len(h.Data), h.Size, h.Truncated, devserver.HeadCap)
	}
	if n := onlyProbe(t, probes)(); n > devserver.ConnHeadCap {
		t.Errorf("holds %d bytes, over %d", n, devserver.ConnHeadCap)
	}
	next := "GET /environ?short HTTP/1.1\r\nHost: t\r\n\r\n"
	io.WriteString(c, next)
	c.readResponse(t, "GET")
	checkRawHead(t, ts, "/environ?short", next)
}

// What Go's own client sends is recorded too, and parses back to the
// request it was.
func TestRawHeadFromGoClient(t *testing.T) {
	ts, _ := rawHeadServer(t)
	resp, _ := ts.get(t, "/environ?client=go", "X-Mixed-Case", "v")
	if resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	ex := ts.waitExchange(t, byPath("/environ?client=go"))
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(ex.RawHead.Data)))
	if err != nil || r.Header.Get("X-Mixed-Case") != "v" || r.URL.RequestURI() != "/environ?client=go" {
		t.Errorf("the recorded head %q does not parse back to the request: %v", ex.RawHead.Data, err)
	}
}
