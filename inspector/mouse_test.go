package inspector

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// click is a left click at cell x, y of the screen.
func click(x, y int) tea.MouseMsg {
	return tea.MouseMsg{X: x, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress}
}

// A click selects a row, a second one opens it; a click on a tab shows it.
func TestMouseOpensRowsAndTabs(t *testing.T) {
	m := sampleModel(100, 30)
	m = send(m, click(20, 3)) // the title, the header, then row 2
	if m.state != stateList || m.list.selected.ex.ID != 2 {
		t.Fatalf("one click: state %v, #%d selected; want the list on #2", m.state, m.list.selected.ex.ID)
	}
	m = send(m, click(20, 3))
	if m.state != stateDetail || m.detail.row.ex.ID != 2 {
		t.Fatalf("a second click: state %v; want #2 open", m.state)
	}
	for _, c := range []struct {
		x    int
		want tab
	}{{1, tabEnviron}, {40, tabBody}, {65, tabWire}, {12, tabRequest}, {90, tabRequest}} { // 90: past the tabs, no change
		m = send(m, click(c.x, 2)) // the title, the summary, then the tab bar
		if m.detail.tab != c.want {
			t.Errorf("a click at x=%d shows %v, want %v", c.x, m.detail.tab, c.want)
		}
	}
}
