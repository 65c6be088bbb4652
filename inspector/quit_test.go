package inspector

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// pressFor presses k and returns the model and what the key asked for.
func pressFor(m Model, k string) (Model, tea.Msg) {
	next, cmd := m.Update(keyMsg(k))
	var msg tea.Msg
	if cmd != nil {
		msg = cmd()
	}
	return next.(Model), msg
}

func quits(msg tea.Msg) bool { _, ok := msg.(tea.QuitMsg); return ok }

// q goes back one level: from a request's tabs to the list, never out of
// wsgidev; from the list it quits, asking once while a request is in
// flight (the sample streams one).
func TestQuitGoesBackThenAsks(t *testing.T) {
	m := sampleModel(100, 30)
	m, msg := pressFor(press(m, "enter", "4"), "q")
	if quits(msg) || m.state != stateList {
		t.Fatalf("q in a detail tab: quit %v, state %v; want the list", quits(msg), m.state)
	}
	m, msg = pressFor(m, "q")
	if quits(msg) || !strings.Contains(ansi.Strip(m.View()), "Quit? 1 request is in flight and would be cut off. y quits, n stays") {
		t.Fatalf("q on the list with a request in flight: quit %v; want a question:\n%s", quits(msg), ansi.Strip(m.View()))
	}
	m, msg = pressFor(m, "n")
	if quits(msg) || m.asking != nil {
		t.Fatal("n did not keep wsgidev running")
	}
	m, _ = pressFor(m, "q")
	if _, msg = pressFor(m, "q"); !quits(msg) {
		t.Error("q pressed again at the question did not quit")
	}
	if _, msg = pressFor(send(newTestModel(100, 30, testOptions())), "q"); !quits(msg) {
		t.Error("q with nothing in flight did not quit at once")
	}
}
