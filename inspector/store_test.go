package inspector

import (
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func TestStoreKeepsAtMostKeep(t *testing.T) {
	opts := testOptions()
	opts.Keep = 100
	m := newTestModel(80, 24, opts)
	for batchStart := 0; batchStart < 10_000; batchStart += 250 {
		var u UpdatesMsg
		for i := batchStart; i < batchStart+250; i++ {
			u = append(u, begin(uint64(i+1), time.Duration(i)*ms, "GET", "/x").done(ms)...)
		}
		m = send(m, u)
	}
	s := m.c.store
	if len(s.rows) != 100 || len(s.byID) != 100 || s.len() != 100 {
		t.Fatalf("holds %d rows (%d by id), want 100", len(s.rows), len(s.byID))
	}
	if s.rows[0].ex.ID != 9901 || s.total != 10_000 || s.evicted != 9900 {
		t.Errorf("oldest #%d, total %d, evicted %d; want #9901, 10000, 9900", s.rows[0].ex.ID, s.total, s.evicted)
	}
	if m.list.selected != s.rows[99] {
		t.Errorf("the following list is not on the newest row")
	}
	// A late Done for a dropped exchange does not bring it back.
	m = send(m, UpdatesMsg{{Done: &exchange.Exchange{ID: 5, Method: "GET", Target: "/late"}}})
	if len(s.rows) != 100 || s.rows[99].ex.ID != 10_000 {
		t.Errorf("a late Done for a dropped exchange was added back")
	}
}

func TestStoreEvictionMovesPausedCursor(t *testing.T) {
	opts := testOptions()
	opts.Keep = 10
	m := newTestModel(80, 24, opts)
	var u UpdatesMsg
	for i := range 10 {
		u = append(u, begin(uint64(i+1), time.Duration(i)*ms, "GET", "/x").done(ms)...)
	}
	m = press(send(m, u), "k", "k", "k") // on #7, paused
	if m.list.selected.ex.ID != 7 {
		t.Fatalf("selected #%d, want #7", m.list.selected.ex.ID)
	}
	u = nil
	for i := 10; i < 13; i++ {
		u = append(u, begin(uint64(i+1), time.Duration(i)*ms, "GET", "/x").done(ms)...)
	}
	m = send(m, u)
	if m.list.selected.ex.ID != 7 || m.list.cursor != 3 || m.list.newCount != 3 {
		t.Errorf("after 3 dropped and 3 new: selected #%d at %d with %d new; want #7 at 3 with 3 new",
			m.list.selected.ex.ID, m.list.cursor, m.list.newCount)
	}
}

func TestStoreLiveToDoneAndFilter(t *testing.T) {
	m := newTestModel(80, 24, testOptions())
	m = press(m, "/")
	m = press(typeText(m, "status:5xx"), "enter")
	r := begin(1, 0, "GET", "/slow").environ(ms)
	m = send(m, UpdatesMsg(r.updates))
	if m.c.store.len() != 0 || m.c.store.live != 1 {
		t.Fatalf("a running request without a status passed status:5xx")
	}
	n := len(r.updates)
	r.startResponse(2*ms, "500 Internal Server Error", "")
	m = send(m, UpdatesMsg(r.updates[n:]))
	if m.c.store.len() != 1 {
		t.Fatalf("start_response with 500 did not make the row pass status:5xx")
	}
	m = send(m, UpdatesMsg(r.done(3 * ms)[len(r.updates):]))
	s := m.c.store
	if s.len() != 1 || s.live != 0 || s.errors != 1 || s.rows[0].live {
		t.Errorf("after done: %d shown, %d live, %d errors", s.len(), s.live, s.errors)
	}
	if m.list.selected != s.rows[0] {
		t.Errorf("the list did not select the row that came to pass the filter")
	}
}

func TestStoreIgnoresStrays(t *testing.T) {
	m := newTestModel(80, 24, testOptions())
	// An event for an exchange whose start the hub dropped is ignored;
	// its Done still makes a row.
	m = send(m, UpdatesMsg{
		{Event: &exchange.EventOf{ID: 9, Event: exchange.Event{Kind: exchange.EventChunk, Size: 3}}},
		{Done: &exchange.Exchange{ID: 9, Method: "GET", Target: "/x", Status: 200, Start: base}},
	})
	if m.c.store.len() != 1 || m.c.store.live != 0 {
		t.Fatalf("%d rows, %d live; want 1 done row", m.c.store.len(), m.c.store.live)
	}
	// Duplicate starts do not double a row.
	u := begin(10, 0, "GET", "/y").updates
	m = send(m, UpdatesMsg(append(u, u...)))
	if m.c.store.len() != 2 {
		t.Errorf("%d rows after a duplicate start, want 2", m.c.store.len())
	}
}

func TestBodyCapIsSaid(t *testing.T) {
	r := begin(1, 0, "POST", "/upload", exchange.Header{Name: "Content-Type", Value: "text/plain"}).environ(ms)
	r.ex.RequestBody.Append([]byte(strings.Repeat("x", 100)), 64)
	m := press(send(newTestModel(80, 24, testOptions()), UpdatesMsg(r.done(2*ms))), "enter", "2")
	view := m.View()
	for _, want := range []string{"Body  100 B · text/plain", "captured the first 64 B of 100 B (the capture cap)"} {
		if !strings.Contains(view, want) {
			t.Errorf("the Request tab does not say %q:\n%s", want, view)
		}
	}
}

// A request that starts and ends in one batch goes in whole, in the order
// requests started, counted once; one still running stays live.
func TestStoreBatchTakesFinishedRequestsWhole(t *testing.T) {
	m := newTestModel(80, 24, testOptions())
	a := begin(1, 0, "GET", "/a").environ(ms).startResponse(2*ms, "500 Oops", "")
	b := begin(2, ms, "GET", "/b").environ(ms).startResponse(2*ms, "200 OK", "").chunk(3*ms, "hi")
	c := begin(3, 2*ms, "GET", "/c").environ(ms)
	var u UpdatesMsg
	u = append(u, a.updates[0], b.updates[0], c.updates[0])
	bDone := b.done(4 * ms)
	u = append(u, bDone[1:]...)
	aDone := a.done(5 * ms)
	u = append(u, aDone[1:]...)
	u = append(u, c.updates[1:]...)
	m = send(m, u)
	s := m.c.store
	if len(s.rows) != 3 || s.rows[0].ex.ID != 1 || s.rows[1].ex.ID != 2 || s.rows[2].ex.ID != 3 {
		t.Fatalf("rows %v, want #1 #2 #3 in the order they started", rowIDs(s.rows))
	}
	if s.rows[0].ex != a.ex || s.rows[0].live || s.rows[1].ex != b.ex || s.rows[1].live {
		t.Errorf("finished requests were not taken as the hub's done exchanges")
	}
	if s.rows[0].version != 1 || s.rows[1].version != 1 {
		t.Errorf("finished requests changed %d and %d times, want once: built up live, not taken whole", s.rows[0].version, s.rows[1].version)
	}
	if !s.rows[2].live || len(s.rows[2].ex.Events) != 1 {
		t.Errorf("the running request: live %v with %d events, want live with 1", s.rows[2].live, len(s.rows[2].ex.Events))
	}
	if s.errors != 1 || s.live != 1 || s.total != 3 {
		t.Errorf("errors %d, live %d, total %d; want 1, 1, 3", s.errors, s.live, s.total)
	}
	if len(s.finished) != 0 {
		t.Errorf("the batch's finished exchanges were kept after it: %d", len(s.finished))
	}
}

func rowIDs(rows []*row) []uint64 {
	ids := make([]uint64, len(rows))
	for i, r := range rows {
		ids[i] = r.ex.ID
	}
	return ids
}
