package devserver

import (
	"crypto/tls"
	"errors"
	"io"
)

// Over HTTPS the recording connection (rawhead.go) wraps the TLS one: it
// records and rewrites the decrypted bytes, so the raw head, the status
// line and the framing checks work as over plain HTTP. net/http then sees
// a connection that is not a *tls.Conn: the handshake happens at the
// first read, under the header timeout, and a client that speaks plain
// HTTP to the port gets its answer here instead of from net/http.

// plainHTTPAnswer tells a client that sent plain HTTP to the HTTPS port
// what to do, as net/http does for its own TLS connections, and closes
// the connection. err is the failed read; other errors are left alone.
func plainHTTPAnswer(err error) {
	var re tls.RecordHeaderError
	if !errors.As(err, &re) || re.Conn == nil || !looksLikeHTTP(re.RecordHeader) {
		return
	}
	io.WriteString(re.Conn, "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"+
		"Client sent an HTTP request to an HTTPS server: wsgidev serves HTTPS here (--tls); use https:// in the URL.\n")
	re.Conn.Close()
}

// looksLikeHTTP says whether the first five bytes of a connection start
// an HTTP/1.x request line rather than a TLS record.
func looksLikeHTTP(hdr [5]byte) bool {
	switch string(hdr[:]) {
	case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO", "DELET", "PATCH", "TRACE", "CONNE":
		return true
	}
	return false
}
