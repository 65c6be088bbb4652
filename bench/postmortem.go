//go:build linux

package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// keptFailures is how many failures the postmortem part keeps: wsgidev's
// default bound (--keep-failures).
const keptFailures = 10

var failApp = app{"flask-fail", "flask_fail", "app"}

// postmortem measures what keeping failures' tracebacks costs the child:
// its RSS before and after keptFailures failures of a Flask view
// (FLASK_DEBUG=1, so they reach wsgidev), with the default bound and with
// --keep-failures 0.
func (b *bench) postmortem(ctx context.Context) error {
	defer b.stopAll()
	rows := []string{fmt.Sprintf("  %-18s %14s %14s %12s", "--keep-failures", "child before", "child after", "difference")}
	for _, keep := range []int{0, keptFailures} {
		before, after, err := b.failuresRSS(ctx, keep)
		if err != nil {
			return fmt.Errorf("--keep-failures %d: %w", keep, err)
		}
		rows = append(rows, fmt.Sprintf("  %-18d %14s %14s %12s", keep, mb(before), mb(after), mb(after-before)))
	}
	fmt.Printf("\npostmortem: the Python child's RSS (VmRSS) after a warm-up, then after %d failures of apps/flask_fail.py /fail\n", keptFailures)
	fmt.Println(strings.Join(rows, "\n"))
	return nil
}

// failuresRSS serves failApp keeping keep failures, warms it up (20
// answers and one failure, so the error path's imports are done), and
// returns the child's RSS before and after keptFailures more failures.
func (b *bench) failuresRSS(ctx context.Context, keep int) (before, after int64, err error) {
	name := fmt.Sprintf("wsgidev.postmortem-keep-%d", keep)
	argv := []string{b.bin, "serve", "--no-tui", "--no-reload", "--port", "0", "--python", b.python,
		"--keep-failures", fmt.Sprint(keep), failApp.module + ".py:" + failApp.callable}
	p, err := b.spawnIn(name, b.apps, []string{"FLASK_DEBUG=1"}, argv)
	if err != nil {
		return 0, 0, err
	}
	defer p.stop()
	if p.url, err = p.waitBanner(ctx, 30*time.Second); err != nil {
		return 0, 0, err
	}
	if err := p.waitReady(ctx, 30*time.Second); err != nil {
		return 0, 0, err
	}
	child, err := childOf(p.pid())
	if err != nil {
		return 0, 0, err
	}
	for i := range 21 {
		path, want := "", http.StatusOK
		if i == 20 {
			path, want = "fail", http.StatusInternalServerError
		}
		if err := getStatus(ctx, p.url+path, want); err != nil {
			return 0, 0, err
		}
	}
	if before, _, err = rss(child); err != nil {
		return 0, 0, err
	}
	for range keptFailures {
		if err := getStatus(ctx, p.url+"fail", http.StatusInternalServerError); err != nil {
			return 0, 0, err
		}
	}
	after, _, err = rss(child)
	return before, after, err
}

// getStatus GETs url and checks the status.
func getStatus(ctx context.Context, url string, want int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("GET %s: %s, want %d", url, resp.Status, want)
	}
	return nil
}
