package devserver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// reloads restarts the app for every batch of changed files and by hand,
// and reports each reload to the hub.
//
// While the debugger holds a request a reload waits, and says so: a
// restart would retire the child the held call runs in, and the user is
// looking at it. Changes that arrive meanwhile join the waiting reload.
// It does not release held requests itself; the user continues or aborts
// them, or releases them all (the inspector's R pressed again, SIGUSR1,
// the console's c), and the reload follows.
type reloads struct {
	runner *pyrunner.Runner
	hub    *exchange.Hub
	grace  time.Duration
	held   *Debugger
	ctx    context.Context // a waiting reload gives up when it ends
	// release says how the user releases held requests, for the notice
	// that a reload waits ("" when nothing but their clients does).
	release string

	mu      sync.Mutex
	waiting bool     // a reload waits for held requests
	files   []string // the changes it will report
	manual  bool     // one of them was a manual reload
}

// start reloads for files (nil: by hand), or queues the reload while a
// request is held.
func (r *reloads) start(files []string) {
	if len(r.held.Held()) > 0 {
		r.wait(files)
		return
	}
	r.restart(files)
}

// releaseForReload releases every held request when a reload waits for
// them, and says whether it did: the inspector's R pressed again, the
// user choosing the reload over stepping on.
func (r *reloads) releaseForReload() bool {
	if !r.waits() {
		return false
	}
	n := len(r.held.Held())
	r.held.ReleaseAll()
	r.notice(fmt.Sprintf("R: released %s held in the debugger, for the reload", exchange.Plural(n, "request")))
	return true
}

func (r *reloads) waits() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.waiting
}

// wait queues a reload until no request is held.
func (r *reloads) wait(files []string) {
	r.mu.Lock()
	r.files = append(r.files, files...)
	r.manual = r.manual || files == nil
	already := r.waiting
	r.waiting = true
	r.mu.Unlock()
	if already {
		return
	}
	n := len(r.held.Held())
	text := fmt.Sprintf("reload waits: %s held in the debugger — continue or abort %s",
		exchange.Plural(n, "request"), map[bool]string{true: "it", false: "them"}[n == 1])
	if r.release != "" {
		text += " (" + r.release + ")"
	}
	r.notice(text)
	go func() {
		err := r.held.WaitReleased(r.ctx)
		r.mu.Lock()
		files, manual := r.files, r.manual
		r.files, r.manual, r.waiting = nil, false, false
		r.mu.Unlock()
		if err != nil {
			return // shutting down
		}
		if manual {
			files = nil
		}
		slices.Sort(files)
		files = slices.Compact(files)
		r.notice("reload goes ahead: no request is held any more")
		r.restart(files)
	}()
}

func (r *reloads) restart(files []string) {
	err := r.runner.Reload(files, r.grace, r.report)
	if err != nil && !errors.Is(err, pyrunner.ErrStopping) {
		r.notice("reload failed: " + err.Error())
	}
}

func (r *reloads) report(res pyrunner.Reload) {
	u := &exchange.Reload{At: time.Now(), Files: res.Files, Took: res.Took, OK: res.LoadErr == nil}
	if res.LoadErr != nil {
		u.Error = res.LoadErr.Summary()
		u.Detail = res.LoadErr.Traceback
	}
	r.hub.Publish(exchange.Update{Reload: u})
}

func (r *reloads) notice(text string) {
	r.hub.Publish(exchange.Update{Notice: &exchange.Notice{At: time.Now(), Text: text}})
}
