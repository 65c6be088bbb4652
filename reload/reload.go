// Package reload watches a project's files and emits debounced batches of
// the paths that changed, for restarting the Python child.
//
// It watches folders, never single files, because editors save by writing a
// new file and renaming it over the old one: a single file is watched through
// its folder. Folders below the roots are watched recursively, new ones as
// they appear. Changes are coalesced: one timer is reset on every change that
// counts, and when it fires the changes so far make one Batch, so a vim
// write-rename save, a JetBrains safe write or a git checkout is one batch.
//
// The system's own notifications (through fsnotify: inotify on Linux, kqueue
// on macOS, ReadDirectoryChangesW on Windows) are used where they work; when
// they cannot be used (none at all, a watch limit reached, more files than
// kqueue should hold descriptors for) or Config.Poll asks for it, the tree is
// polled instead, within a small CPU budget. What differs between systems is
// in system_*.go.
package reload

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Defaults for the zero values of Config.
const (
	DefaultDebounce     = 20 * time.Millisecond
	DefaultPollInterval = 250 * time.Millisecond
)

// Config says what to watch.
type Config struct {
	Roots        []string      // folders watched recursively (the project folder, --watch folders); a file here is treated as one of Files
	Files        []string      // single files watched wherever they are (--watch files)
	Exts         []string      // extensions that count, without dots; default ["py"]
	Ignore       []string      // extra gitignore-style globs (--ignore), matched against paths relative to a root and against base names
	Debounce     time.Duration // quiet window; default 20ms (5 windows once a batch holds 3 files or more)
	Poll         bool          // force polling (--poll)
	PollInterval time.Duration // how often polling looks; default 250ms (looking costs at most 0.33% of a core, see poll.go)
}

// Batch is one coalesced set of changes.
type Batch struct {
	Paths []string  // changed paths, absolute, sorted, unique (a root folder itself when notifications were lost)
	First time.Time // when the first event of the batch arrived
}

// Watcher watches the files a Config names. Its methods are safe for
// concurrent use.
type Watcher struct {
	batches chan Batch
	notices chan string
	adds    chan addRequest
	done    chan struct{} // closed by Close
	exited  chan struct{} // closed when the loop has returned
	once    sync.Once

	mu   sync.Mutex
	desc description // kept current by the loop, read by Describe
}

type addRequest struct {
	paths []string
	done  chan struct{}
}

// description is what Describe reports.
type description struct {
	roots    int
	exts     []string
	extra    int // single files not already covered by a root and Exts
	polling  bool
	interval time.Duration
}

// hooks let tests stand in for the system's notifications and for the
// system itself; New uses none.
type hooks struct {
	newNotify func() (*fsnotify.Watcher, error)
	addWatch  func(w *fsnotify.Watcher, dir string) error
	sys       *system // hostSystem when nil
}

// New starts watching. When it returns, every root and file is watched: a
// change made after New returns is reported. Roots and the folders of Files
// must exist.
func New(cfg Config) (*Watcher, error) {
	return newWatcher(cfg, hooks{})
}

func newWatcher(cfg Config, h hooks) (*Watcher, error) {
	if h.sys == nil {
		h.sys = &hostSystem
	}
	rules, files, err := normalize(&cfg, *h.sys)
	if err != nil {
		return nil, err
	}
	w := &Watcher{
		batches: make(chan Batch),
		notices: make(chan string, 16),
		adds:    make(chan addRequest),
		done:    make(chan struct{}),
		exited:  make(chan struct{}),
	}
	l := newLoop(w, cfg, rules, h)
	l.start(files)
	go l.run()
	return w, nil
}

// normalize fills in defaults, makes paths absolute and checks that they exist.
func normalize(cfg *Config, sys system) (*ruleSet, []string, error) {
	if cfg.Debounce <= 0 {
		cfg.Debounce = DefaultDebounce
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	var exts []string
	for _, e := range cfg.Exts {
		e = strings.TrimPrefix(strings.TrimSpace(e), "*")
		e = strings.TrimPrefix(e, ".")
		if e != "" && !slices.Contains(exts, e) {
			exts = append(exts, e)
		}
	}
	if len(exts) == 0 {
		exts = []string{"py"}
	}
	globs, err := compileGlobs(cfg.Ignore, sys)
	if err != nil {
		return nil, nil, err
	}
	r := &ruleSet{exts: exts, globs: globs, fold: sys.fold}
	files := slices.Clone(cfg.Files)
	for _, root := range cfg.Roots {
		p, err := filepath.Abs(root)
		if err != nil {
			return nil, nil, fmt.Errorf("reload: watch %s: %w", root, err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("reload: watch %s: %w", root, err)
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		if !slices.Contains(r.roots, p) {
			r.roots = append(r.roots, p)
		}
	}
	// Longest first, so that rel finds the innermost root.
	slices.SortStableFunc(r.roots, func(a, b string) int { return len(b) - len(a) })
	for i, f := range files {
		p, err := filepath.Abs(f)
		if err != nil {
			return nil, nil, fmt.Errorf("reload: watch %s: %w", f, err)
		}
		if fi, err := os.Stat(filepath.Dir(p)); err != nil {
			return nil, nil, fmt.Errorf("reload: watch %s: %w", f, err)
		} else if !fi.IsDir() {
			return nil, nil, fmt.Errorf("reload: watch %s: %s is not a folder", f, filepath.Dir(p))
		}
		files[i] = p
	}
	return r, files, nil
}

// Batches delivers one Batch per burst of changes. It is closed after Close.
// A batch not yet taken absorbs the changes that follow it.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// Notices delivers one-line messages for the user, such as a switch to
// polling. Notices nobody reads are dropped; it is closed after Close.
func (w *Watcher) Notices() <-chan string { return w.notices }

// AddFiles watches more single files (the module files the app imported,
// possibly outside the roots). When it returns they are watched. It is
// idempotent and safe from any goroutine; after Close it does nothing.
// Files whose folder does not exist are skipped.
func (w *Watcher) AddFiles(paths []string) {
	if len(paths) == 0 {
		return
	}
	req := addRequest{paths: paths, done: make(chan struct{})}
	select {
	case w.adds <- req:
	case <-w.exited:
		return
	}
	select {
	case <-req.done:
	case <-w.exited:
	}
}

// Describe says in a few words what is watched, for the banner:
// "2 folders (*.py), 3 more files; polling every 250ms".
func (w *Watcher) Describe() string {
	w.mu.Lock()
	d := w.desc
	w.mu.Unlock()
	var parts []string
	if d.roots > 0 {
		globs := make([]string, len(d.exts))
		for i, e := range d.exts {
			globs[i] = "*." + e
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", plural(d.roots, "folder"), strings.Join(globs, ", ")))
	}
	if d.extra > 0 {
		noun := "file"
		if d.roots > 0 {
			noun = "more file"
		}
		parts = append(parts, plural(d.extra, noun))
	}
	s := strings.Join(parts, ", ")
	if s == "" {
		s = "no files yet"
	}
	if d.polling {
		s += "; polling every " + d.interval.String()
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return commas(n) + " " + noun + "s"
}

// commas formats n with thousands separators: 3412 → "3,412".
func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Close stops watching. When it returns the watcher's goroutine has ended
// and Batches and Notices are closed. It is safe to call more than once.
func (w *Watcher) Close() error {
	w.once.Do(func() { close(w.done) })
	<-w.exited
	return nil
}

// errLimit marks a failure to add a watch because the system's limit on
// watches (ENOSPC from inotify) or open files was reached; errBudget, because
// the watches would hold more descriptors than system.budget allows.
var (
	errLimit  = errors.New("watch limit reached")
	errBudget = errors.New("watch budget spent")
)
