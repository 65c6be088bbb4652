package inspector

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// row is one exchange as the list holds it, with what the list and the
// filter need precomputed.
type row struct {
	seq     uint64             // arrival order; rows and visible are sorted by it
	ex      *exchange.Exchange // our own copy while live; the hub's read-only one once done
	live    bool
	waiting bool // waits for a thread of the app (live only)
	version int  // bumped on every change, so views know to redraw

	method  string // ex.Method
	status  int
	isError bool  // exchange.Exchange.Failed: the list's ✗, counted as an error
	left    bool  // exchange.Exchange.ClientLeft: the list's ⊘
	pinned  bool  // pinned in the inspector (replayed after every reload)
	chunks  int   // body chunks seen (live: from events)
	sent    int64 // body bytes seen (live: from events)

	search string // exchange.SearchText, made when a filter first needs it (filter.go)

	view rowCache // the list line last drawn for this row
}

func (r *row) refresh() {
	r.search = ""
	r.isError = r.ex.Failed()
	r.left = r.ex.ClientLeft()
}

// done takes the finished exchange.
func (r *row) done(ex *exchange.Exchange) {
	r.ex, r.live = ex, false
	r.status = ex.Status
	r.chunks, r.sent = 0, ex.ResponseBody.Size
	for i := range ex.Events {
		if k := ex.Events[i].Kind; k == exchange.EventChunk || k == exchange.EventWrite {
			r.chunks++
		}
	}
	r.refresh()
	r.version++
}

// event adds a step to a live row; it reports whether the status changed.
func (r *row) event(of *exchange.EventOf) bool {
	e := of.Event
	r.ex.Events = append(r.ex.Events, e)
	r.version++
	switch e.Kind {
	case exchange.EventEnviron:
		r.ex.Environ = of.Environ
	case exchange.EventChunk, exchange.EventWrite:
		r.chunks++
		r.sent += int64(e.Size)
		// Our own copy of the body: Data is shared, and appending to the
		// Started copy's nil slice never writes into the hub's array.
		r.ex.ResponseBody.Data = append(r.ex.ResponseBody.Data, of.Data...)
		r.ex.ResponseBody.Size = r.sent
		r.ex.ResponseBody.Truncated = int64(len(r.ex.ResponseBody.Data)) < r.sent
	case exchange.EventStartResponse:
		if code, err := strconv.Atoi(firstWord(e.Status)); err == nil && code != r.status {
			r.status = code
			r.ex.Status = code
			r.ex.ResponseHeaders = e.Headers
			r.refresh()
			return true
		}
	case exchange.EventError:
		if e.Failure.IsError() {
			r.isError = true
		} else {
			r.left = true
		}
		return true
	}
	return false
}

func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}

// store holds the exchanges the inspector keeps: at most keep, oldest
// dropped first, and the filtered view of them.
type store struct {
	keep  int
	seq   uint64
	rows  []*row
	byID  map[uint64]*row
	maxID uint64
	floor uint64 // updates for IDs at or below were cleared or dropped

	filter  filter
	visible []*row // the rows the filter passes; nil when no filter
	dirty   bool   // a row changed whether it passes: rebuild visible

	total   int // requests since start (or the last clear)
	errors  int
	live    int
	waiting int // live rows waiting for a thread of the app
	evicted int // rows dropped to stay within keep

	// finished holds the exchanges a batch ends, by ID, while the batch is
	// applied: a request that starts and ends within one batch (most, on a
	// busy server) goes in whole at its start, without a live copy to
	// build up event by event. Kept between batches for its buckets.
	finished map[uint64]*exchange.Exchange
}

// batch is what one batch of updates did to the visible list.
type batch struct {
	appended     int  // visible rows added at the end
	droppedFront int  // visible rows dropped from the front
	rebuilt      bool // visible was rebuilt: find the selection again
}

func newStore(keep int) *store {
	return &store{keep: keep, byID: map[uint64]*row{}, finished: map[uint64]*exchange.Exchange{}}
}

// prepare looks ahead in a batch for the exchanges it ends; finish forgets
// them.
func (s *store) prepare(updates []exchange.Update) {
	for _, u := range updates {
		if u.Done != nil {
			s.finished[u.Done.ID] = u.Done
		}
	}
}

// len is the number of visible rows.
func (s *store) len() int {
	if s.filter.active() {
		return len(s.visible)
	}
	return len(s.rows)
}

// at is the i-th visible row.
func (s *store) at(i int) *row {
	if s.filter.active() {
		return s.visible[i]
	}
	return s.rows[i]
}

// index finds r among the visible rows, or where it would be.
func (s *store) index(r *row) (int, bool) {
	list := s.rows
	if s.filter.active() {
		list = s.visible
	}
	i := sort.Search(len(list), func(i int) bool { return list[i].seq >= r.seq })
	return i, i < len(list) && list[i] == r
}

// apply takes one exchange update (Started, Event or Done).
func (s *store) apply(u exchange.Update, b *batch) {
	switch {
	case u.Started != nil:
		if _, ok := s.byID[u.Started.ID]; ok || u.Started.ID <= s.floor {
			return
		}
		if done := s.finished[u.Started.ID]; done != nil {
			s.countError(s.add(done, false, b))
			return
		}
		ex := *u.Started                   // ours to append events to; the hub's copy is shared
		ex.Events = slices.Clip(ex.Events) // so appending never writes into a shared array
		s.add(&ex, true, b)
	case u.Event != nil:
		r := s.byID[u.Event.ID]
		if r == nil || !r.live {
			return // its start was dropped by the hub, or it is done already
		}
		switch u.Event.Event.Kind {
		case exchange.EventWaitThread:
			s.trackWait(r, true)
		case exchange.EventGotThread:
			s.trackWait(r, false)
		}
		was := s.passes(r)
		if r.event(u.Event) && s.passes(r) != was {
			s.dirty = true
		}
	case u.Done != nil:
		r := s.byID[u.Done.ID]
		switch {
		case r == nil && u.Done.ID <= s.floor:
			return
		case r != nil && !r.live && r.ex == u.Done:
			return // added whole at its start, in this batch
		case r == nil:
			r = s.add(u.Done, false, b)
		default:
			was := s.passes(r)
			if r.live {
				s.live--
			}
			s.trackWait(r, false)
			r.done(u.Done)
			if s.passes(r) != was {
				s.dirty = true
			}
		}
		s.countError(r)
	}
}

// trackWait counts r among the requests waiting for a thread, or no more
// (it got one, or ended).
func (s *store) trackWait(r *row, waiting bool) {
	if r.waiting != waiting {
		r.waiting = waiting
		if waiting {
			s.waiting++
		} else {
			s.waiting--
		}
	}
}

func (s *store) countError(r *row) {
	if r.isError {
		s.errors++
	}
}

func (s *store) passes(r *row) bool { return !s.filter.active() || s.filter.match(r) }

func (s *store) add(ex *exchange.Exchange, live bool, b *batch) *row {
	s.seq++
	r := &row{seq: s.seq, ex: ex, live: live, method: ex.Method}
	if live {
		r.refresh()
	} else {
		r.done(ex)
	}
	s.rows = append(s.rows, r)
	s.byID[ex.ID] = r
	s.maxID = max(s.maxID, ex.ID)
	s.total++
	if live {
		s.live++
	}
	if s.filter.active() && s.filter.match(r) {
		s.visible = append(s.visible, r)
		b.appended++
	} else if !s.filter.active() {
		b.appended++
	}
	return r
}

// finish ends a batch: drops the oldest rows beyond keep and rebuilds the
// filtered view if a row's match changed.
func (s *store) finish(b *batch) {
	clear(s.finished)
	if n := len(s.rows) - s.keep; s.keep > 0 && n > 0 {
		last := s.rows[n-1].seq
		for i, r := range s.rows[:n] {
			delete(s.byID, r.ex.ID)
			s.floor = max(s.floor, r.ex.ID)
			if r.live {
				s.live--
			}
			s.trackWait(r, false)
			s.rows[i] = nil
		}
		s.rows = s.rows[n:]
		s.evicted += n
		if s.filter.active() {
			k := sort.Search(len(s.visible), func(i int) bool { return s.visible[i].seq > last })
			clear(s.visible[:k])
			s.visible = s.visible[k:]
			b.droppedFront += k
		} else {
			b.droppedFront += n
		}
	}
	if s.dirty {
		s.rebuild(s.rows, false)
		b.rebuilt = true
	}
}

// setFilter applies a new query; it reports whether the visible rows changed.
func (s *store) setFilter(query string) bool {
	next := parseFilter(query)
	if next.query == s.filter.query {
		return false
	}
	prev := s.filter
	s.filter = next
	switch {
	case !next.active():
		s.visible = nil
	case prev.narrows(next):
		s.rebuild(s.visible, true)
	default:
		s.rebuild(s.rows, false)
	}
	return true
}

// rebuild sets visible to the rows of from that pass the filter. With
// inPlace, from is visible itself and is filtered where it lies: the
// filter only ever drops rows from it.
func (s *store) rebuild(from []*row, inPlace bool) {
	s.dirty = false
	if !s.filter.active() {
		s.visible = nil
		return
	}
	out := make([]*row, 0, min(len(from), 1024))
	if inPlace {
		out = from[:0]
	}
	for _, r := range from {
		if s.filter.match(r) {
			out = append(out, r)
		}
	}
	if inPlace {
		clear(from[len(out):]) // let the dropped rows go
	}
	s.visible = out
}

// row is the row of request id, nil when it is not in the list.
func (s *store) row(id uint64) *row { return s.byID[id] }

// setPinned marks the row of id pinned or not, and filters again when the
// filter asks about pins.
func (s *store) setPinned(id uint64, on bool) (changed bool) {
	if r := s.byID[id]; r != nil {
		r.pinned = on
		r.version++
	}
	if s.filter.asks(exchange.IsPinned) {
		s.rebuild(s.rows, false)
		return true
	}
	return false
}

// heldChanged says a row's place in the debugger changed: the filter is
// tried again at the end of the batch when it asks about held requests.
func (s *store) heldChanged() {
	if s.filter.asks(exchange.IsHeld) {
		s.dirty = true
	}
}

// reset forgets every exchange (the "clear list" key); requests still
// running are forgotten too, and their later updates ignored.
func (s *store) reset() {
	s.rows, s.visible = nil, nil
	if s.filter.active() {
		s.visible = []*row{}
	}
	s.byID = map[uint64]*row{}
	s.floor = s.maxID
	s.total, s.errors, s.live, s.waiting, s.evicted = 0, 0, 0, 0, 0
	s.dirty = false
}
