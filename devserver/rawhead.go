package devserver

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// HeadCap is the most bytes of one request head kept; a longer head keeps
// its first HeadCap bytes and is marked truncated. A connection holds at
// most connHeadCap at a time: the head being read plus those read ahead
// of their handlers (net/http reads ahead at most its 4 KiB buffer).
const (
	HeadCap     = 64 << 10
	connHeadCap = 2 * HeadCap
)

// recListener hands out connections that record request heads as they
// come over the wire: net/http parses and canonicalises headers, and the
// inspector shows them as sent.
type recListener struct {
	net.Listener
	tls      *tls.Config    // HTTPS: connections are decrypted before they are recorded (tlsconn.go)
	accepted func(*recConn) // tests: a look at each connection's recorder
}

func (l *recListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if l.tls != nil {
		c = tls.Server(c, l.tls)
	}
	rc := &recConn{Conn: c}
	if l.accepted != nil {
		l.accepted(rc)
	}
	return rc, nil
}

// recConn records the heads in what is read from it. Body bytes pass
// through counted, never copied, so an upload costs nothing here. On the
// way out it puts the app's reason phrase in the status line
// (statusline.go).
type recConn struct {
	net.Conn
	mu   sync.Mutex
	scan headScanner
	swap atomic.Pointer[statusSwap] // the status line the handler is about to write
}

func (c *recConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		c.scan.feed(p[:n])
		c.mu.Unlock()
	}
	if err != nil {
		plainHTTPAnswer(err)
	}
	return n, err
}

// CloseWrite keeps net/http's half-close (a FIN after an error reply) for
// the TCP connection underneath.
func (c *recConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// take returns the recorded head of r: the first one read ahead whose
// request line is r's. Heads before it belong to requests net/http
// refused; they are dropped.
func (c *recConn) take(r *http.Request) (wireHead, bool) {
	line := r.Method + " " + r.RequestURI + " " + r.Proto
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.scan.take(line)
}

// held is how many bytes the recorder holds now, capacity included.
func (c *recConn) held() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.scan.held()
}

type recConnKey struct{}

// connContext lets a handler find its connection's recorder.
func connContext(ctx context.Context, c net.Conn) context.Context {
	if rc, ok := c.(*recConn); ok {
		return context.WithValue(ctx, recConnKey{}, rc)
	}
	return ctx
}

// rawHead is r's head as it came over the wire, when r came through a
// recording connection.
func rawHead(r *http.Request) (wireHead, bool) {
	rc, ok := r.Context().Value(recConnKey{}).(*recConn)
	if !ok {
		return wireHead{}, false
	}
	return rc.take(r)
}

// wireHead is what the recorder saw of one request head: its bytes, and
// what net/http's parsed request no longer shows.
type wireHead struct {
	raw exchange.Body
	// bothLengths: the head has Content-Length and Transfer-Encoding.
	// net/http drops the Content-Length and reads the body chunked; RFC
	// 9112 §6.1 calls it a sign of request smuggling, after which the
	// connection must close.
	bothLengths bool
}

// head is one recorded request head.
type head struct {
	data        []byte // the first bytes, up to the blank line included
	size        int    // the real size
	firstLen    int    // the request line's length in data, -1 when data stops inside it
	bothLengths bool   // Content-Length and Transfer-Encoding lines both
}

// matches tells whether h is the head of the request whose line is line.
// A head cut inside its request line matches by what was kept; one with
// nothing kept (the connection's cap was held by heads read ahead) is
// taken in its turn.
func (h *head) matches(line string) bool {
	if h.firstLen >= 0 {
		return string(h.data[:h.firstLen]) == line
	}
	return len(line) >= len(h.data) && line[:len(h.data)] == string(h.data)
}

// take finds line's head among those read ahead.
func (s *headScanner) take(line string) (wireHead, bool) {
	for i := range s.heads {
		if !s.heads[i].matches(line) {
			continue
		}
		h := s.heads[i]
		for _, gone := range s.heads[:i+1] {
			s.queued -= cap(gone.data)
		}
		n := copy(s.heads, s.heads[i+1:]) // the queue's array is reused, request after request
		clear(s.heads[n:])
		s.heads = s.heads[:n]
		return wireHead{raw: exchange.Body{Data: h.data, Size: int64(h.size), Truncated: len(h.data) < h.size}, bothLengths: h.bothLengths}, true
	}
	return wireHead{}, false
}

// held is the bytes held: heads waiting for their handlers and the one
// being read.
func (s *headScanner) held() int {
	n := cap(s.cur.data) + cap(s.line)
	for _, h := range s.heads {
		n += cap(h.data)
	}
	return n
}

// Where the scanner is in the stream of requests.
const (
	inHead      = iota // the request line and headers, up to the blank line
	inBody             // bodyLeft bytes of a Content-Length body
	inChunkSize        // a chunk-size line
	inChunk            // bodyLeft bytes of chunk data
	inChunkEnd         // the CRLF after chunk data
	inTrailer          // trailer lines, up to the blank line
)

// lineKeep is how much of each header line is looked at for framing
// (Content-Length, Transfer-Encoding).
const lineKeep = 256

// headScanner follows HTTP/1.x framing as net/http does: it keeps each
// request's head and skips its body by Content-Length or by chunks, so it
// finds the next head however the reads fall.
type headScanner struct {
	state    int
	bodyLeft int64
	heads    []head // read, not yet taken by their handlers
	queued   int    // bytes held by heads (their capacity)

	cur     head   // the head being read
	started bool   // the request line has begun (leading blank lines are skipped)
	line    []byte // the first lineKeep bytes of the current line
	lineLen int    // the current line's length so far
	first   bool   // the current line is the request line
	proto10 bool   // the request line ends in HTTP/1.0: no chunked bodies
	length  int64  // Content-Length, -1 when none or not a number
	chunked bool
	sawCL   bool // a Content-Length line
	sawTE   bool // a Transfer-Encoding line
}

func (s *headScanner) feed(p []byte) {
	for len(p) > 0 {
		switch s.state {
		case inHead:
			p = s.feedHead(p)
		case inBody, inChunk:
			n := int(min(s.bodyLeft, int64(len(p))))
			s.bodyLeft -= int64(n)
			p = p[n:]
			if s.bodyLeft == 0 {
				if s.state == inBody {
					s.state = inHead
				} else {
					s.state = inChunkEnd
				}
			}
		default:
			p = s.feedChunkLine(p)
		}
	}
}

// feedHead takes head bytes up to the blank line that ends the head.
func (s *headScanner) feedHead(p []byte) []byte {
	if !s.started {
		i := 0
		for i < len(p) && (p[i] == '\r' || p[i] == '\n') {
			i++
		}
		if p = p[i:]; len(p) == 0 {
			return nil
		}
		s.started, s.first, s.length, s.chunked, s.proto10 = true, true, -1, false, false
		s.sawCL, s.sawTE = false, false
	}
	if s.cur.data == nil {
		s.sizeHint(p)
	}
	for len(p) > 0 {
		end := bytes.IndexByte(p, '\n')
		seg := p
		if end >= 0 {
			seg = p[:end+1]
		}
		s.keep(seg)
		p = p[len(seg):]
		if end >= 0 {
			seg = seg[:end] // the line without its '\n'
		}
		s.addToLine(seg)
		if end >= 0 && s.endLine() {
			s.endHead()
			return p
		}
	}
	return nil
}

// sizeHint makes room for the head at once when p holds its end, as it
// mostly does: one allocation a head, of its own size.
func (s *headScanner) sizeHint(p []byte) {
	end := bytes.Index(p, []byte("\n\r\n"))
	if lf := bytes.Index(p, []byte("\n\n")); lf >= 0 && (end < 0 || lf < end) {
		end = lf - 1
	}
	if limit := min(HeadCap, connHeadCap-s.queued); end >= 0 && limit > 0 {
		s.cur.data = make([]byte, 0, min(end+3, limit))
	}
}

// keep adds head bytes within the connection's cap.
func (s *headScanner) keep(b []byte) {
	s.cur.size += len(b)
	limit := min(HeadCap, connHeadCap-s.queued) // queued counts capacity: what is really held
	room := limit - len(s.cur.data)
	if room <= 0 {
		return
	}
	b = b[:min(len(b), room)]
	if need := len(s.cur.data) + len(b); need > cap(s.cur.data) {
		grown := make([]byte, len(s.cur.data), min(max(2*cap(s.cur.data), need), limit))
		copy(grown, s.cur.data)
		s.cur.data = grown
	}
	s.cur.data = append(s.cur.data, b...)
}

func (s *headScanner) addToLine(b []byte) {
	s.lineLen += len(b)
	if s.first {
		// Only the line's end matters: does it say HTTP/1.0?
		s.line = append(s.line, b[max(0, len(b)-16):]...)
		if n := len(s.line); n > 16 {
			s.line = append(s.line[:0], s.line[n-16:]...)
		}
		return
	}
	if room := lineKeep - len(s.line); room > 0 {
		s.line = append(s.line, b[:min(room, len(b))]...)
	}
}

// endLine ends a line of the head; it reports whether it was the blank
// line that ends the head.
func (s *headScanner) endLine() bool {
	line := bytes.TrimSuffix(s.line, []byte{'\r'})
	blank := s.lineLen == 0 || (s.lineLen == 1 && len(line) == 0)
	switch {
	case s.first:
		s.first = false
		s.proto10 = bytes.HasSuffix(line, []byte("HTTP/1.0"))
		s.cur.firstLen = bytes.IndexByte(s.cur.data, '\n')
		if s.cur.firstLen > 0 && s.cur.data[s.cur.firstLen-1] == '\r' {
			s.cur.firstLen--
		}
	case !blank:
		s.framing(line)
	}
	s.line, s.lineLen = s.line[:0], 0
	return blank
}

// framing notes what a header line says about the body.
func (s *headScanner) framing(line []byte) {
	name, value, ok := bytes.Cut(line, []byte{':'})
	if !ok {
		return
	}
	value = bytes.Trim(value, " \t")
	switch {
	case asciiEqualFold(name, "content-length"):
		v, _, _ := bytes.Cut(value, []byte{','}) // "5, 5": net/http takes repeats that agree
		s.length = parseLength(bytes.TrimSpace(v))
		s.sawCL = true
	case asciiEqualFold(name, "transfer-encoding"):
		s.chunked = asciiEqualFold(value, "chunked")
		s.sawTE = true
	}
}

// endHead queues the finished head and moves on to its body.
func (s *headScanner) endHead() {
	s.queued += cap(s.cur.data)
	s.cur.bothLengths = s.sawCL && s.sawTE
	s.heads = append(s.heads, s.cur)
	s.cur, s.started = head{}, false
	switch {
	case s.chunked && !s.proto10: // net/http ignores Transfer-Encoding before HTTP/1.1
		s.state = inChunkSize
	case s.length > 0:
		s.state, s.bodyLeft = inBody, s.length
	default:
		s.state = inHead
	}
	if s.state == inChunkSize {
		s.bodyLeft = 0
	}
}

// feedChunkLine reads a chunk-size line, the CRLF after chunk data, or a
// trailer line; a chunk's size is counted in bodyLeft as its hex digits
// come.
func (s *headScanner) feedChunkLine(p []byte) []byte {
	end := bytes.IndexByte(p, '\n')
	seg := p
	if end >= 0 {
		seg = p[:end]
	}
	switch s.state {
	case inChunkSize:
		s.chunkDigits(seg)
	case inTrailer:
		for _, c := range seg {
			if c != '\r' {
				s.lineLen++
			}
		}
	}
	if end < 0 {
		return nil
	}
	switch s.state {
	case inChunkSize:
		s.lineLen = 0
		if s.bodyLeft > 0 {
			s.state = inChunk
		} else {
			s.state = inTrailer
		}
	case inChunkEnd:
		s.state = inChunkSize
	case inTrailer:
		if s.lineLen == 0 {
			s.state = inHead
		}
		s.lineLen = 0
	}
	return p[end+1:]
}

// chunkDigits adds the hex digits at the start of a chunk-size line;
// lineLen is -1 once a non-digit (an extension, a CR) has ended them.
func (s *headScanner) chunkDigits(seg []byte) {
	for _, c := range seg {
		if s.lineLen < 0 {
			return
		}
		d := unhex(c)
		if d < 0 || s.bodyLeft > 1<<55 {
			s.lineLen = -1
			return
		}
		s.bodyLeft = s.bodyLeft<<4 | int64(d)
	}
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func parseLength(b []byte) int64 {
	if len(b) == 0 || len(b) > 18 {
		return -1
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// asciiEqualFold compares b with lower, which is lowercase ASCII.
func asciiEqualFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
