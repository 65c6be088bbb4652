package devserver

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// bodyTap records the request body as the app pulls it, up to a limit,
// and how much of it the app itself read; keepRest reads what the app
// left, so that the exchange holds what the client sent. The app's reads
// happen on pyrunner's goroutine, hence the lock.
type bodyTap struct {
	r     io.ReadCloser
	limit int

	mu      sync.Mutex
	body    exchange.Body
	appRead int64 // bytes the app itself read
	after   bool  // reads are wsgidev's own now, not the app's
	ended   bool  // the body ended, or reading it failed
	err     error // why reading it failed
}

func (t *bodyTap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.mu.Lock()
	if n > 0 {
		t.body.Append(p[:n], t.limit)
		if !t.after {
			t.appRead += int64(n)
		}
	}
	if err != nil {
		t.ended = true
		if !errors.Is(err, io.EOF) && t.err == nil {
			t.err = err
		}
	}
	t.mu.Unlock()
	return n, err
}

func (t *bodyTap) Close() error { return t.r.Close() }

// keepRest reads what the app left of the body, for the record: up to its
// end, or until more than the exchange keeps has come. A longer rest is
// net/http's to discard (it closes the connection past 256 KiB).
func (t *bodyTap) keepRest() {
	t.mu.Lock()
	t.after = true
	t.mu.Unlock()
	var buf []byte
	for {
		t.mu.Lock()
		done := t.ended || t.body.Size > int64(t.limit)
		t.mu.Unlock()
		if done {
			return
		}
		if buf == nil {
			buf = make([]byte, 32<<10)
		}
		if _, err := t.Read(buf); err != nil {
			return
		}
	}
}

// notRead takes back what the app's wsgi.input fetched (it reads ahead)
// but the app never read.
func (t *bodyTap) notRead(n int64) {
	t.mu.Lock()
	t.appRead = max(0, t.appRead-n)
	t.mu.Unlock()
}

// started: the app read some of the body.
func (t *bodyTap) started() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.body.Size > 0 || t.ended
}

// malformed is the body's framing error (a chunk size that is no number
// or overflows, a bare LF in a chunk line), or nil; a client that went
// away in the middle of its body is not one.
func (t *bodyTap) malformed() error {
	t.mu.Lock()
	err := t.err
	t.mu.Unlock()
	if err == nil || clientGone(err) {
		return nil
	}
	return err
}

// clientGone is true when err, from reading a request body, means the
// client went away (or stopped) in the middle of it, not that the body
// was malformed.
func clientGone(err error) bool {
	var netErr net.Error
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &netErr) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, http.ErrBodyReadAfterClose)
}

// snapshot is the body for the exchange. declared is the request's
// Content-Length (-1 for chunked): a body cut short of it says its real
// size.
func (t *bodyTap) snapshot(declared int64) exchange.Body {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.body
	if declared > b.Size {
		b.Size, b.Truncated = declared, true
	}
	b.Unread = b.Size - t.appRead
	return b
}

// expectsContinue: the client waits for 100 Continue before it sends the
// body, and gets it only when the app reads.
func expectsContinue(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Expect"), "100-continue")
}
