package devserver

import (
	"io"
	"sync"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// bodyTap records the request body as the app pulls it, up to a limit. The
// reads happen on pyrunner's goroutine, hence the lock.
type bodyTap struct {
	r     io.ReadCloser
	limit int

	mu   sync.Mutex
	body exchange.Body
}

func (t *bodyTap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.mu.Lock()
		t.body.Append(p[:n], t.limit)
		t.mu.Unlock()
	}
	return n, err
}

func (t *bodyTap) Close() error { return t.r.Close() }

func (t *bodyTap) snapshot() exchange.Body {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.body
}
