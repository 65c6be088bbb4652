package inspector

import (
	"os/exec"
	"strings"
	"testing"
)

// curlArgs runs a command line in sh with curl standing in as a function
// that prints its arguments, one a line in brackets.
func curlArgs(t *testing.T, cmd string) string {
	t.Helper()
	out, err := exec.Command("sh", "-c", "curl() { printf '[%s]\\n' \"$@\"; }\n"+cmd).CombinedOutput()
	if err != nil {
		t.Fatalf("sh: %v\n%s\nthe command:\n%s", err, out, cmd)
	}
	return string(out)
}

// The curl command wrapped for the screen is the same command: pasted
// into a shell, curl gets the same arguments, however narrow the screen
// and however long a quoted header or URL.
func TestShellWrapPastesAsTheSameCommand(t *testing.T) {
	cmds := []string{
		`curl -sS --path-as-is --globoff -X POST 'http://127.0.0.1:8000/form' -H 'Content-Type: application/x-www-form-urlencoded' -H 'User-Agent:' --data-binary @-`,
		`curl -sS 'http://127.0.0.1:8000/a?q=it'\''s here' -H 'X-Long: ` + strings.Repeat("0123456789", 30) + `' -H "X-Quoted: \"twice\" and \$HOME"`,
		`curl -sS http://127.0.0.1:8000/` + strings.Repeat("abc", 70) + ` -H 'Accept:'`,
		`curl -sS 'http://127.0.0.1:8000/caf` + "\u00e9" + strings.Repeat("\u00e9", 60) + `'`,
	}
	for _, cmd := range cmds {
		want := curlArgs(t, cmd)
		for _, width := range []int{20, 40, 80, 120} {
			lines := shellWrap(cmd, width)
			for _, l := range lines {
				if len(l) > width {
					t.Errorf("width %d: a line of %d: %q", width, len(l), l)
				}
			}
			if got := curlArgs(t, strings.Join(lines, "\n")); got != want {
				t.Errorf("width %d: wrapped as\n%s\ncurl got\n%s\nwant\n%s", width, strings.Join(lines, "\n"), got, want)
			}
		}
	}
}
