package inspector

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func TestLocalsBlocks(t *testing.T) {
	st := DefaultStyles(lipgloss.NewRenderer(nil))
	f := &exchange.Failure{Frames: []exchange.Frame{
		{File: "/srv/app.py", Line: 17, Function: "application", Locals: []exchange.Local{{Name: "user", Repr: "{'name': 'Ada'}"}}},
		{File: "/srv/app.py", Line: 12, Function: "parse", LocalsLeft: 3, Locals: []exchange.Local{
			{Name: "token", Repr: "'tok\x1b[2J'"}, {Name: "long", Repr: "'" + strings.Repeat("x", 90) + "'"}}},
		{File: "/usr/lib/python3.11/json/decoder.py", Line: 353, Function: "raw_decode", Library: true,
			Locals: []exchange.Local{{Name: "idx", Repr: "0"}}},
	}}
	var lines []string
	for _, b := range localsBlocks(&st, f, 60) {
		for _, l := range b.lines {
			lines = append(lines, ansi.Strip(l))
		}
	}
	want := []string{
		"",
		"Locals  parse() · app.py, line 12",
		"  token = 'tok·[2J'", // no control character reaches the terminal
		"  long  = '" + strings.Repeat("x", 49),
		"          " + strings.Repeat("x", 41) + "'",
		"  3 more not kept",
		"",
		"Locals  application() · app.py, line 17",
		"  user = {'name': 'Ada'}",
	}
	if got := strings.Join(lines, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("got\n%s\n\nwant\n%s", got, strings.Join(want, "\n"))
	}
}
