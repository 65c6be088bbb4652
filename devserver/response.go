package devserver

import (
	"net/http"
	"strconv"

	"github.com/wsgidev/wsgidev/pyrunner"
)

// response is what goes to the client for one request: the app's answer
// (its head at the first body bytes, so that a start_response with
// exc_info can still replace it, then each chunk) or one of wsgidev's own
// pages. The byte that completes the response is held back until the
// exchange is recorded (Server.finish): a client that got its whole answer
// finds it in the capture file, even after a kill -9.
type response struct {
	w       http.ResponseWriter
	flusher http.Flusher
	conn    *recConn // nil when the request came through another listener
	isHead  bool

	status    string // from the last start_response before the body
	headers   [][2]string
	committed bool  // the head is written
	noBody    bool  // HEAD, 1xx, 204, 304: the head is the whole response
	declared  int64 // the app's Content-Length, -1 when none
	sent      int64 // body bytes written, the held one included
	held      []byte
	clientErr bool // the client went away; keep draining the call
	overLimit bool // the app wrote past its own Content-Length
	cut       bool // the connection is being cut: nothing more goes out
	close     bool // close the connection after this response

	last [1]byte // room for a held last byte of the body: no allocation
}

func newResponse(w http.ResponseWriter, r *http.Request) *response {
	resp := &response{w: w, isHead: r.Method == http.MethodHead, declared: -1}
	resp.flusher, _ = w.(http.Flusher)
	resp.conn, _ = r.Context().Value(recConnKey{}).(*recConn)
	return resp
}

// commit writes the app's head (status and headers) once.
func (resp *response) commit() {
	if resp.committed {
		return
	}
	resp.committed = true
	h := resp.w.Header()
	for _, kv := range resp.headers {
		h.Add(kv[0], kv[1])
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // the app chose none: no sniffing
	}
	if cl := h.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			resp.declared = n
		}
	} else {
		// A body of unknown length goes out in chunks, as gunicorn sends it;
		// left alone, net/http would invent a Content-Length for a short body
		// that ended before the first flush. It drops the header itself
		// where no body is allowed and for HTTP/1.0.
		h.Set("Transfer-Encoding", "chunked")
	}
	code := statusCode(resp.status)
	resp.writeHead(code, resp.status)
}

// writeHead writes the head with the status line status ("299 Custom
// Reason"), whatever reason phrase net/http knows for code.
func (resp *response) writeHead(code int, status string) {
	resp.noBody = resp.isHead || !bodyAllowed(code)
	if resp.close {
		resp.w.Header().Set("Connection", "close")
	}
	resp.conn.expectStatus(status) // statusline.go
	resp.w.WriteHeader(code)
}

// bodyAllowed: RFC 9110 gives 1xx, 204 and 304 responses no body.
func bodyAllowed(code int) bool {
	return code >= 200 && code != http.StatusNoContent && code != http.StatusNotModified
}

// write sends body bytes of the app's response (send); a client gone
// cancels the call.
func (resp *response) write(p []byte, call *pyrunner.Call) {
	resp.commit()
	if resp.send(p) != nil {
		call.Cancel()
	}
}

// send writes body bytes, minus the one that completes a declared length:
// it is held until the exchange is recorded, in a copy of its own, as the
// caller may reuse p. It returns the error of a write that failed.
func (resp *response) send(p []byte) error {
	if resp.clientErr || resp.overLimit || resp.noBody {
		return nil
	}
	if resp.declared >= 0 {
		left := resp.declared - resp.sent
		if int64(len(p)) > left {
			// The client was promised fewer bytes: none of these go, and
			// the connection is cut at the end (done), so it sees a short
			// body rather than a whole one that is wrong.
			resp.overLimit = true
			return nil
		}
		if int64(len(p)) == left && left > 0 {
			p, resp.held = p[:len(p)-1], append(resp.last[:0], p[len(p)-1])
		}
	}
	resp.sent += int64(len(p) + len(resp.held))
	if _, err := resp.w.Write(p); err != nil {
		resp.clientErr = true
		return err
	}
	return nil
}

// page writes one of wsgidev's own pages, its last byte held.
func (resp *response) page(code int, contentType string, body []byte) {
	h := resp.w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	resp.committed = true
	resp.writeHead(code, strconv.Itoa(code)+" "+http.StatusText(code))
	if resp.noBody || len(body) == 0 {
		return
	}
	if _, err := resp.w.Write(body[:len(body)-1]); err != nil {
		resp.clientErr = true
		return
	}
	resp.held = body[len(body)-1:]
}

func (resp *response) flush() {
	if resp.flusher != nil && !resp.clientErr && !resp.noBody {
		resp.flusher.Flush()
	}
}

// release sends the held byte: the exchange is recorded.
func (resp *response) release() {
	if resp.held != nil && !resp.cut && !resp.clientErr {
		resp.w.Write(resp.held)
	}
	resp.held = nil
}

// cutConnection ends the response without a clean end (no fake success):
// what was produced so far goes out, then net/http closes the connection.
func (resp *response) cutConnection() {
	resp.cut = true
	resp.flush()
	panic(http.ErrAbortHandler)
}
