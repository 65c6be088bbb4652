package templates

import (
	"io/fs"
	"strings"
	"testing"
)

func TestStarters(t *testing.T) {
	listed := map[string]bool{}
	for _, s := range Starters() {
		listed[s.Name] = true
		files, err := StarterFiles(s.Name)
		if err != nil {
			t.Fatalf("StarterFiles(%q): %v", s.Name, err)
		}
		hasApp := false
		for _, f := range files {
			if strings.Contains(f.Name, "/") {
				t.Errorf("%s/%s: starters are one flat folder", s.Name, f.Name)
			}
			if f.Name == "app.py" {
				hasApp = true
				if !strings.HasPrefix(string(f.Data), `"""`) {
					t.Errorf("%s/app.py does not open with a docstring for the learner", s.Name)
				}
				if !strings.Contains(string(f.Data), "wsgidev serve app.py") {
					t.Errorf("%s/app.py does not say how to run it", s.Name)
				}
			}
		}
		if !hasApp {
			t.Errorf("template %s has no app.py", s.Name)
		}
	}
	// Every folder under new/ is a listed template, so none is unreachable.
	dirs, err := fs.ReadDir(starterFS, "new")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !listed[d.Name()] {
			t.Errorf("new/%s is not in Starters()", d.Name())
		}
	}
	if len(dirs) != len(listed) {
		t.Errorf("%d folders in new/, %d starters listed", len(dirs), len(listed))
	}
}

func TestStarterFilesUnknown(t *testing.T) {
	for _, name := range []string{"", "nope", "../demo", "new/hello", "Hello"} {
		if IsStarter(name) {
			t.Errorf("IsStarter(%q) = true", name)
		}
		_, err := StarterFiles(name)
		if err == nil || !strings.Contains(err.Error(), "hello, streaming, form, middleware, routing, flask") {
			t.Errorf("StarterFiles(%q): error %v, want one listing the templates", name, err)
		}
	}
}
