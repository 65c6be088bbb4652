package devserver

import (
	"net"
	"net/http"
	"sort"

	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/devserver/wsgi"
)

// environ is the CGI part of r's environ (wsgi.Environ), from the request
// and the headers its exchange recorded (Host first, then by name).
func (s *Server) environ(r *http.Request, headers []exchange.Header) ([]string, error) {
	if len(r.TransferEncoding) > 0 {
		headers = withTransferEncoding(headers, r.TransferEncoding)
	}
	serverName, serverPort := localAddr(r)
	return wsgi.Environ(wsgi.Request{
		Method: r.Method, Target: r.RequestURI, Path: r.URL.Path, Query: r.URL.RawQuery, Proto: r.Proto,
		Headers: headers, ScriptName: s.cfg.ScriptName, ContentLength: r.ContentLength,
		ServerName: serverName, ServerPort: serverPort, RemoteAddr: s.remoteAddr(r), Software: s.software,
		Socket: s.cfg.Socket, Scheme: s.scheme(),
	})
}

// remoteAddr is the client's address for the environ. Over a unix socket
// a client mostly has no name: Go writes that "@" on Linux, Python (and
// so gunicorn) "".
func (s *Server) remoteAddr(r *http.Request) string {
	if s.cfg.Socket != "" && r.RemoteAddr == "@" {
		return ""
	}
	return r.RemoteAddr
}

// withTransferEncoding puts back the Transfer-Encoding header net/http
// moves out of the header map, after Host as it usually comes.
func withTransferEncoding(headers []exchange.Header, te []string) []exchange.Header {
	out := make([]exchange.Header, 0, len(headers)+len(te))
	rest := headers
	if len(headers) > 0 && headers[0].Name == "Host" {
		out, rest = append(out, headers[0]), headers[1:]
	}
	for _, v := range te {
		out = append(out, exchange.Header{Name: "Transfer-Encoding", Value: v})
	}
	return append(out, rest...)
}

// localAddr is the address the request came in on, as SERVER_NAME and
// SERVER_PORT (werkzeug's choice: the server's own address, not Host).
func localAddr(r *http.Request) (host, port string) {
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if h, p, err := net.SplitHostPort(a.String()); err == nil {
			return h, p
		}
	}
	return "localhost", "80"
}

// headerNames are h's names in sorted order, the one order wsgidev lists
// headers in (environ, exchange, replay); a request sorts them once.
func headerNames(h http.Header) []string {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
