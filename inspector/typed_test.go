package inspector

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// keyWords are words whose letters, read from the terminal in one go,
// arrive as one key whose String() names a key a text line answers to:
// its own (enter, esc, tab, ctrl+c, ctrl+d) or textinput's (up, left,
// home, backspace, ctrl+u…).
var keyWords = []string{"up", "down", "left", "right", "home", "end", "tab", "enter", "esc",
	"backspace", "delete", "ctrl+c", "ctrl+d", "ctrl+u"}

// textLine is one of the inspector's text lines: how to open it, what it
// holds, and whether it still has the keyboard.
type textLine struct {
	name string
	open func(t *testing.T) Model
	text func(m Model) string
	on   func(m Model) bool
}

func inputLines() []textLine {
	filterText := func(m Model) string { return m.input.value() }
	filterOn := func(m Model) bool { return m.input.active() }
	editorText := func(m Model) string { return m.debug.editor.ti.Value() }
	editorOn := func(m Model) bool { return m.debug.editor.typing() }
	return []textLine{
		{"list filter", func(*testing.T) Model { return press(sampleModel(100, 30), "/") }, filterText, filterOn},
		{"detail search", func(*testing.T) Model { return press(sampleModel(100, 30), "enter", "/") }, filterText, filterOn},
		{"breakpoint line", func(*testing.T) Model {
			return press(newTestModel(100, 30, debugOptions(newFakeDebugger())), "W")
		}, func(m Model) string { return m.debug.line.Value() }, func(m Model) bool { return m.debug.lineOpen() }},
		{"environ value", func(t *testing.T) Model { return press(heldEditor(t), "g", "j", "j", "enter") }, editorText, editorOn},
		{"environ new key", func(t *testing.T) Model { return press(heldEditor(t), "a") }, editorText, editorOn},
		{"save path", func(*testing.T) Model {
			opts := testOptions()
			opts.Save = (&files{written: map[string][]uint64{}}).save
			return press(send(newTestModel(100, 30, opts), UpdatesMsg(sampleUpdates())), "w")
		}, func(m Model) string { return m.save.line.Value() }, func(m Model) bool { return m.save.focused() }},
		{"pdb console", func(*testing.T) Model {
			r := begin(1, 89*time.Second, "GET", "/pdb").environ(ms).log(ms, "stdout", "(Pdb) ").
				event(ms, exchange.Event{Kind: exchange.EventInput})
			return send(newTestModel(100, 30, debugOptions(newFakeDebugger())), UpdatesMsg(r.updates))
		}, func(m Model) string { return m.pdb.ti.Value() }, func(m Model) bool { return m.pdb.focused() }},
	}
}

// Letters read together, such as "up" typed fast or sent by tmux in one
// write, are text in every text line: never the arrow, enter or ctrl+c
// their String() names, the line's keys or textinput's.
func TestTextLinesTypeWordsThatNameKeys(t *testing.T) {
	for _, line := range inputLines() {
		t.Run(line.name, func(t *testing.T) {
			for _, word := range keyWords {
				m := line.open(t)
				if !line.on(m) {
					t.Fatalf("the %s did not open:\n%s", line.name, ansi.Strip(m.View()))
				}
				before := line.text(m)
				m = send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(word)})
				if got, want := line.text(m), before+word; got != want || !line.on(m) {
					t.Errorf("%q read together: the %s holds %q (open: %v), want %q still open",
						word, line.name, got, line.on(m), want)
				}
			}
		})
	}
}

// What the filter and search lines hold is applied as it is typed, the
// words that name keys too.
func TestTypedWordsApply(t *testing.T) {
	m := send(press(sampleModel(100, 30), "/"), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("up")})
	if q := m.c.store.filter.query; q != "up" {
		t.Errorf("the list filter applied is %q, want \"up\"", q)
	}
	m = send(press(sampleModel(100, 30), "enter", "/"), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("left")})
	if s := m.detail.search; s != "left" {
		t.Errorf("the search applied is %q, want \"left\"", s)
	}
}
