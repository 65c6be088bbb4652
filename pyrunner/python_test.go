package pyrunner

import (
	"os/exec"
	"path"
	"reflect"
	"strings"
	"testing"
)

// fakeTree is a file system for finding Python: programs, folders and the
// environment, in one system's path syntax.
type fakeTree struct {
	pl       pythonPlaces
	programs []string
	dirs     []string
	env      map[string]string
}

func (f fakeTree) fs() fileSystem {
	has := func(list []string, p string) bool {
		for _, x := range list {
			if x == p {
				return true
			}
		}
		return false
	}
	return fileSystem{
		getenv:    func(k string) string { return f.env[k] },
		isDir:     func(p string) bool { return has(f.dirs, p) },
		isProgram: func(p string) bool { return has(f.programs, p) },
		glob: func(dir, pattern string) []string {
			var found []string
			for _, p := range f.programs {
				d, name := f.pl.split(p)
				if ok, _ := path.Match(pattern, name); ok && d == dir {
					found = append(found, p)
				}
			}
			return found
		},
		abs: func(p string) string { return p },
	}
}

type findCase struct {
	name     string
	flag     string
	tree     fakeTree
	want     Python
	launcher []string
	err      string // part of the error, when one is wanted
}

func runFindCases(t *testing.T, pl pythonPlaces, dir string, cases []findCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.tree.pl = pl
			got, launcher, err := pl.find(tc.flag, dir, tc.tree.fs())
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %+v, error %v; want an error saying %q", got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want || !reflect.DeepEqual(launcher, tc.launcher) {
				t.Errorf("got %+v (launcher %q), want %+v (launcher %q)", got, launcher, tc.want, tc.launcher)
			}
		})
	}
}

func TestFindPythonOnUnix(t *testing.T) {
	path := map[string]string{"PATH": ":/home/me/.pyenv/shims:/usr/bin"} // an empty entry is never the current folder
	runFindCases(t, unixPython, "/proj", []findCase{
		{name: "--python path", flag: "/opt/py/bin/python3.12",
			tree: fakeTree{programs: []string{"/opt/py/bin/python3.12"}},
			want: Python{Path: "/opt/py/bin/python3.12", Source: "--python"}},
		{name: "--python command on PATH", flag: "python3.11",
			tree: fakeTree{programs: []string{"/usr/bin/python3.11"}, env: path},
			want: Python{Path: "/usr/bin/python3.11", Source: "--python"}},
		{name: "--python virtualenv folder", flag: "/home/me/envs/proj",
			tree: fakeTree{programs: []string{"/home/me/envs/proj/bin/python"}, dirs: []string{"/home/me/envs/proj"}},
			want: Python{Path: "/home/me/envs/proj/bin/python", Source: "--python, a virtualenv"}},
		{name: "--python folder that is no virtualenv", flag: "/home/me/envs",
			tree: fakeTree{dirs: []string{"/home/me/envs"}}, err: "a folder without bin/python"},
		{name: "--python missing", flag: "python9", tree: fakeTree{env: path}, err: "--python python9: no such interpreter"},
		{name: "active virtualenv", tree: fakeTree{
			programs: []string{"/home/me/env/bin/python", "/proj/.venv/bin/python", "/usr/bin/python3"},
			env:      map[string]string{"VIRTUAL_ENV": "/home/me/env", "PATH": "/usr/bin"}},
			want: Python{Path: "/home/me/env/bin/python", Source: "$VIRTUAL_ENV"}},
		{name: "virtualenv without python falls through", tree: fakeTree{
			programs: []string{"/proj/.venv/bin/python"}, env: map[string]string{"VIRTUAL_ENV": "/gone"}},
			want: Python{Path: "/proj/.venv/bin/python", Source: "./.venv"}},
		{name: ".venv before venv", tree: fakeTree{programs: []string{"/proj/.venv/bin/python", "/proj/venv/bin/python"}},
			want: Python{Path: "/proj/.venv/bin/python", Source: "./.venv"}},
		{name: "venv", tree: fakeTree{programs: []string{"/proj/venv/bin/python", "/usr/bin/python3"}, env: path},
			want: Python{Path: "/proj/venv/bin/python", Source: "./venv"}},
		{name: "python3 on PATH, first folder wins", tree: fakeTree{
			programs: []string{"/usr/bin/python3", "/home/me/.pyenv/shims/python3", "/python3", "python3"}, env: path},
			want: Python{Path: "/home/me/.pyenv/shims/python3", Source: "PATH"}},
		{name: "nothing", tree: fakeTree{env: path}, err: "install Python 3.8+"},
	})
}

func TestFindPythonOnWindows(t *testing.T) {
	apps := `C:\Users\me\AppData\Local\Microsoft\WindowsApps`
	path := map[string]string{"PATH": apps + `;C:\Python312\;C:\Windows`}
	runFindCases(t, windowsPython, `C:\proj`, []findCase{
		{name: "active virtualenv", tree: fakeTree{
			programs: []string{`C:\envs\web\Scripts\python.exe`, `C:\Windows\py.exe`},
			env:      map[string]string{"VIRTUAL_ENV": `C:\envs\web`, "PATH": `C:\Windows`}},
			want: Python{Path: `C:\envs\web\Scripts\python.exe`, Source: "%VIRTUAL_ENV%"}},
		{name: ".venv", tree: fakeTree{programs: []string{`C:\proj\.venv\Scripts\python.exe`, `C:\proj\venv\Scripts\python.exe`}},
			want: Python{Path: `C:\proj\.venv\Scripts\python.exe`, Source: `.\.venv`}},
		{name: "venv", tree: fakeTree{programs: []string{`C:\proj\venv\Scripts\python.exe`}},
			want: Python{Path: `C:\proj\venv\Scripts\python.exe`, Source: `.\venv`}},
		{name: "the py launcher before python.exe", tree: fakeTree{
			programs: []string{`C:\Python312\python.exe`, `C:\Windows\py.exe`}, env: path},
			want: Python{Path: `C:\Windows\py.exe`, Source: "the py launcher, py -3"}, launcher: []string{"-3"}},
		{name: "python.exe on PATH, the Store's placeholder passed over", tree: fakeTree{
			programs: []string{apps + `\python.exe`, apps + `\python3.exe`, `C:\Python312\python.exe`}, env: path},
			want: Python{Path: `C:\Python312\python.exe`, Source: "PATH"}},
		{name: "only the Store's placeholder", tree: fakeTree{
			programs: []string{apps + `\python.exe`, apps + `\python3.exe`}, env: path},
			err: "the Microsoft Store's placeholder (" + apps + `\python.exe), which opens the Store`},
		{name: "the Store's real Python", tree: fakeTree{
			programs: []string{apps + `\python.exe`, apps + `\python3.exe`, apps + `\python3.12.exe`}, env: path},
			want: Python{Path: apps + `\python.exe`, Source: "PATH"}},
		{name: "--python command gets .exe", flag: "python",
			tree: fakeTree{programs: []string{`C:\Python312\python.exe`}, env: path},
			want: Python{Path: `C:\Python312\python.exe`, Source: "--python"}},
		{name: "--python path gets .exe", flag: `C:\Python311\python`,
			tree: fakeTree{programs: []string{`C:\Python311\python.exe`}},
			want: Python{Path: `C:\Python311\python.exe`, Source: "--python"}},
		{name: "--python path with forward slashes", flag: `C:/Python311/python.exe`,
			tree: fakeTree{programs: []string{`C:/Python311/python.exe`}},
			want: Python{Path: `C:/Python311/python.exe`, Source: "--python"}},
		{name: "--python virtualenv folder", flag: `C:\envs\web`,
			tree: fakeTree{programs: []string{`C:\envs\web\Scripts\python.exe`}, dirs: []string{`C:\envs\web`}},
			want: Python{Path: `C:\envs\web\Scripts\python.exe`, Source: "--python, a virtualenv"}},
		{name: "--python folder that is no virtualenv", flag: `C:\envs`,
			tree: fakeTree{dirs: []string{`C:\envs`}}, err: `a folder without Scripts\python.exe`},
		{name: "--python the Store's placeholder", flag: apps + `\python.exe`,
			tree: fakeTree{programs: []string{apps + `\python.exe`}}, err: "opens the Store instead of running Python"},
		{name: "nothing", tree: fakeTree{env: path}, err: "winget install Python.Python.3.12"},
	})
}

// TestResolveLauncher asks a launcher for its interpreter, here python3
// standing in for py -3 (both take -c).
func TestResolveLauncher(t *testing.T) {
	python3, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	want, err := exec.Command(python3, "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Fatal(err)
	}
	py, err := resolveLauncher(Python{Path: python3, Source: "the py launcher, py -3"}, []string{"-E"})
	if err != nil || py.Path != strings.TrimSpace(string(want)) || py.Source != "the py launcher, py -3" {
		t.Errorf("got %+v, %v; want %s from the launcher", py, err, want)
	}
	// A launcher without a Python 3 says so on stderr; the error passes it on.
	fail := []string{"-c", "import sys; sys.exit('No suitable Python runtime found')"}
	if _, err := resolveLauncher(Python{Path: python3}, fail); err == nil || !strings.Contains(err.Error(), "No suitable Python runtime found") {
		t.Errorf("got %v, want the launcher's own words", err)
	}
}
