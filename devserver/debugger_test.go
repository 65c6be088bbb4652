package devserver_test

// The debugger driven through its Go API, as the inspector will drive it:
// a real Python child, real HTTP over loopback.

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func startStepping(t *testing.T) *testServer {
	return startServer(t, "stepping.py", serverOptions{raw: true, lintClean: true})
}

// waitHeld waits (bounded) until a request is held at position.
func waitHeld(t *testing.T, d *devserver.Debugger, position string) devserver.HeldInfo {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		changed := d.Changed()
		for _, h := range d.Held() {
			if h.Position == position {
				return h
			}
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("no request held at %q within 10s; held: %+v", position, d.Held())
		}
	}
}

// stepTo steps a request held before the app through n gates: after
// start_response, then before each chunk.
func stepTo(t *testing.T, d *devserver.Debugger, id uint64, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		must(t, d.Step(id))
		if i == 0 {
			waitHeld(t, d, exchange.HeldAfterStart)
		} else {
			waitHeld(t, d, exchange.HeldBeforeChunk+" "+strconv.Itoa(i))
		}
	}
}

// waitNoneHeld waits (bounded) until the debugger holds nothing.
func waitNoneHeld(t *testing.T, d *devserver.Debugger) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.WaitReleased(ctx); err != nil {
		t.Fatalf("requests still held after 10s: %+v", d.Held())
	}
}

// streamed is a request sent in the background: what its client has
// received so far, one value per read.
type streamed struct {
	resp chan *http.Response
	got  chan string // the body so far, after each read; closed at its end
	err  chan error
}

func (ts *testServer) send(ctx context.Context, path string) *streamed {
	s := &streamed{resp: make(chan *http.Response, 1), got: make(chan string, 16), err: make(chan error, 1)}
	go func() {
		defer close(s.got)
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+path, nil)
		req.Header.Set("User-Agent", "stepping-test")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			s.err <- err
			return
		}
		defer resp.Body.Close()
		s.resp <- resp
		var body []byte
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			if n > 0 {
				body = append(body, buf[:n]...)
				s.got <- string(body)
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					s.err <- err
				}
				return
			}
		}
	}()
	return s
}

// response waits for the status line and headers.
func (s *streamed) response(t *testing.T) *http.Response {
	t.Helper()
	select {
	case r := <-s.resp:
		return r
	case err := <-s.err:
		t.Fatalf("request failed: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no response within 10s")
	}
	return nil
}

// body waits until the client has received want so far.
func (s *streamed) body(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case got, ok := <-s.got:
			if !ok {
				t.Fatalf("the body ended before %q", want)
			}
			if got == want {
				return
			}
			if !strings.HasPrefix(want, got) {
				t.Fatalf("the client got %q, want %q", got, want)
			}
		case <-deadline:
			t.Fatalf("the client did not get %q within 10s", want)
		}
	}
}

// all waits for the whole body.
func (s *streamed) all(t *testing.T) string {
	t.Helper()
	var body string
	deadline := time.After(10 * time.Second)
	for {
		select {
		case got, ok := <-s.got:
			if !ok {
				return body
			}
			body = got
		case <-deadline:
			t.Fatalf("the body did not end within 10s; so far %q", body)
		}
	}
}

// breakpoint parses expr as --break does.
func breakpoint(t *testing.T, expr string) devserver.Breakpoint {
	t.Helper()
	b, err := devserver.ParseBreakpoint(expr)
	must(t, err)
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestEditedEnvironReachesTheApp(t *testing.T) {
	ts := startStepping(t)
	d := ts.srv.Debugger()
	d.SetBreak(devserver.Breakpoint{Once: true})
	s := ts.send(context.Background(), "/environ?before=1")
	h := waitHeld(t, d, exchange.HeldBeforeApp)

	for _, bad := range []struct {
		set  map[string]string
		del  []string
		want string
	}{
		{map[string]string{"wsgi.url_scheme": "https"}, nil, "wsgi.* keys are objects"},
		{nil, []string{"wsgi.input"}, "wsgi.* keys are objects"},
		{nil, []string{"REQUEST_METHOD"}, "PEP 3333 requires it"},
		{nil, []string{"HTTP_NOT_THERE"}, "not in the environ"},
		{map[string]string{"CONTENT_LENGTH": "ten"}, nil, "number of bytes"},
		{map[string]string{"PATH_INFO": "environ"}, nil, "start with /"},
	} {
		err := d.Edit(h.ID, bad.set, bad.del)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Edit(%v, %v): %v, want an error saying %q", bad.set, bad.del, err, bad.want)
		}
	}
	must(t, d.Edit(h.ID, map[string]string{"QUERY_STRING": "edited=1", "HTTP_X_ADDED": "yes"}, nil))
	must(t, d.Edit(h.ID, nil, []string{"HTTP_USER_AGENT"}))
	must(t, d.Continue(h.ID))

	s.response(t)
	var env map[string]string
	must(t, json.Unmarshal([]byte(s.all(t)), &env))
	if env["QUERY_STRING"] != "edited=1" || env["HTTP_X_ADDED"] != "yes" {
		t.Errorf("the app saw QUERY_STRING %q, HTTP_X_ADDED %q", env["QUERY_STRING"], env["HTTP_X_ADDED"])
	}
	if _, ok := env["HTTP_USER_AGENT"]; ok {
		t.Error("the app still saw HTTP_USER_AGENT after it was deleted")
	}
	ex := ts.waitExchange(t, byPath("/environ?before=1"))
	want := []exchange.EnvEdit{
		{Op: "add", Key: "HTTP_X_ADDED", New: "yes"},
		{Op: "change", Key: "QUERY_STRING", Old: "before=1", New: "edited=1"},
		{Op: "delete", Key: "HTTP_USER_AGENT", Old: "stepping-test"},
	}
	if len(ex.EnvironEdits) != len(want) {
		t.Fatalf("edits recorded: %+v, want %+v", ex.EnvironEdits, want)
	}
	for i := range want {
		if ex.EnvironEdits[i] != want[i] {
			t.Errorf("edit %d: %+v, want %+v", i, ex.EnvironEdits[i], want[i])
		}
	}
	if got := timeline(ex); got != "held before-app, environ-edit, environ-edit, debug continue" {
		t.Errorf("timeline %q", got)
	}
	if ex.Held != "" {
		t.Errorf("a finished exchange says held %q", ex.Held)
	}
	waitNoneHeld(t, d)
}

// timeline lists the exchange's debugger events.
func timeline(ex *exchange.Exchange) string {
	var parts []string
	for _, e := range ex.Events {
		switch e.Kind {
		case exchange.EventHeld, exchange.EventDebug:
			parts = append(parts, e.Kind+" "+e.Text)
		case exchange.EventEnvironEdit:
			parts = append(parts, e.Kind)
		}
	}
	return strings.Join(parts, ", ")
}

// rawClient is a request on a plain TCP connection. On loopback the bytes a
// server has written are in the client's socket when its write returns,
// so what available returns is all the server wrote before the moment it
// is called: a gate that let bytes through shows at once.
type rawClient struct {
	conn net.Conn
	got  []byte
}

func (ts *testServer) dialRaw(t *testing.T, path string) *rawClient {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	must(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
	must(t, err)
	return &rawClient{conn: conn}
}

// available returns everything received so far.
func (c *rawClient) available() string {
	buf := make([]byte, 4096)
	for {
		c.conn.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		n, err := c.conn.Read(buf)
		c.got = append(c.got, buf[:n]...)
		if err != nil {
			return string(c.got)
		}
	}
}

// rest reads to the end of the response.
func (c *rawClient) rest(t *testing.T) string {
	t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	rest, err := io.ReadAll(c.conn)
	must(t, err)
	c.got = append(c.got, rest...)
	return string(c.got)
}

func TestStepsReachTheClientOneAtATime(t *testing.T) {
	ts := startStepping(t)
	d := ts.srv.Debugger()
	bp, err := devserver.ParseBreakpoint("GET /chunk*")
	must(t, err)
	d.SetBreak(bp)
	c := ts.dialRaw(t, "/chunks")
	h := waitHeld(t, d, exchange.HeldBeforeApp)

	stepTo(t, d, h.ID, 1)
	if got := c.available(); got != "" {
		t.Fatalf("at start_response the client already has %q", got)
	}
	if err := d.Edit(h.ID, map[string]string{"HTTP_X": "1"}, nil); err == nil || !strings.Contains(err.Error(), "only before the app") {
		t.Errorf("an edit after the app was called: %v", err)
	}
	must(t, d.Step(h.ID))
	waitHeld(t, d, exchange.HeldBeforeChunk+" 1")
	if got := c.available(); got != "" {
		t.Fatalf("before chunk 1 the client already has %q", got)
	}
	must(t, d.Step(h.ID))
	waitHeld(t, d, exchange.HeldBeforeChunk+" 2")
	if got := c.available(); !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") || !strings.Contains(got, "one\n") || strings.Contains(got, "two\n") {
		t.Fatalf("before chunk 2 the client has %q; want the headers and chunk 1 only", got)
	}
	must(t, d.Step(h.ID))
	if got := c.rest(t); !strings.Contains(got, "two\n") {
		t.Fatalf("after the last step the client has %q", got)
	}
	ex := ts.waitExchange(t, byPath("/chunks"))
	ts.waitOutput(t, "closed /chunks")
	want := "held before-app, debug step, held after-start-response, debug step, held before-chunk 1, " +
		"debug step, held before-chunk 2, debug step"
	if got := timeline(ex); got != want {
		t.Errorf("timeline\n got %s\nwant %s", got, want)
	}
	if err := d.Step(h.ID); !errors.Is(err, devserver.ErrNotHeld) {
		t.Errorf("Step after the end: %v, want ErrNotHeld", err)
	}
	waitNoneHeld(t, d)
	d.ClearBreaks()
	ts.chunksServed(t)
}

// chunksServed checks a plain /chunks request goes through.
func (ts *testServer) chunksServed(t *testing.T) {
	t.Helper()
	if resp, body := ts.get(t, "/chunks"); resp.StatusCode != 200 || body != "one\ntwo\n" {
		t.Errorf("a plain request after: %d %q", resp.StatusCode, body)
	}
}

// TestStepThroughWrite: bytes given to write() wait at the same gates as
// chunks of the iterable.
func TestStepThroughWrite(t *testing.T) {
	ts := startStepping(t)
	d := ts.srv.Debugger()
	d.SetBreak(devserver.Breakpoint{Once: true})
	c := ts.dialRaw(t, "/write")
	stepTo(t, d, waitHeld(t, d, exchange.HeldBeforeApp).ID, 3)
	if got := c.available(); !strings.Contains(got, "one\n") || strings.Contains(got, "two\n") {
		t.Fatalf("before the second write() the client has %q; want the first only", got)
	}
	must(t, d.Continue(d.Held()[0].ID))
	if got := c.rest(t); !strings.Contains(got, "two\n") {
		t.Fatalf("after continue the client has %q", got)
	}
	ts.waitOutput(t, "closed /write")
	waitNoneHeld(t, d)
}

func TestContinueAfterStartResponse(t *testing.T) {
	ts := startStepping(t)
	d := ts.srv.Debugger()
	d.SetBreak(breakpoint(t, "/chunks"))
	s := ts.send(context.Background(), "/chunks")
	h := waitHeld(t, d, exchange.HeldBeforeApp)
	stepTo(t, d, h.ID, 1)
	must(t, d.Continue(h.ID))
	s.response(t)
	s.body(t, "one\ntwo\n")
	waitNoneHeld(t, d)
	ts.waitOutput(t, "closed /chunks")
}

func TestAbort(t *testing.T) {
	for _, tt := range []struct {
		name, path string
		steps      int
		at         string
	}{
		{"before the app", "/environ", 0, "before the app was called"},
		{"at a chunk gate", "/chunks", 2, "before body chunk 1 was sent"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := startStepping(t)
			d := ts.srv.Debugger()
			d.SetBreak(devserver.Breakpoint{Once: true})
			s := ts.send(context.Background(), tt.path)
			h := waitHeld(t, d, exchange.HeldBeforeApp)
			stepTo(t, d, h.ID, tt.steps)
			must(t, d.Abort(h.ID))
			resp := s.response(t)
			body := s.all(t)
			if resp.StatusCode != 503 || !strings.Contains(body, "aborted in the debugger") {
				t.Errorf("status %d, body %q", resp.StatusCode, body)
			}
			ex := ts.waitExchange(t, byPath(tt.path))
			if f := ex.Failure; f == nil || f.Kind != "aborted" || !strings.Contains(f.Message, tt.at) {
				t.Errorf("failure %+v, want aborted %s", f, tt.at)
			}
			if tt.steps > 0 {
				ts.waitOutput(t, "closed /chunks")
			}
			waitNoneHeld(t, d)
		})
	}
}

func TestClientGoneWhileHeld(t *testing.T) {
	for name, steps := range map[string]int{"before the app": 0, "at a chunk gate": 2} {
		t.Run(name, func(t *testing.T) {
			ts := startStepping(t)
			d := ts.srv.Debugger()
			d.SetBreak(devserver.Breakpoint{Once: true})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ts.send(ctx, "/chunks")
			h := waitHeld(t, d, exchange.HeldBeforeApp)
			stepTo(t, d, h.ID, steps)
			cancel()
			waitNoneHeld(t, d)
			ex := ts.waitExchange(t, byPath("/chunks"))
			if f := ex.Failure; f == nil || f.Kind != "cancelled" {
				t.Errorf("failure %+v, want cancelled", f)
			}
			if steps > 0 {
				ts.waitOutput(t, "closed /chunks")
			}
			ts.chunksServed(t)
		})
	}
}

func TestReleaseAll(t *testing.T) {
	ts := startStepping(t)
	d := ts.srv.Debugger()
	d.SetBreak(breakpoint(t, "/chunks"))
	first := ts.send(context.Background(), "/chunks")
	stepTo(t, d, waitHeld(t, d, exchange.HeldBeforeApp).ID, 1)
	second := ts.send(context.Background(), "/chunks?2")
	waitHeld(t, d, exchange.HeldBeforeApp)
	if n := len(d.Held()); n != 2 {
		t.Fatalf("%d held, want 2", n)
	}
	d.ClearBreaks()
	d.ReleaseAll()
	for _, s := range []*streamed{first, second} {
		s.response(t)
		s.body(t, "one\ntwo\n")
	}
	waitNoneHeld(t, d)
}
