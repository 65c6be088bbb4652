package inspector

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// filterSyntax reminds the user of the filter's terms while typing.
const filterSyntax = "status:5xx method:POST path:/api is:live is:error -word"

// inputLine is the line where a filter or a search is typed.
type inputLine struct {
	c    *common
	what typing
	ti   textinput.Model
}

func newInputLine(c *common) inputLine {
	ti := textinput.New()
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Prompt = "/ "
	ti.PromptStyle = c.styles.Prompt
	ti.TextStyle = c.styles.Input
	ti.Cursor.Style = c.styles.Selected
	ti.Cursor.TextStyle = c.styles.Input
	ti.CharLimit = 200
	return inputLine{c: c, ti: ti}
}

func (in *inputLine) active() bool { return in.what != typingNone }

// start begins editing value as the filter or the search.
func (in *inputLine) start(what typing, value string) {
	in.what = what
	in.ti.Prompt = "/ "
	if what == typingSearch {
		in.ti.Prompt = "search / "
	}
	in.ti.SetValue(value)
	in.ti.CursorEnd()
	in.ti.Focus()
}

// end stops editing; what was typed stays applied.
func (in *inputLine) end() {
	in.what = typingNone
	in.ti.Blur()
}

func (in *inputLine) set(v string)  { in.ti.SetValue(v) }
func (in *inputLine) value() string { return in.ti.Value() }

func (in *inputLine) update(msg tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	in.ti, cmd = in.ti.Update(msg)
	return cmd
}

// view is the input line: the text being typed, or the filter or search
// in force, with how many rows it lets through.
func (in *inputLine) view(st state, search string, width int) string {
	s := &in.c.styles
	store := in.c.store
	counts := formatCount(store.len()) + " of " + formatCount(len(store.rows)) + " shown"
	switch {
	case in.active() && in.what == typingFilter:
		in.ti.Width = max(1, width-ansi.StringWidth(in.ti.Prompt)-2-len(counts)-len(filterSyntax)-4)
		right := s.Dim.Render(counts + " · " + filterSyntax)
		if width < 100 {
			in.ti.Width = max(1, width-ansi.StringWidth(in.ti.Prompt)-len(counts)-4)
			right = s.Dim.Render(counts)
		}
		return spread(in.ti.View(), right, width)
	case in.active():
		in.ti.Width = max(1, width-ansi.StringWidth(in.ti.Prompt)-2)
		return fit(in.ti.View(), width)
	case st == stateList:
		return spread(s.Prompt.Render("/ ")+sanitize(store.filter.query), s.Dim.Render(counts+" · esc clears"), width)
	default:
		return spread(s.Prompt.Render("search / ")+sanitize(search), s.Dim.Render("esc clears"), width)
	}
}
