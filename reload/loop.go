package reload

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Debounce windows: a batch of burstFiles files or more waits burstWait
// windows of quiet instead of one, a batch with a missing file waits
// missingWait (see settle), and no batch is held back by changes that never
// stop (a tool rewriting a file every few milliseconds) for more than maxWait.
const (
	burstFiles  = 3
	burstWait   = 5
	missingWait = 10 // 200 ms: an editor stalled on a busy machine outlasted 100 ms
	maxWait     = 50
)

// loop is the state of the one goroutine that owns the fsnotify channels (or
// the poller), the debounce timer and the pending batch. Nothing else touches
// it once run has started; New fills it in before.
type loop struct {
	w     *Watcher
	cfg   Config
	rules *ruleSet
	hooks hooks
	sys   system

	files     map[string]bool // explicitly watched single files
	venvRoots map[string]bool // roots that are virtualenvs themselves

	// Notification mode: fsw != nil.
	fsw      *fsnotify.Watcher
	treeDirs map[string]bool // folders below the roots that have a watch
	fileDirs map[string]int  // folders with a watch for explicit files, and how many
	known    map[string]bool // files that count in treeDirs, reported when their folder goes
	cost     map[string]int  // descriptors each watched folder holds, when sys.budget counts them
	spent    int             // their sum

	// poll mode: poll != nil.
	poll   *poller
	ticker *time.Ticker

	pending map[string]bool
	first   time.Time // of the pending batch
	last    time.Time // the latest change
	timer   *time.Timer
	ready   bool  // the timer fired: out may be sent
	out     Batch // the batch on offer while ready
}

func newLoop(w *Watcher, cfg Config, rules *ruleSet, h hooks) *loop {
	if h.newNotify == nil {
		h.newNotify = fsnotify.NewWatcher
	}
	if h.addWatch == nil {
		h.addWatch = func(fsw *fsnotify.Watcher, dir string) error { return fsw.Add(dir) }
	}
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &loop{
		w: w, cfg: cfg, rules: rules, hooks: h, sys: *h.sys,
		files:     map[string]bool{},
		venvRoots: map[string]bool{},
		pending:   map[string]bool{},
		timer:     t,
	}
}

// start sets up the watches before New returns, falling back to polling
// when the system's notifications cannot be had.
func (l *loop) start(files []string) {
	defer l.describe()
	if !l.cfg.Poll {
		err := l.startNotify(files)
		if err == nil {
			return
		}
		l.closeNotify()
		l.startPoll("", err)
		return
	}
	for _, f := range files {
		l.files[filepath.Clean(f)] = true
	}
	l.startPoll("", nil)
}

func (l *loop) run() {
	defer l.finish()
	for {
		var events <-chan fsnotify.Event
		var errs <-chan error
		if l.fsw != nil {
			events, errs = l.fsw.Events, l.fsw.Errors
		}
		var tick <-chan time.Time
		if l.ticker != nil {
			tick = l.ticker.C
		}
		var out chan<- Batch
		if l.ready {
			out = l.w.batches
		}
		select {
		case ev, ok := <-events:
			if !ok {
				l.fallback(fmt.Errorf("%s stopped", l.sys.backend), "")
				continue
			}
			l.onEvent(ev, time.Now())
		case err, ok := <-errs:
			if !ok {
				l.fallback(fmt.Errorf("%s stopped", l.sys.backend), "")
				continue
			}
			l.onError(err)
		case now := <-tick:
			l.touchAll(l.poll.tick(), now)
		case <-l.timer.C:
			l.settle()
		case req := <-l.w.adds:
			for _, p := range req.paths {
				abs, err := filepath.Abs(p)
				if err != nil {
					continue
				}
				if err := l.addFile(abs); err != nil {
					l.fallback(err, "")
				}
			}
			l.describe()
			close(req.done)
		case out <- l.out:
			l.out, l.ready = Batch{}, false
			clear(l.pending)
		case <-l.w.done:
			return
		}
	}
}

// finish runs when the loop returns: it closes the notifications, waiting
// until their channels are closed, and then the Watcher's channels.
func (l *loop) finish() {
	l.stop()
	close(l.w.batches)
	close(l.w.notices)
	close(l.w.exited)
}

func (l *loop) stop() {
	l.closeNotify()
	if l.ticker != nil {
		l.ticker.Stop()
	}
	l.timer.Stop()
}

// addFile watches one more single file, through its folder. It fails only
// when a watch limit is reached.
func (l *loop) addFile(p string) error {
	p = filepath.Clean(p)
	if l.files[p] {
		return nil
	}
	l.files[p] = true
	if l.poll != nil {
		l.poll.addFile(p)
		return nil
	}
	d := filepath.Dir(p)
	l.fileDirs[d]++
	if l.fileDirs[d] > 1 || l.treeDirs[d] {
		return nil
	}
	_, err := l.watch(d)
	return err
}

// counts reports whether a change to p counts: p has a watched extension in
// a watched folder, or is an explicitly watched file, and is not ignored.
func (l *loop) counts(p string) bool {
	if l.files[p] {
		return !l.rules.ignoredPath(p)
	}
	return hasExt(filepath.Base(p), l.rules.exts) && !l.rules.skipFile(p)
}

// skipDir reports whether the folder p below a root is left out.
func (l *loop) skipDir(p string) bool {
	return l.rules.skipDir(p) || l.venvRoots[filepath.Dir(p)] && venvDirs[strings.ToLower(filepath.Base(p))]
}

// touch records a change that counts and (re)starts the debounce timer.
// A save touches one or two files and waits one debounce window; a burst
// of many (a git checkout, a search and replace) waits burstWait of them,
// since a pause in the middle of it would cost a second restart.
func (l *loop) touch(p string, now time.Time) {
	if len(l.pending) == 0 {
		l.first = now
	}
	l.pending[p] = true
	l.last = now
	l.ready, l.out = false, Batch{}
	wait := l.cfg.Debounce
	if len(l.pending) >= burstFiles {
		wait *= burstWait
	}
	if left := l.first.Add(maxWait * l.cfg.Debounce).Sub(now); left < wait {
		wait = max(left, 0)
	}
	l.timer.Reset(wait)
}

func (l *loop) touchAll(paths []string, now time.Time) {
	for _, p := range paths {
		l.touch(p, now)
	}
}

// settle runs when the debounce timer fires. A save caught halfway (the old
// file renamed away, the new one not yet written: an editor that was slow
// for a moment on a busy machine) must not be split across two batches, the
// first of which would restart the app without its file. So while a
// changed file is missing, the batch waits until missingWait windows have
// passed without a change; and when polling, it first looks once more.
func (l *loop) settle() {
	if len(l.pending) == 0 {
		return
	}
	now := time.Now()
	patient := now.Sub(l.first) < maxWait*l.cfg.Debounce
	if l.poll != nil {
		if changed := l.poll.tick(); len(changed) > 0 {
			l.touchAll(changed, now)
			if patient {
				return
			}
			l.timer.Stop()
		}
	}
	if patient && now.Sub(l.last) < missingWait*l.cfg.Debounce {
		for p := range l.pending {
			if _, err := os.Lstat(p); err != nil {
				l.timer.Reset(l.cfg.Debounce)
				return
			}
		}
	}
	paths := make([]string, 0, len(l.pending))
	for p := range l.pending {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	l.out, l.ready = Batch{Paths: paths, First: l.first}, true
}

// fallback switches from notifications to polling after err. The files in the
// folder fresh (when not "") are reported as changed: it just appeared and
// could not be watched.
func (l *loop) fallback(err error, fresh string) {
	l.closeNotify()
	l.startPoll(fresh, err)
	l.describe()
}

// startPoll switches to polling; why, when not nil, is said in a notice.
func (l *loop) startPoll(fresh string, why error) {
	l.poll = newPoller(l, fresh)
	l.ticker = time.NewTicker(l.cfg.PollInterval)
	if why == nil {
		return
	}
	var what string
	switch {
	case errors.Is(why, errBudget):
		what = fmt.Sprintf("%s holds a file descriptor for each watched file, and there are more than %s",
			l.sys.backend, commas(l.sys.budget))
	case errors.Is(why, errLimit):
		what = l.sys.backend + " watch limit reached"
	default:
		for errors.Unwrap(why) != nil {
			why = errors.Unwrap(why)
		}
		what = fmt.Sprintf("cannot use %s (%v)", l.sys.backend, why)
	}
	l.notice(fmt.Sprintf("%s; polling %s instead", what, l.pollSummary()))
	l.touchAll(l.poll.takeChanged(), time.Now())
}

func (l *loop) pollSummary() string {
	return fmt.Sprintf("%s every %s", plural(len(l.poll.files), "file"), l.cfg.PollInterval)
}

// notice sends a one-line message, dropping it when nobody keeps up.
func (l *loop) notice(msg string) {
	select {
	case l.w.notices <- msg:
	default:
	}
}

// describe updates what Describe reports.
func (l *loop) describe() {
	extra := 0
	for p := range l.files {
		if _, inRoot := l.rules.rel(p); !inRoot || !hasExt(filepath.Base(p), l.rules.exts) {
			extra++
		}
	}
	l.w.mu.Lock()
	l.w.desc = description{
		roots:    len(l.rules.roots),
		exts:     l.rules.exts,
		extra:    extra,
		polling:  l.poll != nil,
		interval: l.cfg.PollInterval,
	}
	l.w.mu.Unlock()
}

// hasVenvMarker reports whether a folder listing holds pyvenv.cfg.
func hasVenvMarker(ents []os.DirEntry) bool {
	for _, e := range ents {
		if e.Name() == venvMarker && !e.IsDir() {
			return true
		}
	}
	return false
}
