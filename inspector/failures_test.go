package inspector

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// raisedEarly is an app that raised before it returned an iterable:
// wsgidev answered with its error page, and nothing was closed.
func raisedEarly(id uint64) []exchange.Update {
	page := "500 Internal Server Error\n\nRuntimeError: boom before start_response\n"
	r := begin(id, time.Second, "GET", "/raise-before").
		environ(200*time.Microsecond).
		fail(1*ms, &exchange.Failure{Kind: exchange.FailException, Message: "RuntimeError: boom before start_response",
			Traceback: "Traceback (most recent call last):\n  File \"app.py\", line 3, in application\nRuntimeError: boom before start_response\n"})
	r.ex.Status = 500
	r.ex.ResponseHeaders = []exchange.Header{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}}
	r.ex.ResponseBody.Append([]byte(page), 1<<20)
	return r.end(2 * ms)
}

// An app that raised before returning had no iterable: the Body tab says
// so (not "yielded no body"), and the Timeline has no close().
func TestViewBodyNoIterable(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		m := send(newTestModel(w, h, testOptions()), UpdatesMsg(raisedEarly(1)))
		checkView(t, press(m, "enter", "4"))
	})
}

// outcomes are the three the issue found the markers disagree on: a
// client that left mid-stream, a held request its client left (released
// before the app), and an app that handled its error and answered 500
// with exc_info.
func outcomes() []exchange.Update {
	var u []exchange.Update
	left := begin(1, time.Second, "GET", "/stream").environ(200*time.Microsecond).
		startResponse(ms, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "text/plain"}).
		chunk(2*ms, "tick\n")
	left.event(3*ms, exchange.Event{Kind: exchange.EventError, Failure: exchange.FailCancelled, Text: "the client went away; the call was stopped"})
	left.ex.Failure = &exchange.Failure{Kind: exchange.FailCancelled, Message: "the client went away; the call was stopped"}
	u = append(u, left.done(4*ms)...)

	released := begin(2, 2*time.Second, "POST", "/form").held(ms, exchange.HeldBeforeApp).
		debug(5*time.Second, "released: the client went away")
	released.event(5*time.Second, exchange.Event{Kind: exchange.EventError, Failure: exchange.FailCancelled, Text: "the client went away while the request was held in the debugger"})
	released.ex.Failure = &exchange.Failure{Kind: exchange.FailCancelled, Message: "the client went away while the request was held in the debugger"}
	u = append(u, released.end(5*time.Second)...)

	handled := begin(3, 3*time.Second, "GET", "/handled").environ(200*time.Microsecond).
		startResponse(ms, "500 Internal Server Error", "Traceback (most recent call last):\nValueError: bad\n",
			exchange.Header{Name: "Content-Type", Value: "text/plain"}).
		chunk(2*ms, "sorry\n")
	return append(u, handled.done(3*ms)...)
}

// One rule for a failure, in the row, the summary, the Timeline and the
// status line's count: a client that left is ⊘ and no error, whether it
// left mid-stream or while held; a 5xx answer is an error (✗), called
// "answered 500", not "failed", when the app raised nothing.
func TestFailureMarksAgree(t *testing.T) {
	m := send(newTestModel(100, 30, testOptions()), UpdatesMsg(outcomes()))
	list := ansi.Strip(m.View())
	for _, want := range []string{"⊘ 10:00:01 GET     /stream", "⊘ 10:00:02 POST    /form", "✗ 10:00:03 GET     /handled", "3 requests · 1 error"} {
		if !strings.Contains(list, want) {
			t.Errorf("the list lacks %q:\n%s", want, list)
		}
	}
	for _, c := range []struct {
		keys        []string
		want, never string
	}{
		{[]string{"g", "enter", "6"}, "⊘ client left", "✗"},
		{[]string{"g", "j", "enter", "6"}, "⊘ client left", "✗"},
		{[]string{"G", "enter", "6"}, "✗ answered 500", "✗ failed"},
	} {
		v := ansi.Strip(press(m, c.keys...).View())
		if !strings.Contains(v, c.want) || strings.Contains(v, c.never) {
			t.Errorf("after %q: want %q and no %q:\n%s", c.keys, c.want, c.never, v)
		}
	}
	if m.c.store.row(1).Is(exchange.IsError) || !m.c.store.row(3).Is(exchange.IsError) {
		t.Errorf("is:error: the client that left is %v, the 500 %v; want false, true", m.c.store.row(1).Is(exchange.IsError), m.c.store.row(3).Is(exchange.IsError))
	}
}
