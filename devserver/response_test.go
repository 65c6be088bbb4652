package devserver_test

// The response rules of PEP 3333 over real HTTP: write(), exc_info,
// file_wrapper, bodies HTTP forbids, framing, keep-alive, streaming,
// close(), large bodies and concurrency.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func TestFileWrapper(t *testing.T) {
	ts := startValidated(t, "rules")
	_, body := ts.get(t, "/file")
	if body != "file wrapper body" {
		t.Errorf("body %q", body)
	}
	ex := ts.waitExchange(t, byPath("/file"))
	if sizes := eventSizes(ex, exchange.EventChunk); fmt.Sprint(sizes) != "[4 4 4 4 1]" {
		t.Errorf("chunks of %v bytes, want the wrapper's blocks of 4", sizes)
	}
}

func eventSizes(ex *exchange.Exchange, kind string) []int {
	var sizes []int
	for _, e := range ex.Events {
		if e.Kind == kind {
			sizes = append(sizes, e.Size)
		}
	}
	return sizes
}

func TestWriteCallable(t *testing.T) {
	ts := startValidated(t, "rules")
	_, body := ts.get(t, "/write")
	if body != "from write; from iterable" {
		t.Errorf("body %q", body)
	}
	ex := ts.waitExchange(t, byPath("/write"))
	var kinds []string
	for _, e := range ex.Events {
		if e.Kind == exchange.EventWrite || e.Kind == exchange.EventChunk {
			kinds = append(kinds, e.Kind)
		}
	}
	if fmt.Sprint(kinds) != "[write chunk]" {
		t.Errorf("body events %v, want [write chunk]", kinds)
	}
}

func TestExcInfoReplacesHeaders(t *testing.T) {
	ts := startValidated(t, "rules")
	resp, body := ts.get(t, "/exc-info")
	if resp.StatusCode != 500 || body != "error page from the app" {
		t.Errorf("status %d, body %q; want the app's second start_response", resp.StatusCode, body)
	}
	ex := ts.waitExchange(t, byPath("/exc-info"))
	var starts []exchange.Event
	for _, e := range ex.Events {
		if e.Kind == exchange.EventStartResponse {
			starts = append(starts, e)
		}
	}
	if len(starts) != 2 || starts[0].ExcInfo != "" || !strings.Contains(starts[1].ExcInfo, "ValueError: replaced") {
		t.Errorf("start_response events %+v; want two, the second with the exc_info traceback", starts)
	}
	if ex.Status != 500 || ex.Failure != nil {
		t.Errorf("exchange status %d, failure %+v", ex.Status, ex.Failure)
	}
}

func TestResponseHeadersKept(t *testing.T) {
	ts := startValidated(t, "rules")
	resp, _ := ts.get(t, "/headers")
	if got := resp.Header.Values("X-Multi"); fmt.Sprint(got) != "[1 2]" {
		t.Errorf("X-Multi %v", got)
	}
	if got := resp.Header.Values("Set-Cookie"); fmt.Sprint(got) != "[a=1 b=2]" {
		t.Errorf("Set-Cookie %v", got)
	}
}

func TestNoBodyWhereHTTPForbidsOne(t *testing.T) {
	ts := startValidated(t, "rules")
	c := ts.dial(t) // one connection: a stray body byte would break the next response
	tests := []struct {
		method, path string
		status       int
	}{
		{"HEAD", "/environ", 200},
		{"HEAD", "/no-length", 200},
		{"GET", "/status?code=204", 204},
		{"GET", "/status?code=304", 304},
		{"HEAD", "/status?code=200", 200},
		{"GET", "/status?code=200", 200},
	}
	for _, tt := range tests {
		resp, body := c.roundTrip(t, newRequest(t, tt.method, ts.URL+tt.path, nil))
		wantBody := ""
		if tt.method == "GET" && tt.status == 200 {
			wantBody = "body for 200"
		}
		if resp.StatusCode != tt.status || body != wantBody {
			t.Errorf("%s %s: status %d, body %q; want %d, %q", tt.method, tt.path, resp.StatusCode, body, tt.status, wantBody)
		}
	}
	resp, _ := c.roundTrip(t, newRequest(t, "HEAD", ts.URL+"/environ", nil))
	if resp.ContentLength <= 0 {
		t.Errorf("HEAD /environ: Content-Length %d, want the app's", resp.ContentLength)
	}
}

func TestKeepAlive(t *testing.T) {
	ts := startValidated(t, "rules")
	t.Run("raw connection", func(t *testing.T) {
		c := ts.dial(t)
		requests := []*http.Request{
			newRequest(t, "GET", ts.URL+"/pid", nil),
			newRequest(t, "GET", ts.URL+"/no-length", nil),
			newRequest(t, "POST", ts.URL+"/upload", strings.NewReader("body")),
			newRequest(t, "HEAD", ts.URL+"/environ", nil),
			newRequest(t, "GET", ts.URL+"/stream?n=2&delay=0", nil),
			newRequest(t, "GET", ts.URL+"/pid", nil),
		}
		for _, req := range requests {
			resp, body := c.roundTrip(t, req)
			if resp.StatusCode != 200 || resp.Close {
				t.Errorf("%s %s: status %d, close %v: %s", req.Method, req.URL.Path, resp.StatusCode, resp.Close, body)
			}
		}
	})
	t.Run("client reuses its connection", func(t *testing.T) {
		var reused []bool
		for i := 0; i < 3; i++ {
			trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { reused = append(reused, info.Reused) }}
			req := newRequest(t, "GET", ts.URL+"/no-length", nil)
			send(t, req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
		}
		if fmt.Sprint(reused) != "[false true true]" && fmt.Sprint(reused) != "[true true true]" {
			t.Errorf("connection reused: %v", reused)
		}
	})
}

func TestChunkedResponseWithoutLength(t *testing.T) {
	ts := startValidated(t, "rules")
	tests := []struct {
		path, proto string
		chunked     bool
		body        string
	}{
		{"/no-length", "HTTP/1.1", true, "no length"},
		{"/stream?n=2&delay=0", "HTTP/1.1", true, "chunk 0\nchunk 1\n"},
		{"/pid", "HTTP/1.1", false, ""},
		{"/no-length", "HTTP/1.0", false, "no length"}, // no chunks in 1.0: the close ends it
	}
	for _, tt := range tests {
		t.Run(tt.proto+" "+tt.path, func(t *testing.T) {
			c := ts.dial(t)
			fmt.Fprintf(c, "GET %s %s\r\nHost: test\r\n\r\n", tt.path, tt.proto)
			resp, err := http.ReadResponse(c.br, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			isChunked := fmt.Sprint(resp.TransferEncoding) == "[chunked]"
			if isChunked != tt.chunked || (tt.body != "" && string(body) != tt.body) {
				t.Errorf("Transfer-Encoding %v, body %q; want chunked %v, %q", resp.TransferEncoding, body, tt.chunked, tt.body)
			}
		})
	}
}

func TestChunksStreamAsProduced(t *testing.T) {
	ts := startValidated(t, "rules")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	type result struct {
		first string
		br    *bufio.Reader
		err   error
	}
	first := make(chan result, 1)
	req := newRequest(t, "GET", ts.URL+"/gated?token=stream", nil).WithContext(ctx)
	go func() {
		resp, err := client.Do(req)
		if err != nil {
			first <- result{err: err}
			return
		}
		br := bufio.NewReader(resp.Body)
		line, err := br.ReadString('\n')
		first <- result{line, br, err}
	}()
	// The app waits for /release after its first chunk: the chunk can only
	// arrive now if it was sent as soon as it was produced.
	var r result
	select {
	case r = <-first:
		if r.err != nil || r.first != "before the gate\n" {
			t.Fatalf("first chunk %q, %v", r.first, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the first chunk did not reach the client while the app held the second")
	}
	if _, body := ts.get(t, "/release?token=stream"); body != "released" {
		t.Fatalf("release: %q", body)
	}
	rest, err := io.ReadAll(r.br)
	if err != nil || string(rest) != "after the gate\n" {
		t.Errorf("rest %q, %v", rest, err)
	}
}

func TestCloseIsCalled(t *testing.T) {
	ts := startValidated(t, "rules")
	closedTokens := func() string {
		_, body := ts.get(t, "/closed")
		return body
	}
	t.Run("normal end", func(t *testing.T) {
		// The body ends after DONE, and DONE after close().
		if _, body := ts.get(t, "/stream?n=2&delay=0&token=normal"); body != "chunk 0\nchunk 1\n" {
			t.Fatalf("body %q", body)
		}
		if got := closedTokens(); !strings.Contains(got, `"normal"`) {
			t.Errorf("closed %s, want normal", got)
		}
	})
	t.Run("client disconnect", func(t *testing.T) {
		// A stream of ten minutes: only a cancellation ends it in time.
		const target = "/stream?n=60000&delay=0.01&token=gone"
		resp, err := client.Get(ts.URL + target)
		if err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(resp.Body).ReadString('\n')
		if err != nil || line != "chunk 0\n" {
			t.Fatalf("first chunk %q, %v", line, err)
		}
		resp.Body.Close() // mid-body: the client drops the connection
		ex := ts.waitExchange(t, byPath(target))
		if ex.Failure == nil || ex.Failure.Kind != "cancelled" {
			t.Errorf("failure %+v, want cancelled", ex.Failure)
		}
		if got := closedTokens(); !strings.Contains(got, `"gone"`) {
			t.Errorf("closed %s, want gone", got)
		}
	})
}

func TestLargeBodiesIntact(t *testing.T) {
	ts := startValidated(t, "rules")
	const size = 10 << 20
	t.Run("upload", func(t *testing.T) {
		data := make([]byte, size)
		rand.Read(data)
		_, body := ts.do(t, "POST", "/upload", bytes.NewReader(data))
		checkUpload(t, body, data)
	})
	t.Run("download", func(t *testing.T) {
		seed := sha256.Sum256([]byte("wsgidev"))
		pattern := bytes.Repeat(seed[:], 2048)
		want := sha256.New()
		for left := size; left > 0; left -= min(left, len(pattern)) {
			want.Write(pattern[:min(left, len(pattern))])
		}
		resp, err := client.Get(ts.URL + fmt.Sprintf("/download?size=%d", size))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got := sha256.New()
		n, err := io.Copy(got, resp.Body)
		if err != nil || n != size || !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
			t.Errorf("got %d bytes (%v), sha256 %x; want %d bytes, %x", n, err, got.Sum(nil), size, want.Sum(nil))
		}
	})
}

func TestSlowRequestDoesNotBlockOthers(t *testing.T) {
	ts := startValidated(t, "rules")
	held := make(chan string, 1)
	go func() {
		resp, err := client.Get(ts.URL + "/hold?token=slow")
		if err != nil {
			held <- err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		held <- string(body)
	}()
	if _, body := ts.get(t, "/entered?token=slow"); body != "entered" {
		t.Fatalf("the held request never reached the app: %q", body)
	}
	// The held request occupies a thread; others are served meanwhile.
	for i := 0; i < 3; i++ {
		if resp, body := ts.get(t, "/environ"); resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
	}
	select {
	case body := <-held:
		t.Fatalf("the held request ended before its release: %q", body)
	default:
	}
	ts.get(t, "/release?token=slow")
	select {
	case body := <-held:
		if body != "held released" {
			t.Errorf("held request: %q", body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the held request did not end after its release")
	}
}

func TestOutputDuringRequestIsRecorded(t *testing.T) {
	ts := startValidated(t, "rules")
	ts.get(t, "/errors")
	ex := ts.waitExchange(t, byPath("/errors"))
	text := map[string]string{}
	for _, e := range ex.Events {
		if e.Kind == exchange.EventLog {
			text[e.Stream] += e.Text
		}
	}
	if text["wsgi.errors"] != "to wsgi.errors\n" || text["stdout"] != "printed during the request\n" {
		t.Errorf("logged %q", text)
	}
}
