package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/devserver"
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

// follow hands the session every batch of changes the watcher sends, and
// its notices, until the watcher is closed.
func follow(w *reload.Watcher, sess *devserver.Session) {
	notices := w.Notices()
	for {
		select {
		case b, ok := <-w.Batches():
			if !ok {
				return
			}
			sess.Changed(b.Paths)
		case text, ok := <-notices:
			if !ok {
				notices = nil // closed with the watcher; batches end too
				continue
			}
			sess.Notice(text)
		}
	}
}

// watching says what the watcher covers, for the inspector; "" without one.
func watching(w *reload.Watcher) string {
	if w == nil {
		return ""
	}
	return w.Describe()
}
