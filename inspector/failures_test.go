package inspector

import (
	"testing"
	"time"

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
