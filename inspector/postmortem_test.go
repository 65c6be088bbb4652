package inspector

import (
	"errors"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// fakePostMortem is a Control whose child keeps tracebacks: it notes the
// requests asked for and answers with err.
type fakePostMortem struct {
	*fakeDebugger
	asked []uint64
	err   error
}

func (f *fakePostMortem) PostMortem(id uint64) error {
	f.asked = append(f.asked, id)
	return f.err
}

// pmModel is the sample list with the failed /boom (#3) selected and a
// Control that takes post-mortems.
func pmModel(w, h int, ctl *fakePostMortem) Model {
	opts := testOptions()
	opts.Control = ctl
	return press(send(newTestModel(w, h, opts), UpdatesMsg(sampleUpdates())), "g", "j", "j")
}

// pressD presses d and runs the command it gives, as bubbletea would.
func pressD(t *testing.T, m Model) Model {
	t.Helper()
	next, cmd := m.Update(keyMsg("d"))
	if cmd == nil {
		t.Fatalf("d gave no command; the help shows %q", m.View())
	}
	return send(next.(Model), cmd())
}

// The pane of a post-mortem session: its label, pdb's output and prompt.
func TestViewPostMortem(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		ctl := &fakePostMortem{fakeDebugger: newFakeDebugger()}
		m := pressD(t, pmModel(w, h, ctl))
		if len(ctl.asked) != 1 || ctl.asked[0] != 3 {
			t.Fatalf("d asked for %v, want the post-mortem of #3", ctl.asked)
		}
		m = send(m, UpdatesMsg{
			{PostMortem: &exchange.PostMortem{ID: 3, Text: "*** post-mortem: ZeroDivisionError: division by zero\n"}},
			{PostMortem: &exchange.PostMortem{ID: 3, Text: "> /srv/app.py(14)application()\n-> return [str(1 / 0).encode()]\n(Pdb) "}},
			{PostMortem: &exchange.PostMortem{ID: 3, Input: true}},
		})
		checkView(t, typeText(m, "up"))
	})
}

// d is offered on a failed request only, and a traceback no longer kept
// says why on the status line; a session's end closes the pane.
func TestPostMortemKey(t *testing.T) {
	ctl := &fakePostMortem{fakeDebugger: newFakeDebugger(), err: errors.New("post-mortem of request #3: it was dropped")}
	m := pmModel(120, 40, ctl)
	if !strings.Contains(m.View(), "d post-mortem pdb") {
		t.Errorf("the help does not offer d on a failed request:\n%s", m.View())
	}
	if v := press(pmModel(120, 40, ctl), "k").View(); strings.Contains(v, "post-mortem") { // the model's parts are shared
		t.Errorf("d is offered on a request that did not fail:\n%s", v)
	}
	m = pressD(t, m)
	if v := m.View(); !strings.Contains(v, "it was dropped") || m.pdb.focused() {
		t.Errorf("the refusal is not on the status line, or a pane opened:\n%s", v)
	}
	ctl.err = nil
	m = send(pressD(t, m), UpdatesMsg{{PostMortem: &exchange.PostMortem{ID: 3, Text: "(Pdb) ", Input: true}}})
	if !m.pdb.focused() {
		t.Fatal("the session's first words did not open the pane")
	}
	m = send(m, UpdatesMsg{{PostMortem: &exchange.PostMortem{ID: 3, End: true, Note: "the app was reloaded: the post-mortem was closed"}}})
	if v := m.View(); m.pdb.focused() || !strings.Contains(v, "the app was reloaded") {
		t.Errorf("the end did not close the pane and say why:\n%s", v)
	}
}
