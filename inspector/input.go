package inspector

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// filterSyntax reminds the user of the filter's terms while typing.
const filterSyntax = "status:5xx method:POST path:/api/* is:live is:error -word"

// inputLine is the line where a filter or a search is typed.
type inputLine struct {
	c    *common
	what typing
	ti   textinput.Model
}

func newInputLine(c *common) inputLine {
	ti := newLineInput(c, "/ ")
	ti.CharLimit = 200
	return inputLine{c: c, ti: ti}
}

// newLineInput is a text input in the inspector's styles.
func newLineInput(c *common, prompt string) textinput.Model {
	ti := textinput.New()
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Prompt = prompt
	ti.PromptStyle = c.styles.Prompt
	ti.TextStyle = c.styles.Input
	ti.Cursor.Style = c.styles.Selected
	ti.Cursor.TextStyle = c.styles.Input
	ti.CharLimit = 4096
	return ti
}

// readTogether reports whether msg is letters that came in one read of
// the terminal: typed faster than the inspector reads, or written at once
// (tmux's send-keys). bubbletea hands them over as one key whose String()
// is what they spell, and "up" is the up arrow's name. A paste is not
// such a key: bubbletea marks it and brackets its String(), which then
// matches no binding.
func readTogether(msg tea.KeyMsg) bool {
	return msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste
}

// typeLetters types letters read together into ti, one at a time, and
// reports whether msg was such letters. Every text line calls it before
// it matches a key: neither its bindings nor textinput's own may take a
// typed "up" for the arrow, "left" for a cursor move or "enter" for enter.
func typeLetters(ti *textinput.Model, msg tea.KeyMsg) (tea.Cmd, bool) {
	if !readTogether(msg) {
		return nil, false
	}
	cmds := make([]tea.Cmd, 0, len(msg.Runes))
	for _, r := range msg.Runes {
		var cmd tea.Cmd
		*ti, cmd = ti.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...), true
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
// in force. A filter says how many rows it matches right after it
// ("/ status:5xx  3 of 340"), or what is wrong with it.
func (in *inputLine) view(st state, search string, width int) string {
	s := &in.c.styles
	store := in.c.store
	count := ""
	if store.filter.active() {
		count = s.Dim.Render(formatCount(store.len()) + " of " + formatCount(len(store.rows)))
	}
	switch {
	case in.active() && in.what == typingFilter:
		right := ""
		if width >= 100 {
			right = s.Dim.Render(filterSyntax)
		}
		if err := store.filter.err; err != nil {
			right = filterProblem(s, err, true)
		}
		return typedWithCount(&in.ti, count, right, width)
	case in.active():
		in.ti.Width = max(1, width-ansi.StringWidth(in.ti.Prompt)-2)
		return fit(in.ti.View(), width)
	case st == stateList:
		right := s.Dim.Render("esc clears")
		if err := store.filter.err; err != nil {
			right = filterProblem(s, err, false)
		}
		return keepLeft(s.Prompt.Render("/ ")+sanitize(store.filter.query)+"  "+count, right, width)
	default:
		return spread(s.Prompt.Render("search / ")+sanitize(search), s.Dim.Render("esc clears"), width)
	}
}

// filterProblem says what is wrong with a filter or breakpoint: while it
// is typed, a word not finished yet is shown as unfinished, not as wrong.
func filterProblem(s *Styles, err *exchange.FilterError, typing bool) string {
	if typing && err.Incomplete {
		return s.Dim.Render("… " + sanitize(err.Error()))
	}
	return s.Error.Render("✗ " + sanitize(err.Error()))
}

// typedBeside lays out a text input with right beside it, on one line of
// width cells; right is cut short before the text typed is.
func typedBeside(ti *textinput.Model, right string, width int) string {
	prompt := ansi.StringWidth(ti.Prompt)
	right = fit(right, max(0, width-prompt-ansi.StringWidth(ti.Value())-5))
	ti.Width = max(1, width-prompt-ansi.StringWidth(right)-4)
	return spread(ti.View(), right, width)
}

// typedWithCount lays out a filter being typed: the text, the count of
// rows it matches right after it, and right at the far end, cut first.
func typedWithCount(ti *textinput.Model, count, right string, width int) string {
	prompt, typed, counted := ansi.StringWidth(ti.Prompt), ansi.StringWidth(ti.Value()), ansi.StringWidth(count)
	right = fit(right, max(0, width-prompt-typed-counted-7))
	room := max(1, width-prompt-counted-ansi.StringWidth(right)-5)
	ti.Width = max(1, min(room, typed+1))
	return spread(ti.View()+" "+count, right, width)
}

// keepLeft puts left and right on one line of width cells, cutting right
// short first: left is what the user typed.
func keepLeft(left, right string, width int) string {
	return spread(left, fit(right, max(0, width-ansi.StringWidth(left)-1)), width)
}
