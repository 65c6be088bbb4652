package inspector

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// startFlow runs the inspector in a test program.
func startFlow(t *testing.T, opts Options) *teatest.TestModel {
	t.Helper()
	m := NewModel(opts)
	m.c.now = func() time.Time { return base.Add(90 * time.Second) }
	return teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
}

// waitFor waits until the screen has drawn every one of texts (since the
// last wait).
func waitFor(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, s := range texts {
			if !strings.Contains(string(b), s) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

func keys(tm *teatest.TestModel, ks ...string) {
	for _, k := range ks {
		tm.Send(keyMsg(k))
	}
}

// quit ends the program and returns the final model: ctrl+c quits from
// anywhere, and y says yes when requests in flight make it ask.
func quit(t *testing.T, tm *teatest.TestModel) Model {
	t.Helper()
	keys(tm, "ctrl+c", "y")
	return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
}

func TestFlowNavigation(t *testing.T) {
	tm := startFlow(t, testOptions())
	tm.Send(UpdatesMsg(sampleUpdates()))
	waitFor(t, tm, "›● 10:01:20", "/events?topic=builds", "6 requests")

	keys(tm, "k")
	waitFor(t, tm, "›  10:00:08", "paused")
	keys(tm, "enter")
	waitFor(t, tm, "#5 GET /static/logo.png", "[1 Environ]", "'/static/logo.png'")
	keys(tm, "esc")
	waitFor(t, tm, "TIME", "›  10:00:08")
	keys(tm, "up", "up", "down")
	waitFor(t, tm, "›  10:00:07 POST    /login")
	keys(tm, "g")
	waitFor(t, tm, "›  10:00:01 GET")
	keys(tm, "j", "enter")
	waitFor(t, tm, "#2 POST /api/items?debug=1")
	keys(tm, "esc", "G")
	waitFor(t, tm, "›● 10:01:20")

	m := quit(t, tm)
	if m.state != stateList || !m.list.follow || m.list.selected.ex.ID != 6 {
		t.Errorf("final state %v, follow %v, selected #%d; want the list following #6", m.state, m.list.follow, m.list.selected.ex.ID)
	}
}

func TestFlowTabs(t *testing.T) {
	tm := startFlow(t, testOptions())
	tm.Send(UpdatesMsg(sampleUpdates()))
	waitFor(t, tm, "6 requests")
	keys(tm, "k", "k", "k", "enter") // #3 GET /boom
	waitFor(t, tm, "#3 GET /boom", "[1 Environ]")
	keys(tm, "tab")
	waitFor(t, tm, "[2 Request]", "GET /boom HTTP/1.1")
	keys(tm, "3")
	waitFor(t, tm, "[3 Response]", "start_response #2", "ZeroDivisionError")
	keys(tm, "shift+tab")
	waitFor(t, tm, "[2 Request]")
	keys(tm, "l", "l")
	waitFor(t, tm, "[4 Body]", "Internal Server Error")
	keys(tm, "h")
	waitFor(t, tm, "[3 Response]")
	keys(tm, "6")
	waitFor(t, tm, "[6 Timeline]", "✗ failed")
	keys(tm, "J")
	waitFor(t, tm, "#4 POST /login", "close() called")
	keys(tm, "K", "K")
	waitFor(t, tm, "#2 POST /api/items?debug=1", "⚠ WSGI warning")
	keys(tm, "tab")
	waitFor(t, tm, "[7 Wire]")
	keys(tm, "tab")
	waitFor(t, tm, "[8 Layers]")
	keys(tm, "tab")
	waitFor(t, tm, "[1 Environ]")

	m := quit(t, tm)
	if m.detail.row.ex.ID != 2 || m.list.selected.ex.ID != 2 {
		t.Errorf("detail shows #%d, list at #%d; want both at #2", m.detail.row.ex.ID, m.list.selected.ex.ID)
	}
}

func TestFlowFilter(t *testing.T) {
	tm := startFlow(t, testOptions())
	tm.Send(UpdatesMsg(sampleUpdates()))
	waitFor(t, tm, "6 requests")

	keys(tm, "/")
	tm.Type("status:5")
	waitFor(t, tm, "/ status:5", "1 of 6", "/boom")
	tm.Type("xx")
	waitFor(t, tm, "/ status:5xx")
	keys(tm, "enter")
	waitFor(t, tm, "esc clears")
	keys(tm, "esc")
	waitFor(t, tm, "/login", "/static/logo.png")

	keys(tm, "/")
	tm.Type("method:post")
	waitFor(t, tm, "2 of 6")
	for range len("method:post") {
		keys(tm, "backspace")
	}
	waitFor(t, tm, "/boom", "/static/logo.png")
	tm.Type("logo")
	waitFor(t, tm, "1 of 6")
	keys(tm, "esc")
	waitFor(t, tm, "/boom")

	m := quit(t, tm)
	if m.c.store.filter.active() || m.input.active() {
		t.Errorf("filter %q, typing %v; want both cleared", m.c.store.filter.query, m.input.active())
	}
}

// A filter that does not parse hides nothing and says why in the filter
// bar: as unfinished while its last word is typed, as wrong once done.
func TestFlowFilterErrors(t *testing.T) {
	tm := startFlow(t, testOptions())
	tm.Send(UpdatesMsg(sampleUpdates()))
	waitFor(t, tm, "6 requests")

	keys(tm, "/")
	tm.Type("header:")
	waitFor(t, tm, "… header:: name a request header")
	tm.Type("X-Trace=b*")
	waitFor(t, tm, "1 of 6", "/api/items?debug=1")
	for range len("header:X-Trace=b*") {
		keys(tm, "backspace")
	}
	tm.Type("bogus:x")
	waitFor(t, tm, "✗ bogus:x: unknown term", "/login", "/static/logo.png")
	keys(tm, "enter")
	waitFor(t, tm, "/ bogus:x", "✗ bogus:x: unknown term")
	keys(tm, "/")
	for range len("bogus:x") {
		keys(tm, "backspace")
	}
	tm.Type("GET or")
	waitFor(t, tm, "… or: or needs a term on each side")
	keys(tm, "enter")
	waitFor(t, tm, "✗ or: or needs a term on each side")
	keys(tm, "esc")
	if m := quit(t, tm); m.c.store.filter.shown() {
		t.Errorf("filter %q after esc; want it cleared", m.c.store.filter.query)
	}
}

func TestFlowFollow(t *testing.T) {
	tm := startFlow(t, testOptions())
	tm.Send(UpdatesMsg(sampleUpdates()))
	waitFor(t, tm, "›● 10:01:20")

	keys(tm, "k")
	waitFor(t, tm, "paused")
	tm.Send(UpdatesMsg(append(begin(7, 91*time.Second, "GET", "/one").done(ms),
		begin(8, 92*time.Second, "GET", "/two").done(ms)...)))
	waitFor(t, tm, "/two", "↓ 2 new")
	tm.Send(tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress, Y: 5})
	waitFor(t, tm, "›  10:01:32 GET     /two")
	tm.Send(UpdatesMsg(begin(9, 93*time.Second, "GET", "/three").done(ms)))
	waitFor(t, tm, "›  10:01:33 GET     /three")

	tm.Send(tea.MouseMsg{Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress, Y: 5})
	waitFor(t, tm, "paused")
	tm.Send(UpdatesMsg(begin(10, 94*time.Second, "GET", "/four").done(ms)))
	waitFor(t, tm, "/four", "↓ 1 new")
	keys(tm, "G")
	waitFor(t, tm, "›  10:01:34 GET     /four")

	m := quit(t, tm)
	if !m.list.follow || m.list.newCount != 0 {
		t.Errorf("follow %v, new %d; want following with nothing new", m.list.follow, m.list.newCount)
	}
}

func TestFlowStreaming(t *testing.T) {
	tm := startFlow(t, testOptions())
	r := begin(1, 89*time.Second, "GET", "/stream")
	tm.Send(UpdatesMsg(r.updates))
	waitFor(t, tm, "›● 10:01:29 GET     /stream", "…")

	keys(tm, "enter", "4")
	waitFor(t, tm, "[4 Body]", "● running", "No body chunks yet.")
	n := len(r.updates)
	r.environ(100*time.Microsecond).startResponse(time.Millisecond, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "text/plain"}).
		chunk(2*ms, "tick 1\n")
	tm.Send(UpdatesMsg(r.updates[n:]))
	waitFor(t, tm, "1 chunk · 7 B · ● streaming", "Content so far", "tick 1")

	n = len(r.updates)
	r.chunk(3*ms, "tick 2\n").chunk(4*ms, "tick 3\n")
	tm.Send(UpdatesMsg(r.updates[n:]))
	waitFor(t, tm, "3 chunks · 21 B", "14 B", "tick 3")

	tm.Send(UpdatesMsg(r.done(5 * ms)[len(r.updates):]))
	waitFor(t, tm, "3 chunks · 21 B", "Content  21 B")
	keys(tm, "esc")
	waitFor(t, tm, "›  10:01:29 GET     /stream", "5.0ms")

	m := quit(t, tm)
	if r := m.c.store.rows[0]; r.live || r.chunks != 3 || m.c.store.live != 0 {
		t.Errorf("row live %v with %d chunks, store live %d; want done with 3", r.live, r.chunks, m.c.store.live)
	}
}

func TestFlowSubscription(t *testing.T) {
	hub := exchange.NewHub()
	opts := testOptions()
	opts.Updates = hub.Subscribe()
	tm := startFlow(t, opts)
	for _, u := range sampleUpdates() {
		hub.Publish(u)
	}
	waitFor(t, tm, "/events?topic=builds", "6 requests")
	// The command is re-armed: later updates arrive too.
	for _, u := range begin(7, 91*time.Second, "GET", "/later").done(ms) {
		hub.Publish(u)
	}
	waitFor(t, tm, "/later", "7 requests")
	hub.Publish(exchange.Update{Reload: &exchange.Reload{At: base, OK: false, Error: "SyntaxError: invalid syntax (app.py, line 3)"}})
	waitFor(t, tm, "✗ import failed: SyntaxError: invalid syntax")
	hub.Publish(exchange.Update{Reload: &exchange.Reload{At: base, OK: true, Took: 120 * ms, Files: []string{"app.py"}}})
	waitFor(t, tm, "watching app folder (*.py)", "reloaded in 120.0ms")
	quit(t, tm)
}

// fakeControl records reload requests.
type fakeControl struct{ reloads chan struct{} }

func (f fakeControl) Reload() { f.reloads <- struct{}{} }

func TestFlowReloadAndClear(t *testing.T) {
	opts := testOptions()
	ctl := fakeControl{reloads: make(chan struct{}, 1)}
	opts.Control = ctl
	tm := startFlow(t, opts)
	tm.Send(UpdatesMsg(sampleUpdates()))
	waitFor(t, tm, "6 requests")

	keys(tm, "R")
	select {
	case <-ctl.reloads:
	case <-time.After(5 * time.Second):
		t.Fatal("R did not ask the server to reload")
	}
	keys(tm, "L")
	waitFor(t, tm, "manual reload requested")

	keys(tm, "C")
	waitFor(t, tm, "Clear 6 requests from the list?", "y yes")
	keys(tm, "n") // no: the list stays
	waitFor(t, tm, "Clear 6 requests from the list: no")
	keys(tm, "C", "y")
	waitFor(t, tm, "0 requests", "Waiting for requests")
	// The request that was running when the list was cleared stays gone.
	tm.Send(UpdatesMsg{{Done: &exchange.Exchange{ID: 6, Start: base, Method: "GET", Target: "/events?topic=builds", Status: 200}}})
	tm.Send(UpdatesMsg(begin(7, 91*time.Second, "GET", "/after-clear").done(ms)))
	waitFor(t, tm, "/after-clear", "1 request ")

	m := quit(t, tm)
	if n := m.c.store.len(); n != 1 {
		t.Errorf("%d rows after the clear, want 1", n)
	}
}
