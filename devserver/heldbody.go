package devserver

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// heldBody watches the client of a request held before the app, so that
// one that gives up releases its request at once. net/http notices a
// closed connection only once the request body has been read: a GET is
// watched from the start, a POST not until the app reads. So while the
// request is held its body is read ahead into a spool, which the app
// reads from later.
//
// A client that sent "Expect: 100-continue" waits for the app's word
// before it sends the body, and reading the body is that word (net/http
// answers 100 Continue at the first read): being held is no reason to
// give it. Its connection is watched instead (peekConn): a client that
// closes it releases the request, and one that sends its body anyway, as
// curl does after a second, has it read ahead from then on.
type heldBody struct {
	ctx    context.Context // ends when the client goes away
	cancel context.CancelFunc
	spool  *spool   // nil when the request has no body
	conn   net.Conn // the connection watched while the client waits for 100 Continue; nil: none

	mu       sync.Mutex
	released bool          // the hold ended: read ahead no more
	peeking  bool          // the watch waits on conn
	watched  chan struct{} // closed when the watch has ended
}

// holdBody starts watching r's client while it is held before the app.
func holdBody(r *http.Request, rec *recorder) *heldBody {
	ctx, cancel := context.WithCancel(r.Context())
	h := &heldBody{ctx: ctx, cancel: cancel}
	if rec.tap == nil {
		return h
	}
	h.spool = newSpool(rec.tap.r)
	rec.tap.r = h.spool
	rc, ok := r.Context().Value(recConnKey{}).(*recConn)
	if !expectsContinue(r) {
		h.spool.start(h.failed)
	} else if ok {
		h.conn, h.peeking, h.watched = rc.Conn, true, make(chan struct{})
		go h.watch()
	}
	return h
}

// watch waits until the client who waits for 100 Continue closes its
// connection or sends its body anyway.
func (h *heldBody) watch() {
	defer close(h.watched)
	ended, err := peekConn(h.conn)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.peeking = false
	switch {
	case h.released || err != nil:
	case ended:
		h.cancel()
	default: // the body comes: 100 Continue is moot now
		h.spool.start(h.failed)
	}
}

// failed takes the read-ahead's error: a client gone mid-body releases
// the request; a malformed body waits for the app, which reads the error
// where it comes, and the client gets its 400 as without the debugger.
func (h *heldBody) failed(err error) {
	if clientGone(err) {
		h.cancel()
	}
}

// release ends the watch and the read-ahead: the request goes on, and the
// app reads its body from the spool, then from the connection.
func (h *heldBody) release() {
	h.mu.Lock()
	h.released = true
	peeking := h.peeking
	h.mu.Unlock()
	if peeking {
		// Wake the watch; net/http set no read deadline for a request
		// being handled (Server.ReadTimeout is 0), so none is restored.
		h.conn.SetReadDeadline(time.Unix(1, 0))
	}
	if h.watched != nil {
		<-h.watched
	}
	if peeking {
		h.conn.SetReadDeadline(time.Time{})
	}
	if h.spool != nil {
		h.spool.release()
	}
}

// close forgets the spool once the request is over.
func (h *heldBody) close() {
	h.release()
	h.cancel()
	if h.spool != nil {
		h.spool.discard()
	}
}
