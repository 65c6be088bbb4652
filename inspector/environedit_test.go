package inspector

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// heldEditor is the environ editor open on a request held before the app.
func heldEditor(t *testing.T) Model {
	t.Helper()
	m := newTestModel(100, 30, debugOptions(newFakeDebugger()))
	r := begin(1, time.Second, "GET", "/held").held(ms, exchange.HeldBeforeApp)
	m = press(send(m, UpdatesMsg(r.updates)), "i")
	if !m.debug.editor.open {
		t.Fatalf("i did not open the editor:\n%s", ansi.Strip(m.View()))
	}
	return m
}

// g and G move to the first and last key; q, like esc, closes the editor.
func TestEnvironEditorMoves(t *testing.T) {
	m := press(heldEditor(t), "G")
	env := m.debug.editor.row.ex.Environ
	if got := m.debug.editor.cursor; got != len(env)-1 {
		t.Errorf("G: cursor on %d, want the last key %d", got, len(env)-1)
	}
	if m = press(m, "g"); m.debug.editor.cursor != 0 {
		t.Errorf("g: cursor on %d, want 0", m.debug.editor.cursor)
	}
	if m = press(m, "q"); m.debug.editor.open {
		t.Error("q did not close the editor")
	}
}

// enter on a wsgi.* key refuses at once, in the debugger's words, with no
// input opened; a value being typed says esc cancels.
func TestEnvironEditorRefusesObjectsAtOnce(t *testing.T) {
	m := press(heldEditor(t), "G") // wsgi.input_terminated, an object
	m = press(m, "enter")
	if m.debug.editor.typing() {
		t.Fatal("enter on a wsgi.* key opened an input")
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "wsgi.input_terminated cannot be edited: wsgi.* keys are objects") {
		t.Errorf("no refusal shown:\n%s", v)
	}
	m = press(m, "g", "j", "j", "enter") // PATH_INFO
	if !m.debug.editor.typing() {
		t.Fatal("enter on PATH_INFO opened no input")
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "esc cancel") || strings.Contains(v, "esc clear") {
		t.Errorf("the help while typing a value should say esc cancels:\n%s", v)
	}
}
