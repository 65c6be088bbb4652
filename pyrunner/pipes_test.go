package pyrunner

import (
	"os/exec"
	"strings"
	"testing"
)

// TestWindowsPipePathOnLinux runs the child's Windows path here: the
// pipes named in WSGIDEV_HANDLES and opened as msvcrt.open_osfhandle would,
// a call served with select() forbidden, the lifeline's end noticed
// (testdata/windows_pipes.py).
func TestWindowsPipePathOnLinux(t *testing.T) {
	dir, err := installRunner()
	if err != nil {
		t.Fatal(err)
	}
	py, err := FindPython("", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py.Path, "testdata/windows_pipes.py", dir).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("%v\n%s", err, out)
	}
}
