package inspector

import (
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// heldModel is the sample day with one more request held before the app,
// its environ edited once.
func heldModel(w, h int) Model {
	m := send(newTestModel(w, h, debugOptions(newFakeDebugger())), UpdatesMsg(sampleUpdates()))
	r := begin(7, 89*time.Second, "POST", "/api/items", exchange.Header{Name: "Content-Type", Value: "application/json"}).
		held(100*time.Microsecond, exchange.HeldBeforeApp).
		edit(ms, "PATH_INFO", "/api/items/7", false)
	return send(m, UpdatesMsg(r.updates))
}

func TestViewHeldList(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		checkView(t, heldModel(w, h))
	})
}

func TestViewEnvironEditor(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		m := press(heldModel(w, h), "i", "j", "j", "enter")
		m = typeText(m, "/v2")
		checkView(t, m)
	})
}

// The pdb console with the log pane open: both fit, the list keeps a few rows.
func TestViewPdbConsole(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		m := press(sampleModel(w, h), "L")
		m.pdb.ctl = newFakeDebugger()
		r := begin(7, 89*time.Second, "GET", "/pdb").environ(ms).
			log(2*ms, "stdout", "> /srv/app.py(5)application()\n-> seen.append('stepped')\n(Pdb) ").
			event(2*ms, exchange.Event{Kind: exchange.EventInput})
		m = typeText(send(m, UpdatesMsg(r.updates)), "p environ['PATH_INFO']")
		checkView(t, m)
	})
}
