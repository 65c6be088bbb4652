package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

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
type reloader struct {
	runner *pyrunner.Runner
	hub    *exchange.Hub
	grace  time.Duration
}

// Reload restarts the app by hand (the inspector's key).
func (r *reloader) Reload() { r.start(nil) }

func (r *reloader) start(files []string) {
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
