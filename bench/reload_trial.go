//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

const (
	reloadSettle = time.Second            // polled before the first trial, so every watcher has taken its first look
	reloadGap    = 400 * time.Millisecond // polled after a trial saw its text, before the next edit
	trialLimit   = 10 * time.Second       // a trial whose text never shows ends after this
	syntaxBroken = 3 * time.Second        // how long a syntax error stays in the file
	syntaxLimit  = 5 * time.Second        // and to answer with the fixed code after the fix
)

var errExited = errors.New("the server exited")

// reloadRun starts s on a fresh copy of a and runs the trials, then the
// syntax-error round, filling r.
func (b *bench) reloadRun(ctx context.Context, tmp string, s reloader, a reloadApp, r *reloadResult) error {
	dir, src, err := b.prepare(tmp, s, a)
	if err != nil {
		return err
	}
	port := 0
	if !s.ours {
		if port, err = freePort(); err != nil {
			return err
		}
	}
	name := "reload." + strings.ReplaceAll(s.name, " ", "-") + "." + a.name
	p, err := b.spawnIn(name, dir, s.env, s.argv(b, a, port))
	if err != nil {
		return err
	}
	p.group = true
	p.url = fmt.Sprintf("http://127.0.0.1:%d/", port)
	if s.ours {
		if p.url, err = p.waitBanner(ctx, 30*time.Second); err != nil {
			return err
		}
	}
	if err := p.waitReady(ctx, 30*time.Second); err != nil {
		return err
	}
	app := filepath.Join(dir, a.editFile())
	pl := newPoller(p.url, &r.polls)
	defer pl.close()

	if _, err := pl.until(ctx, p, reloadSettle, nil); err != nil {
		return b.reloadEnded(ctx, p, r, "before the first trial", err)
	}
	for i := 1; i <= b.trials; i++ {
		text := fmt.Sprintf("reload %d %06x", i, rand.IntN(1<<24))
		start := time.Now()
		if err := b.saveApp(app, edited(src, text)); err != nil {
			return err
		}
		seen, err := pl.until(ctx, p, trialLimit, showing(text))
		if err != nil {
			return b.reloadEnded(ctx, p, r, fmt.Sprintf("in trial %d", i), err)
		}
		if seen.IsZero() {
			logf("%s on %s, trial %d: %q did not show within %s", s.name, a.name, i, text, trialLimit)
		} else {
			r.latencies = append(r.latencies, seen.Sub(start))
		}
		if _, err := pl.until(ctx, p, reloadGap, nil); err != nil {
			return b.reloadEnded(ctx, p, r, fmt.Sprintf("after trial %d", i), err)
		}
	}
	b.syntaxRound(ctx, p, pl, app, src, r)
	if s.ours {
		r.childReloads = childReloads(p.log, b.trials)
	}
	return nil
}

// reloadEnded turns the server's exit during the trials into a result
// (a peer that dies is a finding) and any other error into the run's.
func (b *bench) reloadEnded(ctx context.Context, p *proc, r *reloadResult, when string, err error) error {
	if !errors.Is(err, errExited) || ctx.Err() != nil {
		return err
	}
	logf("%s exited %s; its log %s ends:\n%s", p.name, when, p.log, tail(p.log, 10))
	r.syntax = "not tried: it exited " + when
	return nil
}

// syntaxRound saves a syntax error and keeps polling for syntaxBroken, as
// a developer would take a moment to see the mistake, then saves a fix
// with a new text and waits syntaxLimit for the text to show. Its polls
// are not counted with the trials'.
func (b *bench) syntaxRound(ctx context.Context, p *proc, pl *poller, app, src string, r *reloadResult) {
	var scratch pollCounts
	pl.counts = &scratch
	if err := b.saveApp(app, src+"\nthis line is not Python (\n"); err != nil {
		r.syntax = "not tried: " + err.Error()
		return
	}
	_, err := pl.until(ctx, p, syntaxBroken, nil)
	if err == nil {
		broken := pl.last // what the server answered with the error in place
		text := fmt.Sprintf("fixed %06x", rand.IntN(1<<24))
		start := time.Now()
		if err := b.saveApp(app, edited(src, text)); err != nil {
			r.syntax = "not tried: " + err.Error()
			return
		}
		var seen time.Time
		if seen, err = pl.until(ctx, p, syntaxLimit, showing(text)); err == nil {
			if seen.IsZero() {
				r.syntax = fmt.Sprintf("no: %s while broken, fix not shown in %s", broken, syntaxLimit)
				return
			}
			r.syntax, r.survived = fmt.Sprintf("yes: %s while broken, fix in %s", broken, msShort(seen.Sub(start))), true
			return
		}
	}
	if errors.Is(err, errExited) {
		r.syntax = fmt.Sprintf("no: it exited (%v)", p.cmd.ProcessState)
		return
	}
	r.syntax = "not tried: " + err.Error()
}

// edited is the app's source answering "Hello, text!".
func edited(src, text string) string {
	return strings.ReplaceAll(src, reloadOld, "Hello, "+text+"!")
}

// showing is true for a 200 whose body holds text.
func showing(text string) func(string, bool) bool {
	return func(body string, ok bool) bool { return ok && strings.Contains(body, text) }
}

// until polls until done (nil: never) is true for a response, and returns
// when that response arrived; the zero time when limit passed first. It
// stops early with errExited when the server exits, or when ctx ends.
func (pl *poller) until(ctx context.Context, p *proc, limit time.Duration, done func(string, bool) bool) (time.Time, error) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			return time.Time{}, errExited
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		default:
		}
		body, at, ok := pl.get(ctx)
		if done != nil && done(body, ok) {
			return at, nil
		}
	}
	return time.Time{}, nil
}

// saveApp writes the app's new source the way the -save flag says: in
// place (truncate and write, most editors' default) or to a file beside
// it that is then renamed over it.
func (b *bench) saveApp(path, src string) error {
	if b.save == "rename" {
		tmp := path + ".bench-tmp"
		if err := os.WriteFile(tmp, []byte(src), 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, path)
	}
	return os.WriteFile(path, []byte(src), 0o644)
}

var reloadedIn = regexp.MustCompile(`reloaded in (\S+) \(`)

// childReloads reads the first n "reloaded in" durations from wsgidev's
// log: the time from the start of a restart to the new child having
// imported the app.
func childReloads(log string, n int) []time.Duration {
	data, _ := os.ReadFile(log)
	var ds []time.Duration
	for _, m := range reloadedIn.FindAllStringSubmatch(string(data), n) {
		if d, err := time.ParseDuration(m[1]); err == nil {
			ds = append(ds, d)
		}
	}
	return ds
}
