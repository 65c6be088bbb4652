package inspector

import (
	"regexp"
	"strings"
	"testing"
)

// colourSGR matches an escape sequence that sets a colour: 30-37, 39,
// 40-47, 49, 90-97, 100-107, and 38;… / 48;… for 256 and true colour.
var colourSGR = regexp.MustCompile(`\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m`)

// Under NO_COLOR the selected row keeps bold and reverse video: NO_COLOR
// is about colour only, and the › alone is easy to lose.
func TestNoColorKeepsTheSelection(t *testing.T) {
	m := sampleModel(100, 30)
	view := m.View()
	if c := colourSGR.FindString(view); c != "" {
		t.Errorf("NO_COLOR, and the view sets a colour: %q", c)
	}
	for _, line := range strings.Split(view, "\n") {
		if !strings.Contains(line, "›") {
			continue
		}
		if !strings.Contains(line, "\x1b[1;7m") && !strings.Contains(line, "\x1b[7;1m") {
			t.Errorf("the selected row is not bold in reverse video: %q", line)
		}
		return
	}
	t.Fatalf("no selected row in:\n%s", view)
}

// Under NO_COLOR a search's matches in a body still show: in reverse
// video, the current one bold and underlined too.
func TestNoColorKeepsTheMatches(t *testing.T) {
	m := press(contentModel(t, 100, 30), "g", "j", "enter", "4", "/")
	view := press(typeText(m, "li>"), "enter").View() // <li> twice: the first is current
	if c := colourSGR.FindString(view); c != "" {
		t.Errorf("NO_COLOR, and the view sets a colour: %q", c)
	}
	if !strings.Contains(view, "\x1b[7mli>\x1b[0m") {
		t.Errorf("the second match is not in reverse video:\n%q", view)
	}
	if !regexp.MustCompile(`\x1b\[1;4;7(;4)?ml`).MatchString(view) {
		t.Errorf("the current match is not bold, underlined and in reverse video:\n%q", view)
	}
}
