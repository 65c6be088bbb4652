package inspector

// Search in the tabs that show a body (Request, Body): every match is
// marked, n and N move between them and scroll to each, and the tab bar
// counts them (3/17). Other tabs keep only the entries that match
// (detailModel.flatten).

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// maxMatches bounds the matches a search marks.
const maxMatches = 100_000

// BodyKeyMap is the keys of content views and of search in a body.
type BodyKeyMap struct {
	NextMatch key.Binding
	PrevMatch key.Binding
	NextPart  key.Binding
	PrevPart  key.Binding
	OpenPart  key.Binding
	ClosePart key.Binding
}

// DefaultBodyKeyMap returns the keys of content views and search.
func DefaultBodyKeyMap() BodyKeyMap {
	return BodyKeyMap{
		NextMatch: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		PrevMatch: key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		NextPart:  key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next part")),
		PrevPart:  key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous part")),
		OpenPart:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open part")),
		ClosePart: key.NewBinding(key.WithKeys("q", "esc", "backspace"), key.WithHelp("q/esc", "back to the parts")),
	}
}

// bodyKey takes the keys of search and multipart bodies.
func (d *detailModel) bodyKey(msg tea.KeyMsg) {
	k := &d.c.keys.Body
	switch {
	case key.Matches(msg, k.NextMatch):
		d.nextMatch(1)
	case key.Matches(msg, k.PrevMatch):
		d.nextMatch(-1)
	case key.Matches(msg, k.NextPart):
		d.selectPart(1)
	case key.Matches(msg, k.PrevPart):
		d.selectPart(-1)
	case key.Matches(msg, k.OpenPart):
		d.setPartOpen(true)
	case key.Matches(msg, k.ClosePart):
		d.setPartOpen(false)
	}
}

// match is a place the search found: a line, and the bytes of the
// line's text (its styles left out) that match.
type match struct{ line, start, end int }

// flattenAll joins blocks into lines, all of them, and says where each
// part of a multipart body starts and where each explained entry went.
func (d *detailModel) flattenAll(blocks []block) ([]string, []int, []span) {
	lines := []string{}
	var parts []int
	var spans []span
	for i := range blocks {
		if blocks[i].part > 0 {
			parts = append(parts, len(lines))
		}
		lines, spans = d.addBlock(lines, spans, &blocks[i])
	}
	return lines, parts, spans
}

// findMatches finds q in each line's text, in any case (ASCII letters).
func findMatches(lines []string, q string) []match {
	q = asciiLower(strings.TrimSpace(q))
	if q == "" {
		return nil
	}
	var out []match
	for i, l := range lines {
		text := asciiLower(ansi.Strip(l))
		for at := 0; len(out) < maxMatches; {
			j := strings.Index(text[at:], q)
			if j < 0 {
				break
			}
			out = append(out, match{line: i, start: at + j, end: at + j + len(q)})
			at += j + len(q)
		}
	}
	return out
}

// asciiLower lowercases ASCII letters only, byte by byte, so offsets in
// it are offsets in s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// markMatches draws the lines with every match marked and the current
// one marked more; a line with a match is drawn from its text, without
// its other styles.
func markMatches(base []string, ms []match, current int, st *Styles) []string {
	lines := append([]string(nil), base...)
	for i := 0; i < len(ms); {
		line := ms[i].line
		text := ansi.Strip(base[line])
		var b strings.Builder
		at := 0
		for ; i < len(ms) && ms[i].line == line; i++ {
			m := ms[i]
			style := st.Match
			if i == current {
				style = st.MatchNow
			}
			b.WriteString(text[at:m.start])
			b.WriteString(style.Render(text[m.start:m.end]))
			at = m.end
		}
		b.WriteString(text[at:])
		lines[line] = b.String()
	}
	return lines
}

// seek makes the current match the first one at or below the top of the
// view, and scrolls to it.
func (d *detailModel) seek() {
	d.match = 0
	if !d.tab.finds() || d.search == "" {
		return
	}
	d.lines()
	ms := d.cache.matches
	if len(ms) == 0 {
		return
	}
	for i, m := range ms {
		if m.line >= d.scroll {
			d.match = i
			break
		}
	}
	d.scrollTo(ms[d.match].line)
}

// nextMatch moves to the next match (+1) or the one before (-1), round
// the end, and scrolls to it.
func (d *detailModel) nextMatch(delta int) {
	d.lines()
	ms := d.cache.matches
	if len(ms) == 0 {
		return
	}
	d.match = ((d.match+delta)%len(ms) + len(ms)) % len(ms)
	d.scrollTo(ms[d.match].line)
}

// matchCount is what the tab bar says of the search: "3/17", or that
// nothing matches; "" in a tab that keeps the matching entries.
func (d *detailModel) matchCount() string {
	if !d.tab.finds() {
		return ""
	}
	d.lines()
	n := len(d.cache.matches)
	switch {
	case n == 0:
		return "no match"
	case n >= maxMatches:
		return strconv.Itoa(d.match+1) + "/" + formatCount(n) + "+"
	}
	return strconv.Itoa(d.match+1) + "/" + formatCount(n)
}

// matchTotal is how many matches the search has in a tab that finds.
func (d *detailModel) matchTotal() int {
	if !d.tab.finds() {
		return 0
	}
	d.lines()
	return len(d.cache.matches)
}

// scrollTo scrolls line into view, a third of the way down, unless it
// is in view already.
func (d *detailModel) scrollTo(line int) {
	page := d.page()
	if line < d.scroll || line >= d.scroll+page {
		d.scroll = line - page/3
	}
	d.clampScroll()
}
