package inspector

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// appCalled is when the app was called: the environ event's offset.
func appCalled(ex *exchange.Exchange) time.Duration {
	for _, e := range ex.Events {
		if e.Kind == exchange.EventEnviron {
			return e.Offset
		}
	}
	return 0
}

// bodyBlocks: the chunks as they came (live while streaming), then the
// content once the response has ended.
func (d *doc) bodyBlocks() []block {
	st := &d.c.styles
	r, ex := d.row, d.row.ex
	called := appCalled(ex)
	var chunks []exchange.Event
	var total int64
	for _, e := range ex.Events {
		if e.Kind == exchange.EventChunk || e.Kind == exchange.EventWrite {
			chunks = append(chunks, e)
			total += int64(e.Size)
		}
	}
	n := len(chunks)
	facts := []string{plural(n, "chunk", "chunks"), formatSize(total)}
	if atGate(r) {
		facts = append(facts, st.Held.Render("⏸ "+describeHeld(r.ex.Held)))
	} else if r.live {
		facts = append(facts, st.Live.Render("● streaming"))
	}
	blocks := []block{{heading: true, lines: []string{st.Section.Render("Chunks") + "  " + st.Dim.Render(strings.Join(facts, " · "))}}}
	blocks = append(blocks, d.explainTopic(bodyTexts, "body", 2)...)
	blocks = append(blocks, d.explainTopic(bodyTexts, "iteration", 2)...)
	if n == 0 {
		msg := noChunks(r)
		blocks = append(blocks, block{text: strings.ToLower(msg), lines: wrapStyle(st.Dim, msg, d.width)})
	} else {
		blocks = append(blocks, d.chunkTable(chunks, called)...)
	}
	blocks = append(blocks, block{heading: true, lines: []string{""}})
	title := "Content"
	if r.live {
		title = "Content so far"
	}
	return append(blocks, d.renderBody(title, bodyKey{id: ex.ID, response: true}, ex.ResponseBody, headerValue(ex.ResponseHeaders, "Content-Type"))...)
}

// noChunks says why a response has no body chunks: the app was not
// called, raised before it returned an iterable, or its iterable was empty.
func noChunks(r *row) string {
	ex := r.ex
	called, closed := false, false
	for _, e := range ex.Events {
		called = called || e.Kind == exchange.EventEnviron
		closed = closed || e.Kind == exchange.EventClose
	}
	page := ""
	if ex.ResponseBody.Size > 0 {
		page = "; the content below is wsgidev's own page"
	}
	switch {
	case r.live:
		return "No body chunks yet."
	case !called:
		return "The app was not called" + page + "."
	case !closed && ex.Failure != nil:
		return "The app raised before it returned an iterable: there was no body" + page + "."
	}
	return "The app's iterable yielded no body."
}

// wrapStyle wraps prose at spaces (wrapWords) and styles every line.
func wrapStyle(s lipgloss.Style, text string, width int) []string {
	lines := wrapWords(text, width)
	for i, l := range lines {
		lines[i] = s.Render(l)
	}
	return lines
}

// logBlocks: what the app wrote during this request, the failure with its
// traceback, and the WSGI warnings.
func (d *doc) logBlocks() []block {
	st := &d.c.styles
	ex := d.row.ex
	var blocks []block
	logged := false
	for _, e := range ex.Events {
		if e.Kind != exchange.EventLog {
			continue
		}
		if !logged {
			blocks = append(blocks, block{heading: true, lines: []string{st.Section.Render("Output during the request")}})
			logged = true
		}
		stream := st.Stderr
		switch e.Stream {
		case "stdout":
			stream = st.Dim
		case "stdin": // a line typed at pdb's prompt
			stream = st.Note
		}
		prefix := st.Offset.Render(padLeft(formatOffset(e.Offset), 9)) + " " + stream.Render(pad(e.Stream, 11)) + " "
		indent := strings.Repeat(" ", 22)
		for i, l := range cleanLines(e.Text) {
			for j, part := range wrap(l, max(10, d.width-22)) {
				p := indent
				if i == 0 && j == 0 {
					p = prefix
				}
				blocks = append(blocks, block{text: strings.ToLower(e.Stream + " " + part), lines: []string{p + part}})
			}
		}
	}
	if f := ex.Failure; f != nil {
		blocks = append(blocks, d.failureBlocks(f)...)
	}
	if len(ex.Lint) > 0 {
		blocks = append(blocks, block{heading: true, lines: []string{""}},
			block{heading: true, lines: []string{st.Section.Render("WSGI warnings")}})
		for _, w := range ex.Lint {
			text := w.Message + " [" + w.Rule + "]"
			blocks = append(blocks, block{text: strings.ToLower(text), lines: wrapStyle(st.Warn, "⚠ "+sanitize(text), d.width)})
		}
	}
	if len(blocks) == 0 {
		msg := "Nothing was written to wsgi.errors, stdout or stderr during this request."
		blocks = append(blocks, block{text: strings.ToLower(msg), lines: wrapStyle(st.Dim, msg, d.width)})
	}
	return blocks
}

func (d *doc) failureBlocks(f *exchange.Failure) []block {
	st := &d.c.styles
	title, style := "Failure", st.Error
	if !f.Kind.IsError() {
		title, style = "The client left", st.Left // no error (help.go's legend)
	}
	blocks := []block{{heading: true, lines: []string{""}},
		{heading: true, lines: []string{st.Section.Render(title) + "  " + style.Render(string(f.Kind))}}}
	msg := f.Message
	if f.Rule != "" {
		msg = "WSGI rule broken: " + msg + " [" + f.Rule + "]"
	}
	blocks = append(blocks, block{text: strings.ToLower(msg), lines: wrapStyle(style, sanitize(msg), d.width)})
	if f.Cut {
		note := "The connection was cut: the app failed after the body had started."
		blocks = append(blocks, block{text: strings.ToLower(note), lines: wrapStyle(st.Warn, note, d.width)})
	}
	for _, l := range cleanLines(f.Traceback) {
		blocks = append(blocks, block{text: strings.ToLower(l), lines: wrap(l, d.width)})
	}
	return append(blocks, localsBlocks(st, f, d.width)...)
}

// timelineBlocks: every step with its offset from the request's arrival,
// warnings and failures flagged where they happened.
func (d *doc) timelineBlocks() []block {
	st := &d.c.styles
	r, ex := d.row, d.row.ex
	t := &timeline{d: d, explained: map[string]bool{}}
	t.blocks = []block{{heading: true, lines: []string{st.Section.Render("Timeline") + "  " + st.Dim.Render("offsets from the request's arrival (t: the call as Python)")}}}
	t.add(0, "request received", st.Plain, ex.Method+" "+ex.Target+" "+ex.Proto)
	for _, e := range ex.Events {
		t.event(e)
	}
	if atGate(r) {
		label, detail := d.heldNow()
		t.add(d.c.now().Sub(ex.Start), label, st.Held, detail)
	} else if r.live {
		t.add(d.c.now().Sub(ex.Start), "… running", st.Live, plural(t.chunks, "chunk", "chunks")+" so far")
	} else {
		status, _, size := rowCells(r, d.c.now())
		t.add(ex.Duration, "done", st.status(r.status), status+" · "+size)
	}
	return t.blocks
}

// timeline builds the Timeline tab's blocks, a line per step, each
// explanation once (in explain mode) after the first step it is about.
type timeline struct {
	d         *doc
	blocks    []block
	explained map[string]bool
	chunks    int // body chunks and write() calls so far
}

// timelineDetailCol is where a step's detail starts: offset, label, space.
const timelineDetailCol = 10 + 2 + 16 + 1

func (t *timeline) add(at time.Duration, label string, style lipgloss.Style, detail string) {
	st, width := &t.d.c.styles, t.d.width
	detail = sanitize(detail)
	parts := hangingWrap(detail, width-timelineDetailCol, width-timelineDetailCol)
	lines := []string{strings.TrimRight(st.Offset.Render(padLeft(formatOffset(at), 10))+"  "+style.Render(pad(label, 16))+" "+parts[0], " ")}
	for _, p := range parts[1:] {
		lines = append(lines, strings.Repeat(" ", timelineDetailCol)+p)
	}
	t.blocks = append(t.blocks, block{text: strings.ToLower(label + " " + detail), lines: lines})
}

func (t *timeline) explainOnce(list func(Explainer) []Explanation, key string) {
	if !t.explained[key] {
		t.explained[key] = true
		t.blocks = append(t.blocks, t.d.explainTopic(list, key, timelineDetailCol)...)
	}
}

// event adds one recorded step.
func (t *timeline) event(e exchange.Event) {
	d, st, ex := t.d, &t.d.c.styles, t.d.row.ex
	plain := st.Plain
	switch e.Kind {
	case exchange.EventEnviron:
		detail := "app(environ, start_response)"
		if len(ex.Environ) > 0 {
			detail += ", environ of " + plural(len(ex.Environ), "key", "keys")
		}
		t.add(e.Offset, "app called", plain, detail)
	case exchange.EventReturned:
		t.add(e.Offset, "app returned", plain, e.Returned.Repr+" ("+describeReturned(e.Returned)+")")
		t.explainOnce(bodyTexts, "body")
	case exchange.EventStartResponse:
		detail := pyStrRepr(e.Status) + ", " + plural(len(e.Headers), "header", "headers")
		if e.ExcInfo != "" {
			detail += ", exc_info=" + firstLine(lastLine(e.ExcInfo))
		}
		t.add(e.Offset, "start_response", plain, detail)
		t.explainOnce(startResponseTexts, "start_response")
	case exchange.EventChunk:
		t.chunks++
		t.add(e.Offset, "chunk #"+strconv.Itoa(t.chunks), st.Dim, formatSize(int64(e.Size)))
		t.explainOnce(bodyTexts, "iteration")
	case exchange.EventWrite:
		t.chunks++
		t.add(e.Offset, "write() #"+strconv.Itoa(t.chunks), st.Dim, formatSize(int64(e.Size)))
		t.explainOnce(startResponseTexts, "write")
	case exchange.EventLog:
		t.add(e.Offset, e.Stream, st.Dim, outputSummary(e.Text))
	case exchange.EventLint:
		t.add(e.Offset, "⚠ WSGI warning", st.Warn, e.Text+" ["+e.Rule+"]")
	case exchange.EventWaitThread:
		t.add(e.Offset, "waits for thread", st.Warn, e.Text)
	case exchange.EventGotThread:
		t.add(e.Offset, "got a thread", plain, e.Text)
	case exchange.EventClose:
		t.add(e.Offset, "close() called", plain, "")
		t.explainOnce(bodyTexts, "close")
	case exchange.EventError:
		label, style, detail := d.errorEntry(e)
		t.add(e.Offset, label, style, detail)
	default:
		if label, style, detail, ok := d.debugEntry(e); ok {
			t.add(e.Offset, label, style, detail)
		}
	}
}

// errorEntry is the timeline's line for a failure: an error, or a
// client that left, which is none (help.go's legend).
func (d *doc) errorEntry(e exchange.Event) (label string, style lipgloss.Style, detail string) {
	detail = e.Text
	if e.Rule != "" {
		detail += " [" + e.Rule + "]"
	}
	if !e.Failure.IsError() {
		return "⊘ client left", d.c.styles.Left, detail
	}
	return "✗ failed", d.c.styles.Error, detail
}

// outputSummary is one output entry on a line of the timeline: its first
// line, and how many more the Log tab shows.
func outputSummary(text string) string {
	lines := splitLines(text)
	switch len(lines) {
	case 0:
		return ""
	case 1:
		return lines[0]
	}
	return lines[0] + " (+" + plural(len(lines)-1, "line", "lines") + ")"
}
