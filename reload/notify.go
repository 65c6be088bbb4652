package reload

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// startNotify watches every folder below the roots and the folders of the
// single files with the system's notifications. An error means they cannot
// do the job.
func (l *loop) startNotify(files []string) error {
	fsw, err := l.hooks.newNotify()
	if err != nil {
		return fmt.Errorf("reload: start %s: %w", l.sys.backend, err)
	}
	l.fsw = fsw
	l.treeDirs = map[string]bool{}
	l.fileDirs = map[string]int{}
	l.known = map[string]bool{}
	l.cost, l.spent = map[string]int{}, 0
	for _, root := range l.rules.roots {
		if err := l.addTree(root, false, time.Time{}); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := l.addFile(f); err != nil {
			return err
		}
	}
	return nil
}

// closeNotify closes the notifications and waits until their channels are
// closed.
func (l *loop) closeNotify() {
	if l.fsw == nil {
		return
	}
	if err := l.fsw.Close(); err == nil { // on an error its channels may stay open
		for range l.fsw.Events {
		}
		for range l.fsw.Errors {
		}
	}
	l.fsw, l.treeDirs, l.fileDirs, l.known, l.cost = nil, nil, nil, nil, nil
}

// watch adds a watch on the folder d. It fails only when a watch limit is
// reached or the budget spent; a folder that vanished or cannot be read is
// reported unwatched (ok false), the latter with a notice.
func (l *loop) watch(d string) (ok bool, err error) {
	err = l.hooks.addWatch(l.fsw, d)
	switch {
	case err == nil:
		return true, l.charge(d)
	case isLimit(err):
		return false, fmt.Errorf("reload: watch %s: %w: %w", d, errLimit, err)
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	l.notice(fmt.Sprintf("cannot watch %s (%v); changes there are not seen", d, err))
	return false, nil
}

// charge counts what the watch on d holds against the budget: kqueue a
// descriptor for d and one for each entry in it.
func (l *loop) charge(d string) error {
	if l.sys.budget == 0 {
		return nil
	}
	ents, _ := os.ReadDir(d)
	l.cost[d] = 1 + len(ents)
	l.spent += l.cost[d]
	if l.spent > l.sys.budget {
		return fmt.Errorf("reload: watch %s: %w", d, errBudget)
	}
	return nil
}

// unwatch removes the watch on d unless it is still needed.
func (l *loop) unwatch(d string) {
	if !l.treeDirs[d] && l.fileDirs[d] == 0 {
		_ = l.fsw.Remove(d) // inotify drops the watch itself when d is deleted
		l.spent -= l.cost[d]
		delete(l.cost, d)
	}
}

// addTree watches dir and the folders below it that are not ignored. With
// report set (a folder that just appeared) the matching files already in it
// count as changed: they may have been written before the watch was in
// place, as in `mkdir -p a/b && echo > a/b/x.py`.
func (l *loop) addTree(dir string, report bool, now time.Time) error {
	if !l.treeDirs[dir] && l.fileDirs[dir] == 0 {
		ok, err := l.watch(dir)
		if err != nil || !ok {
			return err
		}
	}
	l.treeDirs[dir] = true
	// Listed after the watch is in place, so nothing falls in between.
	ents, err := os.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			l.notice(fmt.Sprintf("cannot watch %s (%v); changes there are not seen", dir, err))
		}
		l.dropTree(dir, false, now)
		return nil
	}
	if hasVenvMarker(ents) {
		if !l.rules.isRoot(dir) {
			l.dropTree(dir, false, now)
			return nil
		}
		l.venvRoots[dir] = true
	}
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if !l.skipDir(p) {
				if err := l.addTree(p, report, now); err != nil {
					return err
				}
			}
			continue
		}
		if l.counts(p) {
			l.known[p] = true
			if report {
				l.touch(p, now)
			}
		}
	}
	return nil
}

// dropTree forgets dir and every folder below it. With report set (dir was
// deleted or moved away) the files known in them count as changed.
func (l *loop) dropTree(dir string, report bool, now time.Time) {
	for d := range l.treeDirs {
		if d == dir || within(d, dir) {
			delete(l.treeDirs, d)
			l.unwatch(d)
		}
	}
	for p := range l.known {
		if within(p, dir) {
			delete(l.known, p)
			if report {
				l.touch(p, now)
			}
		}
	}
}

// becameVenv handles a pyvenv.cfg appearing in dir: a virtualenv is being
// made there, and it is no longer watched (or, for a root, its bin, lib and
// include folders are not).
func (l *loop) becameVenv(dir string) {
	if !l.rules.isRoot(dir) {
		l.dropTree(dir, false, time.Time{})
		return
	}
	l.venvRoots[dir] = true
	for d := range l.treeDirs {
		if filepath.Dir(d) == dir && l.skipDir(d) {
			l.dropTree(d, false, time.Time{})
		}
	}
}

// onEvent handles one event.
func (l *loop) onEvent(ev fsnotify.Event, now time.Time) {
	p := ev.Name
	dir := filepath.Dir(p)
	if (ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)) && l.treeDirs[p] {
		l.dropTree(p, true, now)
		if l.rules.isRoot(p) {
			l.notice(fmt.Sprintf("%s was removed or renamed; it is no longer watched", p))
		}
		return
	}
	if ev.Has(fsnotify.Create) && l.treeDirs[dir] {
		if filepath.Base(p) == venvMarker {
			l.becameVenv(dir)
			return
		}
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			if !l.treeDirs[p] && !l.skipDir(p) {
				if err := l.addTree(p, true, now); err != nil {
					l.fallback(err, p)
				}
			}
			return
		}
	}
	// A folder with a watch for single files only reports those files.
	if (l.treeDirs[dir] || l.files[p]) && l.counts(p) {
		l.touch(p, now)
		switch {
		case !l.treeDirs[dir]:
		case ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename):
			delete(l.known, p)
		default:
			l.known[p] = true
		}
	}
}

// onError handles an error from the notifications. When events were lost,
// every folder is looked at again and the roots themselves are reported as
// changed, since what changed below them is not known.
func (l *loop) onError(err error) {
	if !errors.Is(err, fsnotify.ErrEventOverflow) {
		l.notice(fmt.Sprintf("%s: %v", l.sys.backend, err))
		return
	}
	l.notice(fmt.Sprintf("too many changes at once for %s; looking at every folder again", l.sys.backend))
	now := time.Now()
	for _, root := range l.rules.roots {
		if err := l.addTree(root, false, now); err != nil {
			l.fallback(err, "")
			return
		}
		l.touch(root, now)
	}
}
