package inspector

import (
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// filter is the list's filter: a query typed after "/" in the shared
// filter language (exchange.ParseFilter, README "Filters"). A query that
// does not parse hides nothing, and err says why where it was typed.
type filter struct {
	query string
	f     *exchange.Filter // nil when the query is empty or does not parse
	err   *exchange.FilterError
}

func parseFilter(query string) filter {
	f, err := exchange.ParseFilter(query, exchange.InList)
	if err != nil {
		return filter{query: query, err: err.(*exchange.FilterError)}
	}
	return filter{query: query, f: f}
}

// active is true when the filter hides anything.
func (f filter) active() bool { return !f.f.Empty() }

// shown is true when the filter bar has something to say: a filter in
// force, or one that does not parse.
func (f filter) shown() bool { return f.active() || f.err != nil }

// narrows reports whether every row next matches also matches f, so next
// can be applied to f's results instead of to every row.
func (f filter) narrows(next filter) bool { return f.active() && f.f.Narrows(next.f) }

// asks reports whether the filter has an is: term for word.
func (f filter) asks(word string) bool { return f.f.Asks(word) }

// match reports whether r passes.
func (f filter) match(r *row) bool { return f.f.Match(r.ex, r) }

// The filter asks a row what its record cannot say, and what the row
// keeps beside it: reaching into each row's exchange would cost a cache
// miss a row.
var _ exchange.Facts = (*row)(nil)

func (r *row) Method() string { return r.method }
func (r *row) Status() int    { return r.status }

// Is answers is:live, is:error, is:held and is:pinned as the list shows them.
func (r *row) Is(word string) bool {
	switch word {
	case exchange.IsLive:
		return r.live
	case exchange.IsError:
		return r.isError
	case exchange.IsHeld:
		return atGate(r)
	case exchange.IsPinned:
		return r.pinned
	}
	return false
}

// Text is the text free text is looked for in, made when a filter first
// needs it: most rows are never filtered.
func (r *row) Text() string {
	if r.search == "" {
		r.search = exchange.SearchText(r.ex)
	}
	return r.search
}
