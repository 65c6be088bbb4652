package inspector

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// requestBlocks: the request line and headers as they came over the wire,
// then the body.
func (d *doc) requestBlocks() []block {
	st := &d.c.styles
	ex := d.row.ex
	var blocks []block
	if ex.RawHead.Size > 0 {
		blocks = d.rawHeadBlocks(ex.RawHead)
	} else {
		blocks = d.parsedHeadBlocks()
	}
	blocks = append(blocks, block{heading: true, lines: []string{""}})
	if d.row.live && ex.RequestBody.Size == 0 && headerValue(ex.RequestHeaders, "Content-Length") != "" {
		msg := "The request body is recorded when the request ends."
		return append(blocks,
			block{heading: true, lines: []string{st.Section.Render("Body")}},
			block{text: strings.ToLower(msg), lines: []string{st.Dim.Render(msg)}})
	}
	return append(blocks, d.renderBody("Body", bodyKey{id: ex.ID}, ex.RequestBody, headerValue(ex.RequestHeaders, "Content-Type"))...)
}

// rawHeadBlocks shows the head byte for byte: case, order, spacing and
// repeats as sent, bytes that do not print escaped, line ends (CRLF) and
// the blank line that ends the head left out.
func (d *doc) rawHeadBlocks(head exchange.Body) []block {
	st := &d.c.styles
	title := st.Section.Render("Request line and headers") + "  " + st.Dim.Render("as sent, "+formatSize(head.Size))
	blocks := []block{{heading: true, lines: []string{title}}}
	bareLF := false
	for i, line := range bytes.SplitAfter(head.Data, []byte{'\n'}) {
		ended := bytes.HasSuffix(line, []byte{'\n'})
		line = bytes.TrimSuffix(line, []byte{'\n'})
		switch {
		case ended && bytes.HasSuffix(line, []byte{'\r'}):
			line = line[:len(line)-1]
		case ended:
			bareLF = true
		}
		if len(line) == 0 {
			continue // the blank line that ends the head: the only one there is
		}
		plain := escapeRaw(line)
		styled := plain
		if name, rest, ok := strings.Cut(plain, ":"); i > 0 && ok {
			styled = st.Key.Render(name) + ":" + rest
		} else if method, rest, ok := strings.Cut(plain, " "); i == 0 && ok {
			styled = st.Method.Render(method) + " " + rest
		}
		blocks = append(blocks, block{text: strings.ToLower(plain), lines: d.wrapStyled(styled, plain)})
	}
	var notes []string
	if head.Truncated {
		notes = append(notes, "The head goes on: only its first "+formatSize(int64(len(head.Data)))+" were kept.")
	}
	if bareLF {
		notes = append(notes, "Some lines end in a bare LF, not CRLF.")
	}
	for _, msg := range notes {
		blocks = append(blocks, block{text: strings.ToLower(msg), lines: []string{st.Dim.Render(msg)}})
	}
	return blocks
}

// escapeRaw is wire bytes as text: printable characters as they are,
// backslash, tab, CR and every other byte that does not print (or is not
// UTF-8) as a Go-style escape.
func escapeRaw(b []byte) string {
	var out strings.Builder
	for len(b) > 0 {
		c := b[0]
		switch {
		case c == '\\':
			out.WriteString(`\\`)
		case c == '\t':
			out.WriteString(`\t`)
		case c == '\r':
			out.WriteString(`\r`)
		case c >= 0x20 && c < 0x7f:
			out.WriteByte(c)
		default:
			r, size := utf8.DecodeRune(b)
			if c >= 0x80 && r != utf8.RuneError && unicode.IsPrint(r) {
				out.Write(b[:size])
				b = b[size:]
				continue
			}
			fmt.Fprintf(&out, `\x%02x`, c)
		}
		b = b[1:]
	}
	return out.String()
}

// parsedHeadBlocks shows the request as net/http parsed it (names
// canonical, Host first, the rest by name), for an exchange whose raw head
// was not recorded: replayed, or read from a HAR file or an older capture.
func (d *doc) parsedHeadBlocks() []block {
	st := &d.c.styles
	ex := d.row.ex
	title := st.Section.Render("Request line and headers") + "  " + st.Dim.Render("as parsed (the raw head was not recorded)")
	blocks := []block{{heading: true, lines: []string{title}}}
	line := st.Method.Render(ex.Method) + " " + sanitize(ex.Target) + " " + st.Dim.Render(ex.Proto)
	blocks = append(blocks, block{text: strings.ToLower(ex.Method + " " + ex.Target + " " + ex.Proto), lines: d.wrapStyled(line, ex.Method+" "+ex.Target+" "+ex.Proto)})
	for _, h := range ex.RequestHeaders {
		blocks = append(blocks, d.headerBlock(h))
	}
	return blocks
}

// headerBlock is "Name: value", the value wrapped under itself.
func (d *doc) headerBlock(h exchange.Header) block {
	st := &d.c.styles
	name, value := sanitize(h.Name), sanitize(h.Value)
	indent := min(len(name)+2, d.width/2)
	parts := hangingWrap(value, d.width-len(name)-2, d.width-indent)
	lines := make([]string, len(parts))
	for i, part := range parts {
		if i == 0 {
			lines[i] = st.Key.Render(name) + ": " + part
		} else {
			lines[i] = strings.Repeat(" ", indent) + part
		}
	}
	return block{text: strings.ToLower(h.Name + ": " + h.Value), lines: lines}
}

// wrapStyled wraps a line whose plain text is plain: the first piece keeps
// its style, the rest are plain.
func (d *doc) wrapStyled(styled, plain string) []string {
	parts := wrap(sanitize(plain), d.width)
	if len(parts) == 1 {
		return []string{styled}
	}
	return parts
}

// responseBlocks: each start_response call in order, then the response as
// it went to the client.
func (d *doc) responseBlocks() []block {
	st := &d.c.styles
	ex := d.row.ex
	var blocks []block
	calls := 0
	for _, e := range ex.Events {
		if e.Kind != exchange.EventStartResponse {
			continue
		}
		calls++
		if len(blocks) > 0 {
			blocks = append(blocks, block{heading: true, lines: []string{""}})
		}
		title := st.Section.Render("start_response #"+strconv.Itoa(calls)) + "  " + st.Offset.Render(formatOffset(e.Offset))
		if calls > 1 {
			title += "  " + st.Warn.Render("called again")
		}
		blocks = append(blocks, block{heading: true, lines: []string{title}})
		if calls == 1 {
			blocks = append(blocks, d.explainTopic(startResponseTexts, "start_response", 2)...)
		} else {
			blocks = append(blocks, d.explainTopic(startResponseTexts, "called twice", 2)...)
		}
		blocks = append(blocks, d.startResponseBlocks(e)...)
	}
	if calls == 0 {
		msg := "The app has not called start_response yet."
		if !d.row.live {
			msg = "The app never called start_response."
		}
		blocks = append(blocks, block{text: strings.ToLower(msg), lines: []string{st.Dim.Render(msg)}})
	}
	if d.row.live && ex.Status == 0 {
		return blocks
	}
	blocks = append(blocks, block{heading: true, lines: []string{""}},
		block{heading: true, lines: []string{st.Section.Render("As sent to the client")}})
	if calls == 0 && ex.Status != 0 {
		msg := "wsgidev answered with its own page."
		blocks = append(blocks, block{text: strings.ToLower(msg), lines: []string{st.Dim.Render(msg)}})
	}
	statusLine := ex.Proto + " " + d.statusText()
	blocks = append(blocks, block{text: strings.ToLower(statusLine), lines: []string{st.status(ex.Status).Render(statusLine)}})
	for _, h := range ex.ResponseHeaders {
		blocks = append(blocks, d.headerBlock(h))
	}
	return blocks
}

// statusText is the status line as sent: the app's own reason phrase when
// it gave one.
func (d *doc) statusText() string {
	ex := d.row.ex
	text := ""
	for _, e := range ex.Events {
		if e.Kind == exchange.EventStartResponse {
			text = e.Status
		}
	}
	if text == "" || firstWord(text) != strconv.Itoa(ex.Status) {
		text = strconv.Itoa(ex.Status) + " " + http.StatusText(ex.Status)
	}
	return sanitize(text)
}

// startResponseBlocks shows one call's arguments as Python would print them.
func (d *doc) startResponseBlocks(e exchange.Event) []block {
	st := &d.c.styles
	label := func(s string) string { return "  " + st.Key.Render(pad(s, 9)) }
	indent := strings.Repeat(" ", 11)
	blocks := []block{{
		text:  strings.ToLower("status " + e.Status),
		lines: []string{label("status") + st.String.Render(sanitize(pyStrRepr(e.Status)))},
	}}
	blocks = append(blocks, d.explainTopic(startResponseTexts, "status", 11)...)
	if len(e.Headers) == 0 {
		blocks = append(blocks, block{text: "headers []", lines: []string{label("headers") + "[]"}})
	}
	for i, h := range e.Headers {
		open, end := " ", ","
		if i == 0 {
			open = "["
		}
		if i == len(e.Headers)-1 {
			end = "]"
		}
		tuple := "(" + pyStrRepr(h.Name) + ", " + pyStrRepr(h.Value) + ")"
		prefix := indent
		if i == 0 {
			prefix = label("headers")
		}
		var lines []string
		for j, part := range wrap(sanitize(open+tuple+end), max(10, d.width-11)) {
			if j > 0 {
				prefix = indent + " "
			}
			lines = append(lines, prefix+st.String.Render(part))
		}
		blocks = append(blocks, block{text: strings.ToLower(h.Name + ": " + h.Value), lines: lines})
	}
	blocks = append(blocks, d.explainTopic(startResponseTexts, "response_headers", 11)...)
	if e.ExcInfo != "" {
		blocks = append(blocks, d.explainTopic(startResponseTexts, "exc_info", 11)...)
		for i, l := range cleanLines(e.ExcInfo) {
			prefix := indent
			if i == 0 {
				prefix = label("exc_info")
			}
			blocks = append(blocks, block{text: strings.ToLower(l), lines: []string{prefix + st.Error.Render(l)}})
		}
	}
	return blocks
}
