package inspector

// Content views: a body drawn as what it is (JSON, form fields, multipart
// parts, HTML, XML, an image) or as it came (text, hex). The views that
// apply to a body are found from its Content-Type and its bytes; 'v'
// steps through them, each once, for that body alone (bodystate.go).

import (
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

// bodyView is a way to draw a body.
type bodyView int

const (
	viewAuto bodyView = iota // the first view that applies
	viewJSON
	viewForm
	viewMultipart
	viewHTML
	viewXML
	viewImage
	viewText // as it came, as text
	viewHex
)

func (v bodyView) String() string {
	switch v {
	case viewJSON:
		return "JSON"
	case viewForm:
		return "form fields"
	case viewMultipart:
		return "parts"
	case viewHTML:
		return "HTML"
	case viewXML:
		return "XML"
	case viewImage:
		return "image"
	case viewText:
		return "text"
	case viewHex:
		return "hex"
	default:
		return "auto"
	}
}

// viewsFor are the views that apply to a body, the one it opens in first,
// each once: a structured view (when one applies), the text as it came
// (for a structured view, or for text), and hex.
func viewsFor(data []byte, contentType string) []bodyView {
	if len(data) == 0 {
		return nil
	}
	mt := mediaType(contentType)
	var first bodyView
	switch {
	case isMultipart(data, contentType):
		first = viewMultipart
	case mt == "application/x-www-form-urlencoded":
		first = viewForm
	case isJSON(data, mt):
		first = viewJSON
	case isImage(data, contentType):
		return []bodyView{viewImage, viewHex}
	case mt == "text/html" || looksLikeHTML(data):
		first = viewHTML
	case strings.Contains(mt, "xml") || looksLikeXML(data):
		first = viewXML
	}
	var views []bodyView
	if first != viewAuto {
		views = append(views, first)
	}
	if first != viewAuto || looksLikeText(data) {
		views = append(views, viewText)
	}
	return append(views, viewHex)
}

// isJSON reports whether a body reads as JSON, as far as it was kept:
// declared so, or starting as an object or an array does.
func isJSON(data []byte, mt string) bool {
	i := 0
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	if !strings.Contains(mt, "json") && (i == len(data) || (data[i] != '{' && data[i] != '[')) {
		return false
	}
	_, res := prettyJSON(data[:min(len(data), maxTextShown)], "")
	return res.err == nil
}

// pickView is the view chosen if it applies, else the first that does.
func pickView(chosen bodyView, views []bodyView) bodyView {
	for _, v := range views {
		if v == chosen {
			return v
		}
	}
	if len(views) == 0 {
		return viewText
	}
	return views[0]
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

// renderBody draws a captured body: a heading that says its size, type,
// view and the other views, what the capture cap cut and what the app
// did not read, then the content in its view.
func (d *doc) renderBody(title string, key bodyKey, body exchange.Body, contentType string) []block {
	st := &d.c.styles
	state := d.bodies[key]
	if state == nil {
		state = &bodyState{}
	}
	views := viewsFor(body.Data, contentType)
	view := pickView(state.view, views)
	d.views = len(views)
	facts := []string{formatSize(body.Size)}
	var parts *multipartBody
	if view == viewMultipart {
		facts = append(facts, sanitize(mediaType(contentType))) // the headers show the boundary
		parts = d.splitParts(body, contentType)
		if state.open && len(parts.parts) > 0 {
			return d.openPartBlocks(title, facts, body, parts, state)
		}
	} else if contentType != "" {
		facts = append(facts, sanitize(contentType))
	}
	how := ""
	if body.Size > 0 {
		how = viewFacts(view, views)
	}
	blocks := append(d.bodyHeading(title, facts, how), d.bodyNotes(body)...)
	if body.Size == 0 {
		return append(blocks, block{text: "no body", lines: []string{st.Dim.Render("(no body)")}})
	}
	if parts != nil {
		return append(blocks, d.partsBlocks(parts, body.Truncated, state.part)...)
	}
	return append(blocks, d.contentBlocks(body.Data, contentType, view, body.Truncated)...)
}

// bodyHeading is a body's title, its facts and how it is shown; how goes
// on a line of its own when one line would be too wide.
func (d *doc) bodyHeading(title string, facts []string, how string) []block {
	st := &d.c.styles
	line := st.Section.Render(title) + "  " + st.Dim.Render(strings.Join(facts, " · "))
	switch {
	case how == "":
		return []block{{heading: true, lines: []string{line}}}
	case d.width <= 0 || len(title)+2+len(strings.Join(append(facts, how), " · ")) <= d.width:
		return []block{{heading: true, lines: []string{line + st.Dim.Render(" · "+how)}}}
	}
	return []block{{heading: true, lines: []string{line, st.Dim.Render(how)}}}
}

// viewFacts says which view a body is in and what 'v' goes on to.
func viewFacts(view bodyView, views []bodyView) string {
	s := "as " + view.String()
	if len(views) < 2 {
		return s
	}
	var others []string
	for i, v := range views {
		if v == view {
			for j := 1; j < len(views); j++ {
				others = append(others, views[(i+j)%len(views)].String())
			}
		}
	}
	return s + " · v: " + strings.Join(others, ", ")
}

// bodyNotes say what the capture cap cut and what the app did not read.
func (d *doc) bodyNotes(body exchange.Body) []block {
	st := &d.c.styles
	var blocks []block
	if body.Truncated {
		note := fmt.Sprintf("captured the first %s of %s (the capture cap)", formatSize(int64(len(body.Data))), formatSize(body.Size))
		blocks = append(blocks, block{heading: true, lines: []string{st.Warn.Render(note)}})
	}
	if body.Unread > 0 {
		note := fmt.Sprintf("the app read %s of it; wsgidev read the rest after the app, for the record", formatSize(body.Size-body.Unread))
		blocks = append(blocks, block{heading: true, lines: []string{st.Warn.Render(note)}})
	}
	return blocks
}

// contentBlocks draw data in view: a note first when the view could not
// show all of it, then its lines, each a block a search can find.
func (d *doc) contentBlocks(data []byte, contentType string, view bodyView, truncated bool) []block {
	st := &d.c.styles
	var lines []string
	var note string
	switch view {
	case viewJSON:
		lines, note = jsonView(data, truncated)
	case viewForm:
		lines = d.formLines(data)
	case viewHTML, viewXML:
		lines, note = markupView(data, view == viewHTML)
	case viewImage:
		lines, note = imageView(data, contentType)
	case viewHex:
		lines, note = hexLines(data, d.width)
	default:
		lines, note = textLines(data)
		if strings.Contains(mediaType(contentType), "json") {
			if _, res := prettyJSON(data[:min(len(data), maxTextShown)], ""); res.err != nil {
				note = strings.TrimSpace("declared JSON but not JSON: " + res.err.Error() + ". " + note)
			}
		}
	}
	var blocks []block
	if note != "" {
		blocks = append(blocks, block{heading: true, lines: wrapStyle(st.Warn, note, d.width)})
	}
	for _, l := range lines {
		wrapped := []string{l}
		if view != viewHex && view != viewForm && d.width > 0 {
			wrapped = wrap(l, d.width)
		}
		blocks = append(blocks, block{text: strings.ToLower(l), lines: wrapped})
	}
	return blocks
}

// jsonView indents JSON, as far as it goes when the capture cap (or the
// view's own limit) cut it.
func jsonView(data []byte, truncated bool) ([]string, string) {
	shown := data[:min(len(data), maxTextShown)]
	lines, res := prettyJSON(shown, "  ")
	for i, l := range lines {
		lines[i] = sanitize(l)
	}
	if !res.cut {
		return lines, ""
	}
	switch {
	case len(shown) < len(data):
		return lines, "showing the first " + formatSize(maxTextShown) + ", indented as far as it goes"
	case truncated:
		return lines, "cut by the capture cap: indented as far as it goes"
	}
	return lines, "the JSON ends early: indented as far as it goes"
}

// markupView indents HTML or XML.
func markupView(data []byte, html bool) ([]string, string) {
	note := ""
	if len(data) > maxTextShown {
		data, note = data[:maxTextShown], "showing the first "+formatSize(maxTextShown)
	}
	lines := prettyMarkup(data, html, "  ")
	for i, l := range lines {
		lines[i] = sanitize(l)
	}
	return lines, note
}

// imageView names an image by its header: its format and size.
func imageView(data []byte, contentType string) ([]string, string) {
	info, err := readImageInfo(data)
	if err != nil {
		what := sanitize(mediaType(contentType))
		if what == "" {
			what = "image"
		}
		return nil, "the header does not read as an image (" + what + "): " + sanitize(err.Error()) + "; v shows its bytes"
	}
	return []string{info.String()}, ""
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

// textLines are the body's lines, sanitized (wrapped when drawn).
func textLines(data []byte) ([]string, string) {
	note := ""
	if len(data) > maxTextShown {
		data = data[:maxTextShown]
		note = "showing the first " + formatSize(maxTextShown)
	}
	return cleanLines(string(data)), note
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
