package devserver

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Log prints the headless output from a hub subscription until ctx ends:
// one werkzeug-style access line per request with its duration, the app's
// output marked as the app's, tracebacks in full, and the child's life.
// Every text that came from the app or a client goes through Printable on
// its way out: the only raw escape sequences it writes are its own colours.
type Log struct {
	Out   io.Writer
	Color bool
}

// Run drains sub until ctx ends, then prints what is left.
func (l Log) Run(ctx context.Context, sub *exchange.Subscription) {
	st := &logState{requests: map[uint64]string{}, partial: map[streamOf]string{}}
	for {
		select {
		case <-sub.Wake():
			l.print(sub, st)
		case <-ctx.Done():
			l.print(sub, st)
			return
		}
	}
}

// logState is what the log remembers between updates.
type logState struct {
	requests map[uint64]string   // exchange ID → "GET /x", for marking app output
	partial  map[streamOf]string // a request's output line that has not ended yet
}

// streamOf is one output stream of one request.
type streamOf struct {
	id     uint64
	stream string
}

func (l Log) print(sub *exchange.Subscription, st *logState) {
	updates, dropped := sub.Drain()
	var b strings.Builder
	for _, u := range updates {
		switch {
		case u.Started != nil:
			st.requests[u.Started.ID] = u.Started.Method + " " + u.Started.Target
		case u.Event != nil && u.Event.Event.Kind == exchange.EventLog && u.Event.Event.Stream != "stdin": // the terminal echoed it
			l.requestOutput(&b, st, u.Event.ID, u.Event.Event.Stream, u.Event.Event.Text)
		case u.Event != nil && u.Event.Event.Kind == exchange.EventHeld && u.Event.Event.Text == exchange.HeldBeforeApp:
			fmt.Fprintf(&b, "wsgidev: %s (#%d) is held in the debugger before the app\n", requestLabel(st.requests, u.Event.ID), u.Event.ID)
		case u.Event != nil && u.Event.Event.Kind == exchange.EventInput:
			l.prompt(&b, st, u.Event.ID)
		case u.Done != nil:
			l.endOutput(&b, st, u.Done.ID)
			l.access(&b, u.Done)
			delete(st.requests, u.Done.ID)
		case u.Output != nil:
			l.appLines(&b, "", u.Output.Stream, u.Output.Line)
		case u.Child != nil:
			l.child(&b, u.Child)
		case u.Reload != nil:
			l.reload(&b, u.Reload)
		case u.Notice != nil:
			fmt.Fprintf(&b, "wsgidev: %s\n", exchange.Printable(u.Notice.Text))
		}
	}
	if dropped.Total() > 0 {
		skipped(&b, dropped)
	}
	io.WriteString(l.Out, b.String())
}

// skipped says what the log lost by falling behind; every request's
// access line is still printed (finished exchanges are never dropped).
func skipped(b *strings.Builder, d exchange.Dropped) {
	var what []string
	if d.Output > 0 {
		what = append(what, fmt.Sprintf("%d lines of the app's output", d.Output))
	}
	if d.Other > 0 {
		what = append(what, fmt.Sprintf("%d other updates", d.Other))
	}
	fmt.Fprintf(b, "wsgidev: the log fell behind and skipped %s (the inspector and the capture keep each request's own)\n", strings.Join(what, " and "))
}

// requestOutput prints the lines a request's output completes. print()
// writes its text and its newline separately, so a line waits for its end
// (or the request's) instead of showing as two.
func (l Log) requestOutput(b *strings.Builder, st *logState, id uint64, stream, text string) {
	key := streamOf{id, stream}
	text = st.partial[key] + text
	end := strings.LastIndexByte(text, '\n')
	if rest := text[end+1:]; rest != "" {
		st.partial[key] = rest
	} else {
		delete(st.partial, key)
	}
	if end >= 0 {
		l.appLines(b, "["+requestLabel(st.requests, id)+"] ", stream, text[:end+1])
	}
}

// endOutput prints what a finished request left without a newline.
func (l Log) endOutput(b *strings.Builder, st *logState, id uint64) {
	for key, text := range st.partial {
		if key.id == id {
			l.appLines(b, "["+requestLabel(st.requests, id)+"] ", key.stream, text)
			delete(st.partial, key)
		}
	}
}

// prompt prints what the request printed last without a newline (pdb's
// "(Pdb) "), so the user types after it: the app now waits for a line.
func (l Log) prompt(b *strings.Builder, st *logState, id uint64) {
	key := streamOf{id, "stdout"}
	prompt, ok := st.partial[key]
	if !ok {
		prompt = "(stdin) "
	}
	delete(st.partial, key)
	b.WriteString(l.paint("2", "app|") + " [" + requestLabel(st.requests, id) + "] " + exchange.Printable(prompt))
}

// requestLabel is "GET /x" for the request id, printable.
func requestLabel(requests map[uint64]string, id uint64) string {
	if label, ok := requests[id]; ok {
		return exchange.Printable(label)
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
	if host == "" {
		host = "-" // a unix socket's client without a name
	}
	status := "-"
	if ex.Status != 0 {
		status = fmt.Sprint(ex.Status)
	}
	return exchange.Printable(fmt.Sprintf("%s - - [%s] \"%s %s %s\" %s %d %s", host, ex.Start.Format("02/Jan/2006 15:04:05"),
		ex.Method, ex.Target, ex.Proto, status, ex.ResponseBody.Size, FormatDuration(ex.Duration)))
}

func (l Log) access(b *strings.Builder, ex *exchange.Exchange) {
	line := AccessLine(ex)
	if waited := threadWait(ex); waited != "" {
		line += " (waited " + waited + " for a thread)"
	}
	if ex.Static != "" {
		line += " (static file " + exchange.Printable(ex.Static) + ", served by wsgidev)"
	}
	if f := ex.Failure; f != nil {
		switch {
		case f.Kind == exchange.FailCancelled:
			line += " (client went away; close() called)"
		case f.Cut:
			line += " (connection cut: the app failed after the body started)"
		}
	}
	b.WriteString(l.paint(statusColor(ex.Status), line))
	b.WriteByte('\n')
	for _, w := range ex.Lint {
		fmt.Fprintf(b, "%s %s [%s]\n", l.paint("33", "  WSGI warning:"), exchange.Printable(w.Message), exchange.Printable(w.Rule))
	}
	if f := ex.Failure; f != nil && f.Kind != exchange.FailCancelled && f.Kind != exchange.FailNotMounted && f.Kind != exchange.FailBadRequest {
		msg := f.Message
		if f.Rule != "" {
			msg = "WSGI rule broken: " + msg + " [" + f.Rule + "]"
		}
		fmt.Fprintf(b, "%s %s\n", l.paint("31", "  error:"), exchange.Printable(msg))
		if f.Kind != exchange.FailLoadError {
			l.Traceback(b, f.Traceback)
		}
	}
}

// threadWait is how long the request waited for a thread of the app, or
// "" when it did not.
func threadWait(ex *exchange.Exchange) string {
	var from time.Duration
	for _, e := range ex.Events {
		switch e.Kind {
		case exchange.EventWaitThread:
			from = e.Offset
		case exchange.EventGotThread:
			return FormatDuration(e.Offset - from)
		}
	}
	return ""
}

func (l Log) appLines(b *strings.Builder, label, stream, text string) {
	prefix := l.paint("2", "app|") + " " + label
	if stream == "stderr" || stream == "wsgi.errors" {
		prefix = l.paint("2", "app!") + " " + label
	}
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString(prefix + exchange.Printable(strings.TrimSuffix(line, "\r")) + "\n")
	}
}

// child reports a crash; import outcomes come from reloads (and the banner
// for the first import), so they are not repeated here.
func (l Log) child(b *strings.Builder, c *exchange.ChildState) {
	if c.Kind == exchange.ChildExited {
		fmt.Fprintf(b, "%s %s\n", l.paint("31", "wsgidev:"), exchange.Printable(c.Note))
	}
}

func (l Log) reload(b *strings.Builder, r *exchange.Reload) {
	what := "manual reload"
	if len(r.Files) > 0 {
		what = exchange.Printable(describeFiles(r.Files)) + " changed"
	}
	if r.OK {
		fmt.Fprintf(b, "%s reloaded in %s (%s)\n", l.paint("32", "wsgidev:"), FormatDuration(r.Took), what)
		return
	}
	fmt.Fprintf(b, "%s %s; the app failed to import: %s\n", l.paint("31", "wsgidev:"), what, exchange.Printable(r.Error))
	l.Traceback(b, r.Detail)
	b.WriteString("wsgidev: still serving: requests get this error until a save fixes it\n")
}

// Traceback indents a traceback under the line that introduced it.
func (l Log) Traceback(b *strings.Builder, tb string) {
	if tb == "" {
		return
	}
	for _, line := range strings.Split(strings.TrimRight(tb, "\n"), "\n") {
		fmt.Fprintf(b, "  %s\n", exchange.Printable(line))
	}
}

func describeFiles(files []string) string {
	name := filepath.Base(files[0])
	if len(files) == 1 {
		return name
	}
	return fmt.Sprintf("%s and %d more", name, len(files)-1)
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
