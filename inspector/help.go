package inspector

// The help: the bar of keys at the bottom, and the page '?' opens. Both
// are drawn from the key bindings that apply where the user is (keys.go),
// so they never drift from what the keys do.

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// helpLegend says what the help's keys cannot: the list's marks (one rule
// for what counts as a failure: the row, the status line and the Timeline
// all follow exchange.Exchange.Failed and ClientLeft) and the mouse.
var helpLegend = []string{
	"Marks: ● running · ⏸ held in the debugger · ✗ an error: the app raised, broke a WSGI rule or died, " +
		"the debugger aborted it, or the answer is a 5xx (counted in \"errors\", is:error) · " +
		"⊘ the client left before its answer ended (no error) · ! a WSGI warning · ◆ pinned · ↻#N a replay of #N",
	"Mouse: the wheel scrolls · click a row to select it, twice to open it · click a tab to show it · " +
		"hold shift to select text",
}

// helpBar is the one-line bar of keys: as many as fit, the last ones
// (help and quit) always kept, those before them dropped from the end.
func helpBar(c *common, bindings []key.Binding, width int) string {
	st := &c.styles.Help
	var parts []string
	for _, b := range bindings {
		if b.Enabled() && b.Help().Key != "" {
			parts = append(parts, st.ShortKey.Render(b.Help().Key)+" "+st.ShortDesc.Render(b.Help().Desc))
		}
	}
	sep := st.ShortSeparator.Render(" • ")
	keep := min(2, len(parts)) // ? help and q quit end every bar
	for len(parts) > keep && ansi.StringWidth(strings.Join(parts, sep)) > width {
		parts = append(parts[:len(parts)-keep-1], parts[len(parts)-keep:]...)
	}
	return fit(strings.Join(parts, sep), width)
}

// helpPage is the full help '?' opens in place of the list or the detail
// view: every key of where it was opened, in columns that wrap into more
// rows on a narrow screen, then the legend. j/k scroll it when it is
// taller than the screen; '?', q and esc close it.
type helpPage struct {
	c      *common
	width  int
	height int
	open   bool
	scroll int
	groups [][]key.Binding // the columns, from the view it was opened on
}

func newHelpPage(c *common) *helpPage { return &helpPage{c: c} }

func (h *helpPage) Init() tea.Cmd             { return nil }
func (h *helpPage) SetSize(width, height int) { h.width, h.height = width, height }
func (h *helpPage) ShortHelp() []key.Binding {
	k := &h.c.keys
	return []key.Binding{k.Up, k.Down, k.Help, k.Quit}
}
func (h *helpPage) FullHelp() [][]key.Binding               { return [][]key.Binding{h.ShortHelp()} }
func (h *helpPage) toggle()                                 { h.open, h.scroll = !h.open, 0 }
func (h *helpPage) Update(msg tea.Msg) (tea.Model, tea.Cmd) { h.key(msg); return h, nil }

func (h *helpPage) key(msg tea.Msg) {
	k := &h.c.keys
	km, ok := msg.(tea.KeyMsg)
	switch {
	case !ok:
		if m, ok := msg.(tea.MouseMsg); ok && m.Button == tea.MouseButtonWheelUp {
			h.scroll -= 3
		} else if ok && m.Button == tea.MouseButtonWheelDown {
			h.scroll += 3
		}
	case key.Matches(km, k.Help, k.Back):
		h.open = false
	case key.Matches(km, k.Up):
		h.scroll--
	case key.Matches(km, k.Down):
		h.scroll++
	case key.Matches(km, k.PageUp, k.HalfUp):
		h.scroll -= h.height / 2
	case key.Matches(km, k.PageDown, k.HalfDown):
		h.scroll += h.height / 2
	case key.Matches(km, k.Top):
		h.scroll = 0
	case key.Matches(km, k.Bottom):
		h.scroll = len(h.lines())
	}
}

// lines are the page's content at its width.
func (h *helpPage) lines() []string {
	var lines []string
	for _, row := range packColumns(h.columns(), h.width) {
		lines = append(lines, row...)
		lines = append(lines, "")
	}
	for _, text := range helpLegend {
		lines = append(lines, wrapStyle(h.c.styles.Dim, text, h.width)...)
	}
	return lines
}

// columns are the groups drawn: each a key column and a description
// column, the bindings that are off left out.
func (h *helpPage) columns() [][]string {
	st := &h.c.styles.Help
	var cols [][]string
	for _, g := range h.groups {
		var on []key.Binding
		keyW := 0
		for _, b := range g {
			if b.Enabled() && b.Help().Key != "" {
				on = append(on, b)
				keyW = max(keyW, ansi.StringWidth(b.Help().Key))
			}
		}
		if len(on) == 0 {
			continue
		}
		col := make([]string, len(on))
		for i, b := range on {
			col[i] = st.FullKey.Render(pad(b.Help().Key, keyW)) + " " + st.FullDesc.Render(b.Help().Desc)
		}
		cols = append(cols, col)
	}
	return cols
}

// packColumns lays columns side by side, as many to a row as fit in
// width, and returns the rows' lines; a column wider than width is cut.
func packColumns(cols [][]string, width int) [][]string {
	const gap = "    "
	var rows [][]string
	for len(cols) > 0 {
		n, used := 0, 0
		for n < len(cols) {
			w := colWidth(cols[n])
			if n > 0 && used+len(gap)+w > width {
				break
			}
			used += w
			if n > 0 {
				used += len(gap)
			}
			n++
		}
		height := 0
		for _, c := range cols[:n] {
			height = max(height, len(c))
		}
		row := make([]string, height)
		for i := range row {
			var b strings.Builder
			for j, c := range cols[:n] {
				if j > 0 {
					b.WriteString(gap)
				}
				cell := ""
				if i < len(c) {
					cell = c[i]
				}
				b.WriteString(pad(cell, colWidth(c)))
			}
			row[i] = fit(strings.TrimRight(b.String(), " "), width)
		}
		rows = append(rows, row)
		cols = cols[n:]
	}
	return rows
}

func colWidth(col []string) int {
	w := 0
	for _, l := range col {
		w = max(w, ansi.StringWidth(l))
	}
	return w
}

func (h *helpPage) View() string {
	lines := h.lines()
	page := max(1, h.height)
	h.scroll = max(0, min(h.scroll, len(lines)-page))
	var b strings.Builder
	end := min(len(lines), h.scroll+page)
	for i, l := range lines[h.scroll:end] {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(fit(l, h.width))
	}
	for i := end - h.scroll; i < page; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
