package inspector

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func testRow(method, target string, status int, live, failed bool) *row {
	ex := &exchange.Exchange{Method: method, Target: target, Status: status}
	if failed {
		ex.Failure = &exchange.Failure{Kind: exchange.FailException}
	}
	r := &row{ex: ex, live: live, method: method, status: status}
	r.refresh()
	return r
}

// TestFilterMatch: the list's filter asks its rows what only the
// inspector knows (live, held, pinned), and a query that does not parse
// hides nothing and says why.
func TestFilterMatch(t *testing.T) {
	get := testRow("GET", "/api/items?page=2", 200, false, false)
	post := testRow("POST", "/login", 302, false, false)
	boom := testRow("GET", "/boom", 500, false, true)
	live := testRow("GET", "/stream", 0, true, false)
	held := testRow("POST", "/form", 0, true, false)
	held.ex.Held = exchange.HeldBeforeApp
	post.pinned = true
	rows := []*row{get, post, boom, live, held}
	for _, c := range []struct {
		query string
		want  []*row
		err   string
	}{
		{"", rows, ""},
		{"api", []*row{get}, ""},
		{"api Items", []*row{get}, ""},
		{"200", []*row{get}, ""},
		{"status:5xx", []*row{boom}, ""},
		{"method:post", []*row{post, held}, ""},
		{"path:/api*", []*row{get}, ""},
		{"is:live", []*row{live, held}, ""},
		{"is:held", []*row{held}, ""},
		{"is:error", []*row{boom}, ""},
		{"is:pinned", []*row{post}, ""},
		{"-is:pinned POST", []*row{held}, ""},
		{"method:get -is:live", []*row{get, boom}, ""},
		{"is:pinned or is:error", []*row{post, boom}, ""},
		{"is:nonsense", rows, "is: takes live, error, held, replay or pinned"},
		{"next", rows, "next is for breakpoints"},
		{"bogus:x", rows, "unknown term"},
	} {
		f := parseFilter(c.query)
		if c.err != "" && (f.err == nil || !strings.Contains(f.err.Error(), c.err)) {
			t.Errorf("%q: error %v, want one saying %q", c.query, f.err, c.err)
		}
		var got []*row
		for _, r := range rows {
			if !f.active() || f.match(r) {
				got = append(got, r)
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%q matched %d rows, want %d", c.query, len(got), len(c.want))
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q matched %s, want %s", c.query, got[i].ex.Target, c.want[i].ex.Target)
			}
		}
	}
}

// TestFilterIncremental types random queries a key at a time and checks
// that the incremental filter always equals a fresh scan.
func TestFilterIncremental(t *testing.T) {
	s := newStore(0)
	var b batch
	rng := rand.New(rand.NewSource(1))
	methods := []string{"GET", "POST", "PUT"}
	for i := range 500 {
		ex := &exchange.Exchange{ID: uint64(i + 1), Method: methods[rng.Intn(3)], Target: "/p/" + string(rune('a'+rng.Intn(26))), Status: []int{200, 302, 404, 500}[rng.Intn(4)], Done: true}
		s.apply(exchange.Update{Done: ex}, &b)
	}
	s.finish(&b)
	queries := []string{"status:5xx", "method:post", "/p/a", "get 404", "-status:2xx", "is:error post", "path:/p/b", "get or 404", "status:4 /p/*"}
	for _, q := range queries {
		for i := 0; i <= len(q); i++ {
			s.setFilter(q[:i])
			fresh := parseFilter(q[:i])
			want := 0
			for _, r := range s.rows {
				if fresh.match(r) {
					want++
				}
			}
			if s.len() != want {
				t.Fatalf("after typing %q: %d rows shown, a fresh scan finds %d", q[:i], s.len(), want)
			}
		}
		for i := len(q); i >= 0; i-- { // and erase it
			s.setFilter(q[:i])
		}
		if s.len() != len(s.rows) {
			t.Fatalf("after erasing %q: %d of %d rows shown", q, s.len(), len(s.rows))
		}
	}
}
