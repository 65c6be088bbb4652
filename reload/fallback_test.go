package reload

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// limitAfter is an addWatch hook that fails with ENOSPC, as inotify does at
// its watch limit, once n watches were added.
func limitAfter(n int64) func(*fsnotify.Watcher, string) error {
	var added atomic.Int64
	return func(fsw *fsnotify.Watcher, dir string) error {
		if added.Add(1) > n {
			return syscall.ENOSPC
		}
		return fsw.Add(dir)
	}
}

func nextNotice(t *testing.T, w *Watcher) string {
	t.Helper()
	select {
	case n := <-w.Notices():
		return n
	case <-time.After(batchTimeout):
		t.Fatal("no notice")
	}
	return ""
}

func startHooked(t *testing.T, cfg Config, h hooks) *Watcher {
	t.Helper()
	w, err := newWatcher(cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// TestLimitAtStart: the watch limit is reached while the tree is set up.
func TestLimitAtStart(t *testing.T) {
	pollsFromStart(t, hooks{addWatch: limitAfter(2)}, "inotify watch limit reached; polling 4 files every 250ms instead")
}

// pollsFromStart watches a tree of four files with h, and wants it polled
// from the start, with notice.
func pollsFromStart(t *testing.T, h hooks, notice string) {
	t.Helper()
	dir := project(t)
	for _, d := range []string{"a", "b", "c"} {
		write(t, filepath.Join(dir, d, "m.py"), "x = 1\n")
	}
	w := startHooked(t, Config{Roots: []string{dir}}, h)
	if got := nextNotice(t, w); got != notice {
		t.Errorf("notice %q, want %q", got, notice)
	}
	if got := w.Describe(); !strings.HasSuffix(got, "; polling every 250ms") {
		t.Errorf("Describe() = %q", got)
	}
	m := filepath.Join(dir, "c", "m.py")
	appendLine(t, m)
	wantBatch(t, w, m)
}

// TestLimitLater: the limit is reached when a new folder appears; its files
// are still reported, and polling takes over.
func TestLimitLater(t *testing.T) {
	dir := project(t)
	w := startHooked(t, Config{Roots: []string{dir}}, hooks{addWatch: limitAfter(1)})
	mod := filepath.Join(dir, "pkg", "mod.py")
	write(t, mod, "x = 1\n")
	wantBatch(t, w, mod)
	if got := nextNotice(t, w); !strings.HasPrefix(got, "inotify watch limit reached; polling ") {
		t.Errorf("notice %q", got)
	}
	appendLine(t, mod)
	wantBatch(t, w, mod)
}

// TestLimitAddFiles: the limit is reached when AddFiles needs a new folder.
func TestLimitAddFiles(t *testing.T) {
	dir := project(t)
	outside := t.TempDir()
	lib := filepath.Join(outside, "lib.py")
	write(t, lib, "x = 1\n")
	w := startHooked(t, Config{Roots: []string{dir}}, hooks{addWatch: limitAfter(1)})
	w.AddFiles([]string{lib})
	if got := nextNotice(t, w); !strings.HasPrefix(got, "inotify watch limit reached") {
		t.Errorf("notice %q", got)
	}
	appendLine(t, lib)
	wantBatch(t, w, lib)
}

// TestNoInotify: inotify cannot be had at all.
func TestNoInotify(t *testing.T) {
	dir := project(t)
	w := startHooked(t, Config{Roots: []string{dir}}, hooks{newNotify: func() (*fsnotify.Watcher, error) {
		return nil, syscall.EMFILE
	}})
	if got, want := nextNotice(t, w), "cannot use inotify (too many open files); polling 1 file every 250ms instead"; got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
	app := filepath.Join(dir, "app.py")
	appendLine(t, app)
	wantBatch(t, w, app)
}

// TestForcedPollNoNotice: --poll is what the user asked for; no notice.
func TestForcedPollNoNotice(t *testing.T) {
	w := start(t, Config{Roots: []string{project(t)}, Poll: true})
	select {
	case n := <-w.Notices():
		t.Errorf("notice %q", n)
	case <-time.After(quiet):
	}
}

// TestUnwatchableFolder: a folder that cannot be read is skipped with a
// notice, and the rest is watched.
func TestUnwatchableFolder(t *testing.T) {
	dir := project(t)
	locked := filepath.Join(dir, "locked")
	must(t, os.Mkdir(locked, 0o755))
	w := startHooked(t, Config{Roots: []string{dir}}, hooks{addWatch: func(fsw *fsnotify.Watcher, d string) error {
		if d == locked {
			return syscall.EACCES
		}
		return fsw.Add(d)
	}})
	if got := nextNotice(t, w); !strings.Contains(got, "cannot watch "+locked) {
		t.Errorf("notice %q", got)
	}
	app := filepath.Join(dir, "app.py")
	appendLine(t, app)
	wantBatch(t, w, app)
}

// TestContinuousWrites: a file rewritten without pause still produces a
// batch within maxWait debounce windows.
func TestContinuousWrites(t *testing.T) {
	dir := project(t)
	w := start(t, Config{Roots: []string{dir}, Debounce: 5 * time.Millisecond})
	app := filepath.Join(dir, "app.py")
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if f, err := os.OpenFile(app, os.O_APPEND|os.O_WRONLY, 0); err == nil {
					f.WriteString("#\n")
					f.Close()
				}
			}
		}
	}()
	b := nextBatch(t, w)
	close(stop)
	<-done
	if len(b.Paths) != 1 || b.Paths[0] != app {
		t.Errorf("batch %q", b.Paths)
	}
}

// TestBudgetSpentAtStart: a tree with more files than kqueue should hold
// descriptors for is polled instead, and the notice says why. The root
// holds 5 (itself and 4 entries), a would make it 7.
func TestBudgetSpentAtStart(t *testing.T) {
	kqueue := system{backend: "kqueue", budget: 5}
	pollsFromStart(t, hooks{sys: &kqueue},
		"kqueue holds a file descriptor for each watched file, and there are more than 5; polling 4 files every 250ms instead")
}

// TestBudgetRefunded: a folder that goes gives back what it held, so the
// same tree fits again once a new folder takes its place.
func TestBudgetRefunded(t *testing.T) {
	dir := project(t)
	old := filepath.Join(dir, "a", "m.py")
	write(t, old, "x = 1\n")
	// The root holds 3, a 2; a new folder with one file would make 7.
	kqueue := system{backend: "kqueue", budget: 6}
	w := startHooked(t, Config{Roots: []string{dir}}, hooks{sys: &kqueue})
	must(t, os.RemoveAll(filepath.Join(dir, "a")))
	wantBatch(t, w, old)
	fresh := filepath.Join(dir, "d", "m.py")
	write(t, fresh, "x = 1\n")
	wantBatch(t, w, fresh)
	select {
	case n := <-w.Notices():
		t.Errorf("notice %q", n)
	default:
	}
	if got := w.Describe(); strings.Contains(got, "polling") {
		t.Errorf("Describe() = %q, want no polling", got)
	}
}

// TestKqueueOutOfDescriptors: EMFILE from kqueue's opens is its watch
// limit, named as such.
func TestKqueueOutOfDescriptors(t *testing.T) {
	dir := project(t)
	write(t, filepath.Join(dir, "a", "m.py"), "x = 1\n")
	kqueue := system{backend: "kqueue"}
	var added atomic.Int64
	w := startHooked(t, Config{Roots: []string{dir}}, hooks{sys: &kqueue, addWatch: func(fsw *fsnotify.Watcher, d string) error {
		if added.Add(1) > 1 {
			return fmt.Errorf("%q: %w", d, syscall.EMFILE) // as fsnotify's kqueue wraps it
		}
		return fsw.Add(d)
	}})
	if got, want := nextNotice(t, w), "kqueue watch limit reached; polling 2 files every 250ms instead"; got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
}
