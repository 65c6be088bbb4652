//go:build linux

package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	tmuxWidth, tmuxHeight = 120, 40
	tmuxSession           = "wsgidev-bench-tui"
)

// tmuxServer is a wsgidev with its inspector open in a tmux pane, on a
// tmux server of the bench's own (-L socket), so no one else's sessions
// are touched.
type tmuxServer struct {
	socket string
	path   string // the socket's file, removed at the end
	pid    int    // wsgidev: the pane's command execs it
	child  int    // its Python
	url    string
}

// startTmux runs wsgidev with the inspector in a detached tmux session
// and waits until it answers; a fixed free port, since no banner shows.
func (b *bench) startTmux(ctx context.Context) (*tmuxServer, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	t := &tmuxServer{socket: fmt.Sprintf("wsgidev-bench-%d", os.Getpid()), url: fmt.Sprintf("http://127.0.0.1:%d/", port)}
	command := fmt.Sprintf("exec env PYTHONDONTWRITEBYTECODE=1 %s serve --port %d --python %s hello.py",
		shellQuote(b.bin), port, shellQuote(b.python))
	if _, err := t.tmux(ctx, "new-session", "-d", "-s", tmuxSession, "-x", strconv.Itoa(tmuxWidth), "-y", strconv.Itoa(tmuxHeight),
		"-c", b.apps, command); err != nil {
		return nil, err
	}
	out, err := t.tmux(ctx, "display-message", "-p", "-t", tmuxSession, "#{pane_pid} #{socket_path}")
	if err != nil {
		return t, err
	}
	pid, path, _ := strings.Cut(strings.TrimSpace(out), " ")
	t.path = path
	if t.pid, err = strconv.Atoi(pid); err != nil {
		return t, fmt.Errorf("tmux gave no pane pid: %q", out)
	}
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); ; {
		if resp, err := client.Get(t.url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if !alive(t.pid) || time.Now().After(deadline) || ctx.Err() != nil {
			screen, _ := t.tmux(ctx, "capture-pane", "-p", "-t", tmuxSession)
			return t, fmt.Errorf("wsgidev with the inspector never answered 200 at %s; its screen:\n%s", t.url, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if t.child, err = childOf(t.pid); err != nil {
		return t, err
	}
	return t, nil
}

func (t *tmuxServer) tmux(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := commandOutput(ctx, "tmux", append([]string{"-L", t.socket}, args...)...)
	if err != nil {
		return out, fmt.Errorf("tmux %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return out, nil
}

var statusCount = regexp.MustCompile(`(\d[\d,]*) requests? · `)

// statusBar returns the screen line that holds the request count.
func (t *tmuxServer) statusBar(ctx context.Context) (string, error) {
	screen, err := t.tmux(ctx, "capture-pane", "-p", "-t", tmuxSession)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(screen, "\n") {
		if statusCount.MatchString(line) {
			return line, nil
		}
	}
	return "", fmt.Errorf("no request count on the screen:\n%s", screen)
}

// waitCount reads the status bar every 100 ms until it counts at least
// want requests or limit passes, and returns the last count it read.
func (t *tmuxServer) waitCount(ctx context.Context, want int, limit time.Duration) (int, error) {
	shown := 0
	var err error
	for deadline := time.Now().Add(limit); time.Now().Before(deadline) && ctx.Err() == nil; time.Sleep(100 * time.Millisecond) {
		var bar string
		if bar, err = t.statusBar(ctx); err != nil {
			continue
		}
		shown, _ = strconv.Atoi(strings.ReplaceAll(statusCount.FindStringSubmatch(bar)[1], ",", ""))
		if shown >= want {
			return shown, nil
		}
	}
	if err != nil {
		return shown, err
	}
	return shown, fmt.Errorf("the status bar shows %d requests, not %d, after %s", shown, want, limit)
}

func (t *tmuxServer) rssNow() [2]int64 {
	var now [2]int64
	now[0], _, _ = rss(t.pid)
	now[1], _, _ = rss(t.child)
	return now
}

func (t *tmuxServer) hwm() int64 {
	_, peak, _ := rss(t.pid)
	return peak
}

// stop kills the tmux session, as closing a terminal would, then makes
// sure wsgidev and its Python are gone, stopping them by PID if the
// hangup did not. It says what it had to do, if anything.
func (t *tmuxServer) stop() string {
	ctx := context.Background()
	t.tmux(ctx, "kill-session", "-t", tmuxSession)
	t.tmux(ctx, "kill-server") // the bench's own tmux server (-L)
	if t.path != "" {
		os.Remove(t.path)
	}
	if t.pid == 0 || waitGone(t.pid, 3*time.Second) {
		if t.child == 0 || waitGone(t.child, 3*time.Second) {
			return ""
		}
		syscall.Kill(t.child, syscall.SIGKILL)
		return fmt.Sprintf("note: wsgidev exited when its terminal closed, but its python (pid %d) did not; killed it", t.child)
	}
	note := fmt.Sprintf("note: wsgidev (pid %d) was still running 3s after its tmux session was killed (the terminal's SIGHUP); stopped it with SIGTERM", t.pid)
	syscall.Kill(t.pid, syscall.SIGTERM)
	if !waitGone(t.pid, 10*time.Second) {
		syscall.Kill(t.pid, syscall.SIGKILL)
		note += ", then SIGKILL"
	}
	if t.child != 0 && !waitGone(t.child, 3*time.Second) {
		syscall.Kill(t.child, syscall.SIGKILL)
		note += fmt.Sprintf("; its python (pid %d) outlived it and was killed", t.child)
	}
	return note
}

// alive is whether pid runs (and is not a zombie waiting to be reaped).
func alive(pid int) bool {
	fields := statFields(pid)
	return len(fields) > 0 && fields[0] != "Z"
}

func waitGone(pid int, limit time.Duration) bool {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if !alive(pid) {
			return true
		}
	}
	return !alive(pid)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
