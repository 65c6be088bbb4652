package inspector

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// lineKind is how a line of the pane is drawn.
type lineKind int

const (
	linePlain lineKind = iota
	lineDim
	lineHeading
	lineAdded   // "+" in a body diff, and the new side of a change
	lineRemoved // "-" in a body diff
	lineChanged // "~" in a JSON body's diff: a value changed at a path
	lineHunk    // "@@" in a body diff
	lineBad
	lineGood
	lineCommand // a shell command to copy by hand: wrapped with " \" continuations (shellwrap.go)
)

// paneLine is one line of the pane's content, wrapped when drawn.
type paneLine struct {
	text string
	kind lineKind
}

// pane fills the screen with text the user reads and leaves: a replay's
// diff against the original, the pins' latest diffs, a curl command. The
// replays component owns it (replay.go).
type pane struct {
	c      *common
	width  int
	height int

	open   bool // it has the screen
	title  string
	lines  []paneLine
	scroll int
	newID  uint64             // the exchange enter opens; 0: none
	pins   bool               // it shows the pins' diffs, redrawn after each run
	draft  *exchange.Exchange // it shows an edit of this request that did not parse: e edits it again
}

func newPane(c *common) *pane { return &pane{c: c} }

func (p *pane) Init() tea.Cmd             { return nil }
func (p *pane) SetSize(width, height int) { p.width, p.height = width, height }
func (p *pane) page() int                 { return max(1, p.height-1) }

// show opens the pane with new content, scrolled to its top.
func (p *pane) show(title string, lines []paneLine, newID uint64) {
	p.open, p.title, p.lines, p.newID, p.scroll = true, title, lines, newID, 0
}

func (p *pane) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := &p.c.keys
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			p.scroll--
		case key.Matches(msg, k.Down):
			p.scroll++
		case key.Matches(msg, k.PageUp):
			p.scroll -= p.page()
		case key.Matches(msg, k.PageDown):
			p.scroll += p.page()
		case key.Matches(msg, k.HalfUp):
			p.scroll -= p.page() / 2
		case key.Matches(msg, k.HalfDown):
			p.scroll += p.page() / 2
		case key.Matches(msg, k.Top):
			p.scroll = 0
		case key.Matches(msg, k.Bottom):
			p.scroll = len(p.wrapped())
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			p.scroll -= 3
		case tea.MouseButtonWheelDown:
			p.scroll += 3
		}
	}
	return p, nil
}

// wrapped is the content wrapped to the width, each line styled.
func (p *pane) wrapped() []string {
	st := &p.c.styles
	styles := map[lineKind]lipgloss.Style{
		linePlain: st.Plain, lineDim: st.Dim, lineHeading: st.Section, lineAdded: st.OK,
		lineRemoved: st.Error, lineChanged: st.Warn, lineHunk: st.Key, lineBad: st.Error, lineGood: st.OK,
	}
	var out []string
	for _, l := range p.lines {
		lines := wrap(sanitize(l.text), max(1, p.width))
		if l.kind == lineCommand {
			lines = shellWrap(sanitize(l.text), p.width)
		}
		for _, w := range lines {
			out = append(out, styles[l.kind].Render(w))
		}
	}
	return out
}

func (p *pane) View() string {
	lines := p.wrapped()
	p.scroll = max(0, min(p.scroll, len(lines)-p.page()))
	where := ""
	if len(lines) > p.page() {
		where = fmt.Sprintf("%d–%d of %d", p.scroll+1, min(len(lines), p.scroll+p.page()), len(lines))
	}
	var b strings.Builder
	b.WriteString(spread(p.c.styles.Bold.Render(fit(sanitize(p.title), p.width-len(where)-1)), p.c.styles.Dim.Render(where), p.width))
	writeWindow(&b, lines, p.scroll, p.page(), p.width)
	return b.String()
}

// writeWindow writes page lines of lines from scroll on, each on a new
// line and fitted to width, blank lines filling what is left.
func writeWindow(b *strings.Builder, lines []string, scroll, page, width int) {
	end := min(len(lines), scroll+page)
	for _, l := range lines[scroll:end] {
		b.WriteByte('\n')
		b.WriteString(fit(l, width))
	}
	for i := end - scroll; i < page; i++ {
		b.WriteByte('\n')
	}
}

func (p *pane) ShortHelp() []key.Binding {
	k, r := &p.c.keys, &p.c.keys.Replay
	return []key.Binding{k.Up, k.Down, r.OpenNew, r.EditReplay, r.PinDiffs, k.Back, k.Help, k.Quit}
}

func (p *pane) FullHelp() [][]key.Binding {
	k, r := &p.c.keys, &p.c.keys.Replay
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown, k.Top, k.Bottom},
		{r.OpenNew, r.EditReplay, r.PinDiffs, k.Back},
		{k.ToggleLog, k.Reload, k.Help, k.Quit},
	}
}

// resultLines describe one replay's outcome: what differs from what it
// was compared with, line by line: a JSON body by path ("~ $.user.name:
// …", "+ …", "- …"), another body as a unified diff.
func resultLines(res exchange.ReplayResult) []paneLine {
	var out []paneLine
	switch {
	case res.Err != "":
		return append(out, paneLine{"no answer: " + res.Err, lineBad})
	case !res.Changed:
		out = append(out, paneLine{"same answer: status, headers and body match (Date, Server and other volatile headers not compared)", lineGood})
	default:
		out = append(out, paneLine{"differs: " + res.What, lineBad})
	}
	for _, d := range res.Diff {
		kind := linePlain
		t := strings.TrimLeft(d, " ")
		switch {
		case strings.HasPrefix(t, "+++ "), strings.HasPrefix(t, "--- "):
			kind = lineDim
		case strings.HasPrefix(t, "@@"):
			kind = lineHunk
		case strings.HasPrefix(t, "~ $"):
			kind = lineChanged
		case strings.HasPrefix(t, "+"):
			kind = lineAdded
		case strings.HasPrefix(t, "-"):
			kind = lineRemoved
		}
		out = append(out, paneLine{d, kind})
	}
	for _, n := range res.Notes {
		out = append(out, paneLine{"note: " + n, lineDim})
	}
	return out
}
