package inspector

import (
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// placesDay is a day of finished exchanges with the headers, bodies and
// replays the filter terms look at.
func placesDay() []*exchange.Exchange {
	h := func(kv ...string) []exchange.Header {
		hs := []exchange.Header{{Name: "Host", Value: "127.0.0.1:8000"}}
		for i := 0; i < len(kv); i += 2 {
			hs = append(hs, exchange.Header{Name: kv[i], Value: kv[i+1]})
		}
		return hs
	}
	exs := []*exchange.Exchange{
		{Method: "GET", Target: "/api/items?page=2", Status: 200, RequestHeaders: h("X-Debug", "1")},
		{Method: "POST", Target: "/api/items", Status: 201, RequestHeaders: h("Content-Type", "application/json")},
		{Method: "GET", Target: "/static/logo.png", Status: 304, RequestHeaders: h()},
		{Method: "PUT", Target: "/api/items/7", Status: 500, RequestHeaders: h("x-debug", "yes")},
		{Method: "GET", Target: "/api/items?page=2", Status: 200, RequestHeaders: h("X-Debug", "1"), ReplayOf: 1},
		{Method: "DELETE", Target: "/Items/8", Status: 404, RequestHeaders: h()},
	}
	for i, ex := range exs {
		ex.ID, ex.Proto, ex.Done = uint64(i+1), "HTTP/1.1", true
		ex.Start = base.Add(time.Duration(i) * time.Second)
	}
	return exs
}

// TestFilterSameEverywhere: a query means the same in the inspector's
// list, in a breakpoint and in export/replay --filter; a term one place
// cannot evaluate is refused there, with the same words in the
// inspector's W line as from --break.
func TestFilterSameEverywhere(t *testing.T) {
	exs := placesDay()
	updates := make(UpdatesMsg, len(exs))
	for i, ex := range exs {
		updates[i] = exchange.Update{Done: ex}
	}
	for _, tc := range []struct{ query, want string }{
		{"GET", "135"}, {"method:post,put", "24"}, {"/api/*", "1245"}, {"path:*.png", "3"}, {"path:/api/items", "125"},
		{"header:X-Debug", "145"}, {"header:x-debug=1*", "15"}, {"-header:X-Debug", "236"}, {"items", "12456"},
		{"ITEMS", ""}, {`"get /api"`, "15"}, {"is:replay", "5"}, {"-is:replay GET", "13"}, {"POST or /static/*", "23"},
		{"GET /api/* or header:X-Debug=yes", "145"}, {"delete -/api/*", "6"},
	} {
		query := tc.query
		t.Run(query, func(t *testing.T) {
			list := listMatches(t, send(newTestModel(120, 40, testOptions()), updates), query)
			f, err := capture.ParseFilter([]string{query})
			if err != nil {
				t.Fatal(err)
			}
			b, err := devserver.ParseBreakpoint(query)
			if err != nil {
				t.Fatal(err)
			}
			var inCapture, inBreak string
			for _, ex := range exs {
				if f.Match(ex) {
					inCapture += idString(ex)
				}
				if b.Match(requestOnly(ex)) {
					inBreak += idString(ex)
				}
			}
			if list != tc.want || inCapture != tc.want || inBreak != tc.want {
				t.Errorf("the list shows %q, --filter keeps %q, --break holds %q; want %q", list, inCapture, inBreak, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		query                  string
		list, capture, breakAt bool // accepted there
	}{
		{"status:5xx", true, true, false},
		{"body:x", true, true, false},
		{"is:error", true, true, false},
		{"is:live", true, false, false},
		{"is:pinned", true, false, false},
		{"next GET", false, false, true},
		{"bogus:x", false, false, false},
	} {
		t.Run(tc.query, func(t *testing.T) {
			listErr := parseFilter(tc.query).err
			_, captureErr := capture.ParseFilter([]string{tc.query})
			_, breakErr := devserver.ParseBreakpoint(tc.query)
			wErr := breakProblem(tc.query)
			if (listErr == nil) != tc.list || (captureErr == nil) != tc.capture || (breakErr == nil) != tc.breakAt || (wErr == nil) != tc.breakAt {
				t.Fatalf("list %v, --filter %v, --break %v, W %v", listErr, captureErr, breakErr, wErr)
			}
			if breakErr != nil && !strings.HasSuffix(breakErr.Error(), ": "+wErr.Error()) {
				t.Errorf("--break says %q, W says %q", breakErr, wErr)
			}
			m := press(send(newTestModel(120, 40, debugOptions(newFakeDebugger())), updates), "W")
			if view := typeText(m, tc.query).View(); (wErr != nil) != strings.Contains(view, "✗ "+firstWords(wErr)) {
				t.Errorf("the W line does not show %v:\n%s", wErr, view)
			}
		})
	}
}

// listMatches types query into the list's filter and returns the IDs shown.
func listMatches(t *testing.T, m Model, query string) string {
	t.Helper()
	m = press(typeText(press(m, "/"), query), "enter")
	if err := m.c.store.filter.err; err != nil {
		t.Fatalf("the filter bar says %v", err)
	}
	got := ""
	for i := range m.c.store.len() {
		got += idString(m.c.store.at(i).ex)
	}
	return got
}

// requestOnly is what the server has recorded of ex when a breakpoint
// looks: the request line and headers.
func requestOnly(ex *exchange.Exchange) *exchange.Exchange {
	return &exchange.Exchange{ID: ex.ID, Method: ex.Method, Target: ex.Target, Proto: ex.Proto,
		RequestHeaders: ex.RequestHeaders, ReplayOf: ex.ReplayOf}
}

func idString(ex *exchange.Exchange) string { return string(rune('0' + ex.ID)) }

// firstWords is the start of an error as a narrow line still shows it.
func firstWords(err *exchange.FilterError) string {
	if err == nil {
		return "\x00"
	}
	return err.Error()[:min(len(err.Error()), 30)]
}
