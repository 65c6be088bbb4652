package inspector

import (
	"strings"
)

// A filter is a query typed after "/": words that must all match.
//
//	api            text in the method, path (with query) or status
//	-static        not matching
//	status:5xx     status class; status:404 exact, status:4 a prefix
//	method:POST    method (method:get,post for either)
//	path:/api      path prefix
//	is:live        still running; is:error failed or 5xx
type filter struct {
	query string
	terms []term
}

type termKind int

const (
	termText termKind = iota
	termStatus
	termMethod
	termPath
	termIsLive
	termIsError
	termNever // an unknown is: or an empty value still being typed
)

type term struct {
	kind   termKind
	negate bool
	values []string // lowercase text, status pattern, methods, path prefix
}

// parseFilter reads a query; it never fails: an unfinished term matches as
// far as it goes.
func parseFilter(query string) filter {
	f := filter{query: query}
	for _, word := range strings.Fields(query) {
		t := term{}
		if len(word) > 1 && word[0] == '-' {
			t.negate = true
			word = word[1:]
		}
		name, value, ok := strings.Cut(word, ":")
		switch name = strings.ToLower(name); {
		case ok && name == "status":
			t.kind = termStatus
			t.values = []string{strings.ToLower(value)}
		case ok && name == "method":
			t.kind = termMethod
			for _, m := range strings.Split(strings.ToLower(value), ",") {
				if m != "" {
					t.values = append(t.values, m)
				}
			}
		case ok && name == "path":
			t.kind = termPath
			t.values = []string{value}
		case ok && name == "is":
			switch strings.ToLower(value) {
			case "live", "running", "streaming":
				t.kind = termIsLive
			case "error", "err", "failed":
				t.kind = termIsError
			default:
				t.kind = termNever
			}
		default:
			t.kind = termText
			t.values = []string{strings.ToLower(word)}
		}
		f.terms = append(f.terms, t)
	}
	return f
}

// active is true when the filter hides anything.
func (f filter) active() bool { return len(f.terms) > 0 }

// narrows reports whether every row next matches also matches f, so next
// can be applied to f's results instead of to every row: next keeps f's
// terms in order, each of the same kind with its value extended, and may
// add more.
func (f filter) narrows(next filter) bool {
	if !f.active() || len(next.terms) < len(f.terms) || !strings.HasPrefix(next.query, f.query) {
		return false
	}
	for i, old := range f.terms {
		n := next.terms[i]
		if n.kind != old.kind || n.negate || old.negate || len(n.values) != len(old.values) {
			return false
		}
		for j := range old.values {
			if !strings.HasPrefix(n.values[j], old.values[j]) {
				return false
			}
		}
	}
	return true
}

// match reports whether r passes every term.
func (f filter) match(r *row) bool {
	r.texts()
	for i := range f.terms {
		if f.terms[i].match(r) == f.terms[i].negate {
			return false
		}
	}
	return true
}

func (t *term) match(r *row) bool {
	switch t.kind {
	case termText:
		return strings.Contains(r.search, t.values[0])
	case termStatus:
		return statusMatches(t.values[0], r.status)
	case termMethod:
		if len(t.values) == 0 {
			return true
		}
		for _, m := range t.values {
			if strings.HasPrefix(r.methodLower, m) {
				return true
			}
		}
		return false
	case termPath:
		return strings.HasPrefix(r.ex.Target, t.values[0])
	case termIsLive:
		return r.live
	case termIsError:
		return r.isError
	}
	return false
}

// statusMatches compares a pattern such as "5xx", "40", "404" with a status
// code digit by digit, x matching any digit. A row without a status yet
// matches only the empty pattern.
func statusMatches(pattern string, status int) bool {
	if pattern == "" {
		return true
	}
	if status <= 0 || status > 999 || len(pattern) > 3 {
		return false
	}
	digits := [3]byte{byte('0' + status/100), byte('0' + status/10%10), byte('0' + status%10)}
	for i := 0; i < len(pattern); i++ {
		if c := pattern[i]; c != 'x' && c != digits[i] {
			return false
		}
	}
	return true
}
