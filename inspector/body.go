package inspector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Bodies longer than these are shown in part, and the view says so.
const (
	maxTextShown = 256 << 10
	maxHexShown  = 64 << 10
)

func (m bodyMode) String() string {
	switch m {
	case bodyText:
		return "text"
	case bodyJSON:
		return "JSON"
	case bodyForm:
		return "form fields"
	case bodyHex:
		return "hex"
	default:
		return "auto"
	}
}

// chooseMode picks how to show a body when the user has not chosen.
func chooseMode(data []byte, contentType string) bodyMode {
	ct := strings.ToLower(contentType)
	trimmed := bytes.TrimSpace(data)
	switch {
	case strings.Contains(ct, "json") || (len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') && json.Valid(trimmed)):
		return bodyJSON
	case strings.Contains(ct, "x-www-form-urlencoded"):
		return bodyForm
	case looksLikeText(data):
		return bodyText
	default:
		return bodyHex
	}
}

// looksLikeText is true for valid UTF-8 with few control characters.
func looksLikeText(data []byte) bool {
	sample := data[:min(len(data), 4096)]
	// A cut at the capture cap may split a character; forgive the tail.
	for i := 0; i < 3 && len(sample) > 0 && !utf8.Valid(sample); i++ {
		sample = sample[:len(sample)-1]
	}
	if !utf8.Valid(sample) {
		return false
	}
	control := 0
	for _, c := range sample {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			control++
		}
	}
	return control*20 <= len(sample)
}

// headerValue is the first value of a header, by case-insensitive name.
func headerValue(headers []exchange.Header, name string) string {
	for _, h := range headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// renderBody renders a captured body: a heading that says its size, type,
// how it is shown and where the capture cap cut it, then its lines.
func (d *doc) renderBody(title string, body exchange.Body, contentType string) []block {
	st := &d.c.styles
	mode := d.bodyMode
	if mode == bodyAuto {
		mode = chooseMode(body.Data, contentType)
	}
	facts := []string{formatSize(body.Size)}
	if contentType != "" {
		facts = append(facts, sanitize(contentType))
	}
	if body.Size > 0 {
		facts = append(facts, "as "+mode.String()+" (v changes)")
	}
	head := st.Section.Render(title) + "  " + st.Dim.Render(strings.Join(facts, " · "))
	blocks := []block{{heading: true, lines: []string{head}}}
	if body.Truncated {
		note := fmt.Sprintf("captured the first %s of %s (the capture cap)", formatSize(int64(len(body.Data))), formatSize(body.Size))
		blocks = append(blocks, block{heading: true, lines: []string{st.Warn.Render(note)}})
	}
	if body.Unread > 0 {
		note := fmt.Sprintf("the app read %s of it; wsgidev read the rest after the app, for the record", formatSize(body.Size-body.Unread))
		blocks = append(blocks, block{heading: true, lines: []string{st.Warn.Render(note)}})
	}
	if body.Size == 0 {
		return append(blocks, block{text: "no body", lines: []string{st.Dim.Render("(no body)")}})
	}
	var lines []string
	var note string
	switch mode {
	case bodyJSON:
		lines, note = jsonLines(body.Data)
	case bodyForm:
		lines = d.formLines(body.Data)
	case bodyHex:
		lines, note = hexLines(body.Data, d.width)
	}
	if lines == nil {
		var more string
		lines, more = textLines(body.Data, d.width)
		note = strings.TrimSpace(note + " " + more)
	}
	if note != "" {
		blocks = append(blocks, block{heading: true, lines: []string{st.Warn.Render(note)}})
	}
	for _, l := range lines {
		blocks = append(blocks, block{text: strings.ToLower(l), lines: []string{l}})
	}
	return blocks
}

// jsonLines pretty-prints JSON; nil when it is not valid (a cut capture).
func jsonLines(data []byte) ([]string, string) {
	if len(data) > maxTextShown {
		return nil, ""
	}
	var out bytes.Buffer
	if err := json.Indent(&out, bytes.TrimSpace(data), "", "  "); err != nil {
		return nil, "not valid JSON (" + err.Error() + "); shown as text."
	}
	return cleanLines(out.String()), ""
}

// formLines lists urlencoded fields in order, values as Python strs.
func (d *doc) formLines(data []byte) []string {
	st := &d.c.styles
	var lines []string
	for _, pair := range strings.Split(string(data), "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		lines = append(lines, st.Key.Render(sanitize(k))+" = "+st.String.Render(sanitize(pyStrRepr(v))))
	}
	return lines
}

// textLines wraps text to width (0: no wrapping).
func textLines(data []byte, width int) ([]string, string) {
	note := ""
	if len(data) > maxTextShown {
		data = data[:maxTextShown]
		note = "showing the first " + formatSize(maxTextShown)
	}
	var lines []string
	for _, l := range cleanLines(string(data)) {
		if width > 0 {
			lines = append(lines, wrap(l, width)...)
		} else {
			lines = append(lines, l)
		}
	}
	return lines, note
}

// hexLines is a hex dump: offset, bytes, and the printable ASCII.
func hexLines(data []byte, width int) ([]string, string) {
	note := ""
	if len(data) > maxHexShown {
		data = data[:maxHexShown]
		note = "showing the first " + formatSize(maxHexShown)
	}
	per := 16
	if width < 78 {
		per = 8
	}
	lines := make([]string, 0, len(data)/per+1)
	var b strings.Builder
	for off := 0; off < len(data); off += per {
		b.Reset()
		chunk := data[off:min(off+per, len(data))]
		fmt.Fprintf(&b, "%08x  ", off)
		for i := range per {
			if i < len(chunk) {
				fmt.Fprintf(&b, "%02x ", chunk[i])
			} else {
				b.WriteString("   ")
			}
			if i == 7 && per == 16 {
				b.WriteByte(' ')
			}
		}
		b.WriteString(" |")
		for _, c := range chunk {
			if c >= 0x20 && c < 0x7f {
				b.WriteByte(c)
			} else {
				b.WriteByte('.')
			}
		}
		b.WriteByte('|')
		lines = append(lines, b.String())
	}
	return lines, note
}
