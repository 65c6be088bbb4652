// Package wsgi holds the rules of PEP 3333 that more than one part of
// wsgidev applies to a request given as plain data: the CGI part of the
// environ it makes (Environ), the mount split (Mount) and which headers are
// hop-by-hop (IsHopByHop). The server builds every request's environ here,
// and the pytest export builds one for a request recorded without it (a
// browser's HAR), so an app gets the same keys from both. It imports only
// the exchange model.
package wsgi

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Request is one request as plain data: what its environ is made from.
type Request struct {
	Method string
	Target string // the request-target as sent: REQUEST_URI and RAW_URI
	Path   string // the target's path, percent-decoded
	Query  string // the target's query, raw
	Proto  string // SERVER_PROTOCOL; "" is HTTP/1.1 (a HAR need not say)
	// Headers in the order received, Host among them; repeated names are
	// joined into one key, names with "_" and pseudo-headers (":path")
	// dropped.
	Headers       []exchange.Header
	ScriptName    string // the mount prefix: "" or "/prefix" (see Mount)
	ContentLength int64  // the body's length; -1 (chunked), or 0 without a Content-Length header: no CONTENT_LENGTH
	// ServerName and ServerPort are the address the request came in on;
	// "" takes them from the Host header (a request without a connection).
	ServerName, ServerPort string
	RemoteAddr             string // the client's host:port; "": no REMOTE_ADDR, REMOTE_PORT
	// Socket is the unix socket the request came in on; RemoteAddr is
	// then the client's socket name ("" when it has none), and the
	// SERVER_* keys come from Host, as gunicorn gives them.
	Socket   string
	Scheme   string // wsgi.url_scheme; "" is http. https adds HTTPS=on
	Software string // SERVER_SOFTWARE, "wsgidev/<version>"; "": none
}

// Errors Environ returns: the request cannot be given to the app.
var (
	ErrNULInPath  = errors.New("the request path contains a NUL byte (%00), which no WSGI app can be given safely")
	ErrNotMounted = errors.New("the request path is outside the app's mount point (--script-name)")
)

// Environ is the CGI part of r's environ as key/value pairs, every value a
// latin-1 "bytes-as-str" once the child decodes it: PEP 3333, with
// gunicorn and werkzeug as the reference where it leaves a choice open.
// The wsgi.* objects are the child's (runner.py make_environ).
func Environ(r Request) ([]string, error) {
	scriptName, pathInfo, ok := Mount(r.ScriptName, r.Path)
	if !ok {
		return nil, ErrNotMounted
	}
	if strings.IndexByte(pathInfo, 0) >= 0 || strings.IndexByte(scriptName, 0) >= 0 {
		return nil, ErrNULInPath
	}
	env := make([]string, 0, 2*(20+len(r.Headers)))
	add := func(k, v string) { env = append(env, k, v) }

	add("REQUEST_METHOD", r.Method)
	add("SCRIPT_NAME", scriptName)
	add("PATH_INFO", pathInfo) // percent-decoded bytes, %2F included, as gunicorn does
	add("QUERY_STRING", r.Query)
	if ct, ok := joined(r.Headers, "Content-Type"); ok {
		add("CONTENT_TYPE", ct)
	}
	// As the client sent it, an explicit 0 included (gunicorn passes it);
	// absent when there is no body, and for chunked bodies.
	if _, explicit := joined(r.Headers, "Content-Length"); r.ContentLength > 0 || (r.ContentLength == 0 && explicit) {
		add("CONTENT_LENGTH", strconv.FormatInt(r.ContentLength, 10))
	}
	serverName, serverPort := r.ServerName, r.ServerPort
	switch {
	case r.Socket != "":
		serverName, serverPort = socketHostPort(r.Headers, r.Scheme, r.Socket)
	case serverName == "":
		serverName, serverPort = hostPort(r.Headers, r.Scheme)
	}
	add("SERVER_NAME", serverName)
	add("SERVER_PORT", serverPort)
	add("SERVER_PROTOCOL", orDefault(r.Proto, "HTTP/1.1"))
	// CGI requires it (RFC 3875 4.1.17) and gunicorn, werkzeug and wsgiref
	// set it; apps read it (httpbin refuses chunked uploads on servers it
	// does not know).
	if r.Software != "" {
		add("SERVER_SOFTWARE", r.Software)
	}
	if r.Socket != "" {
		add("REMOTE_ADDR", r.RemoteAddr) // a unix socket has no port: gunicorn's "" or the client's name
	} else if host, port, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		add("REMOTE_ADDR", host)
		add("REMOTE_PORT", port) // a str: werkzeug's int fails wsgiref.validate
	}
	add("REQUEST_URI", r.Target)
	add("RAW_URI", r.Target) // gunicorn's name for the same thing
	if r.Scheme == "https" {
		add("HTTPS", "on") // the CGI convention (wsgiref, Apache) that apps test besides wsgi.url_scheme
	}
	add("wsgi.url_scheme", orDefault(r.Scheme, "http"))
	return addHeaders(env, r.Headers), nil
}

// addHeaders adds an HTTP_* key a header name, values of a repeated name
// joined with commas (cookies with "; ": a comma would merge two).
func addHeaders(env []string, headers []exchange.Header) []string {
	first := len(env)
	for _, h := range headers {
		name := h.Name
		// Underscored names would collide with dashed ones in HTTP_* (a
		// header-smuggling trick), so they are dropped, as gunicorn and
		// nginx do. An HTTP/1.0 request may come without Host: no HTTP_HOST
		// then, as in gunicorn and werkzeug, so that apps rebuild the URL
		// from SERVER_NAME (PEP 3333's recipe), not "".
		if name == "" || name[0] == ':' || strings.IndexByte(name, '_') >= 0 ||
			strings.EqualFold(name, "Content-Type") || strings.EqualFold(name, "Content-Length") ||
			(h.Value == "" && strings.EqualFold(name, "Host")) {
			continue
		}
		key := httpKey(name)
		if i := indexKey(env[first:], key); i >= 0 {
			sep := ","
			if key == "HTTP_COOKIE" {
				sep = "; "
			}
			env[first+i+1] += sep + h.Value
			continue
		}
		env = append(env, key, h.Value)
	}
	return env
}

// httpKey is a header's environ key: HTTP_ and the name in capitals with
// "-" as "_", made in one allocation (it runs for every header).
func httpKey(name string) string {
	var b strings.Builder
	b.Grow(5 + len(name))
	b.WriteString("HTTP_")
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '-':
			c = '_'
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// indexKey is the index of key in the key/value pairs kv, or -1. The
// newest pair is looked at first: repeated headers usually come together.
func indexKey(kv []string, key string) int {
	for i := len(kv) - 2; i >= 0; i -= 2 {
		if kv[i] == key {
			return i
		}
	}
	return -1
}

// joined is every value of the named header, comma-joined.
func joined(headers []exchange.Header, name string) (string, bool) {
	var values []string
	for _, h := range headers {
		if strings.EqualFold(h.Name, name) {
			values = append(values, h.Value)
		}
	}
	return strings.Join(values, ","), values != nil
}

// hostPort is SERVER_NAME and SERVER_PORT from the Host header, for a
// request that came over no connection: localhost and the scheme's port
// when it has none.
func hostPort(headers []exchange.Header, scheme string) (string, string) {
	port := "80"
	if scheme == "https" {
		port = "443"
	}
	host, _ := joined(headers, "Host")
	if h, p, err := net.SplitHostPort(host); err == nil {
		return h, p
	}
	if host == "" {
		return "localhost", port
	}
	return strings.Trim(host, "[]"), port
}

// socketHostPort is SERVER_NAME and SERVER_PORT for a request that came
// over a unix socket, as gunicorn makes them: from Host, with the scheme's
// port when it has none; without Host, the socket's path and no port.
func socketHostPort(headers []exchange.Header, scheme, socket string) (string, string) {
	if host, _ := joined(headers, "Host"); host == "" {
		return socket, ""
	}
	return hostPort(headers, scheme)
}

// Mount splits the decoded path into SCRIPT_NAME and PATH_INFO for an app
// mounted under prefix (no trailing slash; "" for the root). ok is false for
// paths outside the mount.
func Mount(prefix, path string) (scriptName, pathInfo string, ok bool) {
	if prefix == "" {
		return "", path, true
	}
	if path == prefix || strings.HasPrefix(path, prefix+"/") {
		return prefix, path[len(prefix):], true
	}
	return "", "", false
}

// SplitTarget is a request-target's decoded path and raw query, for a
// request known only by its target (an absolute-form one, as proxies get,
// gives its path).
func SplitTarget(target string) (path, query string) {
	if u, err := url.ParseRequestURI(target); err == nil {
		return u.Path, u.RawQuery
	}
	path, query, _ = strings.Cut(target, "?")
	if p, err := url.PathUnescape(path); err == nil {
		path = p
	}
	return path, query
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
