package exchange

import (
	"strings"
	"testing"
	"unicode"
)

// TestParseFilterErrors: every wrong or misplaced term is refused, naming
// the word at fault, and only what more typing could cure is incomplete.
func TestParseFilterErrors(t *testing.T) {
	for _, tc := range []struct {
		expr       string
		where      Where
		says       string // in the error
		incomplete bool
	}{
		{"bogus:x", InList, "bogus:x: unknown term", false},
		{"bogus:x", InBreakpoint, "unknown term", false},
		{"bogus:x", InCapture, "unknown term", false},
		{"GET http://x", InList, `put text with a colon in quotes: "http:…"`, false},
		{"status:", InList, "want a status such as 404", true},
		{"status: GET", InList, "status:: want a status", false},
		{"status:abc", InCapture, `status:abc: want a status`, false},
		{"status:5000", InCapture, "want a status", false},
		{"status:404", InBreakpoint, "no status yet", false},
		{"body:x", InBreakpoint, "no body to look in", false},
		{"is:error", InBreakpoint, "has not failed yet", false},
		{"is:live", InBreakpoint, "live and not yet held", false},
		{"is:pinned", InBreakpoint, "pins belong to the inspector", false},
		{"is:live", InCapture, "finished requests only", false},
		{"is:held", InCapture, "finished requests only", false},
		{"is:pinned", InCapture, "not saved in a capture", false},
		{"next", InList, "next is for breakpoints", false},
		{"next", InCapture, "next is for breakpoints", false},
		{"next GET next", InBreakpoint, "given twice", false},
		{"-next", InBreakpoint, "cannot be negated", false},
		{"is:li", InList, "is: takes live, error, held, replay or pinned", true},
		{"is:li x", InList, "is: takes", false},
		{"is:nonsense", InList, "is: takes", false},
		{"method:", InList, "name a method", true},
		{"method:GET,", InList, "name a method", true},
		{"method:,", InCapture, "name a method", false},
		{"method:G/T", InList, "is not a method", false},
		{"method:pos", InList, "POS is the start of POST: write the whole method", true},
		{"method:pos x", InCapture, "POS is the start of POST", false},
		{"method:p,get", InList, "P is the start of POST, PUT, PATCH", false},
		{"method:get,p", InList, "P is the start of", true},
		{"GE", InBreakpoint, "GE is the start of GET", true},
		{"GE /x", InBreakpoint, "GE is the start of GET", false},
		{"path:", InList, "give a path glob", true},
		{"path:api", InList, "write path:/api (or path:*api*", false},
		{"header:", InBreakpoint, "header:: name a request header", true},
		{"header:=1", InList, "name a request header", false},
		{"body:", InList, "give text to find", true},
		{`body:"not found`, InList, "a quote is not closed", true},
		{`""`, InList, "empty quotes", false},
		{"-", InList, "negates the term after it", true},
		{"- GET", InList, "negates the term after it", false},
		{"or GET", InList, "or needs a term on each side", false},
		{"GET or", InList, "or needs a term on each side", true},
		{"GET or ", InList, "or needs a term on each side", true},
		{"GET or or POST", InList, "or needs a term on each side", false},
		{"GET POST", InBreakpoint, "two methods (GET and POST)", false},
		{"method:get,put method:post", InList, "two methods (GET,PUT and POST)", false},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			_, err := ParseFilter(tc.expr, tc.where)
			fe, ok := err.(*FilterError)
			if !ok {
				t.Fatalf("error %v, want a *FilterError saying %q", err, tc.says)
			}
			if !strings.Contains(fe.Error(), tc.says) || fe.Incomplete != tc.incomplete {
				t.Errorf("error %q (incomplete %v), want one saying %q (incomplete %v)", fe, fe.Incomplete, tc.says, tc.incomplete)
			}
		})
	}
}

// TestParseFilterPlaces: what each place accepts.
func TestParseFilterPlaces(t *testing.T) {
	everywhere := []string{"", "GET", "/api/*", "method:get,post", "path:*.js", "header:X-Debug", "header:x-debug=1*",
		`"a b"`, "-api", "is:replay", "-is:replay", "GET /x or POST /y", "12:30", `"http://x"`, "M-SEARCH", "method:M-SEARCH"}
	for _, where := range []Where{InList, InBreakpoint, InCapture} {
		for _, expr := range everywhere {
			if _, err := ParseFilter(expr, where); err != nil {
				t.Errorf("where %d: %q: %v", where, expr, err)
			}
		}
	}
	for _, expr := range []string{"status:4xx", "body:x", "is:error"} {
		for _, where := range []Where{InList, InCapture} {
			if _, err := ParseFilter(expr, where); err != nil {
				t.Errorf("where %d: %q: %v", where, expr, err)
			}
		}
	}
	for _, expr := range []string{"is:live", "is:held", "is:pinned"} {
		if _, err := ParseFilter(expr, InList); err != nil {
			t.Errorf("list: %q: %v", expr, err)
		}
	}
	for _, expr := range []string{"next", "next GET /x", "POST next"} {
		f, err := ParseFilter(expr, InBreakpoint)
		if err != nil || !f.Once {
			t.Errorf("breakpoint %q: %v, once %v", expr, err, f != nil && f.Once)
		}
	}
}

// sample is a small day of exchanges, done unless live.
func sample() []*Exchange {
	return []*Exchange{
		{ID: 1, Method: "GET", Target: "/", Status: 200, Done: true,
			RequestHeaders: []Header{{Name: "Host", Value: "127.0.0.1:8000"}, {Name: "Accept", Value: "text/html"}},
			ResponseBody:   Body{Data: []byte("<h1>Hello, World</h1>")}},
		{ID: 2, Method: "POST", Target: "/api/users?x=1", Status: 201, Done: true,
			RequestHeaders: []Header{{Name: "X-Debug", Value: "1"}, {Name: "Content-Type", Value: "application/json; charset=utf-8"}},
			RequestBody:    Body{Data: []byte(`{"name":"Ada"}`)}},
		{ID: 3, Method: "GET", Target: "/api/users/7/posts", Status: 404, Done: true,
			RequestHeaders: []Header{{Name: "x-debug", Value: "yes"}}},
		{ID: 4, Method: "DELETE", Target: "/api/users/7", Status: 500, Done: true,
			Failure: &Failure{Kind: FailException, Message: "boom"}},
		{ID: 5, Method: "GET", Target: "/static/app.js", Status: 304, Done: true, ReplayOf: 1},
		{ID: 6, Method: "GET", Target: "/stream", Status: 200, Held: HeldBeforeChunk + " 2"},
		{ID: 7, Method: "GET", Target: "/gone", Done: true, Failure: &Failure{Kind: FailCancelled}},
		{ID: 8, Method: "PUT", Target: "/caf%C3%A9?q=Ça", Status: 502, Done: true, Failure: &Failure{Kind: FailChildExit}},
	}
}

func TestFilterMatch(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want string // IDs matched
	}{
		{"", "12345678"},
		{"GET", "13567"},
		{"method:get,delete", "134567"},
		{"method:post", "2"},
		{"-GET", "248"},
		{"/api/*", "234"},
		{"path:/api/users/*/posts", "3"},
		{"path:/api/users/?", "4"},
		{"path:/api", ""}, // a glob matches the whole path
		{"path:/api*", "234"},
		{"path:*.js", "5"},
		{"path:/caf%C3%A9", "8"}, // the path as sent, without the query
		{"status:5xx", "48"},
		{"status:4", "3"},
		{"status:30x", "5"},
		{"status:201", "2"},
		{"-status:2xx", "34578"}, // no status is not 2xx
		{"users", "234"},
		{"Users", "234"},
		{"USERS", ""},  // a word in capitals is a method
		{"post", "23"}, // the method and the target
		{"x=1", "2"},
		{"404", "3"},
		{"ça", "8"},
		{`"get /api"`, "3"},
		{`/"api/users"`, "234"}, // quoted: text, not a path
		{`"GET"`, "13567"},      // quoted: text, not a method
		{"header:x-debug", "23"},
		{"header:X-Debug=1", "2"},
		{"header:X-Debug=y*", "3"},
		{"header:host", "1"},
		{"header:Content-Type=application/json*", "2"},
		{"-header:X-Debug", "145678"},
		{"body:hello", "1"},
		{"body:ADA", "2"},
		{`body:"hello, world"`, "1"},
		{"is:error", "48"},
		{"is:live", "6"},
		{"is:held", "6"},
		{"is:replay", "5"},
		{"-is:replay", "1234678"},
		{"is:pinned", ""},
		{"GET /api/*", "3"},
		{"GET /api/* or DELETE", "34"},
		{"status:5xx or is:replay or /", "1458"},
		{"api -users or stream", "6"},
		{"-api is:error or 201", "28"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			f, err := ParseFilter(tc.expr, InList)
			if err != nil {
				t.Fatal(err)
			}
			if got := matched(f, sample(), nil); got != tc.want {
				t.Errorf("matched %q, want %q", got, tc.want)
			}
		})
	}
}

func matched(f *Filter, exs []*Exchange, facts func(*Exchange) Facts) string {
	got := ""
	for _, ex := range exs {
		var fa Facts
		if facts != nil {
			fa = facts(ex)
		}
		if f.Match(ex, fa) {
			got += string(rune('0' + ex.ID))
		}
	}
	return got
}

// pinnedFacts are an inspector's: 1 and 3 pinned, 2 still live.
type pinnedFacts struct{ ex *Exchange }

func (p pinnedFacts) Is(word string) bool {
	switch word {
	case IsPinned:
		return p.ex.ID == 1 || p.ex.ID == 3
	case IsLive:
		return p.ex.ID == 2
	}
	return record{p.ex}.Is(word)
}

func (p pinnedFacts) Text() string   { return SearchText(p.ex) }
func (p pinnedFacts) Method() string { return p.ex.Method }
func (p pinnedFacts) Status() int    { return p.ex.Status }

func TestFilterMatchFacts(t *testing.T) {
	facts := func(ex *Exchange) Facts { return pinnedFacts{ex} }
	for expr, want := range map[string]string{"is:pinned": "13", "-is:pinned GET": "567", "is:live": "2", "is:replay": "5"} {
		f, err := ParseFilter(expr, InList)
		if err != nil {
			t.Fatal(err)
		}
		if got := matched(f, sample(), facts); got != want {
			t.Errorf("%q matched %q, want %q", expr, got, want)
		}
	}
}

func TestFilterNarrows(t *testing.T) {
	for _, c := range []struct {
		from, to string
		want     bool
	}{
		{"ap", "api", true},
		{"api", "api post", true},
		{"api", "api -post", true},
		{"status:5", "status:5x", true},
		{"body:er", "body:err", true},
		{"path:/a", "path:/a status:2", true},
		{"", "a", false},
		{"api", "ap", false},
		{"method:put", "method:put,get", false},
		{"path:/a", "path:/ab", false}, // a glob matches the whole path
		{"-a", "-ab", false},
		{"method:get", "method:get,post", false},
		{"api", "api or b", false},
		{"header:X", "header:X=1", false},
	} {
		from, err1 := ParseFilter(c.from, InList)
		to, err2 := ParseFilter(c.to, InList)
		if err1 != nil || err2 != nil {
			t.Fatalf("%q, %q: %v %v", c.from, c.to, err1, err2)
		}
		if got := from.Narrows(to); got != c.want {
			t.Errorf("%q narrows to %q: %v, want %v", c.from, c.to, got, c.want)
		}
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "/a/b", true},
		{"/a*", "/a", true},
		{"/a*c", "/abbbc", true},
		{"/a*c", "/abbbcd", false},
		{"*b*b*", "/abxxb", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"**x", "yyx", true},
		{"/api/*/edit", "/api/1/2/edit", true},
		{"/a.b", "/axb", false},
		{"", "", true},
		{"", "a", false},
	} {
		if got := Glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("Glob(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

func TestContainsFold(t *testing.T) {
	for _, tc := range []struct {
		data, needle string
		want         bool
	}{
		{"Hello, World", "world", true},
		{"Hello", "hello!", false},
		{"", "a", false},
		{"abc", "", true},
		{"ÇA VA", "ça va", true},
		{"xxWOrLDxx", "world", true},
		{"worl", "world", false},
	} {
		if got := containsFold([]byte(tc.data), tc.needle); got != tc.want {
			t.Errorf("containsFold(%q, %q) = %v", tc.data, tc.needle, got)
		}
	}
}

// TestIsToken: RFC 9110's tchar are tokens; space, controls, delimiters
// and bytes past ASCII are not.
func TestIsToken(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"GET", true},
		{"X-Debug", true},
		{"!#$%&'*+-.^_`|~09azAZ", true},
		{"", false},
		{"X Debug", false},
		{"a\tb", false},
		{"a\x7f", false},
		{"é", false},
	} {
		if got := IsToken(tc.s); got != tc.want {
			t.Errorf("IsToken(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
	for _, c := range `"(),/:;<=>?@[\]{}` {
		if IsToken("a" + string(c)) {
			t.Errorf("IsToken(%q) = true, want false: %q is a delimiter", "a"+string(c), c)
		}
	}
}

// FuzzParseFilter: no input makes the parser or the matcher panic; an
// accepted filter reads the same twice, and a refused one says which word
// is wrong in printable text.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"", "GET /api/* or status:5xx -is:replay", `body:"a \" b" header:X=1*`, "next POST",
		"is:li", "-", "or", `"`, "method:a,,b", "status:4x", "-header:=", "\"a\\\"", "a\tb\nc", "é:x"} {
		f.Add(s)
	}
	exs := sample()
	f.Fuzz(func(t *testing.T, expr string) {
		for _, where := range []Where{InList, InBreakpoint, InCapture} {
			q, err := ParseFilter(expr, where)
			if err != nil {
				fe, ok := err.(*FilterError)
				if !ok || fe.Why == "" || strings.ContainsFunc(fe.Error(), func(r rune) bool { return !unicode.IsPrint(r) }) {
					t.Fatalf("%q: error %#v", expr, err)
				}
				continue
			}
			again, err := ParseFilter(expr, where)
			if err != nil || matched(q, exs, nil) != matched(again, exs, nil) {
				t.Fatalf("%q reads differently the second time: %v", expr, err)
			}
		}
	})
}
