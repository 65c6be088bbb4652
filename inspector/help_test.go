package inspector

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// fullOptions is every part of the inspector on: a Control that replays,
// steps and answers pdb, explain mode's texts, and saving.
func fullOptions() Options {
	o := debugOptions(newFakeDebugger())
	o.Explain = testExplainer{}
	o.Save = func(string, []*exchange.Exchange, bool) error { return nil }
	return o
}

// The help page has every key, the mouse and the marks; at 80 and 100
// columns no column is cut: they wrap into more rows. P, ':' and X are in
// it on the list, though no pin, pdb session or open request is there yet;
// w on both, and a request's page has the keys of search and of
// multipart bodies, though its body has no match and no parts.
func TestHelpPageWholeAtEveryWidth(t *testing.T) {
	for _, w := range []int{80, 100, 120} {
		for _, keys := range [][]string{{"k", "?"}, {"k", "enter", "?"}} { // k: a finished request, which r replays
			m := press(send(newTestModel(w, 40, fullOptions()), UpdatesMsg(sampleUpdates())), keys...)
			view := ansi.Strip(m.View())
			if strings.Contains(strings.ReplaceAll(view, "break when…", ""), "…") {
				t.Errorf("%d columns, %q: something is cut:\n%s", w, keys, view)
			}
			wants := []string{"P pin diffs", ": pdb console", "X explain", "r replay", "s step", "w write to a capture file", "Mouse:", "Marks:", "⊘"}
			if len(keys) == 3 {
				wants = append(wants, "n next match", "N previous match", "] next part", "[ previous part", "enter open part", "back to the parts", "v body view", "1-8 go to tab", "t call as Python")
			}
			for _, want := range wants {
				if !strings.Contains(strings.Join(strings.Fields(view), " "), want) {
					t.Errorf("%d columns, %q: the help lacks %q:\n%s", w, keys, want, view)
				}
			}
		}
	}
}

// The help bar keeps "q quit" (the list) and "? help" at 80 columns,
// dropping other keys first.
func TestHelpBarKeepsQuit(t *testing.T) {
	m := send(newTestModel(80, 24, fullOptions()), UpdatesMsg(sampleUpdates()))
	m = send(m, UpdatesMsg(begin(7, 89*1e9, "GET", "/held").held(ms, "before-app").updates))
	lines := strings.Split(ansi.Strip(m.View()), "\n")
	bar := lines[len(lines)-1]
	if !strings.HasSuffix(bar, "? help • q quit") || !strings.HasPrefix(bar, "s step") {
		t.Errorf("the help bar at 80 columns: %q; want it to start with the held request's keys and end with ? help • q quit", bar)
	}
}
