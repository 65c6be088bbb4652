package reload

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// modes runs the core cases with inotify and with polling.
var modes = []struct {
	name string
	poll bool
}{{"inotify", false}, {"poll", true}}

const (
	batchTimeout = 5 * time.Second        // a batch must come within this
	quiet        = 300 * time.Millisecond // no batch within this means none
)

// start starts a watcher. Polling looks every 50ms rather than every 250ms,
// so that the quiet period that means "no batch" spans several looks.
func start(t *testing.T, cfg Config) *Watcher {
	t.Helper()
	if cfg.Poll && cfg.PollInterval == 0 {
		cfg.PollInterval = 50 * time.Millisecond
	}
	w, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func nextBatch(t *testing.T, w *Watcher) Batch {
	t.Helper()
	select {
	case b, ok := <-w.Batches():
		if !ok {
			t.Fatal("Batches closed")
		}
		return b
	case <-time.After(batchTimeout):
		t.Fatalf("no batch within %s", batchTimeout)
	}
	return Batch{}
}

func noBatch(t *testing.T, w *Watcher) {
	t.Helper()
	select {
	case b := <-w.Batches():
		t.Fatalf("unexpected batch %q", b.Paths)
	case <-time.After(quiet):
	}
}

// wantBatch waits for exactly one batch holding exactly want.
func wantBatch(t *testing.T, w *Watcher, want ...string) {
	t.Helper()
	b := nextBatch(t, w)
	slices.Sort(want)
	if !slices.Equal(b.Paths, want) {
		t.Fatalf("batch %q, want %q", b.Paths, want)
	}
	if b.First.IsZero() || b.First.After(time.Now()) {
		t.Errorf("batch First = %v", b.First)
	}
	noBatch(t, w)
}

func write(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// appendLine changes p's size, so that polling sees the change even within
// one tick of the filesystem clock.
func appendLine(t *testing.T, p string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("x = 1\n"); err != nil {
		t.Fatal(err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// project makes a temp project with app.py and returns its folder.
func project(t *testing.T) string {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "app.py"), "def app(environ, start_response): pass\n")
	return dir
}

func TestWatch(t *testing.T) {
	cases := []struct {
		name string
		run  func(t *testing.T, poll bool)
	}{
		{"edit", testEdit},
		{"vim save", testVimSave},
		{"slow save", testSlowSave},
		{"jetbrains safe write", testJetBrainsSave},
		{"emacs save", testEmacsSave},
		{"new folder", testNewFolder},
		{"removed folder", testRemovedFolder},
		{"moved folder", testMovedFolder},
		{"ignored", testIgnored},
		{"system and office files", testSystemFiles},
		{"ignore globs", testIgnoreGlobs},
		{"ext html", testExtHTML},
		{"single files", testSingleFiles},
		{"delete", testDelete},
		{"checkout", testCheckout},
		{"new virtualenv", testNewVenv},
		{"close", testClose},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.run(t, m.poll)
				})
			}
		})
	}
}

func testEdit(t *testing.T, poll bool) {
	dir := project(t)
	w := start(t, Config{Roots: []string{dir}, Poll: poll})
	app := filepath.Join(dir, "app.py")
	appendLine(t, app)
	wantBatch(t, w, app)
	appendLine(t, app)
	wantBatch(t, w, app)
}

// testVimSave saves the way vim does with its defaults: swap file, the 4913
// probe, the old file renamed to a ~ backup, the new one written, the backup
// deleted.
func testVimSave(t *testing.T, poll bool) {
	dir := project(t)
	w := start(t, Config{Roots: []string{dir}, Poll: poll})
	app := filepath.Join(dir, "app.py")
	swp := filepath.Join(dir, ".app.py.swp")
	write(t, swp, "swap")
	probe := filepath.Join(dir, "4913")
	write(t, probe, "")
	must(t, os.Remove(probe))
	must(t, os.Rename(app, app+"~"))
	write(t, app, "def app(environ, start_response): return [b'vim']\n")
	must(t, os.Remove(app+"~"))
	write(t, swp, "swap, updated")
	wantBatch(t, w, app)
	must(t, os.Remove(swp))
	noBatch(t, w)
}

// testSlowSave is an editor stalled for a moment between renaming the old
// file away and writing the new one (a busy machine): still one batch, and
// not one for the missing file first.
func testSlowSave(t *testing.T, poll bool) {
	dir := project(t)
	w := start(t, Config{Roots: []string{dir}, Poll: poll})
	app := filepath.Join(dir, "app.py")
	renamed := time.Now()
	must(t, os.Rename(app, app+"~"))
	time.Sleep(3 * DefaultDebounce) // the stall, not an assert
	write(t, app, "def app(environ, start_response): return [b'slow']\n")
	stalled := time.Since(renamed)
	must(t, os.Remove(app+"~"))
	if stalled < missingWait*DefaultDebounce {
		wantBatch(t, w, app)
		return
	}
	// The machine held this test up longer than the watcher waits for a
	// missing file, so the deletion may rightly have gone out on its own,
	// and a stall inside the write can split it too: batches of app.py
	// alone then, at least one and a few at most.
	batches := 0
	for b := nextBatch(t, w); ; batches++ {
		if !slices.Equal(b.Paths, []string{app}) {
			t.Fatalf("after a %s stall: batch %q, want %q", stalled, b.Paths, app)
		}
		if batches == 3 {
			t.Fatalf("after a %s stall: a fourth batch %q", stalled, b.Paths)
		}
		select {
		case b = <-w.Batches():
			continue
		case <-time.After(quiet):
		}
		return
	}
}

// testJetBrainsSave is a JetBrains "safe write".
func testJetBrainsSave(t *testing.T, poll bool) {
	dir := project(t)
	w := start(t, Config{Roots: []string{dir}, Poll: poll})
	app := filepath.Join(dir, "app.py")
	write(t, app+"___jb_tmp___", "def app(environ, start_response): return [b'jb']\n")
	must(t, os.Rename(app, app+"___jb_old___"))
	must(t, os.Rename(app+"___jb_tmp___", app))
	must(t, os.Remove(app+"___jb_old___"))
	wantBatch(t, w, app)
}

// testEmacsSave: the .# lock symlink, the ~ backup by rename, the #autosave#.
func testEmacsSave(t *testing.T, poll bool) {
	dir := project(t)
	w := start(t, Config{Roots: []string{dir}, Poll: poll})
	app := filepath.Join(dir, "app.py")
	lock := filepath.Join(dir, ".#app.py")
	must(t, os.Symlink("me@host.1234:1", lock))
	write(t, filepath.Join(dir, "#app.py#"), "autosave")
	must(t, os.Rename(app, app+"~"))
	write(t, app, "def app(environ, start_response): return [b'emacs']\n")
	must(t, os.Remove(filepath.Join(dir, "#app.py#")))
	must(t, os.Remove(lock))
	wantBatch(t, w, app)
}

// testNewFolder makes folders and writes a file in them at once, racing the
// watch on the new folders; then edits the file, which must be watched.
func testNewFolder(t *testing.T, poll bool) {
	dir := project(t)
	w := start(t, Config{Roots: []string{dir}, Poll: poll})
	mod := filepath.Join(dir, "pkg", "sub", "mod.py")
	must(t, os.MkdirAll(filepath.Dir(mod), 0o755))
	write(t, mod, "x = 1\n")
	write(t, filepath.Join(dir, "pkg", "data.json"), "{}")
	wantBatch(t, w, mod)
	appendLine(t, mod)
	wantBatch(t, w, mod)
	// A folder moved in from outside is a new folder too.
	outside := t.TempDir()
	write(t, filepath.Join(outside, "moved", "m.py"), "y = 2\n")
	must(t, os.Rename(filepath.Join(outside, "moved"), filepath.Join(dir, "moved")))
	wantBatch(t, w, filepath.Join(dir, "moved", "m.py"))
}

// testMovedFolder renames a folder within the tree, then out of it: the
// files that went count, and so do the ones that came.
func testMovedFolder(t *testing.T, poll bool) {
	dir := project(t)
	mod := filepath.Join(dir, "pkg", "sub", "mod.py")
	write(t, mod, "x = 1\n")
	w := start(t, Config{Roots: []string{dir}, Poll: poll})
	must(t, os.Rename(filepath.Join(dir, "pkg"), filepath.Join(dir, "pkg2")))
	mod2 := filepath.Join(dir, "pkg2", "sub", "mod.py")
	wantBatch(t, w, mod, mod2)
	appendLine(t, mod2)
	wantBatch(t, w, mod2)
	must(t, os.Rename(filepath.Join(dir, "pkg2"), filepath.Join(t.TempDir(), "gone")))
	wantBatch(t, w, mod2)
}

func testRemovedFolder(t *testing.T, poll bool) {
	dir := project(t)
	mod := filepath.Join(dir, "pkg", "mod.py")
	write(t, mod, "x = 1\n")
	w := start(t, Config{Roots: []string{dir}, Poll: poll})
	must(t, os.RemoveAll(filepath.Join(dir, "pkg")))
	wantBatch(t, w, mod)
	write(t, mod, "x = 2\n")
	wantBatch(t, w, mod)
}

// testIgnored changes files that must never count, then app.py, whose batch
// must hold app.py alone.
func testIgnored(t *testing.T, poll bool) {
	dir := project(t)
	venv := filepath.Join(dir, "env")
	write(t, filepath.Join(venv, "pyvenv.cfg"), "home = /usr/bin\n")
	sitePy := filepath.Join(venv, "lib", "python3.12", "site-packages", "flask", "app.py")
	write(t, sitePy, "x = 1\n")
	w := start(t, Config{Roots: []string{dir}, Poll: poll})
	for _, p := range []string{
		filepath.Join(dir, "__pycache__", "app.cpython-312.pyc"),
		filepath.Join(dir, "__pycache__", "app.py"),
		filepath.Join(dir, ".git", "hooks", "pre-commit.py"),
		filepath.Join(dir, ".hg", "x.py"),
		filepath.Join(dir, ".mypy_cache", "x.py"),
		filepath.Join(dir, ".pytest_cache", "x.py"),
		filepath.Join(dir, ".tox", "py312", "x.py"),
		filepath.Join(dir, "node_modules", "m", "x.py"),
		filepath.Join(dir, "app.db"),
		filepath.Join(dir, "app.db-journal"),
		filepath.Join(dir, "logs", "app.log"),
		filepath.Join(dir, "uploads", "photo.jpg"),
		filepath.Join(dir, ".#app.py"),
		filepath.Join(dir, "app.py___jb_tmp___"),
	} {
		write(t, p, "changed")
	}
	appendLine(t, sitePy)
	noBatch(t, w)
	app := filepath.Join(dir, "app.py")
	appendLine(t, app)
	wantBatch(t, w, app)
}

// testSystemFiles: files macOS, Windows and Office write beside the user's
// never count, even with extensions that would take them.
func testSystemFiles(t *testing.T, poll bool) {
	dir := project(t)
	w := start(t, Config{Roots: []string{dir}, Exts: []string{"py", "db", "ini", "tmp", "docx"}, Poll: poll})
	for _, name := range []string{".DS_Store", "Thumbs.db", "desktop.ini", "~$report.docx", "~WRL0001.tmp", "4913", "~$app.py"} {
		write(t, filepath.Join(dir, "pkg", name), "changed")
	}
	noBatch(t, w)
	app := filepath.Join(dir, "app.py")
	appendLine(t, app)
	wantBatch(t, w, app)
}

func testIgnoreGlobs(t *testing.T, poll bool) {
	dir := project(t)
	w := start(t, Config{Roots: []string{dir}, Poll: poll,
		Ignore: []string{"migrations/", "/scratch.py", "*_test.py", "docs/**"}})
	for _, p := range []string{
		filepath.Join(dir, "migrations", "0001_initial.py"),
		filepath.Join(dir, "pkg", "migrations", "0002.py"),
		filepath.Join(dir, "scratch.py"),
		filepath.Join(dir, "pkg", "app_test.py"),
		filepath.Join(dir, "docs", "conf.py"),
	} {
		write(t, p, "x = 1\n")
	}
	nested := filepath.Join(dir, "pkg", "scratch.py") // "/scratch.py" is the root one only
	write(t, nested, "x = 1\n")
	wantBatch(t, w, nested)
}

func testExtHTML(t *testing.T, poll bool) {
	dir := project(t)
	tmpl := filepath.Join(dir, "templates", "index.html")
	write(t, tmpl, "<p>hi</p>")
	w := start(t, Config{Roots: []string{dir}, Exts: []string{"py", ".html"}, Poll: poll})
	write(t, filepath.Join(dir, "templates", "notes.txt"), "no")
	noBatch(t, w)
	appendLine(t, tmpl)
	wantBatch(t, w, tmpl)
}

// testSingleFiles watches files outside the roots, from Config.Files and
// from AddFiles: their siblings do not count.
func testSingleFiles(t *testing.T, poll bool) {
	dir := project(t)
	outside := t.TempDir()
	lib := filepath.Join(outside, "lib.py")
	sibling := filepath.Join(outside, "sibling.py")
	conf := filepath.Join(outside, "settings.toml")
	for _, p := range []string{lib, sibling, conf} {
		write(t, p, "x = 1\n")
	}
	w := start(t, Config{Roots: []string{dir}, Files: []string{conf}, Poll: poll})
	if got, want := w.Describe(), "1 folder (*.py), 1 more file"; !strings.HasPrefix(got, want) {
		t.Errorf("Describe() = %q, want it to start with %q", got, want)
	}
	appendLine(t, lib)
	noBatch(t, w)

	w.AddFiles([]string{lib, lib})
	w.AddFiles([]string{lib})
	appendLine(t, sibling)
	noBatch(t, w)
	appendLine(t, lib)
	wantBatch(t, w, lib)
	appendLine(t, conf)
	wantBatch(t, w, conf)
	// Saved by rename, and deleted.
	must(t, os.Rename(lib, lib+"~"))
	write(t, lib, "x = 2\n")
	must(t, os.Remove(lib+"~"))
	wantBatch(t, w, lib)
	must(t, os.Remove(lib))
	wantBatch(t, w, lib)
	if got, want := w.Describe(), "1 folder (*.py), 2 more files"; !strings.HasPrefix(got, want) {
		t.Errorf("Describe() = %q, want it to start with %q", got, want)
	}
}

func testDelete(t *testing.T, poll bool) {
	dir := project(t)
	w := start(t, Config{Roots: []string{dir}, Poll: poll})
	app := filepath.Join(dir, "app.py")
	must(t, os.Remove(app))
	wantBatch(t, w, app)
}

// testCheckout rewrites many files in many folders at once, as git checkout
// does: one batch.
func testCheckout(t *testing.T, poll bool) {
	dir := project(t)
	var paths []string
	for d := range 10 {
		for f := range 20 {
			p := filepath.Join(dir, "pkg"+string(rune('a'+d)), "m"+string(rune('a'+f))+".py")
			write(t, p, "x = 1\n")
			paths = append(paths, p)
		}
	}
	w := start(t, Config{Roots: []string{dir}, Poll: poll})
	for _, p := range paths {
		must(t, os.Remove(p))
		write(t, p, "x = 22\n")
	}
	wantBatch(t, w, paths...)
}

// testNewVenv makes a virtualenv in the project while it is watched.
func testNewVenv(t *testing.T, poll bool) {
	dir := project(t)
	w := start(t, Config{Roots: []string{dir}, Poll: poll})
	venv := filepath.Join(dir, ".venv")
	write(t, filepath.Join(venv, "pyvenv.cfg"), "home = /usr/bin\n")
	write(t, filepath.Join(venv, "lib", "python3.12", "site-packages", "pip", "__init__.py"), "x = 1\n")
	noBatch(t, w)
	appendLine(t, filepath.Join(venv, "lib", "python3.12", "site-packages", "pip", "__init__.py"))
	noBatch(t, w)
}

func testClose(t *testing.T, poll bool) {
	dir := project(t)
	w, err := New(Config{Roots: []string{dir}, Poll: poll})
	must(t, err)
	appendLine(t, filepath.Join(dir, "app.py"))
	done := make(chan error)
	go func() { done <- w.Close() }()
	select {
	case err := <-done:
		must(t, err)
	case <-time.After(batchTimeout):
		t.Fatal("Close did not return")
	}
	deadline := time.After(batchTimeout)
	for {
		select {
		case _, ok := <-w.Batches():
			if ok {
				continue
			}
		case <-deadline:
			t.Fatal("Batches not closed after Close")
		}
		break
	}
	if _, ok := <-w.Notices(); ok {
		t.Error("Notices not closed after Close")
	}
	w.AddFiles([]string{filepath.Join(dir, "app.py")}) // does nothing, does not block
	must(t, w.Close())
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	for _, cfg := range []Config{
		{Roots: []string{filepath.Join(dir, "missing")}},
		{Files: []string{filepath.Join(dir, "missing", "x.py")}},
		{Roots: []string{dir}, Ignore: []string{"[bad"}},
	} {
		if w, err := New(cfg); err == nil {
			w.Close()
			t.Errorf("New(%+v) = nil error", cfg)
		} else if !strings.HasPrefix(err.Error(), "reload: ") {
			t.Errorf("New(%+v) = %q, want a reload: prefix", cfg, err)
		}
	}
}

// TestRootFile: a file given as a root is watched as a single file.
func TestRootFile(t *testing.T) {
	dir := project(t)
	app := filepath.Join(dir, "app.py")
	w := start(t, Config{Roots: []string{app}})
	write(t, filepath.Join(dir, "other.py"), "x = 1\n")
	noBatch(t, w)
	appendLine(t, app)
	wantBatch(t, w, app)
}

func TestDescribe(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	w := start(t, Config{Roots: []string{a, b}, Exts: []string{"py", "html"}, Poll: true, PollInterval: time.Second})
	if got, want := w.Describe(), "2 folders (*.py, *.html); polling every 1s"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
	w = start(t, Config{})
	if got, want := w.Describe(), "no files yet"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
	w.AddFiles([]string{filepath.Join(a, "x.py"), filepath.Join(b, "y.py")})
	if got, want := w.Describe(), "2 files"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
	if got := commas(3412); got != "3,412" {
		t.Errorf("commas(3412) = %q", got)
	}
}
