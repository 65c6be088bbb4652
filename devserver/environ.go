package devserver

import (
	"errors"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

var errNULInPath = errors.New("the request path contains a NUL byte (%00), which no WSGI app can be given safely")

// mount splits the decoded path into SCRIPT_NAME and PATH_INFO for an app
// mounted under prefix (no trailing slash; "" for the root). ok is false for
// paths outside the mount.
func mount(prefix, path string) (scriptName, pathInfo string, ok bool) {
	if prefix == "" {
		return "", path, true
	}
	if path == prefix || strings.HasPrefix(path, prefix+"/") {
		return prefix, path[len(prefix):], true
	}
	return "", "", false
}

// buildEnviron makes the CGI part of the environ as key/value pairs: every
// value a latin-1 "bytes-as-str" once the child decodes it, the rules of
// PEP 3333 with gunicorn and werkzeug as the reference where it is open.
// The wsgi.* objects are added by the child (runner.py make_environ).
// names are r.Header's names, sorted (headerNames); software is
// SERVER_SOFTWARE, "wsgidev/<version>".
func buildEnviron(r *http.Request, names []string, scriptName, pathInfo, software string) ([]string, error) {
	if strings.IndexByte(pathInfo, 0) >= 0 || strings.IndexByte(scriptName, 0) >= 0 {
		return nil, errNULInPath
	}
	env := make([]string, 0, 2*(20+len(r.Header)))
	add := func(k, v string) { env = append(env, k, v) }

	add("REQUEST_METHOD", r.Method)
	add("SCRIPT_NAME", scriptName)
	add("PATH_INFO", pathInfo) // percent-decoded bytes, %2F included, as gunicorn does
	add("QUERY_STRING", r.URL.RawQuery)
	if ct, ok := r.Header["Content-Type"]; ok {
		add("CONTENT_TYPE", strings.Join(ct, ","))
	}
	// As the client sent it, an explicit 0 included (gunicorn passes it);
	// absent when there is no body, and for chunked bodies (net/http drops
	// the header then).
	if _, ok := r.Header["Content-Length"]; ok && r.ContentLength >= 0 {
		add("CONTENT_LENGTH", strconv.FormatInt(r.ContentLength, 10))
	}
	serverName, serverPort := localAddr(r)
	add("SERVER_NAME", serverName)
	add("SERVER_PORT", serverPort)
	add("SERVER_PROTOCOL", r.Proto)
	// CGI requires it (RFC 3875 4.1.17) and gunicorn, werkzeug and wsgiref
	// set it; apps read it (httpbin refuses chunked uploads on servers it
	// does not know).
	add("SERVER_SOFTWARE", software)
	remoteHost, remotePort, _ := net.SplitHostPort(r.RemoteAddr)
	add("REMOTE_ADDR", remoteHost)
	add("REMOTE_PORT", remotePort) // a str: werkzeug's int fails wsgiref.validate
	add("REQUEST_URI", r.RequestURI)
	add("RAW_URI", r.RequestURI) // gunicorn's name for the same thing
	add("wsgi.url_scheme", "http")

	// net/http moves Host out of the header map. An HTTP/1.0 request may
	// come without one: no HTTP_HOST then, as in gunicorn and werkzeug, so
	// that apps rebuild the URL from SERVER_NAME (PEP 3333's recipe), not "".
	if r.Host != "" {
		add("HTTP_HOST", r.Host)
	}
	if len(r.TransferEncoding) > 0 {
		add("HTTP_TRANSFER_ENCODING", strings.Join(r.TransferEncoding, ","))
	}
	for _, name := range names {
		// Underscored names would collide with dashed ones in HTTP_* (a
		// header-smuggling trick), so they are dropped, as gunicorn and
		// nginx do.
		if name == "Content-Type" || name == "Content-Length" || strings.ContainsRune(name, '_') {
			continue
		}
		sep := ","
		if name == "Cookie" {
			sep = "; " // cookies split on ";", a comma would merge two
		}
		add("HTTP_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_")), strings.Join(r.Header[name], sep))
	}
	return env, nil
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
