package devserver

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Requests wsgidev answers itself instead of passing them to the app,
// where HTTP/1.1's framing rules (RFC 9112) or the nature of WSGI say so.
// net/http does the rest of the request's checks before the handler runs.

// refuse answers a request the app must not see, and reports whether it
// did: one with both Content-Length and Transfer-Encoding (a sign of
// request smuggling: 400 and the connection closed, as gunicorn does), or
// CONNECT, which asks for a tunnel no WSGI app can give.
func (s *Server) refuse(r *http.Request, rec *recorder, resp *response) bool {
	var d pageData
	switch {
	case rec.bothLengths:
		d = pageData{
			Title: "Both Content-Length and Transfer-Encoding",
			Summary: "The request says how long its body is twice, with Content-Length and with Transfer-Encoding. " +
				"RFC 9112 (section 6.1) calls that a sign of request smuggling: two servers could read the body differently.",
			Hint: "Send one of the two headers, not both. wsgidev closes the connection after this answer.",
		}
	case r.Method == http.MethodConnect:
		d = pageData{
			Title:   "CONNECT is not served",
			Summary: "CONNECT asks a proxy for a tunnel; wsgidev serves a WSGI app, which cannot answer one.",
			Hint:    "Send the request itself (GET, POST, …) to this server, or point the client at a proxy.",
		}
	default:
		return false
	}
	resp.close = true
	s.sendPage(r, rec, resp, http.StatusBadRequest, d, &exchange.Failure{Kind: exchange.FailBadRequest, Message: d.Title + ": " + d.Summary})
	return true
}

// dropFragment takes a #fragment a raw client put in the request-target
// out of the URL: browsers never send one, and net/http, which assumes
// so, leaves it in the path or the query. PATH_INFO and QUERY_STRING then
// stop before it, as under gunicorn; REQUEST_URI keeps the target as sent.
func dropFragment(r *http.Request) {
	i := strings.IndexByte(r.RequestURI, '#')
	if i < 0 {
		return
	}
	if u, err := url.ParseRequestURI(r.RequestURI[:i]); err == nil {
		r.URL = u
	}
}

// badBodyPage answers a request whose body is malformed (a chunk size
// that is no number, a bare LF in a chunk line): the client gets a 400
// that says why, and the connection closes, as what follows the body
// cannot be trusted to be the next request.
func (s *Server) badBodyPage(r *http.Request, rec *recorder, resp *response, err error) {
	resp.close = true
	d := pageData{
		Title:   "Malformed request body",
		Summary: "The request's chunked body could not be read: " + err.Error() + ".",
		Hint:    "Each chunk is its size in hex, CRLF, the bytes, CRLF; a chunk of size 0 ends the body (RFC 9112, section 7.1).",
	}
	s.sendPage(r, rec, resp, http.StatusBadRequest, d, badBodyFailure(err))
}

func badBodyFailure(err error) *exchange.Failure {
	return &exchange.Failure{Kind: exchange.FailBadRequest, Message: "the request's chunked body is malformed: " + err.Error()}
}
