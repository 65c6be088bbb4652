package inspector

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// sizes are the terminal sizes every view is checked at.
var sizes = [][2]int{{80, 24}, {120, 40}}

// checkView compares the ANSI-stripped view with testdata/<Test>.golden
// (go test -update rewrites them) and checks the layout: exactly h lines,
// none wider than w.
func checkView(t *testing.T, m Model) {
	t.Helper()
	view := ansi.Strip(m.View())
	lines := strings.Split(view, "\n")
	if len(lines) != m.c.height {
		t.Errorf("view has %d lines, want %d", len(lines), m.c.height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > m.c.width {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i+1, w, m.c.width, l)
		}
	}
	golden.RequireEqual(t, []byte(view))
}

// forSizes runs f at each size in a subtest named like 80x24.
func forSizes(t *testing.T, f func(t *testing.T, w, h int)) {
	for _, s := range sizes {
		t.Run(fmt.Sprintf("%dx%d", s[0], s[1]), func(t *testing.T) { f(t, s[0], s[1]) })
	}
}

func sampleModel(w, h int) Model {
	return send(newTestModel(w, h, testOptions()), UpdatesMsg(sampleUpdates()))
}

func TestViewEmpty(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		checkView(t, newTestModel(w, h, testOptions()))
	})
}

func TestViewList(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		checkView(t, sampleModel(w, h))
	})
}

func TestViewListScrolled(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		m := press(sampleModel(w, h), "k", "k")
		m = send(m, UpdatesMsg(begin(7, 85*time.Second, "GET", "/healthz").environ(100*time.Microsecond).updates))
		checkView(t, m)
	})
}

func TestViewDetail(t *testing.T) {
	cases := []struct {
		tab  string
		keys []string // from the list, following the newest row
	}{
		{"Environ", []string{"g", "enter"}},
		{"EnvironLive", []string{"enter"}},
		{"Request", []string{"g", "j", "enter", "2"}},
		{"RequestForm", []string{"g", "j", "j", "j", "enter", "2"}},
		{"Response", []string{"g", "j", "j", "enter", "3"}},
		{"Body", []string{"g", "j", "enter", "4"}},
		{"BodyHex", []string{"k", "enter", "4"}},
		{"BodyLive", []string{"enter", "4"}},
		{"RequestAsHex", []string{"g", "j", "enter", "2", "v", "v"}},
		{"Log", []string{"g", "j", "j", "enter", "5"}},
		{"Timeline", []string{"g", "j", "enter", "6"}},
		{"TimelineLive", []string{"enter", "6"}},
	}
	for _, c := range cases {
		t.Run(c.tab, func(t *testing.T) {
			forSizes(t, func(t *testing.T, w, h int) {
				checkView(t, press(sampleModel(w, h), c.keys...))
			})
		})
	}
}

func TestViewEnvironSearch(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		m := press(sampleModel(w, h), "g", "enter", "/")
		m = press(typeText(m, "http_"), "enter")
		checkView(t, m)
	})
}

func TestViewFilter(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		m := press(sampleModel(w, h), "/")
		m = press(typeText(m, "method:post"), "enter")
		checkView(t, m)
	})
}

func TestViewFilterTyping(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		m := typeText(press(sampleModel(w, h), "/"), "status:5xx")
		checkView(t, m)
	})
}

// A filter that does not parse hides nothing and says why.
func TestViewFilterError(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		m := press(sampleModel(w, h), "/")
		m = press(typeText(m, "status:5xx bogus:x"), "enter")
		checkView(t, m)
	})
}

func TestViewHelp(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		checkView(t, press(sampleModel(w, h), "?"))
	})
}

func TestViewHelpDetail(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		checkView(t, press(sampleModel(w, h), "enter", "?"))
	})
}

func TestViewLogPane(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		checkView(t, press(sampleModel(w, h), "L"))
	})
}

// TestLayoutAnySize checks that every screen fills the terminal exactly and
// never overflows a line, at sizes from 80×24 up, and does not break below.
func TestLayoutAnySize(t *testing.T) {
	screens := [][]string{
		{}, {"?"}, {"L"}, {"L", "?"}, {"/", "s", "t"}, {"/", "x", "enter"},
		{"enter"}, {"g", "enter", "L"}, {"g", "j", "enter", "2", "?"},
		{"g", "j", "j", "enter", "3"}, {"k", "enter", "4"}, {"g", "j", "j", "enter", "5"},
		{"enter", "6", "L", "?"}, {"g", "enter", "/", "h", "t"},
	}
	for w := 20; w <= 200; w += 13 {
		for h := 6; h <= 60; h += 7 {
			for _, keys := range screens {
				m := press(sampleModel(w, h), keys...)
				lines := strings.Split(ansi.Strip(m.View()), "\n")
				for i, l := range lines {
					if lw := ansi.StringWidth(l); lw > w {
						t.Fatalf("%dx%d after %q: line %d is %d wide: %q", w, h, keys, i+1, lw, l)
					}
				}
				if w >= 80 && h >= 24 && len(lines) != h {
					t.Fatalf("%dx%d after %q: %d lines", w, h, keys, len(lines))
				}
			}
		}
	}
}
