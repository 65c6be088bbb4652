package inspector

// In explain mode the detail view picks one explained entry at a time:
// it shows that one's whole text and every other one's short line, so a
// tab fits a projector. Up and Down pick the entry; scrolling keeps the
// pick on screen.

// span is where an entry lies in the flattened lines: [start, end).
type span struct{ start, end int }

// selecting is true when Up and Down pick an explained entry.
func (d *detailModel) selecting() bool {
	if !d.c.explain || d.c.opts.Explain == nil || d.row == nil {
		return false
	}
	d.lines()
	return len(d.cache.spans) > 0
}

// selectBy picks the entry delta places on and scrolls it into view: its
// whole text when it fits the page, else its first lines.
func (d *detailModel) selectBy(delta int) {
	d.lines()
	n := len(d.cache.spans)
	d.sel = max(0, min(n-1, d.sel+delta))
	d.lines() // the pick's whole text moves what follows it
	sp := d.cache.spans[d.sel]
	switch {
	case sp.start < d.scroll || sp.end-sp.start > d.page():
		d.scroll = sp.start
	case sp.end > d.scroll+d.page():
		d.scroll = sp.end - d.page()
	}
	d.clampScroll()
}

// selectShown keeps the pick on screen after a scroll: the first entry
// that starts in view, when the picked one is out of it.
func (d *detailModel) selectShown() {
	if !d.selecting() {
		return
	}
	spans := d.cache.spans
	d.sel = max(0, min(len(spans)-1, d.sel))
	top, bottom := d.scroll, d.scroll+d.page()
	if sp := spans[d.sel]; sp.start < bottom && sp.end > top {
		return
	}
	for i, sp := range spans {
		if sp.start >= top && sp.start < bottom {
			d.sel = i
			d.lines()
			return
		}
	}
}

// render is b's lines with its explanation: the whole text when picked,
// marked ▸, else the short line; under its lines or beside them.
func (d *detailModel) render(b *block, picked bool) []string {
	text := b.explain.short
	if picked {
		text = b.explain.full
	}
	var lines []string
	if col := b.explain.beside; col > 0 {
		sep := d.c.styles.Faint.Render(" │ ")
		for i := range max(len(b.lines), len(text)) {
			l, r := "", ""
			if i < len(b.lines) {
				l = b.lines[i]
			}
			if i < len(text) {
				r = text[i]
			}
			lines = append(lines, pad(l, col)+sep+r)
		}
	} else {
		lines = append(append(lines, b.lines...), text...)
	}
	if picked && len(lines) > 0 {
		if l := lines[0]; len(l) > 0 && l[0] == ' ' {
			lines[0] = d.c.styles.Note.Render("▸") + l[1:]
		}
	}
	if b.gap || (picked && b.explain.beside == 0 && len(text) > 1) {
		lines = append(lines, "")
	}
	return lines
}
