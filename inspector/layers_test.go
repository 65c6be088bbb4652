package inspector

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// layeredUpdates is a request through a Flask app behind ProxyFix and
// DispatcherMiddleware: the proxy's headers rewrite the scheme and the
// client's address, the dispatcher moves /api into SCRIPT_NAME, and a
// request-id middleware adds a header and a body of its own.
func layeredUpdates() []exchange.Update {
	r := begin(7, 85*time.Second, "GET", "/api/users", exchange.Header{Name: "X-Forwarded-Proto", Value: "https"},
		exchange.Header{Name: "X-Forwarded-For", Value: "203.0.113.7"}).
		environ(300*time.Microsecond).
		startResponse(900*time.Microsecond, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "application/json"},
			exchange.Header{Name: "X-Request-Id", Value: "req-1"}).
		event(950*time.Microsecond, exchange.Event{Kind: exchange.EventReturned, Returned: &exchange.Returned{
			Type: "generator", Repr: "<generator object RequestID.__call__.<locals>.body at 0x7f3a2c1b5e40>", Close: true, Len: -1, Took: 600 * time.Microsecond}}).
		chunk(1*ms, `{"users": ["ada", "grace"]}`)
	r.ex.Layers = []exchange.LayerCall{
		{Name: "RequestID", Where: "app.py:12", Parent: -1, Took: 600 * time.Microsecond, Returned: "generator",
			Environ: []exchange.EnvChange{{Op: exchange.OpAdd, Key: "requestid.id", New: "req-1", NewType: "str"}},
			Headers: []exchange.HeaderChange{{Op: exchange.OpAdd, Name: "X-Request-Id", New: "req-1"}}, NewBody: true},
		{Name: "ProxyFix", Where: "werkzeug/middleware/proxy_fix.py:58", Via: "app", Parent: 0, Took: 500 * time.Microsecond, Returned: "list",
			Environ: []exchange.EnvChange{
				{Op: exchange.OpChange, Key: "wsgi.url_scheme", Old: "http", OldType: "str", New: "https", NewType: "str"},
				{Op: exchange.OpChange, Key: "REMOTE_ADDR", Old: "127.0.0.1", OldType: "str", New: "203.0.113.7", NewType: "str"},
				{Op: exchange.OpAdd, Key: "werkzeug.proxy_fix.orig", New: "{'REMOTE_ADDR': '127.0.0.1', 'wsgi.url_scheme': 'http'}", NewType: "dict"},
			}},
		{Name: "DispatcherMiddleware", Where: "werkzeug/middleware/dispatcher.py:41", Via: "app", Parent: 1, Took: 400 * time.Microsecond, Returned: "list",
			Environ: []exchange.EnvChange{
				{Op: exchange.OpChange, Key: "SCRIPT_NAME", Old: "", OldType: "str", New: "/api", NewType: "str"},
				{Op: exchange.OpChange, Key: "PATH_INFO", Old: "/api/users", OldType: "str", New: "/users", NewType: "str"},
			}},
		{Name: "Flask 'api'", Where: "flask/app.py:2495", Via: "mounts['/api']", Parent: 2, Took: 300 * time.Microsecond, Returned: "list"},
	}
	return r.done(1200 * time.Microsecond)
}

func layeredModel(w, h int, opts Options) Model {
	return send(newTestModel(w, h, opts), UpdatesMsg(sampleUpdates()), UpdatesMsg(layeredUpdates()))
}

func TestViewLayers(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		checkView(t, press(layeredModel(w, h, testOptions()), "enter", "8"))
	})
}

// In explain mode each change has a line on what that kind of change
// means, and the picked one its whole text.
func TestViewLayersExplain(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		checkView(t, press(layeredModel(w, h, explainOptions()), "enter", "8", "X", "j", "j", "j"))
	})
}

func TestLayersTab(t *testing.T) {
	m := press(layeredModel(120, 60, explainOptions()), "enter", "8")
	v := ansi.Strip(m.View())
	for _, want := range []string{
		"Layers  server → RequestID → ProxyFix → DispatcherMiddleware → Flask 'api'",
		"RequestID  middleware", "app.py:12", "↓ + requestid.id = 'req-1'", "↑ + X-Request-Id: req-1",
		"↑ body: returned a generator in place of the list from below",
		"↓ ~ wsgi.url_scheme 'http' → 'https'", "↓ ~ REMOTE_ADDR '127.0.0.1' → '203.0.113.7'",
		"↓ ~ SCRIPT_NAME '' → '/api'", "↓ ~ PATH_INFO '/api/users' → '/users'",
		"Flask 'api'  application", "via mounts['/api']", "returned a list",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("the Layers tab lacks %q:\n%s", want, v)
		}
	}
	m = press(m, "X")
	v = ansi.Strip(m.View())
	for _, want := range []string{"as werkzeug's ProxyFix does", "as a dispatcher does when it mounts"} {
		if !strings.Contains(v, want) {
			t.Errorf("explain mode's Layers tab lacks %q:\n%s", want, v)
		}
	}
	if m = press(layeredModel(120, 60, explainOptions()), "g", "enter", "8"); !strings.Contains(ansi.Strip(m.View()), "No layers were recorded") {
		t.Errorf("a request without layers should say so:\n%s", ansi.Strip(m.View()))
	}
	// Past the budget of requests a second: the tab says why, and how to
	// get them (a replay is always recorded).
	r := begin(9, 90*time.Second, "GET", "/flood").environ(100*time.Microsecond).
		startResponse(200*time.Microsecond, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "text/plain"}).
		chunk(300*time.Microsecond, "ok")
	r.ex.LayersSkipped = true
	m = press(send(newTestModel(120, 40, testOptions()), UpdatesMsg(r.done(400*time.Microsecond))), "enter", "8")
	v = ansi.Strip(m.View())
	for _, want := range []string{"Not recorded", "at most 100 requests a second", "Replay it (r)", "--capture"} {
		if !strings.Contains(v, want) {
			t.Errorf("the Layers tab of a request past the budget lacks %q:\n%s", want, v)
		}
	}
}

func TestViewCall(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		checkView(t, press(layeredModel(w, h, testOptions()), "enter", "6", "t"))
	})
}

// While the debugger holds a request, ▶ marks the line of the call it
// stands at.
func TestCallViewMarksTheStep(t *testing.T) {
	r := begin(8, 89*time.Second, "GET", "/step").
		held(100*time.Microsecond, exchange.HeldBeforeApp).
		debug(ms, "step").
		environ(2*ms).
		startResponse(3*ms, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "text/plain"}).
		held(3*ms, exchange.HeldAfterStart)
	m := send(newTestModel(100, 30, debugOptions(newFakeDebugger())), UpdatesMsg(sampleUpdates()), UpdatesMsg(r.updates))
	m = press(m, "enter", "6", "t")
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "▶     start_response('200 OK', [('Content-Type', 'text/plain')])") {
		t.Errorf("the call view does not mark start_response as where the request is held:\n%s", v)
	}
	if !strings.Contains(v, "  result = app(environ, start_response)") {
		t.Errorf("the call view lacks the call:\n%s", v)
	}
	m = press(m, "t")
	if v := ansi.Strip(m.View()); !strings.Contains(v, "Timeline  offsets") {
		t.Errorf("t again should give the timeline back:\n%s", v)
	}
}

func TestTimelineReturned(t *testing.T) {
	m := press(layeredModel(120, 40, testOptions()), "enter", "6")
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "app returned     <generator object RequestID.__call__.<locals>.body at 0x7f3a2c1b5e40> (generator") ||
		!strings.Contains(v, "has close(), after 600µs)") {
		t.Errorf("the timeline lacks what the app returned:\n%s", v)
	}
}

func TestWrapWordsKeepsCode(t *testing.T) {
	for _, tt := range []struct {
		text  string
		width int
		want  []string
	}{
		{`decode it with .encode("latin-1").decode("utf-8").`, 40, []string{"decode it with", `.encode("latin-1").decode("utf-8").`}},
		{`decode it with .encode("latin-1").decode("utf-8").`, 30, []string{"decode it with", `.encode("latin-1").decode`, `("utf-8").`}},
		{`decode it with .encode("latin-1").decode("utf-8").`, 20, []string{"decode it with", `.encode("latin-1")`, `.decode("utf-8").`}},
		{"urllib.parse.parse_qs(environ['QUERY_STRING'])", 16, []string{"urllib.parse", ".parse_qs", "(environ['QUERY_STRING'])"}},
		{"a well-known x-forwarded-proto header", 12, []string{"a well-known", "x-forwarded-proto", "header"}},
	} {
		if got := wrapWords(tt.text, tt.width); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrapWords(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

// The environ in explain mode fits a projector: one line of text per key,
// the whole text for the picked one only (it was 4 or 5 lines a key).
func TestExplainEnvironIsShort(t *testing.T) {
	m := press(explainModel(100, 30, explainOptions()), "g", "enter", "X")
	n := len(m.detail.lines())
	keys := len(m.detail.row.ex.Environ)
	if n > 2*keys+20 {
		t.Errorf("explain mode's environ is %d lines for %d keys; want about two a key", n, keys)
	}
}
