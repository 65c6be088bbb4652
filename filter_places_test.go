package main

// The filter language means the same in each place it is used: the
// inspector's list filter and W line, --break, and export/replay --filter.

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/inspector"
)

// placesDay is a day of finished exchanges with the headers and replays
// the filter terms look at; #N starts at 10:00:0N.
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
		ex.Start = time.Date(2026, 11, 22, 10, 0, i+1, 0, time.Local)
	}
	return exs
}

// inspectorWith is an inspector at 120×40 holding exs, with a Control
// that has a debugger, so W is on.
func inspectorWith(exs []*exchange.Exchange) tea.Model {
	updates := make(inspector.UpdatesMsg, len(exs))
	for i, ex := range exs {
		updates[i] = exchange.Update{Done: ex}
	}
	m := tea.Model(inspector.NewModel(inspector.Options{NoColor: true, Control: stepOnly{}}))
	for _, msg := range []tea.Msg{tea.WindowSizeMsg{Width: 120, Height: 40}, updates} {
		m, _ = m.Update(msg)
	}
	return m
}

// typeKeys types s into m, key by key; "\n" is enter.
func typeKeys(m tea.Model, s string) tea.Model {
	for _, r := range s {
		msg := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}
		if r == '\n' {
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		}
		m, _ = m.Update(msg)
	}
	return m
}

var rowTime = regexp.MustCompile(`(?m)^.. 10:00:0(\d)[ .]`)

// listed is the IDs of the rows the list shows, read off the screen
// (under NO_COLOR the selected row is still bold in reverse video).
func listed(view string) string {
	got := ""
	for _, m := range rowTime.FindAllStringSubmatch(ansi.Strip(view), -1) {
		got += m[1]
	}
	return got
}

func TestFilterSameEverywhere(t *testing.T) {
	exs := placesDay()
	for _, tc := range []struct{ query, want string }{
		{"GET", "135"}, {"method:post,put", "24"}, {"/api/*", "1245"}, {"path:*.png", "3"}, {"path:/api/items", "125"},
		{"header:X-Debug", "145"}, {"header:x-debug=1*", "15"}, {"-header:X-Debug", "236"}, {"items", "12456"},
		{"ITEMS", ""}, {`"get /api"`, "15"}, {"is:replay", "5"}, {"-is:replay GET", "13"}, {"POST or /static/*", "23"},
		{"GET /api/* or header:X-Debug=yes", "145"}, {"delete -/api/*", "6"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			view := typeKeys(inspectorWith(exs), "/"+tc.query+"\n").View()
			f, err := capture.ParseFilter([]string{tc.query})
			if err != nil {
				t.Fatal(err)
			}
			b, err := devserver.ParseBreakpoint(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			var inCapture, inBreak string
			for _, ex := range exs {
				if f.Match(ex) {
					inCapture += fmt.Sprint(ex.ID)
				}
				if b.Match(requestOnly(ex)) {
					inBreak += fmt.Sprint(ex.ID)
				}
			}
			if list := listed(view); list != tc.want || inCapture != tc.want || inBreak != tc.want {
				t.Errorf("the list shows %q, --filter keeps %q, --break holds %q; want %q\n%s", list, inCapture, inBreak, tc.want, view)
			}
		})
	}
}

// TestFilterRefusedWhereItCannotApply: a term one place cannot evaluate
// is refused there and nowhere else, in the same words in the inspector's
// W line as from --break.
func TestFilterRefusedWhereItCannotApply(t *testing.T) {
	for _, tc := range []struct {
		query                  string
		list, capture, breakOK bool // accepted there
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
			bar := lineOf(typeKeys(inspectorWith(placesDay()), "/"+tc.query+"\n").View(), "/ ")
			wLine := lineOf(typeKeys(inspectorWith(placesDay()), "W"+tc.query).View(), "break on: ")
			if bar == "" || wLine == "" {
				t.Fatalf("no filter bar (%q) or W line (%q)", bar, wLine)
			}
			_, captureErr := capture.ParseFilter([]string{tc.query})
			_, breakErr := devserver.ParseBreakpoint(tc.query)
			if strings.Contains(bar, "✗ ") == tc.list || (captureErr == nil) != tc.capture || (breakErr == nil) != tc.breakOK {
				t.Fatalf("--filter %v, --break %v; the filter bar: %q", captureErr, breakErr, bar)
			}
			if breakErr == nil {
				if strings.Contains(wLine, "✗ ") {
					t.Errorf("the W line refuses what --break takes: %q", wLine)
				}
				return
			}
			said := strings.TrimPrefix(breakErr.Error(), fmt.Sprintf("breakpoint %q: ", tc.query))
			if !strings.Contains(wLine, "✗ "+said[:min(len(said), 60)]) {
				t.Errorf("--break says %q; the W line: %q", said, wLine)
			}
		})
	}
}

// lineOf is the line of view that starts with prefix.
func lineOf(view, prefix string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// requestOnly is what the server has recorded of ex when a breakpoint
// looks: the request line and headers.
func requestOnly(ex *exchange.Exchange) *exchange.Exchange {
	return &exchange.Exchange{ID: ex.ID, Method: ex.Method, Target: ex.Target, Proto: ex.Proto,
		RequestHeaders: ex.RequestHeaders, ReplayOf: ex.ReplayOf}
}

// stepOnly is a Control with a debugger that steps nothing: enough for
// the inspector to offer W.
type stepOnly struct{}

func (stepOnly) Reload()                                             {}
func (stepOnly) Replay(exchange.ReplayRequest) exchange.ReplayResult { return exchange.ReplayResult{} }
func (stepOnly) Curl(*exchange.Exchange) string                      { return "" }
func (stepOnly) Break(string) error                                  { return nil }
func (stepOnly) ClearBreaks()                                        {}
func (stepOnly) Breaks() []string                                    { return nil }
func (stepOnly) Step(uint64) error                                   { return nil }
func (stepOnly) Continue(uint64) error                               { return nil }
func (stepOnly) Abort(uint64) error                                  { return nil }
func (stepOnly) EditEnviron(uint64, string, string, bool) error      { return nil }
func (stepOnly) ReloadWaits() bool                                   { return false }
