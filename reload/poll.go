package reload

import (
	"cmp"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Polling looks at the watched tree with lstat instead of waiting for
// inotify. Looking at 10,000 files costs 10-30ms of CPU here, so looking at
// all of them on every tick would cost several percent of a core. Instead a
// tick spends at most 1/budgetShare of the interval (0.33% of a core, however
// slow the filesystem), in this order, each step handing its unused time to
// the next:
//
//  1. hot files: those that changed lately, and the most recently modified
//     ones at start (a developer saves the same few files again and again);
//  2. racy folders: folders modified within the last second are listed
//     again, since a second change in the same clock tick does not move
//     their mtime;
//  3. folders in turn: a folder whose mtime moved is listed again and its
//     files looked at, which catches new, deleted and renamed files, and so
//     every editor that saves by renaming;
//  4. files in turn: catches files written in place.
//
// On a small project every step fits in one tick. On a big one, a file
// written in place that has not changed lately waits for its turn: with
// 10,000 files, 1s median and 2.3s at most on an idle 2-core VM, up to 7.5s
// on a busy one (BenchmarkLatency), while a save by renaming is seen in
// about 250ms (0.5s at most). Waking up costs too: about 0.15% of a core at
// 250ms here, 0.45% at 100ms, hence the default interval.
const (
	budgetShare = 300 // a tick spends at most interval/budgetShare
	hotMax      = 64
	racyWindow  = time.Second
)

type poller struct {
	l         *loop
	budget    time.Duration
	fresh     string // during the first scan, files below this folder count as changed
	reporting bool   // after the first scan, a new file counts as changed

	dirs     map[string]*pollDir
	files    map[string]*pollFile
	dirList  []string // dirs and files in a fixed order, for taking turns
	fileList []string
	dirNext  int
	fileNext int
	stale    bool // the lists need rebuilding
	hot      []string
	hotBuf   []string
	racy     map[string]bool
	changed  []string
}

type pollDir struct {
	mod      int64           // mtime (ns) when last listed
	tree     bool            // below a root: listed for new folders and matching files
	subdirs  map[string]bool // names of the watched folders in it
	names    map[string]bool // names of the files tracked in it
	explicit map[string]bool // names of the explicitly watched files in it
}

// pollFile is what is known of a file: a change to any field is a change.
type pollFile struct {
	exists    bool
	mod, size int64  // mtime in ns, size in bytes
	ino       uint64 // a file replaced by a rename has a new inode (Linux only)
	mode      uint32
}

// newPoller scans the tree. The files below the folder fresh (when not "")
// are reported as changed: it is a folder that just appeared and that
// inotify could not watch.
func newPoller(l *loop, fresh string) *poller {
	pl := &poller{
		l:      l,
		budget: l.cfg.PollInterval / budgetShare,
		fresh:  fresh,
		dirs:   map[string]*pollDir{},
		files:  map[string]*pollFile{},
		racy:   map[string]bool{},
	}
	for _, root := range l.rules.roots {
		pl.addTree(root)
	}
	for p := range l.files {
		pl.addFile(p)
	}
	pl.reporting, pl.fresh = true, ""
	// The files modified last are the likeliest to be saved again.
	recent := make([]string, 0, len(pl.files))
	for p, f := range pl.files {
		if f.exists {
			recent = append(recent, p)
		}
	}
	slices.SortFunc(recent, func(a, b string) int { return cmp.Compare(pl.files[b].mod, pl.files[a].mod) })
	pl.hot = recent[:min(len(recent), hotMax/2)]
	pl.lists()
	return pl
}

// lists rebuilds the lists the turns are taken on, when they changed.
func (pl *poller) lists() {
	if pl.stale {
		pl.dirList = sortedKeys(pl.dirs, pl.dirList)
		pl.fileList = sortedKeys(pl.files, pl.fileList)
		pl.stale = false
	}
}

// takeChanged returns the files seen changed since the last call.
func (pl *poller) takeChanged() []string {
	c := pl.changed
	pl.changed = nil
	return c
}

func (pl *poller) dir(d string) *pollDir {
	pd := pl.dirs[d]
	if pd == nil {
		pd = &pollDir{mod: -1, subdirs: map[string]bool{}, names: map[string]bool{}, explicit: map[string]bool{}}
		pl.dirs[d] = pd
		pl.stale = true
	}
	return pd
}

// addTree starts watching the folder d below a root, and the folders below it.
func (pl *poller) addTree(d string) {
	pd := pl.dir(d)
	if pd.tree {
		return
	}
	pd.tree = true
	pl.rescan(d)
}

// addFile starts watching the single file p. Adding is not a change.
func (pl *poller) addFile(p string) {
	if pl.l.rules.ignoredPath(p) {
		return
	}
	d, name := filepath.Split(p)
	d = filepath.Clean(d)
	pd := pl.dir(d)
	if pd.mod == -1 {
		if fi, err := os.Stat(d); err == nil {
			pd.mod = fi.ModTime().UnixNano()
		}
	}
	pd.explicit[name], pd.names[name] = true, true
	if _, ok := pl.files[p]; !ok {
		st := stat(p)
		pl.files[p] = &st
		pl.stale = true
	}
}

// rescan lists the folder d again: new folders below a root are watched,
// removed ones dropped, and every file tracked in it is looked at.
func (pl *poller) rescan(d string) {
	pd := pl.dirs[d]
	if pd == nil {
		return
	}
	fi, err := os.Stat(d)
	if err != nil || !fi.IsDir() {
		pl.drop(d, true)
		return
	}
	pd.mod = fi.ModTime().UnixNano()
	if pd.tree && time.Since(fi.ModTime()) < racyWindow {
		pl.racy[d] = true
	}
	want := make(map[string]bool, len(pd.names))
	for name := range pd.explicit {
		want[name] = true
	}
	if pd.tree && !pl.listTree(d, pd, want) {
		return
	}
	for name := range want {
		pd.names[name] = true
		pl.check(filepath.Join(d, name))
	}
	for name := range pd.names {
		if !want[name] {
			p := filepath.Join(d, name)
			if f := pl.files[p]; f != nil && f.exists {
				pl.note(p)
			}
			delete(pl.files, p)
			delete(pd.names, name)
			pl.stale = true
		}
	}
}

// relist looks again at a racy folder: one modified so lately that another
// change in the same tick of the filesystem's clock would leave its mtime as
// it is. When its entries differ from what is known it is rescanned. (A file
// replaced under the same name is left to its turn in the rotation.)
func (pl *poller) relist(d string, now time.Time) {
	pd := pl.dirs[d]
	if pd == nil || !pd.tree {
		delete(pl.racy, d)
		return
	}
	fi, err := os.Stat(d)
	if err != nil || fi.ModTime().UnixNano() != pd.mod {
		delete(pl.racy, d) // rescan puts it back while it stays racy
		pl.rescan(d)
		return
	}
	if now.Sub(fi.ModTime()) >= racyWindow {
		delete(pl.racy, d)
	}
	ents, err := os.ReadDir(d)
	if err != nil {
		return
	}
	n := 0
	for _, e := range ents {
		name := e.Name()
		switch {
		case pd.subdirs[name] && e.IsDir(), pd.names[name] && !e.IsDir():
			n++
		case e.IsDir() && !pl.l.skipDir(filepath.Join(d, name)),
			!e.IsDir() && (name == venvMarker || hasExt(name, pl.l.rules.exts) && !pl.l.rules.skipFile(filepath.Join(d, name))):
			pl.rescan(d) // something new
			return
		}
	}
	if n != len(pd.subdirs)+len(pd.names) {
		pl.rescan(d) // something went
	}
}

// listTree reads the folder d below a root, watching its new folders and
// dropping removed ones, and adds the names of its matching files to want.
// It returns false when d is no longer watched.
func (pl *poller) listTree(d string, pd *pollDir, want map[string]bool) bool {
	ents, err := os.ReadDir(d)
	if err != nil {
		return true // unreadable for now: keep what is known
	}
	if hasVenvMarker(ents) {
		if !pl.l.rules.isRoot(d) {
			pl.drop(d, false)
			return false
		}
		pl.l.venvRoots[d] = true
	}
	seen := make(map[string]bool, len(pd.subdirs))
	for _, e := range ents {
		name := e.Name()
		p := filepath.Join(d, name)
		if e.IsDir() {
			if pl.l.skipDir(p) {
				continue
			}
			seen[name] = true
			if !pd.subdirs[name] {
				pd.subdirs[name] = true
				pl.addTree(p)
			}
			continue
		}
		if hasExt(name, pl.l.rules.exts) && !pl.l.rules.skipFile(p) {
			want[name] = true
		}
	}
	for name := range pd.subdirs {
		if !seen[name] {
			delete(pd.subdirs, name)
			pl.drop(filepath.Join(d, name), true)
		}
	}
	return true
}

// drop forgets the folder d and the folders below it; with report set, the
// files that were in them count as changed (deleted). Explicitly watched
// files stay watched.
func (pl *poller) drop(d string, report bool) {
	for dd, pd := range pl.dirs {
		if dd != d && !within(dd, d) {
			continue
		}
		for name := range pd.names {
			p := filepath.Join(dd, name)
			f := pl.files[p]
			if pd.explicit[name] {
				continue // looked at in turn, and reported missing from there
			}
			if report && f != nil && f.exists {
				pl.note(p)
			}
			delete(pl.files, p)
		}
		if len(pd.explicit) == 0 {
			delete(pl.dirs, dd)
		} else {
			pd.tree, pd.subdirs, pd.names = false, map[string]bool{}, maps.Clone(pd.explicit)
		}
		delete(pl.racy, dd)
	}
	pl.stale = true
}

// check looks at the file p and notes a change.
func (pl *poller) check(p string) {
	st := stat(p)
	f, ok := pl.files[p]
	if !ok {
		pl.files[p] = &st
		pl.stale = true
		if st.exists && (pl.reporting || pl.fresh != "" && within(p, pl.fresh)) {
			pl.note(p)
		}
		return
	}
	if *f != st {
		*f = st
		pl.note(p)
	}
}

// note records a change to p and makes p hot.
func (pl *poller) note(p string) {
	pl.changed = append(pl.changed, p)
	if i := slices.Index(pl.hot, p); i >= 0 {
		pl.hot = slices.Delete(pl.hot, i, i+1)
	}
	pl.hot = append(pl.hot, p)
	if len(pl.hot) > hotMax {
		pl.hot = slices.Delete(pl.hot, 0, len(pl.hot)-hotMax)
	}
}

// tick looks at the tree within the budget and returns what changed.
func (pl *poller) tick() []string {
	now := time.Now()
	pl.lists()
	step := pl.budget / 4
	pl.hotBuf = append(pl.hotBuf[:0], pl.hot...)
	for i, p := range pl.hotBuf {
		if over(i, now.Add(step)) {
			break
		}
		if _, ok := pl.files[p]; ok {
			pl.check(p)
		}
	}
	i := 0
	for d := range pl.racy {
		if over(i, now.Add(2*step)) {
			break
		}
		pl.relist(d, now)
		i++
	}
	turns(pl.dirList, &pl.dirNext, now.Add(3*step), func(d string) {
		if pd := pl.dirs[d]; pd != nil {
			if fi, err := os.Stat(d); err != nil || fi.ModTime().UnixNano() != pd.mod {
				pl.rescan(d)
			}
		}
	})
	turns(pl.fileList, &pl.fileNext, now.Add(4*step), func(p string) {
		if _, ok := pl.files[p]; ok {
			pl.check(p)
		}
	})
	return pl.takeChanged()
}

// turns visits list from *next on, wrapping around, until every item was
// visited or the deadline has passed.
func turns(list []string, next *int, deadline time.Time, visit func(string)) {
	n := len(list)
	for i := 0; i < n; i++ {
		if over(i, deadline) {
			return
		}
		*next %= n
		visit(list[*next])
		*next++
	}
}

// over reports, every 8 items after the first 8, whether deadline has passed.
func over(i int, deadline time.Time) bool {
	return i >= 8 && i%8 == 0 && time.Now().After(deadline)
}

func sortedKeys[V any](m map[string]V, buf []string) []string {
	buf = buf[:0]
	for k := range m {
		buf = append(buf, k)
	}
	slices.Sort(buf)
	return buf
}
