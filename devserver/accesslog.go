package devserver

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Log prints the headless output from a hub subscription until ctx ends:
// one werkzeug-style access line per request with its duration, the app's
// output marked as the app's, tracebacks in full, and the child's life.
type Log struct {
	Out   io.Writer
	Color bool
}

// Run drains sub until ctx ends, then prints what is left.
func (l Log) Run(ctx context.Context, sub *exchange.Subscription) {
	requests := map[uint64]string{} // exchange ID → "GET /x", for marking app output
	for {
		select {
		case <-sub.Wake():
			l.print(sub, requests)
		case <-ctx.Done():
			l.print(sub, requests)
			return
		}
	}
}

func (l Log) print(sub *exchange.Subscription, requests map[uint64]string) {
	updates, dropped := sub.Drain()
	var b strings.Builder
	for _, u := range updates {
		switch {
		case u.Started != nil:
			requests[u.Started.ID] = u.Started.Method + " " + u.Started.Target
		case u.Event != nil && u.Event.Event.Kind == exchange.EventLog:
			l.appLines(&b, "["+requestLabel(requests, u.Event.ID)+"] ", u.Event.Event.Stream, u.Event.Event.Text)
		case u.Done != nil:
			l.access(&b, u.Done)
			delete(requests, u.Done.ID)
		case u.Output != nil:
			l.appLines(&b, "", u.Output.Stream, u.Output.Line)
		case u.Child != nil:
			l.child(&b, u.Child)
		}
	}
	if dropped > 0 {
		fmt.Fprintf(&b, "wsgidev: the log fell behind and skipped %d updates\n", dropped)
	}
	io.WriteString(l.Out, b.String())
}

func requestLabel(requests map[uint64]string, id uint64) string {
	if label, ok := requests[id]; ok {
		return label
	}
	return fmt.Sprintf("request #%d", id)
}

// AccessLine formats an exchange as werkzeug does, plus the duration:
// 127.0.0.1 - - [22/Nov/2026 10:00:00] "GET /x HTTP/1.1" 200 13 1.4ms
func AccessLine(ex *exchange.Exchange) string {
	host := ex.Remote
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = strings.Trim(host[:i], "[]")
	}
	status := "-"
	if ex.Status != 0 {
		status = fmt.Sprint(ex.Status)
	}
	return fmt.Sprintf("%s - - [%s] \"%s %s %s\" %s %d %s", host, ex.Start.Format("02/Jan/2006 15:04:05"),
		ex.Method, ex.Target, ex.Proto, status, ex.ResponseBody.Size, FormatDuration(ex.Duration))
}

func (l Log) access(b *strings.Builder, ex *exchange.Exchange) {
	line := AccessLine(ex)
	if f := ex.Failure; f != nil {
		switch {
		case f.Kind == "cancelled":
			line += " (client went away; close() called)"
		case f.Cut:
			line += " (connection cut: the app failed after the body started)"
		}
	}
	b.WriteString(l.paint(statusColor(ex.Status), line))
	b.WriteByte('\n')
	for _, w := range ex.Lint {
		fmt.Fprintf(b, "%s %s [%s]\n", l.paint("33", "  WSGI warning:"), w.Message, w.Rule)
	}
	if f := ex.Failure; f != nil && f.Kind != "cancelled" && f.Kind != "not-mounted" && f.Kind != "bad-request" {
		msg := f.Message
		if f.Rule != "" {
			msg = "WSGI rule broken: " + msg + " [" + f.Rule + "]"
		}
		fmt.Fprintf(b, "%s %s\n", l.paint("31", "  error:"), msg)
		if f.Traceback != "" && f.Kind != "load-error" {
			for _, tl := range strings.Split(strings.TrimRight(f.Traceback, "\n"), "\n") {
				fmt.Fprintf(b, "  %s\n", tl)
			}
		}
	}
}

func (l Log) appLines(b *strings.Builder, label, stream, text string) {
	prefix := l.paint("2", "app|") + " " + label
	if stream == "stderr" || stream == "wsgi.errors" {
		prefix = l.paint("2", "app!") + " " + label
	}
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString(prefix + line + "\n")
	}
}

func (l Log) child(b *strings.Builder, c *exchange.ChildState) {
	switch c.Kind {
	case "load-error":
		fmt.Fprintf(b, "%s %s\n", l.paint("31", "wsgidev: the app failed to import:"), c.Note)
		if c.Detail != "" {
			for _, tl := range strings.Split(strings.TrimRight(c.Detail, "\n"), "\n") {
				fmt.Fprintf(b, "  %s\n", tl)
			}
		}
		b.WriteString("wsgidev: still serving: every request gets this error until a save fixes it\n")
	case "exited":
		fmt.Fprintf(b, "%s %s; starting a new one\n", l.paint("31", "wsgidev:"), c.Note)
	case "ready":
		if c.Note != "" {
			fmt.Fprintf(b, "wsgidev: %s\n", c.Note)
		}
	}
}

func statusColor(code int) string {
	switch {
	case code >= 500 || code == 0:
		return "31" // red
	case code >= 400:
		return "33" // yellow
	case code >= 300:
		return "36" // cyan
	default:
		return "32" // green
	}
}

func (l Log) paint(code, s string) string {
	if !l.Color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// FormatDuration prints durations the way people read them: 830µs, 1.4ms, 2.1s.
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}
