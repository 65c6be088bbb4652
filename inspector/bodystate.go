package inspector

// What the user chose for each body: its view, and in a multipart body
// the part selected and whether it is open. A choice belongs to one body
// of one request; the next request opens in its own default view.

import "github.com/wsgidev/wsgidev/devserver/exchange"

// bodyKey names a body: a request's, or its response's.
type bodyKey struct {
	id       uint64
	response bool
}

// bodyState is what the user chose for one body.
type bodyState struct {
	view     bodyView // viewAuto: the first view that applies
	part     int      // the part selected in a multipart body, from 0
	open     bool     // the selected part is shown whole
	partView bodyView // the open part's view
}

// shownBody is the body the current tab shows: the request's on the
// Request tab, the response's on the Body tab; ok is false elsewhere.
func (d *detailModel) shownBody() (key bodyKey, body exchange.Body, contentType string, ok bool) {
	if d.row == nil {
		return bodyKey{}, exchange.Body{}, "", false
	}
	ex := d.row.ex
	switch d.tab {
	case tabRequest:
		return bodyKey{id: ex.ID}, ex.RequestBody, headerValue(ex.RequestHeaders, "Content-Type"), true
	case tabBody:
		return bodyKey{id: ex.ID, response: true}, ex.ResponseBody, headerValue(ex.ResponseHeaders, "Content-Type"), true
	}
	return bodyKey{}, exchange.Body{}, "", false
}

// state is the choices for key, made when first needed.
func (d *detailModel) state(key bodyKey) *bodyState {
	if d.bodies == nil {
		d.bodies = map[bodyKey]*bodyState{}
	}
	s := d.bodies[key]
	if s == nil {
		s = &bodyState{}
		d.bodies[key] = s
	}
	return s
}

// changed says a choice changed: the tab is drawn again.
func (d *detailModel) changed() { d.choices++ }

// viewsShown are the views of the shown body, or of its open part, and
// the one it is in.
func (d *detailModel) viewsShown() (views []bodyView, current bodyView) {
	key, body, ct, ok := d.shownBody()
	if !ok {
		return nil, viewAuto
	}
	s := d.bodies[key]
	if s == nil {
		s = &bodyState{}
	}
	views = viewsFor(body.Data, ct)
	if pickView(s.view, views) == viewMultipart && s.open {
		if p, ok := d.openPart(body, ct, s); ok {
			views = partViews(p)
			return views, pickView(s.partView, views)
		}
	}
	return views, pickView(s.view, views)
}

// canCycle reports whether 'v' has another view to go to.
func (d *detailModel) canCycle() bool {
	d.lines()
	return d.cache.views > 1
}

// cycleView moves the shown body (or its open part) on to its next view.
func (d *detailModel) cycleView() {
	views, current := d.viewsShown()
	if len(views) < 2 {
		return
	}
	next := views[0]
	for i, v := range views {
		if v == current {
			next = views[(i+1)%len(views)]
		}
	}
	key, _, _, _ := d.shownBody()
	s := d.state(key)
	if s.open {
		s.partView = next
	} else {
		s.view = next
	}
	d.changed()
	d.scroll = 0
}

// openPart is the selected part of a multipart body, when there is one.
func (d *detailModel) openPart(body exchange.Body, ct string, s *bodyState) (bodyPart, bool) {
	mb, err := splitMultipart(body.Data, ct, body.Truncated)
	if err != nil || len(mb.parts) == 0 {
		return bodyPart{}, false
	}
	return mb.parts[min(s.part, len(mb.parts)-1)], true
}

// partCount is how many parts the tab lists or steps through: those of
// a multipart body in its parts view; 0 otherwise.
func (d *detailModel) partCount() int {
	d.lines()
	return d.cache.parts
}

// partOpen reports whether the tab shows one part whole.
func (d *detailModel) partOpen() bool {
	key, _, _, ok := d.shownBody()
	s := d.bodies[key]
	return ok && s != nil && s.open && d.partCount() > 0
}

// selectPart moves the selection by delta parts (an open part stays
// open, showing the next) and scrolls it into view.
func (d *detailModel) selectPart(delta int) {
	n := d.partCount()
	if n == 0 {
		return
	}
	key, _, _, _ := d.shownBody()
	s := d.state(key)
	next := max(0, min(n-1, s.part+delta))
	if next == s.part {
		return
	}
	s.part, s.partView = next, viewAuto
	d.changed()
	if s.open {
		d.scroll = 0
		return
	}
	if lines := d.cache.partLines; next < len(lines) {
		d.scrollTo(lines[next])
	}
}

// setPartOpen opens the selected part, or goes back to the list.
func (d *detailModel) setPartOpen(open bool) {
	key, _, _, _ := d.shownBody()
	s := d.state(key)
	if s.open == open {
		return
	}
	s.open, s.partView = open, viewAuto
	d.changed()
	d.scroll = 0
	if !open {
		d.lines()
		if lines := d.cache.partLines; s.part < len(lines) {
			d.scrollTo(lines[s.part])
		}
	}
}

// bodyKeyState fills in what the keys of content views, search in a
// body and saving depend on.
func (m *Model) bodyKeyState(ks *keyState) {
	if m.state == stateDetail {
		ks.matches = m.detail.matchTotal()
		ks.parts = m.detail.partCount()
		ks.partOpen = m.detail.partOpen()
	}
	ks.canSave = m.save.can()
}
