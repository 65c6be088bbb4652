package devserver

import (
	"strings"
	"testing"
)

// What a line typed on the console asks for when no app reads stdin.
func TestConsoleCommands(t *testing.T) {
	for _, tt := range []struct {
		line string
		act  sessionAction
		ok   bool
	}{
		{"r\n", doReload, true},
		{"  r \r\n", doReload, true},
		{"c\n", doRelease, true},
		{"?\n", doHelp, true},
		{"h\n", doHelp, true},
		{"\n", doNothing, true},
		{"R\n", doNothing, false},
		{"reload\n", doNothing, false},
		{"x\n", doNothing, false},
	} {
		act, ok := consoleAction(tt.line)
		if act != tt.act || ok != tt.ok {
			t.Errorf("consoleAction(%q) = %d, %v; want %d, %v", tt.line, act, ok, tt.act, tt.ok)
		}
	}
}

func TestConsoleHelpListsEveryCommand(t *testing.T) {
	help := consoleHelp()
	for _, c := range consoleCommands {
		for _, k := range c.keys {
			if !strings.Contains(help, k+"⏎") || !strings.Contains(help, c.does) {
				t.Errorf("the help %q lacks %s⏎ (%s)", help, k, c.does)
			}
		}
	}
}
