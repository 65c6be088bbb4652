package capture

import (
	"fmt"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// FilterHelp sums up the filter language (README "Filters") for export
// and replay --filter.
const FilterHelp = `method:POST        the whole method (method:get,post for either; a bare GET too)
   status:5xx         the captured status: 404 exact, 4xx or 40x a class
   path:/api/*        the path without the query, as a glob (a bare /api/* too):
                      * any run of characters, / included; ? one character
   header:X-Debug=1   a request header (=value optional; * and ? work there too)
   body:text          text in the request or response body, in any case
   is:error           failed or answered 5xx
   is:replay          the replays made in the inspector (left out unless asked for:
                      they repeat the requests they replay)
   text               any other word: in "METHOD TARGET STATUS", in any case
   -term              negates a term;  a or b  either side may match
   Terms without "or" between them must all match, and so must several --filter.`

// Filter selects exchanges: every one of its filters must match. The zero
// Filter matches all.
type Filter struct {
	all []*exchange.Filter
}

// ParseFilter reads --filter values, each a filter of its own.
func ParseFilter(args []string) (Filter, error) {
	var f Filter
	for _, arg := range args {
		one, err := exchange.ParseFilter(arg, exchange.InCapture)
		if err != nil {
			return Filter{}, fmt.Errorf("--filter %q: %w", arg, err)
		}
		f.all = append(f.all, one)
	}
	return f, nil
}

// Match reports whether ex passes every filter.
func (f Filter) Match(ex *exchange.Exchange) bool {
	for _, one := range f.all {
		if !one.Match(ex, nil) {
			return false
		}
	}
	return true
}

// Apply keeps the entries that match. Unless a filter asks about replays,
// the replays the inspector made are left out: replaying or exporting one
// repeats the request it replays. It returns how many it left out so.
func (f Filter) Apply(entries []Entry) (kept []Entry, replays int) {
	asks := false
	for _, one := range f.all {
		asks = asks || one.Asks(exchange.IsReplay)
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
