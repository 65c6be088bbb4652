package devserver

import (
	"bytes"
	"net/http"
	"strconv"
)

// The app's reason phrase reaches the client as the app gave it ("299
// Custom Reason Here", werkzeug's "302 FOUND"), as every other WSGI server
// sends it; net/http writes its own ("299 status code 299"), and its
// ResponseWriter has no way to say another.
//
// net/http writes each response's head at the start of a write to its
// connection: it flushes its buffer at the end of every response and
// right after a 100 Continue. So the handler tells the recording
// connection the status line it is about to write, and the connection
// swaps the reason phrase in that line as it passes. It swaps only a line
// it recognises whole at the start of a write (protocol, the same code,
// net/http's own phrase, CRLF); should net/http ever write otherwise, the
// client gets Go's phrase, never a broken response (and the differential
// tests against gunicorn fail).
//
// Simpler than the alternatives: a per-connection HTTP/1.1 loop of our own
// would re-implement net/http's request validation, keep-alive,
// pipelining, Expect: 100-continue, client-gone detection, timeouts and
// graceful shutdown; a hijacked connection loses all of those after the
// first response.

// statusSwap is one status line to rewrite.
type statusSwap struct {
	goLine []byte // what net/http writes after "HTTP/1.x ": "299 status code 299\r\n"
	line   []byte // what the app said: "299 Custom Reason Here\r\n"
}

// expectStatus tells c the status line of the head about to be written.
// A phrase equal to net/http's (most: "200 OK") costs nothing further.
func (c *recConn) expectStatus(status string) {
	if c == nil {
		return
	}
	code := statusCode(status)
	goText := http.StatusText(code)
	if goText == "" {
		goText = "status code " + strconv.Itoa(code)
	}
	// A 1xx is an interim response to net/http; the app's status passed
	// PEP 3333's checks (three digits, a space, no control characters),
	// looked at again here since it goes on the wire as it is.
	if len(status) < 4 || status[4:] == goText || code < 200 || !statusBytesOK(status) {
		c.swap.Store(nil)
		return
	}
	c.swap.Store(&statusSwap{
		goLine: []byte(status[:4] + goText + "\r\n"),
		line:   []byte(status + "\r\n"),
	})
}

// statusBytesOK: no control characters (a CR or LF would split the line).
func statusBytesOK(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

// Write passes p on, with the expected status line swapped when p starts
// with it.
func (c *recConn) Write(p []byte) (int, error) {
	if sw := c.swap.Load(); sw != nil && len(p) > 9 && bytes.HasPrefix(p, []byte("HTTP/1.")) && bytes.HasPrefix(p[9:], sw.goLine) {
		c.swap.CompareAndSwap(sw, nil)
		out := make([]byte, 0, len(p)-len(sw.goLine)+len(sw.line))
		out = append(append(append(out, p[:9]...), sw.line...), p[9+len(sw.goLine):]...)
		if _, err := c.Conn.Write(out); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}
