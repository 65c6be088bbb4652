package devserver

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Breakpoint says which requests the debugger holds before the app runs:
// a filter in the shared language (exchange.ParseFilter, README
// "Filters") limited to what is known before the app is called.
type Breakpoint struct {
	Expr string // as written, for showing it
	Once bool   // "next": removed after the first request it holds

	filter *exchange.Filter // nil: every request
}

// ParseBreakpoint reads a --break expression (or the inspector's W).
//
//	next               only the next matching request (alone: the very next one)
//	GET, method:GET    the request method
//	/api/*, path:/x    a glob on the path: * any run of characters, / included; ? one
//	header:X-Debug=1   a request header, with this value
//
// and the rest of the language that applies before the app runs: free
// text, -negation, or, is:replay. status:, body: and the is: words a
// request has only later are refused, saying why.
func ParseBreakpoint(expr string) (Breakpoint, error) {
	b := Breakpoint{Expr: strings.TrimSpace(expr)}
	if b.Expr == "" {
		return b, errors.New("empty breakpoint: give terms such as next, GET, /api/*, header:X-Debug")
	}
	f, err := exchange.ParseFilter(b.Expr, exchange.InBreakpoint)
	if err != nil {
		return b, fmt.Errorf("breakpoint %q: %w", b.Expr, err)
	}
	b.Once, b.filter = f.Once, f
	return b, nil
}

// Match says whether the breakpoint holds the request recorded in ex (the
// request line and headers are all it has yet).
func (b *Breakpoint) Match(ex *exchange.Exchange) bool { return b.filter.Match(ex, nil) }
