//go:build linux

package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// coldStarts is the number of starts per server in the cold-start table.
const coldStarts = 5

// startCase is one app whose cold start is measured: the import of the app
// with what the framework must load before its first response (python -c
// code: Flask and the app; django.setup() and the URLconf) against each
// server's start to its first response.
type startCase struct {
	name    string
	prepare func(b *bench, dir string) error
	imports string // Python code that loads the app as the framework needs it
	servers []startServer
}

type startServer struct {
	name string
	argv func(b *bench, port int) []string
	env  []string
}

var startCases = []startCase{
	{name: "flask", prepare: copyApp("flask_hello.py"), imports: "import app",
		servers: []startServer{
			{name: "wsgidev serve", argv: func(b *bench, port int) []string {
				return []string{b.bin, "serve", "--no-tui", "--port", strconv.Itoa(port), "--python", b.python, "app.py:app"}
			}},
			{name: "flask run", env: []string{"FLASK_APP=app.py"}, argv: func(b *bench, port int) []string {
				return []string{b.python, "-m", "flask", "run", "--host", "127.0.0.1", "--port", strconv.Itoa(port)}
			}},
		}},
	{name: "django", prepare: djangoProject,
		imports: "import mysite.wsgi, mysite.urls",
		servers: []startServer{
			{name: "wsgidev serve", argv: func(b *bench, port int) []string {
				return []string{b.bin, "serve", "--no-tui", "--port", strconv.Itoa(port), "--python", b.python, "mysite/wsgi.py"}
			}},
			{name: "django runserver", argv: func(b *bench, port int) []string {
				return []string{b.python, "manage.py", "runserver", "127.0.0.1:" + strconv.Itoa(port)}
			}},
		}},
}

func copyApp(file string) func(*bench, string) error {
	return func(b *bench, dir string) error {
		data, err := os.ReadFile(filepath.Join(b.apps, file))
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, "app.py"), data, 0o644)
	}
}

// coldStart measures, per app, `wsgidev serve` to its first 200 against the
// framework's own server and the bare import of the framework.
func (b *bench) coldStart(ctx context.Context, tmp string, has func(string) bool) error {
	fmt.Printf("\ncold start: process start to the first 200 for GET /, median of %d starts (GET every 5ms),\n"+
		"against python importing the app as the framework needs it before answering\n", coldStarts)
	fmt.Printf("  %-8s %-40s %9s %9s\n", "app", "server", "median", "max")
	for _, c := range startCases {
		if !has(c.name) {
			fmt.Printf("  %-8s skipped: %s is not importable from %s\n", c.name, c.name, b.python)
			continue
		}
		dir := filepath.Join(tmp, "start."+c.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := c.prepare(b, dir); err != nil {
			return fmt.Errorf("cold start %s: %w", c.name, err)
		}
		importCost, err := timeRuns(ctx, dir, b.python, c.imports)
		if err != nil {
			return fmt.Errorf("cold start %s: %s -c %q: %w", c.name, b.python, c.imports, err)
		}
		fmt.Printf("  %-8s %-40s %9s %9s\n", c.name, "python -c '"+c.imports+"'", msShort(medianOf(importCost)), msShort(maxOf(importCost)))
		var ours time.Duration
		for _, s := range c.servers {
			var ds []time.Duration
			for i := 0; i < coldStarts; i++ {
				d, err := b.startOnce(ctx, dir, c.name, s)
				b.stopAll()
				if err != nil {
					return fmt.Errorf("cold start %s with %s: %w", c.name, s.name, err)
				}
				ds = append(ds, d)
			}
			fmt.Printf("  %-8s %-40s %9s %9s\n", c.name, s.name, msShort(medianOf(ds)), msShort(maxOf(ds)))
			if s.name == "wsgidev serve" {
				ours = medianOf(ds)
			}
		}
		limit := medianOf(importCost) + 50*time.Millisecond
		b.checks = append(b.checks, check{issue: 7, what: c.name + ": cold start, wsgidev serve to first response",
			target: "<= import " + msShort(medianOf(importCost)) + " + 50ms", measured: msShort(ours), pass: ours <= limit})
	}
	return nil
}

// startOnce starts s and returns how long it took to answer 200.
func (b *bench) startOnce(ctx context.Context, dir, app string, s startServer) (time.Duration, error) {
	port, err := freePort()
	if err != nil {
		return 0, err
	}
	began := time.Now()
	p, err := b.spawnIn("start."+app+"."+s.name, dir, s.env, s.argv(b, port))
	if err != nil {
		return 0, err
	}
	p.group = true
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	for deadline := began.Add(30 * time.Second); time.Now().Before(deadline); {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(began), nil
			}
		}
		select {
		case <-p.exited:
			return 0, fmt.Errorf("exited before answering; its log %s ends:\n%s", p.log, tail(p.log, 10))
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return 0, fmt.Errorf("no 200 at %s within 30s", url)
}

// timeRuns runs python -c code coldStarts times in dir and returns each
// run's time from start to the end of code (a line it prints then), not to
// its exit: interpreter shutdown is no part of a start.
func timeRuns(ctx context.Context, dir, python, code string) ([]time.Duration, error) {
	var ds []time.Duration
	for i := 0; i < coldStarts; i++ {
		cmd := exec.CommandContext(ctx, python, "-c", code+"\nprint('imported', flush=True)")
		cmd.Dir = dir
		out, err := cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		began := time.Now()
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		line, _ := bufio.NewReader(out).ReadString('\n')
		took := time.Since(began)
		if err := cmd.Wait(); err != nil || line != "imported\n" {
			return nil, fmt.Errorf("%v %q\n%s", err, line, stderr.String())
		}
		ds = append(ds, took)
	}
	return ds, nil
}
