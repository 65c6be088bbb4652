package capture

import (
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func TestFilter(t *testing.T) {
	exs := []*exchange.Exchange{
		{Method: "GET", Target: "/", Status: 200},
		{Method: "POST", Target: "/api/users?x=1", Status: 201},
		{Method: "GET", Target: "/api/users/7/posts", Status: 404},
		{Method: "DELETE", Target: "/api/users/7", Status: 500},
		{Method: "GET", Target: "/static/app.js", Status: 304},
	}
	for _, tc := range []struct {
		filters []string
		want    string // indexes of the matches
	}{
		{nil, "01234"},
		{[]string{"method:POST"}, "1"},
		{[]string{"method:get,delete"}, "0234"},
		{[]string{"status:5xx"}, "3"},
		{[]string{"status:4"}, "2"},
		{[]string{"status:30x"}, "4"},
		{[]string{"status:201"}, "1"},
		{[]string{"path:/api/*"}, "123"},
		{[]string{"path:/api/users/*/posts"}, "2"},
		{[]string{"path:/api/users/?"}, "3"},
		{[]string{"path:/api"}, ""}, // a glob matches the whole path
		{[]string{"path:*.js"}, "4"},
		{[]string{"path:/api/users"}, "1"}, // the path without the query
		{[]string{"/api/*"}, "123"},
		{[]string{"DELETE or status:201"}, "13"},
		{[]string{"is:error"}, "3"},
		{[]string{"users"}, "123"},
		{[]string{"post"}, "12"}, // the method and the target
		{[]string{"x=1"}, "1"},
		{[]string{"method:GET", "path:/api/*"}, "2"},
		{[]string{"method:GET path:/api/*"}, "2"},
		{[]string{"-path:/static/*"}, "0123"},
		{[]string{"-status:2xx", "-status:3xx"}, "23"},
	} {
		t.Run(strings.Join(tc.filters, "+"), func(t *testing.T) {
			f, err := ParseFilter(tc.filters)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for i, ex := range exs {
				if f.Match(ex) {
					got += string(rune('0' + i))
				}
			}
			if got != tc.want {
				t.Errorf("matched %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	for _, bad := range []string{"status:abc", "status:5000", "status:", "method:", "path:", "method:,", "is:live", "is:pinned", "next", "bogus:x"} {
		if _, err := ParseFilter([]string{bad}); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseFilter(%q) = %v, want an error naming it", bad, err)
		}
	}
}

// The inspector's replays are left out unless a term asks for them.
func TestFilterApplyLeavesOutReplays(t *testing.T) {
	entries := []Entry{
		{Exchange: &exchange.Exchange{ID: 1, Method: "GET", Target: "/a"}},
		{Exchange: &exchange.Exchange{ID: 2, Method: "GET", Target: "/a", ReplayOf: 1}},
		{Exchange: &exchange.Exchange{ID: 3, Method: "POST", Target: "/b"}},
	}
	for _, tc := range []struct {
		filters []string
		want    string // IDs kept
		left    int
	}{
		{nil, "13", 1},
		{[]string{"method:GET"}, "1", 1},
		{[]string{"is:replay"}, "2", 0},
		{[]string{"-is:replay"}, "13", 0},
	} {
		f, err := ParseFilter(tc.filters)
		if err != nil {
			t.Fatal(err)
		}
		kept, left := f.Apply(entries)
		got := ""
		for _, e := range kept {
			got += string(rune('0' + e.Exchange.ID))
		}
		if got != tc.want || left != tc.left {
			t.Errorf("%q: kept %q and left out %d replays; want %q and %d", tc.filters, got, left, tc.want, tc.left)
		}
	}
}
