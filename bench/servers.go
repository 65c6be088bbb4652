//go:build linux

package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// app is one of the WSGI apps in bench/apps.
type app struct {
	name     string // in the tables
	module   string // bench/apps/<module>.py
	callable string
}

func (a app) spec() string { return a.module + ":" + a.callable }

var (
	helloApp  = app{"hello", "hello", "application"}
	flaskApp  = app{"flask", "flask_hello", "app"}
	streamApp = app{"stream", "stream", "application"}
	memoryApp = app{"memory", "stream", "application"} // the same app, its own log
)

// server is a way to serve an app: wsgidev, or one of its peers.
type server struct {
	name string
	ref  map[string]int // issue 2's req/s for it at 8 connections, by app
	argv func(b *bench, a app, port int) []string
}

const wsgidevName = "wsgidev"

var (
	wsgidevServer = server{name: wsgidevName, argv: wsgidevArgv()}
	gunicorn1     = server{name: "gunicorn sync 1w", ref: map[string]int{"hello": 7000, "flask": 3100}, argv: gunicorn(1)}
	gunicorn2     = server{name: "gunicorn sync 2w", ref: map[string]int{"hello": 6300}, argv: gunicorn(2)}
	wsgiref       = server{name: "wsgiref", ref: map[string]int{"hello": 5400}, argv: launcher("serve_wsgiref.py")}
	werkzeug      = server{name: "werkzeug threaded", ref: map[string]int{"hello": 1300, "flask": 900}, argv: launcher("serve_werkzeug.py")}

	allServers = []server{wsgidevServer, gunicorn1, gunicorn2, wsgiref, werkzeug}
)

// serverWords are what -servers takes: each server's first word.
func serverWords() []string {
	var words []string
	for _, s := range allServers {
		if w, _, _ := strings.Cut(s.name, " "); !contains(words, w) {
			words = append(words, w)
		}
	}
	return words
}

// servers are the servers the throughput and stream parts measure: those
// -servers names, else all.
func (b *bench) servers() []server {
	if len(b.config.servers) == 0 {
		return allServers
	}
	var out []server
	for _, s := range allServers {
		if w, _, _ := strings.Cut(s.name, " "); contains(b.config.servers, w) {
			out = append(out, s)
		}
	}
	return out
}

// wsgidevArgv serves an app with wsgidev headless, with the flags extra.
func wsgidevArgv(extra ...string) func(*bench, app, int) []string {
	return func(b *bench, a app, _ int) []string {
		argv := []string{b.bin, "serve", "--no-tui", "--no-reload", "--port", "0", "--python", b.python, a.module + ".py:" + a.callable}
		if b.capture {
			path := filepath.Join(b.out, "capture."+a.name+".jsonl")
			os.Remove(path) // each measured server starts a file of its own
			argv = append(argv, "--capture", path)
		}
		return append(argv, extra...)
	}
}

func gunicorn(workers int) func(*bench, app, int) []string {
	return func(b *bench, a app, port int) []string {
		return []string{b.python, "-m", "gunicorn", "--worker-class", "sync", "--workers", strconv.Itoa(workers),
			"--bind", "127.0.0.1:" + strconv.Itoa(port), a.spec()}
	}
}

func launcher(script string) func(*bench, app, int) []string {
	return func(b *bench, a app, port int) []string {
		return []string{b.python, script, a.spec(), strconv.Itoa(port)}
	}
}

// proc is a server process the bench started, with its log file.
type proc struct {
	name   string
	cmd    *exec.Cmd
	log    string
	exited chan struct{}
	url    string // where it serves, once ready
	group  bool   // SIGTERM the whole group: a reloader's parent and its serving child
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// start serves a with s and waits, with a bound, until it answers.
func (b *bench) start(ctx context.Context, s server, a app) (*proc, error) {
	port := 0
	ours := strings.HasPrefix(s.name, wsgidevName) // picks its port and says it in the banner
	if !ours {
		var err error
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	name := strings.ReplaceAll(s.name, " ", "-") + "." + a.name
	p, err := b.spawn(name, s.argv(b, a, port))
	if err != nil {
		return nil, err
	}
	p.url = fmt.Sprintf("http://127.0.0.1:%d/", port)
	if ours {
		if p.url, err = p.waitBanner(ctx, 30*time.Second); err != nil {
			return nil, err
		}
	}
	if err := p.waitReady(ctx, 30*time.Second); err != nil {
		return nil, err
	}
	return p, nil
}

func (b *bench) spawn(name string, argv []string) (*proc, error) {
	return b.spawnIn(name, b.apps, nil, argv)
}

// spawnIn starts argv in dir with env added to the bench's environment,
// its output in bench/out/<name>.log, in a process group of its own.
func (b *bench) spawnIn(name, dir string, env, argv []string) (*proc, error) {
	logPath := filepath.Join(b.out, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1") // no __pycache__ in bench/apps
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: logPath, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(p.exited) }()
	b.procs = append(b.procs, p)
	return p, nil
}

var bannerURL = regexp.MustCompile(`serving\s+(http://127\.0\.0\.1:\d+/)`)

// waitBanner reads wsgidev's log until the banner names the URL.
func (p *proc) waitBanner(ctx context.Context, limit time.Duration) (string, error) {
	err := p.poll(ctx, limit, func() bool {
		out, _ := os.ReadFile(p.log)
		return bannerURL.Match(out)
	})
	if err != nil {
		return "", fmt.Errorf("%s printed no banner: %w", p.name, err)
	}
	out, _ := os.ReadFile(p.log)
	return string(bannerURL.FindSubmatch(out)[1]), nil
}

// waitReady polls the server's root until it answers 200.
func (p *proc) waitReady(ctx context.Context, limit time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	err := p.poll(ctx, limit, func() bool {
		resp, err := client.Get(p.url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	if err != nil {
		return fmt.Errorf("%s never answered 200 at %s: %w", p.name, p.url, err)
	}
	return nil
}

// poll calls ready every 50 ms until it is true, the process exits, ctx
// ends or limit passes.
func (p *proc) poll(ctx context.Context, limit time.Duration, ready func() bool) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if ready() {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("it exited (%v); its log %s ends:\n%s", p.cmd.ProcessState, p.log, tail(p.log, 15))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("not within %s; its log %s ends:\n%s", limit, p.log, tail(p.log, 15))
}

// stop ends the process by its PID: SIGTERM (to its group when p.group),
// up to 10 s of grace, then SIGKILL to the process group the bench created
// for it (gunicorn's workers).
func (p *proc) stop() {
	select {
	case <-p.exited:
	default:
		if p.group {
			syscall.Kill(-p.pid(), syscall.SIGTERM)
		} else {
			syscall.Kill(p.pid(), syscall.SIGTERM)
		}
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			logf("%s ignored SIGTERM for 10s; killing it", p.name)
			syscall.Kill(-p.pid(), syscall.SIGKILL)
			<-p.exited
		}
	}
	if err := syscall.Kill(-p.pid(), syscall.SIGKILL); err == nil && !p.group {
		logf("%s left processes in its group; killed them", p.name)
	}
}

func (b *bench) stopAll() {
	for _, p := range b.procs {
		p.stop()
	}
	b.procs = nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(path string, n int) string {
	out, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
