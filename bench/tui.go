//go:build linux

package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

const (
	tuiShare    = 0.9             // issue 4: req/s with the inspector open, at least this share of headless
	tuiCatchUp  = 5 * time.Second // issue 4: the status bar reaches wrk's count within this
	tuiSettleAt = 2 * time.Second // RSS is read again this long after the last run
)

var tuiServer = server{name: "wsgidev headless", argv: func(b *bench, a app, _ int) []string {
	return []string{b.bin, "serve", "--no-tui", "--port", "0", "--python", b.python, a.module + ".py"}
}}

// tuiRun is one wrk run against the wsgidev with the inspector open.
type tuiRun struct {
	conns    int
	expected int // requests the inspector should count by now: before the run plus wrk's
	shown    int // what its status bar said once caught up, or at the time limit
	catchUp  time.Duration
	rss      [2]int64 // wsgidev and its child at the end of the run
	peak     [2]int64 // during the run
}

// tui compares wsgidev's throughput with the inspector open, in a tmux
// pane, against the same server headless; both serve hello.py with
// reloading on, as `wsgidev serve` does by default.
func (b *bench) tui(ctx context.Context) error {
	defer b.stopAll()
	logf("starting wsgidev headless and in tmux with the inspector")
	headless, err := b.start(ctx, tuiServer, app{"hello", "hello", "application"})
	if err != nil {
		return err
	}
	t, err := b.startTmux(ctx)
	if t != nil {
		defer func() {
			if note := t.stop(); note != "" {
				fmt.Println("  " + note)
			}
		}()
	}
	if err != nil {
		return err
	}
	base, err := t.waitCount(ctx, 1, 10*time.Second)
	if err != nil {
		return fmt.Errorf("the inspector never showed the readiness request: %w", err)
	}
	counted := base
	results := map[cell][]wrkResult{}
	var runs []tuiRun
	for run := 1; run <= b.runs; run++ {
		for _, conns := range b.conns {
			logf("wrk tui, %d conns, headless then inspector, run %d/%d", conns, run, b.runs)
			r, err := b.wrk(ctx, headless, conns, fmt.Sprintf("wrk.tui.headless.c%d.run%d.txt", conns, run))
			if err != nil {
				return fmt.Errorf("headless, %d conns: %w", conns, err)
			}
			results[cell{"headless", conns}] = append(results[cell{"headless", conns}], r)

			r, tr, err := b.inspectorRun(ctx, t, conns, run, counted)
			if err != nil {
				return err
			}
			results[cell{"inspector", conns}] = append(results[cell{"inspector", conns}], r)
			counted = max(tr.expected, tr.shown) // requests wrk abandoned at its end still reach the app
			runs = append(runs, tr)
		}
	}
	time.Sleep(tuiSettleAt)
	settled := t.rssNow()
	var plain [2]int64 // the headless server, for comparison
	plain[0], _, _ = rss(headless.pid())
	if child, err := childOf(headless.pid()); err == nil {
		plain[1], _, _ = rss(child)
	}
	bar, _ := t.statusBar(ctx)
	b.printTUI(results, runs, settled, plain, t, bar)
	b.tuiChecks(results, runs)
	return nil
}

// inspectorRun is one wrk run against the wsgidev with the inspector
// open, then the wait for its status bar to count what wrk sent; counted
// is what it should have counted before the run.
func (b *bench) inspectorRun(ctx context.Context, t *tmuxServer, conns, run, counted int) (wrkResult, tuiRun, error) {
	tr := tuiRun{conns: conns}
	var r wrkResult
	peaks, err := sampleRSS([]int{t.pid, t.child}, func() error {
		var err error
		r, err = b.wrkAt(ctx, t.url, t.pid, conns, fmt.Sprintf("wrk.tui.inspector.c%d.run%d.txt", conns, run))
		return err
	})
	if err != nil {
		return r, tr, fmt.Errorf("inspector, %d conns: %w", conns, err)
	}
	copy(tr.peak[:], peaks)
	tr.rss = t.rssNow()
	tr.expected = counted + r.warmupRequests + r.requests
	start := time.Now()
	tr.shown, err = t.waitCount(ctx, tr.expected, tuiCatchUp+5*time.Second)
	tr.catchUp = time.Since(start)
	if err != nil {
		logf("inspector count: %v", err)
	}
	return r, tr, nil
}

func (b *bench) printTUI(results map[cell][]wrkResult, runs []tuiRun, settled, plain [2]int64, t *tmuxServer, bar string) {
	fmt.Printf("\ntui: hello.py, wsgidev with the inspector open in tmux (%dx%d) vs headless (--no-tui, log to a file),\n"+
		"  wrk -t%d, %s per run after a %s warm-up, median of %d run(s)\n", tmuxWidth, tmuxHeight, b.wrkThreads, b.duration, b.warmup, b.runs)
	fmt.Printf("  %5s %12s %12s %7s %26s %26s\n", "conns", "headless", "inspector", "ratio", "cpu/req headless (go+py)", "cpu/req inspector (go+py)")
	for _, conns := range b.conns {
		h, i := medianRun(results[cell{"headless", conns}]), medianRun(results[cell{"inspector", conns}])
		fmt.Printf("  %5d %12.0f %12.0f %6.0f%% %26s %26s\n", conns, h.rps, i.rps, 100*i.rps/h.rps,
			cpuSplit(h), cpuSplit(i))
	}
	fmt.Printf("  inspector, run by run: the request count in its status bar after wrk stops, and wsgidev's RSS (go / python)\n")
	fmt.Printf("  %5s %14s %14s %10s %22s %22s\n", "conns", "wrk + before", "status bar", "caught up", "RSS at the end", "RSS peak in the run")
	var peak [2]int64
	for _, r := range runs {
		caught := msShort(r.catchUp)
		if r.shown < r.expected {
			caught = "no, " + caught
		}
		fmt.Printf("  %5d %14s %14s %10s %22s %22s\n", r.conns, formatInt(r.expected), formatInt(r.shown), caught,
			mb(r.rss[0])+" / "+mb(r.rss[1]), mb(r.peak[0])+" / "+mb(r.peak[1]))
		peak[0], peak[1] = max(peak[0], r.peak[0]), max(peak[1], r.peak[1])
	}
	fmt.Printf("  RSS %s after the last run: %s / %s (headless: %s / %s); peak over all runs %s / %s; wsgidev's VmHWM %s\n",
		tuiSettleAt, mb(settled[0]), mb(settled[1]), mb(plain[0]), mb(plain[1]), mb(peak[0]), mb(peak[1]), mb(t.hwm()))
	fmt.Printf("  status bar: %s\n", strings.TrimSpace(bar))
}

func (b *bench) tuiChecks(results map[cell][]wrkResult, runs []tuiRun) {
	for _, conns := range b.conns {
		h, i := medianRun(results[cell{"headless", conns}]), medianRun(results[cell{"inspector", conns}])
		b.checks = append(b.checks, check{
			issue:    4,
			what:     fmt.Sprintf("tui, %d conns: req/s inspector open / headless", conns),
			target:   fmt.Sprintf(">= %.0f%%", 100*tuiShare),
			measured: fmt.Sprintf("%.0f%% (%.0f / %.0f)", 100*i.rps/h.rps, i.rps, h.rps),
			pass:     i.rps >= tuiShare*h.rps,
		})
	}
	worst, behind := time.Duration(0), 0
	for _, r := range runs {
		worst = max(worst, r.catchUp)
		if r.shown < r.expected {
			behind++
		}
	}
	b.checks = append(b.checks, check{
		issue:    4,
		what:     "tui: status bar counts every request after wrk stops",
		target:   "< " + msShort(tuiCatchUp),
		measured: fmt.Sprintf("slowest %s, %d of %d runs short", msShort(worst), behind, len(runs)),
		pass:     behind == 0 && worst < tuiCatchUp,
	})
}

// cpuSplit gives the CPU per request of wsgidev and of its child.
func cpuSplit(r wrkResult) string {
	return fmt.Sprintf("%s (%s+%s)", us(r.cpuSelf+r.cpuKids, r.requests), us(r.cpuSelf, r.requests), us(r.cpuKids, r.requests))
}

// formatInt writes n with thousands separators, as the inspector does.
func formatInt(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
