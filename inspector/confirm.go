package inspector

// Questions the status line asks before what cannot be undone: quitting
// while requests are in flight or held (they would be cut off), and
// clearing the list.

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// question is a yes-or-no question on the status line. y, or the key that
// asked pressed again, says yes; any other key says no. It is asked once:
// a second press of the same key never asks again.
type question struct {
	text  string
	again key.Binding            // the key that asked
	yes   func(m *Model) tea.Cmd // what yes does
}

// quitMsg asks the root to quit; a component that takes ctrl+c returns
// requestQuit, and the root asks first when requests are in flight.
type quitMsg struct{}

func requestQuit() tea.Msg { return quitMsg{} }

// quit ends the inspector, or asks first when that would cut requests
// off: in flight, or held in the debugger (which wait for the user).
func (m *Model) quit() tea.Cmd {
	live, held := m.c.store.live, m.debug.heldCount()
	if live == 0 && held == 0 {
		return tea.Quit
	}
	what := plural(live, "request is", "requests are") + " in flight"
	if held > 0 {
		what = fmt.Sprintf("%s (%d held in the debugger)", what, held)
	}
	m.asking = &question{
		text:  "Quit? " + what + " and would be cut off. y quits, n stays",
		again: key.NewBinding(key.WithKeys("q", "ctrl+c")),
		yes:   func(*Model) tea.Cmd { return tea.Quit },
	}
	return nil
}

// askClear asks before the list is cleared: nothing brings it back.
func (m *Model) askClear() {
	n := m.c.store.len()
	m.asking = &question{
		text:  "Clear " + plural(n, "request", "requests") + " from the list? Held ones stay. y clears, n keeps",
		again: m.c.keys.Clear,
		yes: func(m *Model) tea.Cmd {
			m.c.store.reset()
			m.list.reset()
			m.keepHeld()
			return nil
		},
	}
}

// answer takes the key pressed while a question is asked.
func (m *Model) answer(msg tea.KeyMsg) tea.Cmd {
	q := m.asking
	m.asking = nil
	if key.Matches(msg, m.c.keys.Yes, q.again) {
		return q.yes(m)
	}
	first, _, _ := strings.Cut(q.text, "?")
	m.status.say(first+": no", false)
	return nil
}
