package inspector

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// listModel is the request list: a window onto the store's visible rows
// that follows new requests until the user moves up, then stays put and
// counts what arrived.
type listModel struct {
	c      *common
	width  int
	height int // the header line included

	cursor   int
	offset   int  // the first row shown
	selected *row // the row under the cursor, to find it again
	follow   bool
	newCount int // rows that arrived below while not following

	paints *rowPaints // the row styles, resolved for the current renderer

	clicked   *row // the row last clicked, and when: a second click opens it
	clickedAt time.Time
}

func newListModel(c *common) *listModel { return &listModel{c: c, follow: true} }

func (l *listModel) Init() tea.Cmd { return nil }

func (l *listModel) SetSize(width, height int) {
	l.width, l.height = width, height
	l.scrollToCursor()
}

// page is how many rows fit.
func (l *listModel) page() int { return max(1, l.height-1) }

func (l *listModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := &l.c.keys
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			l.moveTo(l.cursor - 1)
		case key.Matches(msg, k.Down):
			l.moveTo(l.cursor + 1)
		case key.Matches(msg, k.PageUp):
			l.moveTo(l.cursor - l.page())
		case key.Matches(msg, k.PageDown):
			l.moveTo(l.cursor + l.page())
		case key.Matches(msg, k.HalfUp):
			l.moveTo(l.cursor - l.page()/2)
		case key.Matches(msg, k.HalfDown):
			l.moveTo(l.cursor + l.page()/2)
		case key.Matches(msg, k.Top):
			l.moveTo(0)
		case key.Matches(msg, k.Bottom):
			l.moveTo(l.c.store.len() - 1)
		}
	case tea.MouseMsg:
		switch {
		case msg.Button == tea.MouseButtonWheelUp:
			l.moveTo(l.cursor - 3)
		case msg.Button == tea.MouseButtonWheelDown:
			l.moveTo(l.cursor + 3)
		case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionPress && msg.Y >= 1:
			if i := l.offset + msg.Y - 1; i < l.c.store.len() {
				l.click(i)
			}
		}
	}
	return l, nil
}

// doubleClick is how soon a second click on a row opens it.
const doubleClick = 400 * time.Millisecond

// click selects row i; a second click on it soon after opens it.
func (l *listModel) click(i int) {
	now := l.c.now()
	r := l.c.store.at(i)
	if r == l.clicked && now.Sub(l.clickedAt) <= doubleClick {
		l.clicked = nil
		l.c.post(showMsg(r.ex.ID))
		return
	}
	l.clicked, l.clickedAt = r, now
	l.moveTo(i)
}

// moveTo puts the cursor on row i (clamped). Reaching the last row
// follows new requests again; anything else stops following.
func (l *listModel) moveTo(i int) {
	n := l.c.store.len()
	if n == 0 {
		l.cursor, l.offset, l.selected, l.follow, l.newCount = 0, 0, nil, true, 0
		return
	}
	l.cursor = min(max(i, 0), n-1)
	l.selected = l.c.store.at(l.cursor)
	l.follow = l.cursor == n-1
	if l.follow {
		l.newCount = 0
	}
	l.newCount = min(l.newCount, n-1-l.cursor)
	l.scrollToCursor()
}

func (l *listModel) scrollToCursor() {
	n, page := l.c.store.len(), l.page()
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+page {
		l.offset = l.cursor - page + 1
	}
	l.offset = max(0, min(l.offset, n-page))
}

// ingested follows a batch of updates: rows dropped from the front shift
// the cursor; new rows move it when following and are counted otherwise.
func (l *listModel) ingested(b batch) {
	if b.rebuilt {
		l.relocate()
		return
	}
	l.cursor -= b.droppedFront
	l.offset = max(0, l.offset-b.droppedFront)
	if !l.follow {
		l.newCount += b.appended
	}
	l.settle()
}

// relocate finds the selected row again after the visible rows changed
// (a filter, or a row that started or stopped passing it).
func (l *listModel) relocate() {
	if l.selected != nil && !l.follow {
		l.cursor, _ = l.c.store.index(l.selected)
	}
	l.settle()
}

func (l *listModel) settle() {
	n := l.c.store.len()
	if l.follow {
		l.cursor = n - 1
	}
	if n == 0 {
		l.moveTo(0)
		return
	}
	l.cursor = min(max(l.cursor, 0), n-1)
	l.selected = l.c.store.at(l.cursor)
	l.newCount = max(0, min(l.newCount, n-1-l.cursor))
	l.scrollToCursor()
}

// reset follows the newest request again (after a clear).
func (l *listModel) reset() {
	l.follow, l.newCount = true, 0
	l.settle()
}

func (l *listModel) ShortHelp() []key.Binding {
	k := &l.c.keys
	return []key.Binding{k.Up, k.Down, k.Open, k.Filter, k.ToggleLog, k.Help, k.Quit}
}

func (l *listModel) FullHelp() [][]key.Binding {
	k := &l.c.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown, k.Top, k.Bottom},
		{k.Open, k.Filter, k.ClearFilter, k.Clear},
		{k.Replay.Replay, k.Replay.EditReplay, k.Replay.CopyCurl, k.Replay.Pin, k.Replay.PinDiffs, k.Save.Write},
		{k.ToggleLog, k.Explain, k.Reload, k.Help, k.Quit},
	}
}

// columns are the list's column widths for the current width.
type columns struct {
	time, method, path, status, dur, size int
	millis                                bool
}

func (l *listModel) columns() columns {
	c := columns{time: 8, method: 7, status: 3, dur: 9, size: 9}
	if l.width >= 110 {
		c.time, c.millis = 12, true
	}
	fixed := 3 + c.time + 1 + c.method + 1 + 1 + c.status + 1 + c.dur + 1 + c.size
	c.path = max(8, l.width-fixed)
	return c
}

func (l *listModel) View() string {
	st := &l.c.styles
	cols := l.columns()
	var b strings.Builder
	b.WriteString(pad(st.Header.Render(fit(l.header(cols), l.width)), l.width))
	n := l.c.store.len()
	if n == 0 {
		b.WriteString("\n")
		b.WriteString(l.emptyView())
		return b.String()
	}
	end := min(n, l.offset+l.page())
	for i := l.offset; i < end; i++ {
		b.WriteByte('\n')
		b.WriteString(l.cachedRow(l.c.store.at(i), i == l.cursor, cols))
	}
	for i := end - l.offset; i < l.page(); i++ {
		b.WriteByte('\n')
	}
	return b.String()
}

func (l *listModel) header(c columns) string {
	return "   " + pad("TIME", c.time) + " " + pad("METHOD", c.method) + " " + pad("PATH", c.path) + " " +
		pad("STS", c.status) + " " + padLeft("DURATION", c.dur) + " " + padLeft("SIZE", c.size)
}

func (l *listModel) emptyView() string {
	st := &l.c.styles
	var msg []string
	switch {
	case l.c.store.filter.active():
		msg = []string{"No requests match " + strconv.Quote(l.c.store.filter.query) + ".", "esc clears the filter."}
	case l.c.opts.URL != "":
		msg = []string{"Waiting for requests on " + l.c.opts.URL, "Open it in a browser, or: curl " + l.c.opts.URL}
	default:
		msg = []string{"Waiting for requests."}
	}
	lines := make([]string, 0, l.page())
	top := max(0, (l.page()-len(msg))/3)
	for range top {
		lines = append(lines, "")
	}
	for _, m := range msg {
		lines = append(lines, st.Empty.Render(fit("   "+m, l.width)))
	}
	for len(lines) < l.page() {
		lines = append(lines, "")
	}
	return strings.Join(lines[:l.page()], "\n")
}

// rowCache is a row's drawn line and what it was drawn for.
type rowCache struct {
	text     string
	version  int
	width    int
	selected bool
	pinned   bool               // the ◆ mark is drawn from the pins, not the row
	styles   *lipgloss.Renderer // the styles' renderer: new styles, new lines
}

// cachedRow draws a finished row once for as long as it, the width and the
// selection stay the same; a live row's running time changes every draw.
func (l *listModel) cachedRow(r *row, selected bool, c columns) string {
	if r.live {
		return l.rowView(r, selected, c)
	}
	key := rowCache{version: r.version, width: l.width, selected: selected,
		pinned: r.pinned, styles: l.c.styles.renderer}
	if cached := r.view; cached.text != "" {
		if cached.text = ""; cached == key {
			return r.view.text
		}
	}
	key.text = l.rowView(r, selected, c)
	r.view = key
	return key.text
}

// rowView draws one exchange. The selected row is drawn plain in the
// selection style, so its background runs unbroken across the line.
func (l *listModel) rowView(r *row, selected bool, c columns) string {
	if l.paints == nil || l.paints.renderer != l.c.styles.renderer {
		l.paints = l.c.styles.rowPaints()
	}
	p := l.paints
	ex := r.ex
	cursor := " "
	if selected {
		cursor = "›"
	}
	mark, markPaint := " ", p.dim
	switch {
	case atGate(r):
		mark, markPaint = "⏸", p.held
	case r.live:
		mark, markPaint = "●", p.live
	case r.isError:
		mark, markPaint = "✗", p.errorMark
	case r.left:
		mark, markPaint = "⊘", p.left
	case len(ex.Lint) > 0:
		mark, markPaint = "!", p.warn
	}
	layout := "15:04:05"
	if c.millis {
		layout = "15:04:05.000"
	}
	when := ex.Start.Format(layout)
	status, dur, size := rowCells(r, l.c.now())
	if atGate(r) {
		dur = "⏸ held"
	}
	target := marks(r) + sanitize(ex.Target)
	if selected {
		line := cursor + mark + " " + pad(when, c.time) + " " + pad(ex.Method, c.method) + " " + pad(target, c.path) + " " +
			pad(status, c.status) + " " + padLeft(dur, c.dur) + " " + padLeft(size, c.size)
		return p.selected.render(pad(line, l.width))
	}
	statusPaint := p.statusPaint(r.status)
	if r.status == 0 && r.live {
		statusPaint = p.dim
	}
	line := cursor + markPaint.render(mark) + " " + p.dim.render(pad(when, c.time)) + " " + p.method.render(pad(ex.Method, c.method)) + " " +
		pad(target, c.path) + " " + statusPaint.render(pad(status, c.status)) + " " + p.dim.render(padLeft(dur, c.dur)) + " " + padLeft(size, c.size)
	return fit(line, l.width)
}

// rowCells are the status, duration and size texts of a row; a live row's
// duration runs to now.
func rowCells(r *row, now time.Time) (status, dur, size string) {
	ex := r.ex
	switch {
	case r.status != 0:
		status = strconv.Itoa(r.status)
	case r.live:
		status = "…"
	default:
		status = "---"
	}
	if r.live {
		dur = formatElapsed(now.Sub(ex.Start)) + "…"
		size = formatSize(r.sent)
	} else {
		dur = formatDuration(ex.Duration)
		size = formatSize(ex.ResponseBody.Size)
	}
	return status, dur, size
}
