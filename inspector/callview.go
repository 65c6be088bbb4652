package inspector

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// The Call view ('t' on the Timeline tab): the WSGI call written out as
// the few lines of Python a server runs, with this request's values filled
// in, for following one request line by line in a lesson. While the
// debugger holds the request, ▶ marks the line it stands at.

// codeLine is a line of the call: Python, and a comment on what happened.
type codeLine struct {
	code string
	note string
	at   bool // the debugger stands here
}

// maxCallChunks is how many body chunks the call shows one by one.
const maxCallChunks = 12

// callBlocks lays the call out for the Timeline tab.
func (d *doc) callBlocks() []block {
	st := &d.c.styles
	title := st.Section.Render("The call") + "  " + st.Dim.Render("what the server runs for this request (t: the timeline)")
	blocks := []block{{heading: true, lines: []string{fit(title, d.width), ""}}}
	for _, l := range d.callLines() {
		blocks = append(blocks, d.codeBlock(l))
	}
	return blocks
}

// callLines follows the exchange's events: the call, what the app did
// inside it, what it returned, the loop over the body and close().
func (d *doc) callLines() []codeLine {
	ex, r := d.row.ex, d.row
	s := &callScript{ex: ex}
	if atGate(r) {
		s.held = ex.Held
	}
	s.lines = []codeLine{
		{code: "environ = {...}", note: plural(len(ex.Environ), "key", "keys") + ": tab 1"},
		{code: "result = app(environ, start_response)", at: s.held == exchange.HeldBeforeApp},
	}
	if len(ex.Environ) == 0 {
		s.lines[0].note = "not built: the app was not called"
	}
	for i, e := range ex.Events {
		s.event(i, e)
	}
	if s.chunk > maxCallChunks {
		s.lines = append(s.lines, codeLine{code: "    ...", note: fmt.Sprintf("%d more chunks (tab 4)", s.chunk-maxCallChunks)})
	}
	if s.called && !s.returned && !r.live && ex.Failure == nil {
		s.lines = append(s.lines, codeLine{code: "    # returns ?", note: "not recorded (an older wsgidev)"})
	}
	if r.live && ex.Held == exchange.HeldRunning {
		s.lines = append(s.lines, codeLine{code: "...", note: "the app runs to its next step", at: true})
	}
	return s.lines
}

// callScript is the call written out so far, and where the events have
// got to in it.
type callScript struct {
	ex       *exchange.Exchange
	held     string // the gate the debugger holds the request at, if any
	lines    []codeLine
	called   bool  // the app was called
	returned bool  // and returned its iterable
	looping  bool  // "for chunk in result:" is written
	chunk    int   // body chunks and write() calls so far
	body     int64 // bytes of the body before the current chunk
}

// event writes what events[i] did; lines[1] is the app's call.
func (s *callScript) event(i int, e exchange.Event) {
	switch e.Kind {
	case exchange.EventEnviron:
		s.called = true
		s.lines[1].note = "the app is called " + formatOffset(e.Offset)
	case exchange.EventStartResponse:
		if s.returned {
			s.loop("the first next() runs the app's code")
		}
		s.lines = append(s.lines, codeLine{code: "    start_response(" + pyStrRepr(e.Status) + ", " + pyHeaders(e.Headers) + ")",
			note: "called by the app", at: s.held == exchange.HeldAfterStart && lastStart(s.ex.Events, i)})
	case exchange.EventReturned:
		s.returned = true
		s.lines = append(s.lines, codeLine{code: "    # returns " + e.Returned.Repr, note: describeReturned(e.Returned)})
	case exchange.EventChunk, exchange.EventWrite:
		s.bodyStep(e)
	case exchange.EventClose:
		s.lines = append(s.lines, closeLine(s.ex))
	case exchange.EventError:
		s.lines = append(s.lines, codeLine{code: "# ✗ " + firstLine(e.Text)})
	}
}

// loop writes "for chunk in result:" once, before the first step inside it.
func (s *callScript) loop(note string) {
	if !s.looping {
		s.lines = append(s.lines, codeLine{code: "for chunk in result:", note: note})
		s.looping = true
	}
}

// bodyStep writes a chunk sent or a write() call, up to maxCallChunks of
// them; the rest are only counted.
func (s *callScript) bodyStep(e exchange.Event) {
	s.chunk++
	data := chunkData(s.ex.ResponseBody, s.body, e.Size)
	s.body += int64(e.Size)
	if s.chunk > maxCallChunks {
		return
	}
	n := strconv.Itoa(s.chunk)
	at := s.held == exchange.HeldBeforeChunk+" "+n
	if e.Kind == exchange.EventWrite {
		s.lines = append(s.lines, codeLine{code: "    write(" + data + ")", note: "write() #" + n + ", " + formatSize(int64(e.Size)), at: at})
		return
	}
	s.loop("")
	s.lines = append(s.lines, codeLine{code: "    send(chunk)", note: "chunk " + n + ": " + data + ", " + formatSize(int64(e.Size)), at: at})
}

// closeLine is the server's close(): called when the result has one.
func closeLine(ex *exchange.Exchange) codeLine {
	for _, e := range ex.Events {
		if e.Kind == exchange.EventReturned && !e.Returned.Close {
			return codeLine{code: "# result has no close(): nothing to call", note: e.Returned.Type}
		}
	}
	return codeLine{code: "result.close()", note: "called: the request is over"}
}

// lastStart is true when events[i] is the last start_response so far.
func lastStart(events []exchange.Event, i int) bool {
	for _, e := range events[i+1:] {
		if e.Kind == exchange.EventStartResponse {
			return false
		}
	}
	return true
}

// describeReturned says what kind of iterable the app returned.
func describeReturned(r *exchange.Returned) string {
	facts := []string{r.Type}
	if r.Len >= 0 {
		facts = append(facts, "len() "+strconv.Itoa(r.Len))
	} else {
		facts = append(facts, "no len()")
	}
	if r.Close {
		facts = append(facts, "has close()")
	} else {
		facts = append(facts, "no close()")
	}
	return strings.Join(facts, " · ") + ", after " + formatDuration(r.Took)
}

// chunkData is the repr of the size bytes of body from offset on, as far
// as they were kept, cut to a few dozen.
func chunkData(body exchange.Body, offset int64, size int) string {
	if offset >= int64(len(body.Data)) {
		return "b'…'"
	}
	end := min(int64(len(body.Data)), offset+int64(size))
	data := body.Data[offset:end]
	cut := len(data) < size
	if len(data) > 40 {
		data, cut = data[:40], true
	}
	s := pyBytesRepr(data)
	if cut {
		s += "…"
	}
	return s
}

// pyBytesRepr is how Python shows bytes: b'…', printable ASCII as it is.
func pyBytesRepr(p []byte) string {
	s := pyStrRepr(string(p))
	var b strings.Builder
	b.WriteByte('b')
	for _, r := range s {
		if r >= 0x80 { // pyStrRepr shows latin-1 letters; bytes show them escaped
			fmt.Fprintf(&b, `\x%02x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// pyHeaders is a header list as Python shows it.
func pyHeaders(headers []exchange.Header) string {
	parts := make([]string, len(headers))
	for i, h := range headers {
		parts[i] = "(" + pyStrRepr(h.Name) + ", " + pyStrRepr(h.Value) + ")"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// codeBlock is a code line wrapped at spaces under its own indent, the
// note beside it when there is room, else under it; ▶ marks where the
// debugger stands.
func (d *doc) codeBlock(l codeLine) block {
	st := &d.c.styles
	gutter := "  "
	if l.at {
		gutter = st.Held.Render("▶ ")
	}
	indent := len(l.code) - len(strings.TrimLeft(l.code, " "))
	width := max(10, d.width-2-indent)
	parts := wrapWords(sanitize(l.code), width)
	style := st.String
	if strings.HasPrefix(strings.TrimSpace(l.code), "#") {
		style = st.Dim
	}
	var lines []string
	for i, p := range parts {
		pre := gutter + strings.Repeat(" ", indent)
		if i > 0 {
			pre = "  " + strings.Repeat(" ", indent+4)
		}
		lines = append(lines, pre+style.Render(p))
	}
	if l.note != "" {
		note := st.Dim.Render("# " + sanitize(l.note))
		last := lines[len(lines)-1]
		if w := ansi.StringWidth(last) + 2 + ansi.StringWidth(note); w <= d.width && len(parts) == 1 {
			lines[len(lines)-1] = pad(last, max(ansi.StringWidth(last), min(44, d.width-ansi.StringWidth(note)-2))) + "  " + note
		} else {
			lines = append(lines, fit("  "+strings.Repeat(" ", indent+4)+note, d.width))
		}
	}
	return block{text: strings.ToLower(l.code + " " + l.note), lines: lines}
}
