package exchange

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// The filter language: one grammar, parser and matcher for the inspector's
// "/" filter, breakpoints (--break and the inspector's W) and export and
// replay --filter. The README's "Filters" section describes it for users.
//
//	filter = group { "or" group }   either side of an or may match
//	group  = term { term }          every term of a group must match
//	term   = [ "-" ] word           "-" negates the word
//	word   = name ":" value         method: path: status: header: body: is:
//	       | "next"                 breakpoints only: hold once
//	       | METHOD                 a method in capitals: GET
//	       | "/" glob               a path glob: /api/*
//	       | text                   in "METHOD TARGET STATUS", any case
//
// Words are separated by spaces; double quotes keep spaces and colons in a
// word (body:"not found", "a:b"), and a quoted word is always text.

// Where says where a filter is used: each place can evaluate some terms
// and not others (a breakpoint runs before there is a response).
type Where int

const (
	InList       Where = iota // the inspector's list: every term but next
	InBreakpoint              // --break and W: a request before the app is called
	InCapture                 // export and replay --filter: finished exchanges from a file
)

// The words is: takes.
const (
	IsLive   = "live"   // still running
	IsError  = "error"  // failed or answered 5xx (see Exchange.Failed)
	IsHeld   = "held"   // waiting at a step in the debugger
	IsReplay = "replay" // a replay sent from the inspector (ReplayOf)
	IsPinned = "pinned" // pinned in the inspector
)

var isWords = []string{IsLive, IsError, IsHeld, IsReplay, IsPinned}

// Filter is a parsed filter. The zero Filter, or one parsed from an empty
// string, matches every exchange.
type Filter struct {
	Expr   string // as written
	Once   bool   // "next": a breakpoint that holds one request, then goes
	groups [][]term
}

// Empty is true when the filter has no terms and so matches everything.
func (f *Filter) Empty() bool { return f == nil || len(f.groups) == 0 }

// Asks reports whether the filter has an is: term for word (IsPinned, …),
// negated or not.
func (f *Filter) Asks(word string) bool {
	if f == nil {
		return false
	}
	for _, g := range f.groups {
		for _, t := range g {
			if t.kind == kindIs && t.arg == word {
				return true
			}
		}
	}
	return false
}

// FilterError says which word of a filter is wrong and why.
type FilterError struct {
	Word string // the word as typed; "" when the fault is the whole filter
	Why  string
	// Incomplete is true when the fault is at the end of what was typed
	// and more typing may cure it ("status:", an open quote, a trailing
	// or), so a UI can show it as unfinished rather than wrong.
	Incomplete bool
}

func (e *FilterError) Error() string {
	if e.Word == "" {
		return e.Why
	}
	return printable(e.Word) + ": " + e.Why
}

// printable is s, quoted Go-style when it holds a control character, so an
// error never puts one on a terminal.
func printable(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

type kind uint8

const (
	kindText kind = iota
	kindMethod
	kindPath
	kindStatus
	kindHeader
	kindBody
	kindIs
)

// term is one word of a filter, parsed.
type term struct {
	kind     kind
	negate   bool
	arg      string   // lowercase text, a path glob, a status pattern, a header name, lowercase body text, an is: word
	value    string   // header: the value glob after =
	hasValue bool     // header: an = was given
	methods  []string // method: in capitals
}

// ParseFilter reads a filter for use in where. A term that cannot apply
// there (status: in a breakpoint), an unknown one (bogus:x) or a malformed
// one is a *FilterError.
func ParseFilter(expr string, where Where) (*Filter, error) {
	f := &Filter{Expr: strings.TrimSpace(expr)}
	words, err := splitWords(expr)
	if err != nil {
		return nil, err
	}
	var group []term
	for i, w := range words {
		if strings.EqualFold(w.raw, "or") {
			if len(group) == 0 || i == len(words)-1 {
				return nil, &FilterError{Word: w.raw, Why: "or needs a term on each side, e.g. status:404 or status:5xx",
					Incomplete: i == len(words)-1 && len(group) > 0}
			}
			f.groups = append(f.groups, group)
			group = nil
			continue
		}
		t, next, err := parseWord(w)
		if err == nil && next {
			err = f.setOnce(w, where)
		}
		if err == nil && !next {
			err = checkTerm(t, group, where)
		}
		if err != nil {
			err.Word = firstNonEmpty(err.Word, w.raw)
			return nil, err
		}
		if !next {
			group = append(group, t)
		}
	}
	if len(group) > 0 {
		f.groups = append(f.groups, group)
	}
	return f, nil
}

func (f *Filter) setOnce(w word, where Where) *FilterError {
	switch {
	case where != InBreakpoint:
		return &FilterError{Why: "next is for breakpoints (--break, W in the inspector): it holds the next matching request; leave it out here"}
	case f.Once:
		return &FilterError{Why: "next is given twice; once is enough"}
	}
	f.Once = true
	return nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// word is one space-separated word of a filter.
type word struct {
	raw  string // as typed, quotes and all
	last bool   // the end of the input: nothing, not even a space, after it
}

// splitWords cuts expr at spaces outside double quotes.
func splitWords(expr string) ([]word, *FilterError) {
	var words []word
	start, quoted := -1, false
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case quoted && c == '\\' && i+1 < len(expr):
			i++
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			if start >= 0 {
				words = append(words, word{raw: expr[start:i]})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		words = append(words, word{raw: expr[start:], last: true})
	}
	if quoted {
		w := words[len(words)-1]
		return nil, &FilterError{Word: w.raw, Why: "a quote is not closed: end the text with \"", Incomplete: true}
	}
	return words, nil
}

// unquote drops the double quotes of s; inside them \" is a quote and \\
// a backslash.
func unquote(s string) string {
	if !strings.ContainsRune(s, '"') {
		return s
	}
	var b strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == '"':
			quoted = !quoted
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// parseWord reads one word; next is true for "next", which is no term.
func parseWord(w word) (t term, next bool, err *FilterError) {
	raw := w.raw
	if raw == "-" {
		return t, false, &FilterError{Why: "- negates the term after it, with no space: -status:2xx", Incomplete: w.last}
	}
	if raw[0] == '-' {
		t.negate, raw = true, raw[1:]
	}
	name, value, named := termName(raw)
	bare := !named && !strings.ContainsRune(raw, '"') // a quoted word is text
	switch {
	case bare && raw == "next":
		if t.negate {
			return t, false, &FilterError{Why: "next cannot be negated"}
		}
		return t, true, nil
	case bare && isCapitals(raw):
		t.kind, t.methods = kindMethod, []string{raw}
		err = checkMethod(raw, w.last)
	case bare && strings.HasPrefix(raw, "/"):
		t.kind, t.arg = kindPath, raw
	case !named:
		t.kind, t.arg = kindText, strings.ToLower(unquote(raw))
		if t.arg == "" {
			return t, false, &FilterError{Why: "empty quotes: put the text to find between them"}
		}
	default:
		err = t.parseNamed(name, unquote(value), w.last)
	}
	return t, false, err
}

// termName splits "name:value" when name is letters; a word such as
// "12:30" or one that starts with a quote is text.
func termName(raw string) (name, value string, ok bool) {
	i := 0
	for i < len(raw) && (raw[i]|0x20 >= 'a' && raw[i]|0x20 <= 'z') {
		i++
	}
	if i == 0 || i == len(raw) || raw[i] != ':' {
		return "", "", false
	}
	return strings.ToLower(raw[:i]), raw[i+1:], true
}

func isCapitals(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

// parseNamed reads the value of a name: term; last says the word is still
// being typed, so an empty value is unfinished rather than wrong.
func (t *term) parseNamed(name, value string, last bool) *FilterError {
	unfinished := func(why string) *FilterError {
		return &FilterError{Why: why, Incomplete: last && value == ""}
	}
	switch name {
	case "method":
		return t.parseMethods(value, last)
	case "path":
		t.kind, t.arg = kindPath, value
		switch {
		case value == "":
			return unfinished("give a path glob, e.g. path:/api/* (* is any run of characters, ? one)")
		case value[0] != '/' && value[0] != '*':
			v := printable(value)
			return &FilterError{Why: "a path starts with /: write path:/" + v + " (or path:*" + v + "* to find it anywhere)"}
		}
	case "status":
		t.kind, t.arg = kindStatus, strings.ToLower(value)
		if value == "" || len(value) > 3 || strings.Trim(t.arg, "0123456789x") != "" {
			return unfinished("want a status such as 404, 4xx or 40x")
		}
	case "header":
		t.kind = kindHeader
		n, v, hasValue := strings.Cut(value, "=")
		if !IsToken(n) {
			return unfinished("name a request header, e.g. header:X-Debug or header:X-Debug=1")
		}
		t.arg, t.value, t.hasValue = n, v, hasValue
	case "body":
		t.kind, t.arg = kindBody, strings.ToLower(value)
		if value == "" {
			return unfinished("give text to find in the request or response body, e.g. body:error")
		}
	case "is":
		t.kind, t.arg = kindIs, strings.ToLower(value)
		for _, w := range isWords {
			if t.arg == w {
				return nil
			}
		}
		unsure := false
		for _, w := range isWords {
			unsure = unsure || strings.HasPrefix(w, t.arg)
		}
		return &FilterError{Why: "is: takes live, error, held, replay or pinned", Incomplete: last && unsure}
	default:
		return &FilterError{Why: "unknown term: the terms are method: path: status: header: body: is: (put text with a colon in quotes: \"" + name + ":…\")"}
	}
	return nil
}

// parseMethods reads the comma-separated list of method:GET,POST; only
// its last method can be unfinished.
func (t *term) parseMethods(value string, last bool) *FilterError {
	t.kind = kindMethod
	list := strings.Split(value, ",")
	for i, m := range list {
		if m == "" {
			return &FilterError{Why: "name a method, e.g. method:POST or method:GET,POST", Incomplete: last && i == len(list)-1}
		}
		if !IsToken(m) {
			return &FilterError{Why: fmt.Sprintf("%q is not a method: a method is a word such as GET or POST", m)}
		}
		m = strings.ToUpper(m)
		if err := checkMethod(m, last && i == len(list)-1); err != nil {
			return err
		}
		t.methods = append(t.methods, m)
	}
	return nil
}

// standardMethods are RFC 9110's methods and PATCH (RFC 5789).
var standardMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}

// checkMethod refuses a method that is the start of a standard one and
// not one itself ("PO"): it would match nothing, and while it is typed
// it is unfinished.
func checkMethod(m string, last bool) *FilterError {
	var starts []string
	for _, s := range standardMethods {
		if s == m {
			return nil
		}
		if strings.HasPrefix(s, m) {
			starts = append(starts, s)
		}
	}
	if len(starts) == 0 {
		return nil
	}
	return &FilterError{Why: m + " is the start of " + strings.Join(starts, ", ") + ": write the whole method", Incomplete: last}
}

// IsToken reports whether s is an HTTP token (RFC 9110, section 5.6.2),
// as a method or a header name must be: visible ASCII and none of the
// delimiters. It is wsgidev's one test of such a name, for the filter and
// for requests edited before a replay alike.
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}

// checkTerm refuses a term that cannot apply where the filter is used, and
// a method that contradicts one before it in the same group.
func checkTerm(t term, group []term, where Where) *FilterError {
	if why := cannotApply(t, where); why != "" {
		return &FilterError{Why: why}
	}
	if t.kind != kindMethod || t.negate {
		return nil
	}
	for _, prev := range group {
		if prev.kind == kindMethod && !prev.negate && !overlap(prev.methods, t.methods) {
			a, b := strings.Join(prev.methods, ","), strings.Join(t.methods, ",")
			return &FilterError{Why: fmt.Sprintf("two methods (%s and %s) that must both match, but a request has one: write %s or %s, or method:%s,%s", a, b, a, b, a, b)}
		}
	}
	return nil
}

func overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// cannotApply says why t cannot be evaluated where, or "" when it can.
func cannotApply(t term, where Where) string {
	const before = "a breakpoint holds a request before the app is called, "
	switch where {
	case InBreakpoint:
		switch {
		case t.kind == kindStatus:
			return before + "so there is no status yet"
		case t.kind == kindBody:
			return before + "before its body is read, so there is no body to look in"
		case t.kind == kindIs && t.arg == IsError:
			return before + "so it has not failed yet"
		case t.kind == kindIs && (t.arg == IsLive || t.arg == IsHeld):
			return before + "so every request it sees is live and not yet held"
		case t.kind == kindIs && t.arg == IsPinned:
			return "pins belong to the inspector's list; a breakpoint cannot see them"
		}
	case InCapture:
		switch {
		case t.kind == kindIs && (t.arg == IsLive || t.arg == IsHeld):
			return "a capture holds finished requests only, none " + t.arg
		case t.kind == kindIs && t.arg == IsPinned:
			return "pins belong to the inspector and are not saved in a capture"
		}
	}
	return ""
}
