package inspector

import (
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// files is a folder for Options.Save: what was written where, and which
// names exist already.
type files struct {
	mu      sync.Mutex
	written map[string][]uint64 // path → the IDs written there
}

func (f *files) save(path string, exs []*exchange.Exchange, replace bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.written[path]; ok && !replace {
		return fmt.Errorf("capture: open %s: %w", path, fs.ErrExist)
	}
	var ids []uint64
	for _, ex := range exs {
		ids = append(ids, ex.ID)
	}
	f.written[path] = ids
	return nil
}

func (f *files) ids(path string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprint(f.written[path])
}

func TestFlowSave(t *testing.T) {
	dir := &files{written: map[string][]uint64{}}
	opts := testOptions()
	opts.Save = dir.save
	tm := startFlow(t, opts)
	tm.Send(UpdatesMsg(sampleUpdates()))
	waitFor(t, tm, "6 requests")

	// The request at hand (#5), to the name offered.
	keys(tm, "k", "w")
	waitFor(t, tm, "write #5 to: wsgidev-20261122-100130.jsonl", "tab: all shown")
	keys(tm, "enter")
	waitFor(t, tm, "wrote 1 request to wsgidev-20261122-100130.jsonl")
	if got := dir.ids("wsgidev-20261122-100130.jsonl"); got != "[5]" {
		t.Errorf("wrote %s, want [5]", got)
	}

	// All the list shows, under a filter: the request still running is left out.
	keys(tm, "/")
	typeTextFlow(tm, "get")
	keys(tm, "enter", "w", "tab")
	waitFor(t, tm, "write all 4 shown to:")
	keys(tm, "ctrl+u")
	typeTextFlow(tm, "gets.jsonl")
	keys(tm, "enter")
	waitFor(t, tm, "wrote 3 requests to gets.jsonl; left out 1 still running")
	if got := dir.ids("gets.jsonl"); got != "[1 3 5]" {
		t.Errorf("wrote %s, want [1 3 5]", got)
	}

	// A file that exists is replaced only on y.
	keys(tm, "w", "ctrl+u")
	typeTextFlow(tm, "gets.jsonl")
	keys(tm, "enter")
	waitFor(t, tm, "gets.jsonl exists: y replaces it, any other key keeps it")
	keys(tm, "n")
	waitFor(t, tm, "tab: all shown · enter writes")
	keys(tm, "enter")
	waitFor(t, tm, "gets.jsonl exists: y replaces it")
	keys(tm, "y")
	waitFor(t, tm, "wrote 1 request to")
	if got := dir.ids("gets.jsonl"); got != "[5]" {
		t.Errorf("after y, %s, want [5]", got)
	}
	quit(t, tm)
}

// typeTextFlow types s into a running program, a key a letter.
func typeTextFlow(tm *teatest.TestModel, s string) {
	for _, r := range s {
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// Without Options.Save there is no w; with it and no requests, nothing to write.
func TestSaveKeyState(t *testing.T) {
	m := sampleModel(100, 30)
	if m.c.keys.Save.Write.Enabled() {
		t.Error("w is on without Options.Save")
	}
	opts := testOptions()
	opts.Save = (&files{written: map[string][]uint64{}}).save
	if m := newTestModel(100, 30, opts); m.c.keys.Save.Write.Enabled() {
		t.Error("w is on with nothing to write")
	}
	m = send(newTestModel(100, 30, opts), UpdatesMsg(sampleUpdates()))
	if !m.c.keys.Save.Write.Enabled() || !strings.Contains(ansi.Strip(press(m, "?").View()), "write to a capture file") {
		t.Error("w is off, or not in the help, with requests to write")
	}
	m = press(m, "w", "esc")
	if m.save.focused() {
		t.Error("esc does not close the prompt")
	}
}

func TestViewSavePrompt(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		opts := testOptions()
		opts.Save = (&files{written: map[string][]uint64{}}).save
		checkView(t, press(send(newTestModel(w, h, opts), UpdatesMsg(sampleUpdates())), "k", "w", "tab"))
	})
}

// A file's exchanges fill the list from the start; problems reading it
// are in the log pane, and the replay keys say why they do nothing.
func TestLoaded(t *testing.T) {
	var exs []*exchange.Exchange
	for _, u := range sampleUpdates() {
		if u.Done != nil {
			exs = append(exs, u.Done)
		}
	}
	opts := testOptions()
	opts.Loaded, opts.Notes = exs, []string{"c.jsonl: error: line 9: not JSON; skipped"}
	opts.NoReplay = "nothing to replay against: give --app"
	m := newTestModel(100, 30, opts)
	screen := ansi.Strip(m.View())
	for _, want := range []string{"/api/items?debug=1", "/static/logo.png", "5 requests", "1 problem reading the file: L shows them"} {
		if !strings.Contains(screen, want) {
			t.Errorf("no %q on the screen:\n%s", want, screen)
		}
	}
	if screen := ansi.Strip(press(m, "L").View()); !strings.Contains(screen, "line 9: not JSON; skipped") {
		t.Errorf("the log pane does not have the problem:\n%s", screen)
	}
	if screen := ansi.Strip(press(m, "r").View()); !strings.Contains(screen, "nothing to replay against: give --app") {
		t.Errorf("r does not say why it does nothing:\n%s", screen)
	}
}
