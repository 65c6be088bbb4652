//go:build linux && !wsgidev_portable

package pyrunner

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// WarmReloads says whether this build forks reloaded children from a warm
// template. Only on Linux: on macOS fork() without exec breaks once some
// system frameworks are loaded (why multiprocessing spawns there), and
// Windows has no fork. The wsgidev_portable build tag turns it off, so
// that the other systems' way is tested on Linux too.
const WarmReloads = true

// maxBadRounds bounds the templates built again without a misbehaving
// module before warm reloads give up.
const maxBadRounds = 5

// firstBuildDelay is how long after the app first loaded the first
// template is built.
const firstBuildDelay = 500 * time.Millisecond

// maxDeaths bounds the templates started again after one ended on its own
// or failed to fork.
const maxDeaths = 3

// warm decides, reload by reload, whether the next child can be forked from
// a template, and keeps the template in step with what the app imports.
// Any doubt means a cold start: a stale or building template is never
// waited for.
type warm struct {
	r *Runner

	mu      sync.Mutex
	off     bool
	tpl     *template // building or built; nil before the app first loaded
	libs    map[string]bool
	order   []string // libs in the order the app imported them
	exclude map[string]bool
	rounds  int
	deaths  int // built templates that ended on their own

	scheduled bool // the first build is on its way
}

func newWarm(r *Runner) *warm {
	return &warm{r: r, libs: map[string]bool{}, exclude: map[string]bool{}, off: !r.cfg.Warm}
}

// learn takes the library modules a child imported; new ones mean a new
// template, so the next reload finds them preloaded.
func (w *warm) learn(libs []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.off {
		return
	}
	grew := false
	for _, name := range libs {
		if !w.libs[name] {
			w.libs[name] = true
			w.order = append(w.order, name)
			grew = true
		}
	}
	switch {
	case !w.scheduled:
		// The first template waits a moment: built at once, it would
		// compete with the first requests for the CPU.
		w.scheduled = true
		time.AfterFunc(firstBuildDelay, func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			if !w.off && w.tpl == nil {
				w.rebuild()
			}
		})
	case grew || w.tpl == nil:
		w.rebuild()
	}
}

// rebuild replaces the template with a new one; w.mu is held.
func (w *warm) rebuild() {
	if w.tpl != nil {
		w.tpl.retire()
		w.tpl = nil
	}
	exe := *w.r.exe.Load()
	exclude := make([]string, 0, len(w.exclude))
	for name := range w.exclude {
		exclude = append(exclude, name)
	}
	sort.Strings(exclude)
	t, err := startTemplate(exe, &w.r.cfg, w.r.runnerDir, templateKey(exe, &w.r.cfg), w.order, exclude)
	if err != nil {
		w.giveUp(err.Error())
		return
	}
	w.tpl = t
	go w.await(t)
}

// await follows one build: a template that names misbehaving modules is
// built again without them; one that fails otherwise turns warm reloads off.
func (w *warm) await(t *template) {
	<-t.built
	if t.err == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.tpl != t {
		return // replaced meanwhile
	}
	t.stop()
	w.tpl = nil
	if t.bad == nil {
		w.giveUp(t.err.Error())
		return
	}
	w.rounds++
	if w.rounds > maxBadRounds {
		w.giveUp(fmt.Sprintf("%d templates in a row had a module that misbehaved when preloaded, the last: %s", w.rounds, t.bad.Why))
		return
	}
	for _, name := range t.bad.Bad {
		w.exclude[name] = true
	}
	w.r.notice(fmt.Sprintf("warm reloads: %s; it is imported afresh on each reload instead", t.bad.Why))
	w.rebuild()
}

// giveUp turns warm reloads off for good; w.mu is held.
func (w *warm) giveUp(why string) {
	w.off = true
	why = strings.ReplaceAll(strings.TrimSpace(why), "\n", " | ")
	w.r.notice("warm reloads off, reloads restart Python instead: " + why)
}

// fork returns a child forked from a ready, current template, or nil when
// this reload must start cold; then it builds a new template if the one it
// has is stale or gone.
func (w *warm) fork() *child {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.tpl
	if w.off || t == nil {
		return nil
	}
	if dead, why := t.died(); dead {
		w.restart(fmt.Sprintf("warm reloads: %v", why))
		return nil
	}
	if !t.usable() {
		return nil
	}
	if t.key != templateKey(*w.r.exe.Load(), &w.r.cfg) {
		w.rebuild() // the environment changed: this reload is cold
		return nil
	}
	if path := t.stale(); path != "" {
		w.rebuild() // a pip install, a new interpreter
		return nil
	}
	c, err := t.fork(&w.r.cfg)
	if err != nil {
		w.restart("warm reload failed, this one restarts Python: " + err.Error())
		return nil
	}
	return c
}

// restart builds a new template after the last one failed at its work,
// or gives up after maxDeaths of them; w.mu is held.
func (w *warm) restart(why string) {
	w.deaths++
	if w.deaths > maxDeaths {
		w.giveUp(fmt.Sprintf("%s (%d templates failed so far)", why, w.deaths))
		return
	}
	w.r.notice(why + "; starting a new template")
	w.rebuild()
}

// stop ends the template; the runner has stopped its children first.
func (w *warm) stop() {
	w.mu.Lock()
	t := w.tpl
	w.tpl, w.off = nil, true
	w.mu.Unlock()
	if t != nil {
		t.stop()
	}
}
