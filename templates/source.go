package templates

import (
	"strconv"
	"strings"
)

// Request is a request as the client sent it: enough to point at the part
// an environ value was derived from.
type Request struct {
	Method, Target, Proto string
	HeaderNames           []string // as sent, in any order; repeats are fine
}

// Source is the part of one request an environ value came from.
type Source struct {
	Origin
	// Text is that part as sent: "GET", "/a%20b", "x=1", "HTTP/1.1", the
	// whole target, or for a header its name as the client spelled it.
	// It is empty for the body, the connection, the server and the app.
	Text string
}

// String says where the value came from, quoting the request:
// `the path "/hello" in the request line`, `the User-Agent request header`.
func (s Source) String() string {
	var part string
	switch s.Kind {
	case OriginMethod:
		part = "method"
	case OriginPath:
		part = "path"
	case OriginQuery:
		part = "query"
	case OriginTarget:
		part = "target"
	case OriginProtocol:
		part = "HTTP version"
	default:
		return s.Origin.String()
	}
	return "the " + part + " " + strconv.Quote(s.Text) + " in the request line"
}

// Locate says which part of r the environ key's value was derived from.
// ok is false when ExplainEnviron has no text for key.
func Locate(key string, r Request) (src Source, ok bool) {
	e, ok := ExplainEnviron(key)
	if !ok {
		return Source{}, false
	}
	src.Origin = e.Origin
	path, query := splitTarget(r.Target)
	switch e.Origin.Kind {
	case OriginMethod:
		src.Text = r.Method
	case OriginPath:
		src.Text = path
	case OriginQuery:
		src.Text = query
	case OriginTarget:
		src.Text = r.Target
	case OriginProtocol:
		src.Text = r.Proto
	case OriginHeader:
		src.Text = e.Origin.Header
		if sent, found := sentHeaderName(key, e.Origin.Header, r.HeaderNames); found {
			src.Text, src.Header = sent, sent
		}
	}
	return src, true
}

// splitTarget splits a request target into its path and its query, for
// the origin form ("/a?b") and the absolute form ("http://h/a?b") alike.
func splitTarget(target string) (path, query string) {
	if i := strings.Index(target, "://"); i >= 0 && !strings.HasPrefix(target, "/") {
		rest := target[i+3:]
		if j := strings.IndexAny(rest, "/?"); j >= 0 {
			target = rest[j:]
		} else {
			target = ""
		}
	}
	path, query, _ = strings.Cut(target, "?")
	return path, query
}

// sentHeaderName finds the name the client used for the header behind an
// environ key: CONTENT_TYPE is Content-Type, HTTP_X_TOKEN is x-token.
func sentHeaderName(key, header string, sent []string) (string, bool) {
	for _, name := range sent {
		if strings.EqualFold(name, header) || "HTTP_"+envSuffix(name) == key {
			return name, true
		}
	}
	return "", false
}

// envSuffix is the CGI spelling of a header name: X-Token → X_TOKEN.
func envSuffix(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}
