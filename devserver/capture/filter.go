package capture

import (
	"fmt"
	"strings"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// FilterHelp explains the --filter syntax shared by export and replay.
const FilterHelp = `method:POST        the method (method:get,post for either)
   status:5xx         the captured status: 404 exact, 4xx or 40x a class
   path:/api/*        the path (no query) as a glob: * matches anything, ? one character;
                      without * or ? a path prefix, as the inspector's path: is
   is:replay          the replays made in the inspector (left out unless asked for:
                      they repeat the requests they replay)
   text               any other word: in "METHOD TARGET", case-insensitive
   -word              negates any of these
   Several filters (or words in one) must all match.`

// Filter selects exchanges; the zero Filter matches all.
type Filter struct {
	terms []filterTerm
}

type filterTerm struct {
	kind   string // "method", "status", "path", "replay", "text"
	negate bool
	values []string
}

// ParseFilter reads --filter values; each may hold several words.
func ParseFilter(args []string) (Filter, error) {
	var f Filter
	for _, arg := range args {
		for _, word := range strings.Fields(arg) {
			t, err := parseTerm(word)
			if err != nil {
				return Filter{}, fmt.Errorf("--filter %q: %w", word, err)
			}
			f.terms = append(f.terms, t)
		}
	}
	return f, nil
}

func parseTerm(word string) (filterTerm, error) {
	t := filterTerm{kind: "text"}
	if len(word) > 1 && word[0] == '-' {
		t.negate, word = true, word[1:]
	}
	name, value, ok := strings.Cut(word, ":")
	switch name = strings.ToLower(name); {
	case ok && name == "method":
		for _, m := range strings.Split(value, ",") {
			if m != "" {
				t.values = append(t.values, strings.ToUpper(m))
			}
		}
		if len(t.values) == 0 {
			return t, fmt.Errorf("name a method, e.g. method:POST")
		}
		t.kind = "method"
	case ok && name == "status":
		value = strings.ToLower(value)
		if value == "" || len(value) > 3 || strings.Trim(value, "0123456789x") != "" {
			return t, fmt.Errorf("want a status such as 404, 4xx or 40x")
		}
		t.kind, t.values = "status", []string{value}
	case ok && name == "is" && strings.EqualFold(value, "replay"):
		t.kind = "replay"
	case ok && name == "is":
		return t, fmt.Errorf("is: takes replay (is:replay)")
	case ok && name == "path":
		if value == "" {
			return t, fmt.Errorf("give a path or a glob, e.g. path:/api/*")
		}
		t.kind, t.values = "path", []string{value}
	default:
		t.values = []string{strings.ToLower(word)}
	}
	return t, nil
}

// Match reports whether ex passes every term.
func (f Filter) Match(ex *exchange.Exchange) bool {
	for _, t := range f.terms {
		if t.match(ex) == t.negate {
			return false
		}
	}
	return true
}

// Apply keeps the entries that match. Unless a term asks about replays,
// the replays the inspector made are left out: replaying or exporting one
// repeats the request it replays. It returns how many it left out so.
func (f Filter) Apply(entries []Entry) (kept []Entry, replays int) {
	asks := false
	for _, t := range f.terms {
		asks = asks || t.kind == "replay"
	}
	for _, e := range entries {
		switch {
		case !asks && e.Exchange.ReplayOf != 0:
			replays++
		case f.Match(e.Exchange):
			kept = append(kept, e)
		}
	}
	return kept, replays
}

func (t filterTerm) match(ex *exchange.Exchange) bool {
	switch t.kind {
	case "method":
		for _, m := range t.values {
			if strings.EqualFold(ex.Method, m) {
				return true
			}
		}
		return false
	case "status":
		return statusMatches(t.values[0], ex.Status)
	case "replay":
		return ex.ReplayOf != 0
	case "path":
		path, _, _ := strings.Cut(ex.Target, "?")
		if !strings.ContainsAny(t.values[0], "*?") {
			return strings.HasPrefix(path, t.values[0])
		}
		return Glob(t.values[0], path)
	}
	return strings.Contains(strings.ToLower(ex.Method+" "+ex.Target), t.values[0])
}

// statusMatches compares a pattern such as "5xx", "40x" or "404" with a
// status digit by digit; a shorter pattern is a prefix.
func statusMatches(pattern string, status int) bool {
	if status <= 0 || status > 999 {
		return false
	}
	digits := fmt.Sprintf("%03d", status)
	for i := 0; i < len(pattern); i++ {
		if c := pattern[i]; c != 'x' && c != digits[i] {
			return false
		}
	}
	return true
}

// Glob matches s against a pattern where * is any run of characters
// (slashes too) and ? is one character.
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
