package wsgi

import (
	"net/textproto"
	"slices"
)

// hopByHop are the headers that belong to one connection, not to the
// request or the answer: RFC 2616 section 13.5.1's (which spells Trailer
// "Trailers"), RFC 9110's Trailer, and the Proxy-Connection clients still
// send. Go's one list; the child's rules (_wsgidev_rules.py HOP_BY_HOP)
// are Python's.
var hopByHop = []string{
	"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
	"Te", "Trailer", "Trailers", "Transfer-Encoding", "Upgrade",
}

// IsHopByHop reports whether a header, by its name in any case, belongs to
// one connection only.
func IsHopByHop(name string) bool {
	return slices.Contains(hopByHop, textproto.CanonicalMIMEHeaderKey(name))
}
