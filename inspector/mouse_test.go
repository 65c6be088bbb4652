package inspector

import (
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
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

// A click on a tab's number shows that tab at every width: spaced out,
// closer together and with shortened names (eight tabs at 80 columns), the
// cells a click hits are the cells drawn.
func TestMouseHitsTheTabDrawn(t *testing.T) {
	for _, w := range []int{80, 100, 160} {
		m := send(sampleModel(w, 30), click(20, 3))
		m = send(m, click(20, 3))
		for _, want := range []tab{tabLayers, tabRequest, tabTimeline, tabEnviron, tabWire} {
			bar := strings.Split(ansi.Strip(m.View()), "\n")[2]
			x := strings.Index(bar, strconv.Itoa(int(want)+1)+" ")
			m = send(m, click(x, 2))
			if m.detail.tab != want {
				t.Errorf("%d columns: a click at x=%d of %q shows %v, want %v", w, x, bar, m.detail.tab, want)
			}
		}
	}
}
