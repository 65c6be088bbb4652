package inspector

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// maxLogLines is how many lines the log pane keeps (up to twice that
// between trims).
const maxLogLines = 2000

// logLine is one line in the log pane.
type logLine struct {
	at     time.Time
	source string // stdout, stderr, reload, child, wsgidev
	text   string
	bad    bool // an error: shown in red
}

// logPane shows what happened outside requests: the app's own output,
// reloads, the child's life, and wsgidev's notices. It shows the tail.
type logPane struct {
	c      *common
	width  int
	height int // the title line included
	lines  []logLine
}

func newLogPane(c *common) *logPane { return &logPane{c: c} }

func (p *logPane) Init() tea.Cmd                       { return nil }
func (p *logPane) Update(tea.Msg) (tea.Model, tea.Cmd) { return p, nil }
func (p *logPane) SetSize(width, height int)           { p.width, p.height = width, height }
func (p *logPane) ShortHelp() []key.Binding            { return []key.Binding{p.c.keys.ToggleLog} }
func (p *logPane) FullHelp() [][]key.Binding           { return [][]key.Binding{p.ShortHelp()} }

// apply records the updates that belong in the pane.
func (p *logPane) apply(u exchange.Update) {
	switch {
	case u.Output != nil:
		p.addText(u.Output.At, u.Output.Stream, u.Output.Line, false)
	case u.Notice != nil:
		p.addText(u.Notice.At, "wsgidev", u.Notice.Text, false)
	case u.Child != nil:
		c := u.Child
		text := string(c.Kind)
		if c.PID != 0 {
			text += " (pid " + strconv.Itoa(c.PID) + ")"
		}
		if c.Note != "" {
			text += ": " + c.Note
		}
		bad := c.Kind == exchange.ChildLoadError || c.Kind == exchange.ChildExited
		p.addText(c.At, "child", text, bad)
		if c.Kind == exchange.ChildLoadError {
			p.addText(c.At, "child", c.Detail, true)
		}
	case u.Reload != nil:
		r := u.Reload
		what := "manual reload"
		if len(r.Files) > 0 {
			what = strings.Join(r.Files, ", ") + " changed"
		}
		if r.OK {
			p.addText(r.At, "reload", what+"; reloaded in "+formatDuration(r.Took), false)
			return
		}
		p.addText(r.At, "reload", what+"; the app failed to import: "+r.Error, true)
		p.addText(r.At, "reload", r.Detail, true)
	}
}

// note records a line from the inspector itself.
func (p *logPane) note(at time.Time, text string) { p.addText(at, "wsgidev", text, false) }

func (p *logPane) addText(at time.Time, source, text string, bad bool) {
	for _, l := range splitLines(text) {
		p.lines = append(p.lines, logLine{at: at, source: source, text: sanitize(l), bad: bad})
	}
	if len(p.lines) > 2*maxLogLines { // trim in bulk, not on every line
		p.lines = append([]logLine(nil), p.lines[len(p.lines)-maxLogLines:]...)
	}
}

func (p *logPane) View() string {
	st := &p.c.styles
	title := st.PaneTitle.Render(fit("── Log: app output outside requests, reloads ", p.width))
	title = pad(title+st.Faint.Render(strings.Repeat("─", max(0, p.width-ansi.StringWidth(title)))), p.width)
	n := max(0, p.height-1)
	out := make([]string, 0, n+1)
	out = append(out, title)
	start := max(0, len(p.lines)-n)
	if len(p.lines) == 0 && n > 0 {
		out = append(out, st.Dim.Render(fit("  Nothing yet: the app's prints outside requests and reloads appear here.", p.width)))
	}
	for _, l := range p.lines[start:] {
		src := st.Dim
		if l.source == "stderr" || l.bad {
			src = st.Stderr
		}
		line := st.Faint.Render(l.at.Format("15:04:05")) + " " + src.Render(pad(l.source, 7)) + " " + l.text
		out = append(out, fit(line, p.width))
	}
	for len(out) < n+1 {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}
