package inspector

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// tab is one page of the detail view.
type tab int

const (
	tabEnviron tab = iota
	tabRequest
	tabResponse
	tabBody
	tabLog
	tabTimeline
	tabWire
	tabLayers
	numTabs
)

func (t tab) String() string {
	switch t {
	case tabEnviron:
		return "Environ"
	case tabRequest:
		return "Request"
	case tabResponse:
		return "Response"
	case tabBody:
		return "Body"
	case tabLog:
		return "Log"
	case tabWire:
		return "Wire"
	case tabLayers:
		return "Layers"
	default:
		return "Timeline"
	}
}

// showsBody is true for the tabs whose body view 'v' changes.
func (t tab) showsBody() bool { return t == tabRequest || t == tabBody }

// finds is true for the tabs where a search marks its matches and n and
// N jump between them (find.go); elsewhere it keeps the matching entries.
func (t tab) finds() bool { return t.showsBody() }

// block is a piece of a tab: a heading, or an entry that a search can match
// (an environ key, a header, a line of a body).
type block struct {
	heading bool
	text    string // what a search looks in, lowercase; empty for headings
	lines   []string
	explain *explained // explain mode's text for the entry (explain.go)
	gap     bool       // a blank line ends the entry (the large theme)
	part    int        // the part of a multipart body this block heads, from 1; 0: none
}

// detailModel shows one exchange in tabs. It holds the row itself, so new
// requests arriving never change what it shows.
type detailModel struct {
	c      *common
	width  int
	height int

	row     *row
	tab     tab
	scroll  int
	search  string
	match   int  // the current match of the search in a tab that finds
	sel     int  // the explained entry whose whole text shows (explain_select.go)
	call    bool // the Timeline tab shows the call as Python (callview.go)
	tabRoom int  // cells the tab bar's right side took when last drawn (tabbar.go)

	bodies  map[bodyKey]*bodyState // the choices made for each body (bodystate.go)
	choices int                    // bumped on every choice, so the tab is drawn again

	cache struct {
		row     *row
		version int
		tab     tab
		width   int
		choices int
		explain bool
		call    bool
		blocks  []block // the tab laid out, before the search and the pick
		search  string
		sel     int
		base    []string // the tab's lines, matches not marked
		lines   []string // base with the matches marked
		spans   []span   // where each explained entry is in base

		views     int     // how many views the tab's body has
		parts     int     // the parts of the tab's multipart body, when listed or open
		partLines []int   // where each listed part starts in base
		matches   []match // where the search matches, in a tab that finds
		drawn     int     // the match marked current in lines; -1: none yet
	}
}

func newDetailModel(c *common) *detailModel { return &detailModel{c: c} }

func (d *detailModel) Init() tea.Cmd { return nil }

// SetSize only records the size: the content is laid out when drawn.
func (d *detailModel) SetSize(width, height int) { d.width, d.height = width, height }

// show switches to r, keeping the tab and search.
func (d *detailModel) show(r *row) {
	if r != d.row {
		d.row, d.scroll, d.sel = r, 0, 0
		d.seek()
	}
}

// page is the number of content lines: the summary and tab lines aside.
func (d *detailModel) page() int { return max(1, d.height-2) }

func (d *detailModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := &d.c.keys
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case d.selecting() && key.Matches(msg, k.Up):
			d.selectBy(-1)
		case d.selecting() && key.Matches(msg, k.Down):
			d.selectBy(1)
		case key.Matches(msg, k.Up):
			d.scrollBy(-1)
		case key.Matches(msg, k.Down):
			d.scrollBy(1)
		case key.Matches(msg, k.PageUp):
			d.scrollBy(-d.page())
		case key.Matches(msg, k.PageDown):
			d.scrollBy(d.page())
		case key.Matches(msg, k.HalfUp):
			d.scrollBy(-d.page() / 2)
		case key.Matches(msg, k.HalfDown):
			d.scrollBy(d.page() / 2)
		case key.Matches(msg, k.Top):
			d.scroll = 0
		case key.Matches(msg, k.Bottom):
			d.scroll = len(d.lines()) // clamped below
		case key.Matches(msg, k.NextTab):
			d.setTab((d.tab + 1) % numTabs)
		case key.Matches(msg, k.PrevTab):
			d.setTab((d.tab + numTabs - 1) % numTabs)
		case key.Matches(msg, k.GotoTab):
			if n, err := strconv.Atoi(msg.String()); err == nil {
				d.setTab(tab(n - 1))
			}
		case key.Matches(msg, k.BodyView):
			d.cycleView()
		case key.Matches(msg, k.CallView):
			d.toggleCall()
		default:
			d.bodyKey(msg)
		}
		d.clampScroll()
		d.selectShown()
	case tea.MouseMsg:
		switch {
		case msg.Button == tea.MouseButtonWheelUp:
			d.scrollBy(-3)
		case msg.Button == tea.MouseButtonWheelDown:
			d.scrollBy(3)
		case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionPress && msg.Y == 1:
			if t, ok := d.tabAt(msg.X); ok { // a click on the tab bar
				d.setTab(t)
			}
		}
		d.clampScroll()
		d.selectShown()
	}
	return d, nil
}

func (d *detailModel) setTab(t tab) {
	if t != d.tab && t >= 0 && t < numTabs {
		d.tab, d.scroll, d.sel = t, 0, 0
		d.seek()
	}
}

// toggleCall switches the Timeline between its steps and the call as
// Python; from another tab it opens the Timeline on the call.
func (d *detailModel) toggleCall() {
	if d.tab != tabTimeline {
		d.setTab(tabTimeline)
		d.call = true
		return
	}
	d.call, d.scroll = !d.call, 0
}

// setSearch searches the tab for q: a tab that finds goes to the first
// match from where it is; another keeps only the entries that match.
func (d *detailModel) setSearch(q string) {
	if q == d.search {
		return
	}
	d.search, d.sel = q, 0
	if d.tab.finds() {
		d.seek()
	} else {
		d.scroll = 0
	}
}

func (d *detailModel) scrollBy(n int) { d.scroll += n; d.clampScroll() }

func (d *detailModel) clampScroll() {
	d.scroll = max(0, min(d.scroll, len(d.lines())-d.page()))
}

func (d *detailModel) ShortHelp() []key.Binding {
	k := &d.c.keys
	// A narrow bar drops keys from the end, help and quit kept: the
	// least needed go last. t is in the bar on the Timeline only (the
	// help page lists it everywhere).
	bar := []key.Binding{k.Body.ClosePart, k.Back, k.ClearFilter, k.Body.NextMatch, k.Body.OpenPart, k.NextTab}
	if d.tab == tabTimeline {
		bar = append(bar, k.CallView)
	}
	return append(bar, k.Filter, k.Explain, k.NextRequest, k.Help, k.Quit)
}

func (d *detailModel) FullHelp() [][]key.Binding {
	k := &d.c.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown, k.Top, k.Bottom},
		{k.NextTab, k.PrevTab, k.GotoTab, k.NextRequest, k.PrevRequest, k.BodyView, k.CallView},
		{k.Body.NextMatch, k.Body.PrevMatch, k.Body.NextPart, k.Body.PrevPart, k.Body.OpenPart, k.Body.ClosePart},
		{k.Replay.Replay, k.Replay.EditReplay, k.Replay.CopyCurl, k.Replay.Pin, k.Replay.PinDiffs, k.Save.Write},
		{k.Filter, k.ClearFilter, k.Back, k.ToggleLog, k.Explain, k.Reload, k.Help, k.Quit},
	}
}

// lines are the current tab's content: its blocks, cached until the
// exchange, tab, width, explain mode or a choice for a body changes,
// flattened again when the search or the picked explanation changes; the
// current match is marked again when it moves.
func (d *detailModel) lines() []string {
	if d.row == nil {
		return nil
	}
	c := &d.cache
	if c.row != d.row || c.version != d.row.version || c.tab != d.tab || c.width != d.width ||
		c.choices != d.choices || c.explain != d.c.explain || c.call != d.call || c.blocks == nil {
		c.row, c.version, c.tab, c.width, c.choices = d.row, d.row.version, d.tab, d.width, d.choices
		c.explain, c.call = d.c.explain, d.call
		doc := &doc{c: d.c, row: d.row, width: d.width, bodies: d.bodies, call: d.call}
		c.blocks = doc.build(d.tab)
		c.views, c.parts = doc.views, doc.parts
		c.base = nil
	}
	if c.base == nil || c.search != d.search || c.sel != d.sel {
		c.search, c.sel = d.search, d.sel
		if d.tab.finds() {
			c.base, c.partLines, c.spans = d.flattenAll(c.blocks)
			c.matches = findMatches(c.base, d.search)
		} else {
			c.base, c.spans = d.flatten(c.blocks)
			c.partLines, c.matches = nil, nil
		}
		c.lines, c.drawn = c.base, -1
		d.match = min(d.match, max(0, len(c.matches)-1)) // a body that changed may have fewer
	}
	if len(c.matches) > 0 && c.drawn != d.match {
		c.lines = markMatches(c.base, c.matches, d.match, &d.c.styles)
		c.drawn = d.match
	}
	return c.lines
}

// doc lays one exchange out as the detail view's tabs, in blocks of
// lines. What it draws depends on its fields and explain mode alone, so
// the detail view caches it (detail_*.go, body.go and explain.go draw).
type doc struct {
	c      *common
	row    *row
	width  int
	bodies map[bodyKey]*bodyState // read only
	call   bool                   // the Timeline tab as the call written out (callview.go)

	// What drawing the tab's body found, for its keys.
	views int // the views that apply to it (or to its open part)
	parts int // the parts of a multipart body in its parts view
}

// build lays out tab t.
func (d *doc) build(t tab) []block {
	switch t {
	case tabEnviron:
		return append(d.explainIntro(), d.environBlocks()...)
	case tabRequest:
		return d.requestBlocks()
	case tabResponse:
		return append(d.responseBlocks(), d.explainRest("PEP 3333 on start_response", startResponseTexts, "start_response", "status", "response_headers", "exc_info", "called twice")...)
	case tabBody:
		return append(d.bodyBlocks(), d.explainRest("PEP 3333 on the body iterable", bodyTexts, "body", "iteration")...)
	case tabLog:
		return d.logBlocks()
	case tabWire:
		return d.wireBlocks()
	case tabLayers:
		return d.layerBlocks()
	case tabTimeline:
		if d.call {
			return d.callBlocks()
		}
		return d.timelineBlocks()
	default:
		return nil
	}
}

// flatten joins blocks into lines, keeping only the entries a search
// matches (and the headings above them), and says where each explained
// entry went.
func (d *detailModel) flatten(blocks []block) ([]string, []span) {
	q := strings.ToLower(strings.TrimSpace(d.search))
	lines := []string{}
	var spans []span
	var pending *block // a heading waiting for a match below it
	for i := range blocks {
		b := &blocks[i]
		switch {
		case q == "":
			lines, spans = d.addBlock(lines, spans, b)
		case b.heading:
			pending = b
		case strings.Contains(b.text, q):
			if pending != nil {
				if len(lines) > 0 {
					lines = append(lines, "")
				}
				lines = append(lines, pending.lines...)
				pending = nil
			}
			lines, spans = d.addBlock(lines, spans, b)
		}
	}
	if q != "" && len(lines) == 0 {
		lines = append(lines, d.c.styles.Dim.Render("Nothing in "+d.tab.String()+" matches "+strconv.Quote(d.search)+"."))
	}
	return lines, spans
}

// addBlock appends b's lines: an explained entry's with its explanation
// (the whole text when picked), its place noted in spans.
func (d *detailModel) addBlock(lines []string, spans []span, b *block) ([]string, []span) {
	if b.explain != nil {
		start := len(lines)
		lines = append(lines, d.render(b, len(spans) == d.sel)...)
		return lines, append(spans, span{start, len(lines)})
	}
	lines = append(lines, b.lines...)
	if b.gap {
		lines = append(lines, "")
	}
	return lines, spans
}

func (d *detailModel) View() string {
	if d.row == nil {
		return ""
	}
	lines := d.lines()
	d.clampScroll() // the content may have changed size since the last key
	var b strings.Builder
	b.WriteString(d.summary())
	b.WriteByte('\n')
	b.WriteString(d.tabBar(len(lines)))
	writeWindow(&b, lines, d.scroll, d.page(), d.width)
	return b.String()
}

// summary is the one-line description of the exchange above the tabs.
func (d *detailModel) summary() string {
	st := &d.c.styles
	r := d.row
	ex := r.ex
	var state string
	switch {
	case r.live && r.ex.Held != "":
		state = st.Held.Render("⏸ " + describeHeld(r.ex.Held))
	case r.live && r.chunks > 0:
		state = st.Live.Render("● streaming")
	case r.live:
		state = st.Live.Render("● running")
	case r.isError && ex.Failure != nil && ex.Failure.Kind.IsError():
		state = st.Error.Render("✗ failed")
	case r.isError:
		state = st.Error.Render("✗ answered " + strconv.Itoa(r.status))
	case r.left:
		state = st.Left.Render("⊘ client left")
	}
	status, dur, size := rowCells(r, d.c.now())
	parts := []string{
		st.Dim.Render(fmt.Sprintf("#%d", ex.ID)),
		st.Method.Render(ex.Method),
		sanitize(ex.Target),
		st.status(r.status).Render(status),
		st.Dim.Render(dur),
		st.Dim.Render(size),
	}
	if state != "" {
		parts = append(parts, state)
	}
	if ex.ReplayOf != 0 {
		parts = append(parts, st.Dim.Render(fmt.Sprintf("↻ replay of #%d", ex.ReplayOf)))
	}
	if ex.Static != "" {
		parts = append(parts, st.Dim.Render("▤ static file "+sanitize(ex.Static)+", served by wsgidev, not the app"))
	}
	return fit(strings.Join(parts, " "), d.width)
}

// tabBar names the tabs, the active one in brackets (visible without
// colour too), and where the view is scrolled to.
func (d *detailModel) tabBar(total int) string {
	st := &d.c.styles
	where := ""
	if total > d.page() {
		where = fmt.Sprintf("%d–%d of %d", d.scroll+1, min(total, d.scroll+d.page()), total)
	}
	if d.search != "" {
		where = strings.TrimSpace("/" + sanitize(d.search) + " " + d.matchCount() + "  " + where)
	}
	d.tabRoom = ansi.StringWidth(where)
	return spread(d.tabNames(), st.Dim.Render(where), d.width)
}
