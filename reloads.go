package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
	"github.com/wsgidev/wsgidev/reload"
)

// newWatcher watches the app's folder (the current one for a module spec)
// and whatever --watch names.
func newWatcher(c *cli.Context, spec pyrunner.AppSpec, dir string) (*reload.Watcher, error) {
	root := dir
	if spec.File != "" {
		abs, err := filepath.Abs(spec.File)
		if err != nil {
			return nil, err
		}
		root = filepath.Dir(abs)
	}
	cfg := reload.Config{Roots: []string{root}, Ignore: c.StringSlice("ignore"), Poll: c.Bool("poll")}
	for _, ext := range strings.Split(c.String("ext"), ",") {
		if ext = strings.TrimPrefix(strings.TrimSpace(ext), "."); ext != "" {
			cfg.Exts = append(cfg.Exts, ext)
		}
	}
	for _, p := range c.StringSlice("watch") {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("--watch %s: no such file or folder", p)
		}
		abs, _ := filepath.Abs(p)
		if info.IsDir() {
			cfg.Roots = append(cfg.Roots, abs)
		} else {
			cfg.Files = append(cfg.Files, abs)
		}
	}
	return reload.New(cfg)
}

// reloader restarts the app for every batch of changes, on SIGHUP and on
// the inspector's reload key, and reports each reload to the hub.
//
// While the debugger holds a request the reload waits, and says so: a
// restart would retire the child the held call runs in, and the user is
// looking at it. Changes that arrive meanwhile join the waiting reload.
// It does not release held requests itself; the user continues or aborts
// them, or releases them all (Debugger.ReleaseAll: SIGUSR1, or the
// inspector), and the reload follows.
type reloader struct {
	runner *pyrunner.Runner
	hub    *exchange.Hub
	grace  time.Duration
	held   *devserver.Debugger // nil: nothing is ever held
	ctx    context.Context     // a waiting reload gives up when it ends
	// release says how the user releases held requests for a reload; the
	// inspector's R does when a reload waits (see Reload).
	release string

	mu      sync.Mutex
	waiting bool     // a reload waits for held requests
	files   []string // the changes it will report
	manual  bool     // one of them was a manual reload
}

// Reload restarts the app by hand (the inspector's key). Pressed again
// while a reload waits for held requests, it releases them: the user has
// chosen the reload over stepping on.
func (r *reloader) Reload() {
	r.mu.Lock()
	waiting := r.waiting
	r.mu.Unlock()
	if waiting && r.held != nil {
		n := len(r.held.Held())
		r.held.ReleaseAll()
		r.notice(fmt.Sprintf("R: released %s held in the debugger, for the reload", plural(n, "request")))
		return
	}
	r.start(nil)
}

func (r *reloader) start(files []string) {
	if r.held != nil && len(r.held.Held()) > 0 {
		r.wait(files)
		return
	}
	r.restart(files)
}

// wait queues a reload until no request is held.
func (r *reloader) wait(files []string) {
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
	release := r.release
	if release == "" {
		release = "SIGUSR1 releases every held request"
	}
	r.notice(fmt.Sprintf("reload waits: %s held in the debugger — continue or abort %s (%s)",
		plural(n, "request"), map[bool]string{true: "it", false: "them"}[n == 1], release))
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

func (r *reloader) restart(files []string) {
	err := r.runner.Reload(files, r.grace, r.report)
	if err != nil && !errors.Is(err, pyrunner.ErrStopping) {
		r.notice("reload failed: " + err.Error())
	}
}

func (r *reloader) report(res pyrunner.Reload) {
	u := &exchange.Reload{At: time.Now(), Files: res.Files, Took: res.Took, OK: res.LoadErr == nil}
	if res.LoadErr != nil {
		u.Error = res.LoadErr.Kind + ": " + res.LoadErr.Message
		u.Detail = res.LoadErr.Traceback
	}
	r.hub.Publish(exchange.Update{Reload: u})
}

func (r *reloader) notice(text string) {
	r.hub.Publish(exchange.Update{Notice: &exchange.Notice{At: time.Now(), Text: text}})
}

// follow reloads on every batch the watcher sends (and on SIGHUP when
// onHUP) until ctx ends, and passes the watcher's notices on.
func (r *reloader) follow(ctx context.Context, w *reload.Watcher, onHUP bool) {
	hup := make(chan os.Signal, 1)
	if onHUP {
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
	}
	notices := w.Notices()
	for {
		select {
		case b, ok := <-w.Batches():
			if !ok {
				return
			}
			r.start(b.Paths)
		case <-hup:
			r.start(nil)
		case text, ok := <-notices:
			if !ok {
				notices = nil // closed with the watcher; batches end too
				continue
			}
			r.notice(text)
		case <-ctx.Done():
			return
		}
	}
}
