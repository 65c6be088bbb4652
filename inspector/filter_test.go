package inspector

import (
	"math/rand"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func testRow(method, target string, status int, live, failed bool) *row {
	ex := &exchange.Exchange{Method: method, Target: target, Status: status}
	if failed {
		ex.Failure = &exchange.Failure{Kind: "exception"}
	}
	r := &row{ex: ex, live: live, status: status}
	r.refresh()
	return r
}

func TestFilterMatch(t *testing.T) {
	get := testRow("GET", "/api/items?page=2", 200, false, false)
	post := testRow("POST", "/login", 302, false, false)
	boom := testRow("GET", "/boom", 500, false, true)
	live := testRow("GET", "/stream", 0, true, false)
	rows := []*row{get, post, boom, live}
	for _, c := range []struct {
		query string
		want  []*row
	}{
		{"", rows},
		{"api", []*row{get}},
		{"API ITEMS", []*row{get}},
		{"200", []*row{get}},
		{"status:5xx", []*row{boom}},
		{"status:5", []*row{boom}},
		{"status:3xx", []*row{post}},
		{"status:302", []*row{post}},
		{"status:x0x", []*row{get, post, boom}},
		{"status:", rows},
		{"method:POST", []*row{post}},
		{"method:get,post", []*row{get, post, boom, live}},
		{"method:po", []*row{post}},
		{"path:/api", []*row{get}},
		{"is:live", []*row{live}},
		{"is:error", []*row{boom}},
		{"is:nonsense", nil},
		{"-boom", []*row{get, post, live}},
		{"-status:2xx get", []*row{boom, live}},
		{"method:get -is:live", []*row{get, boom}},
	} {
		f := parseFilter(c.query)
		var got []*row
		for _, r := range rows {
			if f.match(r) {
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

func TestFilterNarrows(t *testing.T) {
	for _, c := range []struct {
		from, to string
		want     bool
	}{
		{"ap", "api", true},
		{"api", "api post", true},
		{"status:5", "status:5x", true},
		{"method:p", "method:po", true},
		{"", "a", false},
		{"api", "ap", false},
		{"status", "status:5", false}, // a text term became a status term
		{"-a", "-ab", false},
		{"method:get", "method:get,post", false},
		{"is:l", "is:live", false},
	} {
		if got := parseFilter(c.from).narrows(parseFilter(c.to)); got != c.want {
			t.Errorf("%q narrows to %q: %v, want %v", c.from, c.to, got, c.want)
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
	queries := []string{"status:5xx", "method:post", "/p/a", "get 404", "-status:2xx", "is:error post", "path:/p/b"}
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
