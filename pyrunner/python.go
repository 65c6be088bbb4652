package pyrunner

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Python is the interpreter the child runs on, and why it was chosen.
type Python struct {
	Path   string // as found, e.g. /home/me/proj/.venv/bin/python
	Source string // why: "--python", "$VIRTUAL_ENV", "./.venv", "PATH", "the py launcher, py -3"…
}

// FindPython picks the interpreter in DESIGN.md's order: the --python flag
// (an interpreter, a command on PATH or a virtualenv's folder), the active
// virtualenv, a .venv or venv folder in dir, then this system's Python on
// PATH (python_unix.go, python_windows.go say which).
func FindPython(flag, dir string) (Python, error) {
	py, launcher, err := hostPython.find(flag, dir, hostFiles)
	if err != nil || launcher == nil {
		return py, err
	}
	return resolveLauncher(py, launcher)
}

// pythonPlaces is one system's rules for finding Python. All of them are
// plain data here, so each system's rules are tested on any system.
type pythonPlaces struct {
	sep       string   // the path separator
	listSep   string   // between the folders of PATH
	pathChars string   // any of these makes --python a path, not a command
	venvExe   string   // a virtualenv's interpreter, below its folder
	venvVar   string   // VIRTUAL_ENV as the banner writes it
	exeSuffix string   // added to a command's name when looking on PATH
	stubDir   string   // a folder whose python.exe may be the Microsoft Store's placeholder
	onPath    []onPath // tried in this order after the virtualenvs
	noPython  string   // the error when nothing is found: what to install
}

// onPath is a program looked for on PATH; a launcher (args set) is asked
// which interpreter it runs.
type onPath struct {
	name, source string
	args         []string
}

// fileSystem is what finding Python looks at. hostFiles is the real
// system's; tests pass a fake one.
type fileSystem struct {
	getenv    func(string) string
	isDir     func(string) bool
	isProgram func(string) bool // a file this system can run
	glob      func(dir, pattern string) []string
	abs       func(string) string
}

var hostFiles = fileSystem{
	getenv:    os.Getenv,
	isDir:     func(p string) bool { info, err := os.Stat(p); return err == nil && info.IsDir() },
	isProgram: isProgram, // python_unix.go, python_windows.go
	glob: func(dir, pattern string) []string {
		found, _ := filepath.Glob(filepath.Join(dir, pattern))
		return found
	},
	abs: func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	},
}

var unixPython = pythonPlaces{
	sep: "/", listSep: ":", pathChars: "/",
	venvExe: "bin/python", venvVar: "$VIRTUAL_ENV",
	onPath: []onPath{{name: "python3", source: "PATH"}},
	noPython: "no Python found: python3 is not on PATH and no virtualenv is active; install Python 3.8+ " +
		"(from python.org, with Homebrew's `brew install python`, or your Linux distribution's python3 package) " +
		"or pass --python /path/to/python",
}

var windowsPython = pythonPlaces{
	sep: `\`, listSep: ";", pathChars: `\/:`,
	venvExe: `Scripts\python.exe`, venvVar: "%VIRTUAL_ENV%", exeSuffix: ".exe", stubDir: "WindowsApps",
	onPath: []onPath{
		{name: "py.exe", args: []string{"-3"}, source: "the py launcher, py -3"},
		{name: "python.exe", source: "PATH"},
	},
	noPython: "no Python found: neither the py launcher nor python.exe is on PATH and no virtualenv is active; " +
		"install Python 3.8+ from python.org (tick \"Add python.exe to PATH\"), or run `winget install Python.Python.3.12`, " +
		`or pass --python C:\path\to\python.exe`,
}

// find picks the interpreter; when it is a launcher (py -3), launcher holds
// its arguments and py.Path the launcher itself.
func (pl pythonPlaces) find(flag, dir string, fs fileSystem) (py Python, launcher []string, err error) {
	if flag != "" {
		py, err := pl.fromFlag(flag, fs)
		return py, nil, err
	}
	if venv := fs.getenv("VIRTUAL_ENV"); venv != "" {
		if p := pl.join(venv, pl.venvExe); fs.isProgram(p) {
			return Python{Path: p, Source: pl.venvVar}, nil, nil
		}
	}
	for _, name := range []string{".venv", "venv"} {
		if p := pl.join(dir, name, pl.venvExe); fs.isProgram(p) {
			return Python{Path: p, Source: "." + pl.sep + name}, nil, nil
		}
	}
	stub := ""
	for _, c := range pl.onPath {
		for _, p := range pl.search(c.name, fs) {
			if pl.isStoreStub(p, fs) {
				stub = p
				continue
			}
			return Python{Path: p, Source: c.source}, c.args, nil
		}
	}
	if stub != "" {
		return Python{}, nil, pl.stubError(stub)
	}
	return Python{}, nil, errors.New(pl.noPython)
}

// fromFlag resolves --python: a virtualenv's folder, a path, or a command
// on PATH.
func (pl pythonPlaces) fromFlag(flag string, fs fileSystem) (Python, error) {
	if fs.isDir(flag) {
		p := pl.join(fs.abs(flag), pl.venvExe)
		if !fs.isProgram(p) {
			return Python{}, fmt.Errorf("--python %s: a folder without %s; give a virtualenv's folder or an interpreter", flag, pl.venvExe)
		}
		return Python{Path: p, Source: "--python, a virtualenv"}, nil
	}
	var found []string
	if strings.ContainsAny(flag, pl.pathChars) {
		for _, p := range pl.programNames(flag) {
			if fs.isProgram(p) {
				found = []string{fs.abs(p)}
				break
			}
		}
	} else {
		found = pl.search(flag, fs)
	}
	if len(found) == 0 {
		return Python{}, fmt.Errorf("--python %s: no such interpreter; give its path, a command on PATH or a virtualenv's folder", flag)
	}
	if pl.isStoreStub(found[0], fs) {
		return Python{}, pl.stubError(found[0])
	}
	return Python{Path: found[0], Source: "--python"}, nil
}

// search lists the programs called name in the folders of PATH, in order.
func (pl pythonPlaces) search(name string, fs fileSystem) []string {
	names := pl.programNames(name)
	var found []string
	for _, dir := range strings.Split(fs.getenv("PATH"), pl.listSep) {
		if dir == "" {
			continue // the current folder: never searched implicitly
		}
		for _, n := range names {
			if p := pl.join(dir, n); fs.isProgram(p) {
				found = append(found, p)
				break
			}
		}
	}
	return found
}

// programNames are the names a program called name may have: python, and
// on Windows python.exe.
func (pl pythonPlaces) programNames(name string) []string {
	if pl.exeSuffix == "" || strings.HasSuffix(strings.ToLower(name), pl.exeSuffix) {
		return []string{name}
	}
	return []string{name, name + pl.exeSuffix}
}

// isStoreStub reports whether p is the python.exe that Windows puts in
// WindowsApps to open the Microsoft Store. The Store's real Python puts
// python3.N.exe beside its python.exe; the placeholder does not.
func (pl pythonPlaces) isStoreStub(p string, fs fileSystem) bool {
	if pl.stubDir == "" {
		return false
	}
	dir, _ := pl.split(p)
	_, folder := pl.split(dir)
	return strings.EqualFold(folder, pl.stubDir) && len(fs.glob(dir, "python3.*.exe")) == 0
}

func (pl pythonPlaces) stubError(stub string) error {
	return fmt.Errorf("the only python.exe found is the Microsoft Store's placeholder (%s), which opens the Store "+
		"instead of running Python; install Python 3.8+ from python.org or the Microsoft Store "+
		"(or run `winget install Python.Python.3.12`), or pass --python with an interpreter's path", stub)
}

func (pl pythonPlaces) join(dir string, parts ...string) string {
	return strings.TrimRight(dir, pl.sep) + pl.sep + strings.Join(parts, pl.sep)
}

func (pl pythonPlaces) split(p string) (dir, file string) {
	i := strings.LastIndex(p, pl.sep)
	if i < 0 {
		return "", p
	}
	return p[:i], p[i+1:]
}

// resolveLauncher asks a launcher (py -3) which interpreter it would run,
// so that the child is that interpreter itself, not a launcher with the
// interpreter as its child.
func resolveLauncher(py Python, args []string) (Python, error) {
	out, err := exec.Command(py.Path, append(args, "-c", "import sys; print(sys.executable)")...).Output()
	exe := string(bytes.TrimSpace(out))
	if err != nil || !hostFiles.isProgram(exe) {
		return Python{}, fmt.Errorf("%s %s found no Python 3 (%v); install Python 3.8+ from python.org, or pass --python with an interpreter's path",
			py.Path, strings.Join(args, " "), launcherError(err, out))
	}
	return Python{Path: exe, Source: py.Source}, nil
}

func launcherError(err error, out []byte) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(bytes.TrimSpace(ee.Stderr)) > 0 {
		return strings.TrimSpace(string(ee.Stderr))
	}
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("it answered %q", bytes.TrimSpace(out))
}

func unwrapExec(err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) {
		return ee.Err
	}
	return err
}
