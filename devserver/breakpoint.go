package devserver

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Breakpoint says which requests the debugger holds before the app runs.
// Its terms all have to match; a breakpoint with none matches every request.
type Breakpoint struct {
	Expr     string // as written, for showing it
	Once     bool   // "next": removed after the first request it holds
	Method   string // "" = any
	Path     string // a glob on the request path ("" = any): * any run of characters, / included; ? one
	Header   string // a request header that must be present ("" = none)
	Value    string // …with exactly this value, when HasValue
	HasValue bool

	path *regexp.Regexp
}

// ParseBreakpoint reads a --break expression: one or more terms separated
// by spaces, all of which must match.
//
//	next               only the next matching request (alone: the very next one)
//	GET, method:GET    the request method
//	/api/*, path:/x    a glob on the path: * any run of characters, / included; ? one
//	header:X-Debug     the request has this header…
//	header:X-Debug=1   …with exactly this value
func ParseBreakpoint(expr string) (Breakpoint, error) {
	b := Breakpoint{Expr: strings.TrimSpace(expr)}
	terms := strings.Fields(expr)
	if len(terms) == 0 {
		return b, fmt.Errorf("empty breakpoint: give terms such as next, GET, /api/*, header:X-Debug")
	}
	for _, term := range terms {
		if err := b.addTerm(term); err != nil {
			return b, fmt.Errorf("breakpoint %q: %w", b.Expr, err)
		}
	}
	return b, nil
}

func (b *Breakpoint) addTerm(term string) error {
	kind, arg, hasKind := strings.Cut(term, ":")
	switch {
	case term == "next":
		if b.Once {
			return fmt.Errorf("next given twice")
		}
		b.Once = true
		return nil
	case strings.HasPrefix(term, "/"):
		return b.setPath(term)
	case !hasKind && isMethod(term):
		return b.setMethod(term)
	case !hasKind:
		return fmt.Errorf("%q is not a term: write a method in capitals (GET), a path starting with /, next, path:GLOB or header:NAME[=VALUE]", term)
	}
	switch kind {
	case "method":
		if !isMethod(arg) {
			return fmt.Errorf("method:%s: a method is a word in capitals, such as GET", arg)
		}
		return b.setMethod(arg)
	case "path":
		if !strings.HasPrefix(arg, "/") {
			return fmt.Errorf("path:%s: a path glob starts with /, e.g. path:/api/*", arg)
		}
		return b.setPath(arg)
	case "header":
		return b.setHeader(arg)
	}
	return fmt.Errorf("unknown term %q: the kinds are method:, path: and header:", kind+":")
}

func (b *Breakpoint) setMethod(m string) error {
	if b.Method != "" {
		return fmt.Errorf("two methods (%s and %s): a request has one; use two --break flags for either", b.Method, m)
	}
	b.Method = m
	return nil
}

func (b *Breakpoint) setPath(glob string) error {
	if b.Path != "" {
		return fmt.Errorf("two paths (%s and %s): use two --break flags for either", b.Path, glob)
	}
	var re strings.Builder
	re.WriteString("^")
	for _, r := range glob {
		switch r {
		case '*':
			re.WriteString(".*")
		case '?':
			re.WriteString(".")
		default:
			re.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	re.WriteString("$")
	b.Path, b.path = glob, regexp.MustCompile(re.String()) // quoted: always compiles
	return nil
}

func (b *Breakpoint) setHeader(arg string) error {
	name, value, hasValue := strings.Cut(arg, "=")
	if name == "" || strings.ContainsAny(name, " \t:") {
		return fmt.Errorf("header:%s: name a request header, e.g. header:X-Debug or header:X-Debug=1", arg)
	}
	if b.Header != "" {
		return fmt.Errorf("two headers (%s and %s): one header term per breakpoint", b.Header, name)
	}
	b.Header, b.Value, b.HasValue = http.CanonicalHeaderKey(name), value, hasValue
	return nil
}

func isMethod(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// Matches says whether the breakpoint holds r.
func (b *Breakpoint) Matches(r *http.Request) bool {
	if b.Method != "" && r.Method != b.Method {
		return false
	}
	if b.path != nil && !b.path.MatchString(r.URL.Path) {
		return false
	}
	if b.Header == "" {
		return true
	}
	values, ok := r.Header[b.Header]
	if !ok {
		return false
	}
	if !b.HasValue {
		return true
	}
	for _, v := range values {
		if v == b.Value {
			return true
		}
	}
	return false
}
