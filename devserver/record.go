package devserver

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// recorder fills one Exchange as the request runs and publishes it.
type recorder struct {
	hub    *exchange.Hub
	ex     *exchange.Exchange
	tap    *bodyTap // nil when the request has no body
	length int64    // the request's Content-Length, -1 when chunked
	// bothLengths: the head has Content-Length and Transfer-Encoding
	// (framing.go refuses it).
	bothLengths bool
	logKept     int       // bytes of output text kept in the exchange, about logKeep at most
	logCut      bool      // the output passed logKeep: the rest is not kept
	waitFor     time.Time // when the request began to wait for a thread
}

// logKeep is the most of what one request prints (stdout, stderr,
// wsgi.errors) its exchange keeps: the inspector, the log and the capture
// show that much and a marker, however much the app prints.
const logKeep = 256 << 10

// wsgiKeys are the environ keys the child adds (runner.py make_environ),
// described for the record since they are objects, not strings.
var wsgiKeys = []exchange.EnvVar{
	{Key: "wsgi.version", Value: "(1, 0)", Type: "tuple"},
	{Key: "wsgi.input", Value: "request body stream (read, readline, readlines, iteration)", Type: "Input"},
	{Key: "wsgi.errors", Value: "per-request error stream, shown by wsgidev", Type: "Errors"},
	{Key: "wsgi.multithread", Value: "True", Type: "bool"},
	{Key: "wsgi.multiprocess", Value: "False", Type: "bool"},
	{Key: "wsgi.run_once", Value: "False", Type: "bool"},
	{Key: "wsgi.file_wrapper", Value: "FileWrapper", Type: "type"},
	{Key: "wsgi.input_terminated", Value: "True", Type: "bool"},
}

func (s *Server) begin(r *http.Request) *recorder {
	ex := &exchange.Exchange{
		ID:     s.nextID.Add(1),
		Start:  time.Now(),
		Remote: s.remoteAddr(r),
		Method: r.Method,
		Target: r.RequestURI,
		Proto:  r.Proto,
		// environ, start_response, a chunk, close: what most requests
		// have, in one allocation instead of three as the slice grows.
		Events: make([]exchange.Event, 0, 4),
	}
	if of, ok := s.replays.Load(r.RemoteAddr); ok {
		ex.ReplayOf = of.(uint64)
	}
	head, _ := rawHead(r)
	ex.RawHead = head.raw
	ex.RequestHeaders = requestHeaders(r)
	rec := &recorder{hub: s.cfg.Hub, ex: ex, length: r.ContentLength, bothLengths: head.bothLengths}
	if r.ContentLength != 0 {
		rec.tap = &bodyTap{r: r.Body, limit: s.cfg.BodyCap}
		r.Body = rec.tap
	}
	started := *ex
	started.Events = nil // no room shared with the events this request is about to record
	s.cfg.Hub.Publish(exchange.Update{Started: &started})
	return rec
}

// requestHeaders are r's headers as an exchange lists them: Host first,
// then by name, the values of each in the order sent.
func requestHeaders(r *http.Request) []exchange.Header {
	headers := make([]exchange.Header, 1, 1+len(r.Header))
	headers[0] = exchange.Header{Name: "Host", Value: r.Host}
	for _, name := range headerNames(r.Header) {
		for _, v := range r.Header[name] {
			headers = append(headers, exchange.Header{Name: name, Value: v})
		}
	}
	return headers
}

// finish records the exchange as done, then lets the response's last
// byte go: Config.Record (the capture file) has it before the client has
// its whole answer.
func (s *Server) finish(rec *recorder, resp *response) {
	rec.ex.Duration = time.Since(rec.ex.Start)
	if rec.tap != nil {
		rec.ex.RequestBody = rec.tap.snapshot(rec.length)
	}
	rec.ex.Done = true
	if s.cfg.Record != nil {
		s.cfg.Record(rec.ex)
	}
	s.cfg.Hub.Publish(exchange.Update{Done: rec.ex})
	resp.release()
}

// settleBody reads what the app left of the request body, for the record,
// before the response head goes out (net/http discards the rest once the
// head is written), and returns the body's framing error, if it has one:
// the client then gets a 400 instead of the app's answer. A client that
// waits for 100 Continue has sent nothing unless the app read: its body
// is not asked for, and the connection closes after the answer.
func (rec *recorder) settleBody(r *http.Request, resp *response) error {
	if rec.tap == nil {
		return nil
	}
	if expectsContinue(r) && !rec.tap.started() {
		resp.close = true
	} else {
		rec.tap.keepRest()
	}
	return rec.tap.malformed()
}

func (rec *recorder) setEnviron(kv []string) {
	env := make([]exchange.EnvVar, 0, len(kv)/2+len(wsgiKeys))
	for i := 0; i < len(kv); i += 2 {
		env = append(env, exchange.EnvVar{Key: kv[i], Value: kv[i+1], Type: "str"})
	}
	rec.ex.Environ = append(env, wsgiKeys...)
}

func (rec *recorder) event(e exchange.Event) { rec.eventAt(e, time.Time{}, nil) }

func (rec *recorder) eventAt(e exchange.Event, at time.Time, data []byte) {
	e.Offset = since(rec.ex.Start, at)
	rec.ex.Events = append(rec.ex.Events, e)
	of := &exchange.EventOf{ID: rec.ex.ID, Event: e, Data: data}
	if e.Kind == exchange.EventEnviron || (e.Kind == exchange.EventHeld && e.Text == exchange.HeldBeforeApp) {
		of.Environ = rec.ex.Environ
	}
	rec.hub.Publish(exchange.Update{Event: of})
}

// eventEdits publishes an environ edit with the environ it made and every
// edit so far.
func (rec *recorder) eventEdits(summary string) {
	e := exchange.Event{Kind: exchange.EventEnvironEdit, Text: summary, Offset: since(rec.ex.Start, time.Time{})}
	rec.ex.Events = append(rec.ex.Events, e)
	edits := append([]exchange.EnvEdit(nil), rec.ex.EnvironEdits...)
	rec.hub.Publish(exchange.Update{Event: &exchange.EventOf{ID: rec.ex.ID, Event: e, Environ: rec.ex.Environ, Edits: edits}})
}

func (rec *recorder) startResponse(ev pyrunner.Event, excInfo string) {
	headers := make([]exchange.Header, len(ev.Headers))
	for i, kv := range ev.Headers {
		headers[i] = exchange.Header{Name: kv[0], Value: kv[1]}
	}
	rec.ex.ResponseHeaders = headers
	rec.ex.Status = statusCode(ev.Status)
	rec.eventAt(exchange.Event{Kind: exchange.EventStartResponse, Status: ev.Status, Headers: headers, ExcInfo: excInfo}, ev.At, nil)
}

// statusCode is the number a status line starts with (the child checked it
// is three digits and a space); fmt.Sscanf cost 3% of a request.
func statusCode(status string) int {
	code, _ := strconv.Atoi(status[:min(3, len(status))])
	return code
}

func (rec *recorder) chunk(ev pyrunner.Event, limit int) {
	kind := exchange.EventChunk
	if ev.Kind == pyrunner.EventWrite {
		kind = exchange.EventWrite
	}
	kept := len(rec.ex.ResponseBody.Data)
	rec.ex.ResponseBody.Append(ev.Data, limit)
	captured := ev.Data[:len(rec.ex.ResponseBody.Data)-kept] // pyrunner never reuses it
	rec.eventAt(exchange.Event{Kind: kind, Size: len(ev.Data)}, ev.At, captured)
}

var streamNames = map[byte]string{
	pyrunner.StreamErrors: "wsgi.errors",
	pyrunner.StreamStdout: "stdout",
	pyrunner.StreamStdin:  "stdin",
	pyrunner.StreamStderr: "stderr",
}

func (rec *recorder) log(ev pyrunner.Event) {
	if rec.logCut {
		return // and said so
	}
	text := ev.Text
	if room := logKeep - rec.logKept; len(text) > room {
		text = clipText(text, room, fmt.Sprintf("… [cut: the request printed more than %d KiB; the rest is not kept]\n", logKeep>>10))
		rec.logCut = true
	}
	rec.logKept += len(text)
	rec.eventAt(exchange.Event{Kind: exchange.EventLog, Stream: streamNames[ev.Stream], Text: text}, ev.At, nil)
}

// waitThread records that every thread of the app is busy and the
// request waits for one: why a page hangs.
func (rec *recorder) waitThread(ev pyrunner.Event) {
	rec.waitFor = ev.At
	rec.eventAt(exchange.Event{Kind: exchange.EventWaitThread, Text: ev.Text}, ev.At, nil)
}

func (rec *recorder) gotThread(ev pyrunner.Event) {
	rec.eventAt(exchange.Event{Kind: exchange.EventGotThread, Text: "after waiting " + FormatDuration(ev.At.Sub(rec.waitFor))}, ev.At, nil)
}

func (rec *recorder) lint(rule, message string) {
	rec.ex.Lint = append(rec.ex.Lint, exchange.Warning{Rule: rule, Message: message})
	rec.event(exchange.Event{Kind: exchange.EventLint, Rule: rule, Text: message})
}

func (rec *recorder) fail(f *exchange.Failure) {
	rec.ex.Failure = f
	rec.event(exchange.Event{Kind: exchange.EventError, Failure: f.Kind, Rule: f.Rule, Text: f.Message})
}

// checkLength warns when the body disagrees with the app's own
// Content-Length; net/http then cuts the connection, as it must.
func (rec *recorder) checkLength(resp *response) {
	if resp.declared < 0 || rec.ex.ResponseBody.Size == resp.declared || rec.ex.Method == http.MethodHead {
		return
	}
	if rec.ex.Status == http.StatusNoContent || rec.ex.Status == http.StatusNotModified {
		return
	}
	rec.lint("content-length-mismatch", fmt.Sprintf("the app declared Content-Length: %d but its body had %d bytes; PEP 3333 expects a body exactly as long as the Content-Length the app gives, and the client sees a broken response", resp.declared, rec.ex.ResponseBody.Size))
}

// page records one of wsgidev's own pages as the response.
func (rec *recorder) page(code int, h http.Header, body []byte, limit int) {
	rec.ex.Status = code
	rec.ex.ResponseHeaders = nil
	for _, name := range []string{"Content-Type", "Content-Length", "Cache-Control", capture.FailureHeader} {
		if v := h.Get(name); v != "" {
			rec.ex.ResponseHeaders = append(rec.ex.ResponseHeaders, exchange.Header{Name: name, Value: v})
		}
	}
	rec.ex.ResponseBody = exchange.Body{}
	rec.ex.ResponseBody.Append(body, limit)
}

// clipText is s cut to at most n bytes, at a rune's start, then marker;
// s itself when it fits.
func clipText(s string, n int, marker string) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + marker
}
