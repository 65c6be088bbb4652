package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestPythonFlagTakesAVirtualenvFolder: --python names a virtualenv by its
// folder, and the banner says that is where Python came from.
func TestPythonFlagTakesAVirtualenvFolder(t *testing.T) {
	t.Parallel()
	venv := filepath.Join(t.TempDir(), "env")
	if out, err := exec.Command("/usr/bin/python3", "-m", "venv", "--without-pip", venv).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot make a virtualenv (python3-venv): %v\n%s", err, out)
		}
		t.Skipf("cannot make a virtualenv: %v\n%s", err, out)
	}
	p := startServing(t, launch{args: []string{"serve", "app.py", "--port", "0", "--python", venv}})
	p.waitOutput(regexp.MustCompile(`(?m)^  python   \S+ \(Python 3\.\d+\.\d+, from --python, a virtualenv\)$`))
	// The interpreter is the virtualenv's: its sys.prefix is the folder.
	if got := p.getText("/prefix", 200); got != venv {
		t.Errorf("sys.prefix %q, want %q", got, venv)
	}
}
