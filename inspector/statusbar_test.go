package inspector

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func TestStatusBarReloadStates(t *testing.T) {
	c := &common{opts: Options{Watching: "app folder"}}
	s := newStatusBar(c)
	steps := []struct {
		u    exchange.Update
		want reloadKind
	}{
		{exchange.Update{Child: &exchange.ChildState{Kind: "started"}}, reloadStarting},
		{exchange.Update{Child: &exchange.ChildState{Kind: "ready"}}, reloadIdle},
		{exchange.Update{Reload: &exchange.Reload{OK: false, Detail: "Traceback…\nNameError: name 'x' is not defined\n"}}, reloadFailed},
		{exchange.Update{Child: &exchange.ChildState{Kind: "exited", Note: "the child was killed by SIGKILL"}}, reloadExited},
		{exchange.Update{Child: &exchange.ChildState{Kind: "load-error", Note: "ImportError: no module named flask"}}, reloadFailed},
		{exchange.Update{Reload: &exchange.Reload{OK: true, Took: 80 * ms}}, reloadIdle},
	}
	for i, st := range steps {
		s.apply(st.u)
		if s.reload != st.want {
			t.Errorf("step %d: state %d, want %d", i, s.reload, st.want)
		}
	}
	if s.lastReload != "reloaded in 80.0ms" {
		t.Errorf("reload text %q", s.lastReload)
	}
	s.apply(exchange.Update{Reload: &exchange.Reload{OK: false, Detail: "Traceback…\nNameError: name 'x' is not defined\n"}})
	if s.errText != "NameError: name 'x' is not defined" {
		t.Errorf("failed reload says %q, want the exception line", s.errText)
	}
}

// Requests waiting for a thread of the app are counted in the status bar
// until they get one (or end), and their timeline shows the wait.
func TestStatusBarCountsRequestsWaitingForAThread(t *testing.T) {
	started := func(id uint64) exchange.Update {
		return exchange.Update{Started: &exchange.Exchange{ID: id, Start: base, Method: "GET", Target: "/slow", Proto: "HTTP/1.1"}}
	}
	event := func(id uint64, kind, text string, at time.Duration) exchange.Update {
		return exchange.Update{Event: &exchange.EventOf{ID: id, Event: exchange.Event{Kind: kind, Text: text, Offset: at}}}
	}
	m := send(newTestModel(120, 20, testOptions()), UpdatesMsg{started(1), started(2),
		event(1, exchange.EventWaitThread, "all 4 threads busy; number 1 in the queue for one", ms),
		event(2, exchange.EventWaitThread, "all 4 threads busy; number 2 in the queue for one", 2*ms)})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "2 requests wait for a thread") {
		t.Errorf("two waiting requests are not in the status bar:\n%s", v)
	}
	m = send(m, UpdatesMsg{event(2, exchange.EventGotThread, "after waiting 1.2s", 1200*ms)})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "1 request waits for a thread") {
		t.Errorf("one waiting request is not in the status bar:\n%s", v)
	}
	m = press(m, "enter", "6") // the timeline of the selected, newest request
	if v := ansi.Strip(m.View()); !strings.Contains(v, "waits for thread") || !strings.Contains(v, "got a thread     after waiting 1.2s") {
		t.Errorf("the timeline does not show the wait:\n%s", v)
	}
	m = send(m, UpdatesMsg{exchange.Update{Done: &exchange.Exchange{ID: 1, Start: base, Method: "GET", Target: "/slow", Proto: "HTTP/1.1", Status: 200, Done: true}}})
	if v := ansi.Strip(m.View()); strings.Contains(v, "wait for a thread") || strings.Contains(v, "waits for a thread") {
		t.Errorf("a finished request still counts as waiting:\n%s", v)
	}
}

// "N updates skipped" is said while it is true: while requests that lost
// updates are in flight. Once they have ended (their exchanges come whole)
// it leaves the status line, and the log keeps the count.
func TestSkippedUpdatesSaidWhileTrue(t *testing.T) {
	m := newTestModel(100, 30, testOptions())
	live := begin(1, time.Second, "GET", "/stream").environ(ms).startResponse(ms, "200 OK", "")
	m = send(m, drainedMsg{updates: live.updates, dropped: exchange.Dropped{Other: 12760}, at: base})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "12,760 updates skipped") {
		t.Fatalf("while the request runs the status line should say so:\n%s", v)
	}
	done := live.chunk(2*ms, "x").done(3 * ms)
	m = send(m, drainedMsg{updates: done[len(live.updates):], at: base.Add(time.Second)})
	if v := ansi.Strip(m.View()); strings.Contains(v, "skipped") {
		t.Errorf("the request ended whole, and the status line still says:\n%s", v)
	}
	if v := ansi.Strip(press(m, "L").View()); !strings.Contains(v, "skipped 12,760 updates") {
		t.Errorf("the log does not keep the count:\n%s", v)
	}
}
