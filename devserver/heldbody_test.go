package devserver_test

// A request held before the app has its body read ahead, so that a
// client that gives up is noticed at once, as for a request without one.

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// postRaw sends a POST head to path on a connection of its own, and body
// after it; the test owns the connection.
func (ts *testServer) postRaw(t *testing.T, path string, length int, head, body string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	must(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: test\r\nContent-Length: %d\r\n%s\r\n%s", path, length, head, body)
	must(t, err)
	return conn
}

// A held POST whose client gives up is released at once, whether its body
// had all come or the client left in the middle of it.
func TestHeldPostClientGone(t *testing.T) {
	for name, sent := range map[string]string{"whole body": "name=x", "half the body": "nam"} {
		t.Run(name, func(t *testing.T) {
			ts := startStepping(t)
			d := ts.srv.Debugger()
			d.SetBreak(breakpoint(t, "POST /echo"))
			conn := ts.postRaw(t, "/echo", len("name=x"), "", sent)
			waitHeld(t, d, exchange.HeldBeforeApp)
			conn.Close()
			waitNoneHeld(t, d)
			ex := ts.waitExchange(t, byPath("/echo"))
			if f := ex.Failure; f == nil || f.Kind != exchange.FailCancelled {
				t.Errorf("failure %+v, want cancelled", f)
			}
		})
	}
}

// The body read ahead while the request was held reaches the app whole,
// however big: what does not fit the memory part goes to a file.
func TestHeldBodyReachesTheApp(t *testing.T) {
	ts := startStepping(t)
	d := ts.srv.Debugger()
	d.SetBreak(breakpoint(t, "POST /echo"))
	body := strings.Repeat("0123456789abcdef", 3<<16) // 3 MiB
	conn := ts.postRaw(t, "/echo", len(body), "Connection: close\r\n", "")
	go io.WriteString(conn, body)
	h := waitHeld(t, d, exchange.HeldBeforeApp)
	must(t, d.Continue(h.ID))
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	answer, err := io.ReadAll(conn)
	must(t, err)
	want := fmt.Sprintf("%d %x", len(body), sha256.Sum256([]byte(body)))
	if !strings.HasSuffix(string(answer), "\r\n\r\n"+want) {
		t.Errorf("answer %q, want the body's size and sha256 %s", answer, want)
	}
	ex := ts.waitExchange(t, byPath("/echo"))
	if ex.RequestBody.Size != int64(len(body)) || ex.RequestBody.Unread != 0 {
		t.Errorf("request body recorded as %d bytes, %d unread; want %d, 0", ex.RequestBody.Size, ex.RequestBody.Unread, len(body))
	}
}

// A malformed chunked body read ahead is not a client gone: the request
// stays held, and once it goes on the client gets its 400, as without
// the debugger.
func TestHeldMalformedBodyStaysHeld(t *testing.T) {
	ts := startStepping(t)
	d := ts.srv.Debugger()
	d.SetBreak(breakpoint(t, "POST /echo"))
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	must(t, err)
	defer conn.Close()
	io.WriteString(conn, "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
	h := waitHeld(t, d, exchange.HeldBeforeApp) // the read-ahead, started first, has met the bad chunk by now
	must(t, d.Continue(h.ID))
	answer := (&rawClient{conn: conn}).rest(t)
	if !strings.HasPrefix(answer, "HTTP/1.1 400 ") || !strings.Contains(answer, "invalid byte in chunk length") {
		t.Errorf("answer %q, want a 400 naming the malformed chunk", answer)
	}
}

// A held request whose client waits for 100 Continue gets none for being
// held: the app's first read of the body says it, once the request goes on.
func TestHeldExpectContinue(t *testing.T) {
	ts := startStepping(t)
	d := ts.srv.Debugger()
	d.SetBreak(breakpoint(t, "POST /echo"))
	conn := ts.postRaw(t, "/echo", len("name=x"), "Expect: 100-continue\r\nConnection: close\r\n", "")
	h := waitHeld(t, d, exchange.HeldBeforeApp)
	client := &rawClient{conn: conn}
	if got := client.available(); got != "" {
		t.Fatalf("while held the client got %q; it must wait for the app's word", got)
	}
	must(t, d.Continue(h.ID))
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	head := make([]byte, len("HTTP/1.1 100 Continue\r\n\r\n"))
	_, err := io.ReadFull(conn, head)
	must(t, err)
	if string(head) != "HTTP/1.1 100 Continue\r\n\r\n" {
		t.Fatalf("the client got %q, want 100 Continue", head)
	}
	io.WriteString(conn, "name=x")
	answer := client.rest(t)
	if want := fmt.Sprintf("6 %x", sha256.Sum256([]byte("name=x"))); !strings.HasSuffix(answer, want) {
		t.Errorf("answer %q, want it to end in %s", answer, want)
	}
}
