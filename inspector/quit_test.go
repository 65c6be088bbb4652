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

// An open part of a multipart body is a level of its own: q goes back to
// the parts, then to the list, and with a search applied esc clears the
// search first while q still goes back to the parts.
func TestQuitClosesAPartFirst(t *testing.T) {
	m := press(contentModel(t, 120, 40), "g", "enter", "2", "]", "enter")
	if !m.detail.partOpen() {
		t.Fatal("] enter did not open a part")
	}
	m, msg := pressFor(m, "q")
	if quits(msg) || m.state != stateDetail || m.detail.partOpen() {
		t.Fatalf("q in an open part: quit %v, state %v, part open %v; want the parts", quits(msg), m.state, m.detail.partOpen())
	}
	m = press(typeText(press(m, "enter", "/"), "avatar"), "enter")
	m = press(m, "esc")
	if m.detail.search != "" || !m.detail.partOpen() {
		t.Fatalf("esc in an open part with a search: search %q, part open %v; want the search cleared, the part open", m.detail.search, m.detail.partOpen())
	}
	m = press(typeText(press(m, "/"), "avatar"), "enter", "q")
	if m.state != stateDetail || m.detail.partOpen() {
		t.Fatalf("q in an open part with a search: state %v, part open %v; want the parts", m.state, m.detail.partOpen())
	}
	if m, msg = pressFor(m, "q"); quits(msg) || m.state != stateList {
		t.Errorf("q on the parts: quit %v, state %v; want the list", quits(msg), m.state)
	}
}

// ctrl+c in the w prompt asks first while a request is in flight, as it
// does everywhere else.
func TestQuitFromTheSavePromptAsks(t *testing.T) {
	m := send(newTestModel(100, 30, fullOptions()), UpdatesMsg(sampleUpdates()))
	m, msg := pressFor(press(m, "w"), "ctrl+c")
	if quits(msg) {
		t.Fatal("ctrl+c in the w prompt quit with a request in flight")
	}
	m = send(m, msg)
	if !strings.Contains(ansi.Strip(m.View()), "Quit? 1 request is in flight") {
		t.Errorf("ctrl+c in the w prompt did not ask:\n%s", ansi.Strip(m.View()))
	}
}
