package pyrunner

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Python is the interpreter the child runs on, and why it was chosen.
type Python struct {
	Path   string // as found, e.g. /home/me/proj/.venv/bin/python
	Source string // "--python", "$VIRTUAL_ENV", "./.venv", "./venv" or "PATH"
}

// FindPython picks the interpreter in DESIGN.md's order: the --python flag,
// the active virtualenv, a .venv or venv folder in dir, then python3 on PATH.
func FindPython(flag, dir string) (Python, error) {
	if flag != "" {
		p, err := exec.LookPath(flag)
		if err != nil {
			return Python{}, fmt.Errorf("--python %s: no such interpreter (%w); give a path or a command on PATH", flag, unwrapExec(err))
		}
		return Python{Path: p, Source: "--python"}, nil
	}
	if venv := os.Getenv("VIRTUAL_ENV"); venv != "" {
		if p := filepath.Join(venv, "bin", "python"); isExecutable(p) {
			return Python{Path: p, Source: "$VIRTUAL_ENV"}, nil
		}
	}
	for _, name := range []string{".venv", "venv"} {
		if p := filepath.Join(dir, name, "bin", "python"); isExecutable(p) {
			return Python{Path: p, Source: "./" + name}, nil
		}
	}
	p, err := exec.LookPath("python3")
	if err != nil {
		return Python{}, errors.New("no Python found: python3 is not on PATH and no virtualenv is active; install Python 3.8+ or pass --python /path/to/python")
	}
	return Python{Path: p, Source: "PATH"}, nil
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir() && info.Mode()&0o111 != 0
}

func unwrapExec(err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) {
		return ee.Err
	}
	return err
}
