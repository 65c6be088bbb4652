package exchange

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Facts answer what a filter asks of an exchange that its holder knows
// better or keeps closer: the is: words the record cannot say (the
// inspector knows which rows are pinned, and follows live ones event by
// event), and what the list filters on most, kept beside each of its rows
// so that filtering 100,000 of them does not reach into 100,000 exchanges.
type Facts interface {
	Method() string
	Status() int
	Text() string        // SearchText of the exchange
	Is(word string) bool // IsLive, IsError, IsHeld or IsPinned
}

// record answers for an exchange from its record alone: live until Done,
// held at a step while Held says so, pinned never.
type record struct{ ex *Exchange }

func (r record) Method() string { return r.ex.Method }
func (r record) Status() int    { return r.ex.Status }
func (r record) Text() string   { return SearchText(r.ex) }

func (r record) Is(word string) bool {
	switch word {
	case IsLive:
		return !r.ex.Done
	case IsHeld:
		return r.ex.Held != "" && r.ex.Held != HeldRunning
	case IsError:
		return r.ex.Failed()
	}
	return false
}

// Match reports whether ex passes the filter. facts may be nil: the
// record then answers for itself.
func (f *Filter) Match(ex *Exchange, facts Facts) bool {
	if f.Empty() {
		return true
	}
	if facts == nil {
		facts = record{ex}
	}
	for _, g := range f.groups {
		if matchAll(g, ex, facts) {
			return true
		}
	}
	return false
}

func matchAll(group []term, ex *Exchange, facts Facts) bool {
	for i := range group {
		if group[i].match(ex, facts) == group[i].negate {
			return false
		}
	}
	return true
}

func (t *term) match(ex *Exchange, facts Facts) bool {
	switch t.kind {
	case kindText:
		return strings.Contains(facts.Text(), t.arg)
	case kindMethod:
		method := facts.Method()
		for _, m := range t.methods {
			if strings.EqualFold(method, m) {
				return true
			}
		}
		return false
	case kindPath:
		return Glob(t.arg, ex.Path())
	case kindStatus:
		return statusMatches(t.arg, facts.Status())
	case kindHeader:
		for _, h := range ex.RequestHeaders {
			if strings.EqualFold(h.Name, t.arg) && (!t.hasValue || Glob(t.value, h.Value)) {
				return true
			}
		}
		return false
	case kindBody:
		return containsFold(ex.RequestBody.Data, t.arg) || containsFold(ex.ResponseBody.Data, t.arg)
	case kindIs:
		if t.arg == IsReplay {
			return ex.ReplayOf != 0
		}
		return facts.Is(t.arg)
	}
	return false
}

// Failed reports whether the exchange failed or answered with a 5xx: a
// client that went away is no fault of the app's.
func (ex *Exchange) Failed() bool {
	return ex.Status >= 500 || (ex.Failure != nil && ex.Failure.Kind.IsError())
}

// ClientLeft is true when the client went away before its answer ended:
// no error of the app's, but the answer was not delivered whole.
func (ex *Exchange) ClientLeft() bool {
	return ex.Failure != nil && !ex.Failure.Kind.IsError()
}

// IsError tells the failures that are errors (the app raised, broke a
// rule or died, the debugger aborted it, wsgidev could not run it) from
// a client that went away, which is none. Failed, the list's ✗, the
// status line's count and the Timeline all follow it; an event's empty
// kind (a capture older than the field) counts as an error.
func (k FailureKind) IsError() bool { return k != FailCancelled }

// Path is the request-target's path as sent, without the query.
func (ex *Exchange) Path() string {
	path, _, _ := strings.Cut(ex.Target, "?")
	return path
}

// SearchText is what free text is looked for in: the method, the target
// and the status once there is one, lowercase ("get /items?page=2 200").
func SearchText(ex *Exchange) string {
	b := make([]byte, 0, len(ex.Method)+len(ex.Target)+5)
	b = appendLower(b, ex.Method)
	b = append(b, ' ')
	b = appendLower(b, ex.Target)
	if ex.Status != 0 {
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(ex.Status), 10)
	}
	return string(b)
}

func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(b, strings.ToLower(s[i:])...)
		}
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// statusMatches compares a pattern such as "5xx", "40x" or "404" with a
// status digit by digit, x matching any digit; a shorter pattern is a
// prefix ("4" is "4xx"). An exchange without a status matches none.
func statusMatches(pattern string, status int) bool {
	if status <= 0 || status > 999 {
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

// Glob matches all of s against a pattern where * is any run of
// characters (slashes too) and ? is one character; there is no escape.
func Glob(pattern, s string) bool {
	// Iterative matching with one backtrack point: the last star.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			mark++
			p, i = star+1, mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// containsFold reports whether data holds the lowercase needle in any
// case: ASCII letters fold byte by byte, other text through ToLower.
func containsFold(data []byte, needle string) bool {
	n := len(needle)
	if n == 0 || n > len(data) {
		return n == 0
	}
	for i := 0; i < n; i++ {
		if needle[i] >= utf8.RuneSelf {
			return strings.Contains(strings.ToLower(string(data)), needle)
		}
	}
	first, upper := needle[0], needle[0]
	if 'a' <= first && first <= 'z' {
		upper -= 'a' - 'A'
	}
	for i := 0; i+n <= len(data); i++ {
		if c := data[i]; c != first && c != upper {
			continue
		}
		if equalFoldASCII(data[i:i+n], needle) {
			return true
		}
	}
	return false
}

func equalFoldASCII(b []byte, lower string) bool {
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

// Narrows reports whether every exchange next matches is also matched by
// f, so a UI that filters as the user types may try next on f's results
// alone. It is so when neither has an or, next keeps f's terms in order
// (none negated), each the same or extended where longer means fewer
// (free text, body:, status:), and perhaps adds terms after them.
func (f *Filter) Narrows(next *Filter) bool {
	if f.Empty() || next.Empty() || len(f.groups) != 1 || len(next.groups) != 1 {
		return false
	}
	old, now := f.groups[0], next.groups[0]
	if len(now) < len(old) {
		return false
	}
	for i := range old {
		o, n := &old[i], &now[i]
		if o.negate || n.negate || o.kind != n.kind {
			return false
		}
		switch o.kind {
		case kindText, kindBody, kindStatus:
			if !strings.HasPrefix(n.arg, o.arg) {
				return false
			}
		default:
			if !o.same(n) {
				return false
			}
		}
	}
	return true
}

func (t *term) same(u *term) bool {
	if t.arg != u.arg || t.value != u.value || t.hasValue != u.hasValue || len(t.methods) != len(u.methods) {
		return false
	}
	for i := range t.methods {
		if t.methods[i] != u.methods[i] {
			return false
		}
	}
	return true
}
