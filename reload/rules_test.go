package reload

import (
	"path/filepath"
	"testing"
)

func TestIgnoreGlobs(t *testing.T) {
	cases := []struct {
		pattern string
		rel     string
		isDir   bool
		want    bool
	}{
		// No slash: a base name at any depth.
		{"*.log", "app.log", false, true},
		{"*.log", "logs/app.log", false, true},
		{"*.log", "app.py", false, false},
		{"scratch.py", "a/b/scratch.py", false, true},
		{"test_?.py", "test_a.py", false, true},
		{"test_?.py", "test_ab.py", false, false},
		{"[ab].py", "b.py", false, true},
		{"[ab].py", "c.py", false, false},
		{"*", "anything/at/all", false, true},
		// A trailing slash: folders only.
		{"build/", "build", true, true},
		{"build/", "src/build", true, true},
		{"build/", "build", false, false},
		// A leading slash anchors to the root.
		{"/scratch.py", "scratch.py", false, true},
		{"/scratch.py", "pkg/scratch.py", false, false},
		{"/build/", "build", true, true},
		{"/build/", "src/build", true, false},
		// An inner slash anchors too.
		{"docs/*.py", "docs/conf.py", false, true},
		{"docs/*.py", "sub/docs/conf.py", false, false},
		{"docs/*.py", "docs/api/conf.py", false, false},
		// ** across folders.
		{"**/migrations", "migrations", true, true},
		{"**/migrations", "app/migrations", true, true},
		{"**/migrations", "a/b/migrations", false, true},
		{"docs/**", "docs/a/b.py", false, true},
		{"docs/**", "docs", true, false},
		{"a/**/b.py", "a/b.py", false, true},
		{"a/**/b.py", "a/x/y/b.py", false, true},
		{"a/**/b.py", "c/a/b.py", false, false},
		{"a/**/*_test.py", "a/x/app_test.py", false, true},
		{"foo**", "foobar", false, true},
		{"**", "x.py", false, true},
		// Escapes.
		{`\*.py`, "*.py", false, true},
		{`\*.py`, "a.py", false, false},
		// Empty.
		{"", "x.py", false, false},
	}
	for _, c := range cases {
		t.Run(c.pattern+" "+c.rel, func(t *testing.T) {
			gs, err := compileGlobs([]string{c.pattern}, system{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ignoredBy(gs, c.rel, c.isDir); got != c.want {
				t.Errorf("%q matched against %q (dir %v) = %v, want %v", c.pattern, c.rel, c.isDir, got, c.want)
			}
		})
	}
}

func TestIgnoreGlobsNegation(t *testing.T) {
	gs, err := compileGlobs([]string{"*.py", "!keep.py", "gen_*.py"}, system{})
	if err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]bool{
		"a.py":          true,
		"keep.py":       false,
		"pkg/keep.py":   false,
		"gen_keep.py":   true,
		"templates.txt": false,
	} {
		if got := ignoredBy(gs, rel, false); got != want {
			t.Errorf("%q: ignored %v, want %v", rel, got, want)
		}
	}
}

func TestIgnoreGlobsBad(t *testing.T) {
	for _, p := range []string{"[bad", "a/[", "!", "/"} {
		if _, err := compileGlobs([]string{p}, system{}); err == nil {
			t.Errorf("compileGlobs(%q) = nil error", p)
		}
	}
}

func TestIgnoredFile(t *testing.T) {
	for name, want := range map[string]bool{
		// Editors'.
		".app.py.swp":        true,
		".app.py.swo":        true,
		".app.py.swx":        true,
		".app.py.swn":        true,
		"4913":               true,
		"5036":               true,
		"app.py~":            true,
		".#app.py":           true,
		"#app.py#":           true,
		"app.py___jb_tmp___": true,
		"app.py___jb_old___": true,
		"~$report.docx":      true, // Office's lock file
		"~$app.py":           true,
		"~WRL0003.tmp":       true, // Word's save
		"app.py.tmp":         true,
		"APP.TMP":            true,
		// The system's.
		".DS_Store":   true,
		".ds_store":   true,
		"Thumbs.db":   true,
		"THUMBS.DB":   true,
		"desktop.ini": true,
		"Desktop.ini": true,
		// The user's.
		"app.py":                  false,
		"swap.py":                 false,
		"123.py":                  false,
		"42":                      false,
		"#":                       false,
		"issue#12.py":             false,
		"app.sw":                  false,
		"jb_tmp.py":               false,
		"notes.swift.py":          false,
		"._app.py":                false,
		"app.py.orig":             false,
		"__init__.py":             false,
		".hidden_but_fine.py":     false,
		"settings.local.py":       false,
		"app.py.___jb_bak___.txt": false,
		"~app.py":                 false,
		"tmp.py":                  false,
		"template.tmpl":           false,
		"thumbs.py":               false,
		"desktop.ini.py":          false,
		"app.db":                  false,
	} {
		if got := ignoredFile(name); got != want {
			t.Errorf("ignoredFile(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestIgnoreOnOtherSystems: where names ignore case (macOS, Windows) the
// patterns do too, and on Windows "\" separates folders in a pattern.
func TestIgnoreOnOtherSystems(t *testing.T) {
	windows := system{fold: true, backslash: true}
	macOS := system{fold: true}
	cases := []struct {
		sys     system
		pattern string
		rel     string // as ruleSet.name gives it: lower case where names fold
		isDir   bool
		want    bool
	}{
		{windows, `Build\`, "build", true, true},
		{windows, `static\Gen\*.py`, "static/gen/a.py", false, true},
		{windows, `\local_settings.py`, "local_settings.py", false, true},
		{windows, `\local_settings.py`, "pkg/local_settings.py", false, false},
		{windows, `docs\**`, "docs/api/conf.py", false, true},
		{windows, `*.PY`, "app.py", false, true},
		{macOS, `Docs/*.py`, "docs/conf.py", false, true},
		{macOS, `\*.py`, "*.py", false, true}, // an escape, as on Linux
		{macOS, `\*.py`, "a.py", false, false},
		{system{}, `Docs/*.py`, "docs/conf.py", false, false},
	}
	for _, c := range cases {
		gs, err := compileGlobs([]string{c.pattern}, c.sys)
		if err != nil {
			t.Fatalf("%q: %v", c.pattern, err)
		}
		if got := ignoredBy(gs, c.rel, c.isDir); got != c.want {
			t.Errorf("%+v: %q matched against %q = %v, want %v", c.sys, c.pattern, c.rel, got, c.want)
		}
	}

	// A ruleSet on such a system folds the paths it is given.
	gs, err := compileGlobs([]string{"Migrations/"}, macOS)
	if err != nil {
		t.Fatal(err)
	}
	r := &ruleSet{roots: []string{"/proj"}, exts: []string{"PY"}, globs: gs, fold: true}
	for dir, want := range map[string]bool{
		"/proj/pkg/migrations":  true,
		"/proj/pkg/MIGRATIONS":  true,
		"/proj/Node_Modules":    true,
		"/proj/__PYCACHE__":     true,
		"/proj/.Git":            true,
		"/proj/pkg/migrations2": false,
	} {
		if got := r.skipDir(dir); got != want {
			t.Errorf("skipDir(%q) = %v, want %v", dir, got, want)
		}
	}
	if !r.ignoredPath("/proj/Pkg/Migrations/0001.py") || r.ignoredPath("/proj/Pkg/app.py") {
		t.Errorf("ignoredPath does not fold the case of folders")
	}
	if !hasExt("APP.py", r.exts) {
		t.Errorf("--ext PY does not take app.py")
	}
}

func TestHasExt(t *testing.T) {
	exts := []string{"py", "html", "tar.gz"}
	for name, want := range map[string]bool{
		"app.py":     true,
		"APP.PY":     true,
		"index.html": true,
		"a.tar.gz":   true,
		".py":        false,
		"py":         false,
		"app.pyc":    false,
		"app.py~":    false,
		"app.htm":    false,
		"a.gz":       false,
		"Makefile":   false,
	} {
		if got := hasExt(name, exts); got != want {
			t.Errorf("hasExt(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestRuleSet(t *testing.T) {
	root := filepath.FromSlash("/proj")
	inner := filepath.FromSlash("/proj/node_modules/mylib")
	gs, err := compileGlobs([]string{"migrations/", "/local_settings.py"}, system{})
	if err != nil {
		t.Fatal(err)
	}
	r := &ruleSet{roots: []string{inner, root}, exts: []string{"py"}, globs: gs}
	p := func(s string) string { return filepath.FromSlash(s) }

	for dir, want := range map[string]bool{
		"/proj/pkg":                true,
		"/proj/.git":               false,
		"/proj/pkg/__pycache__":    false,
		"/proj/node_modules":       false,
		"/proj/pkg/migrations":     false,
		"/proj/.github":            true,
		"/proj/node_modules/mylib": true, // a root of its own
	} {
		if got := !r.skipDir(p(dir)); got != want {
			t.Errorf("skipDir(%q) = %v, want %v", dir, !got, !want)
		}
	}
	for file, want := range map[string]bool{
		"/proj/app.py":                    false,
		"/proj/local_settings.py":         true,
		"/proj/pkg/local_settings.py":     false,
		"/proj/.#app.py":                  true,
		"/proj/pkg/migrations/0001.py":    true,
		"/proj/.git/x.py":                 true,
		"/proj/node_modules/other/x.py":   true,
		"/proj/node_modules/mylib/lib.py": false, // inside its own root
		"/elsewhere/lib.py":               false,
		"/elsewhere/.#lib.py":             true,
		"/elsewhere/.git/lib.py":          false, // outside the roots only names count
	} {
		if got := r.ignoredPath(p(file)); got != want {
			t.Errorf("ignoredPath(%q) = %v, want %v", file, got, want)
		}
	}
	if rel, in := r.rel(p("/proj/node_modules/mylib/a/b.py")); rel != "a/b.py" || !in {
		t.Errorf("rel = %q, %v", rel, in)
	}
	if rel, in := r.rel(p("/elsewhere/x.py")); rel != "x.py" || in {
		t.Errorf("rel = %q, %v", rel, in)
	}
}
