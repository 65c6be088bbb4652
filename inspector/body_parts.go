package inspector

// Drawing a multipart body: its parts listed with a preview each, the
// selected one marked; or one part open, in a view of its own.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// maxPreviewLines is how many lines of a text part its preview shows.
const maxPreviewLines = 3

// splitParts splits a body for drawing; a body that will not split has
// no parts and says why.
func (d *doc) splitParts(body exchange.Body, contentType string) *multipartBody {
	mb, err := splitMultipart(body.Data, contentType, body.Truncated)
	if err != nil {
		mb.problem = err.Error()
	}
	return &mb
}

// partViews are the views of one part: those of a body, but a part is
// not split again.
func partViews(p bodyPart) []bodyView {
	var views []bodyView
	for _, v := range viewsFor(p.data, p.contentType) {
		if v != viewMultipart {
			views = append(views, v)
		}
	}
	if len(views) == 0 && len(p.data) > 0 {
		views = []bodyView{viewText, viewHex}
	}
	return views
}

// describePart is a part's line in the list: its field name, file name,
// type and size.
func describePart(p bodyPart) string {
	name := p.name
	if name == "" {
		name = "(no name)"
	}
	facts := []string{sanitize(name)}
	if p.filename != "" {
		facts = append(facts, "file "+strconv.Quote(sanitize(p.filename)))
	}
	if p.contentType != "" {
		facts = append(facts, sanitize(p.contentType))
	}
	size := formatSize(int64(len(p.data)))
	if p.cut {
		size += " (cut)"
	}
	return strings.Join(append(facts, size), " · ")
}

// partsBlocks list the parts, each with a preview, the selected one
// marked; enter opens it.
func (d *doc) partsBlocks(mb *multipartBody, truncated bool, selected int) []block {
	st := &d.c.styles
	n := len(mb.parts)
	d.parts = n
	var blocks []block
	if n == 0 {
		msg := "no parts: " + sanitize(mb.problem) + "; v shows the text"
		return append(blocks, block{text: strings.ToLower(msg), lines: wrapStyle(st.Warn, msg, d.width)})
	}
	intro := plural(n, "part", "parts") + " · [ and ] select · enter opens"
	blocks = append(blocks, block{heading: true, lines: []string{st.Dim.Render(intro)}})
	if mb.problem != "" {
		blocks = append(blocks, block{heading: true, lines: wrapStyle(st.Warn, sanitize(mb.problem), d.width)})
	}
	selected = min(selected, n-1)
	for i, p := range mb.parts {
		head := fmt.Sprintf("%d  %s", i+1, describePart(p))
		line := "  " + st.Key.Render(head)
		if i == selected {
			line = st.Selected.Render("› " + head)
		}
		blocks = append(blocks, block{text: strings.ToLower(head), lines: []string{line}, part: i + 1})
		for _, l := range partPreview(p) {
			blocks = append(blocks, block{text: strings.ToLower(l), lines: []string{"     " + st.Dim.Render(l)}})
		}
	}
	if mb.cut {
		msg := fmt.Sprintf("the body ends inside part %d, before its closing boundary", n)
		if truncated {
			msg = fmt.Sprintf("the capture cap cut the body inside part %d: the parts after it were not kept", n)
		}
		blocks = append(blocks, block{heading: true, lines: wrapStyle(st.Warn, msg, d.width)})
	}
	return blocks
}

// partPreview is a glimpse of a part: its first lines of text, what an
// image is, or that it is binary.
func partPreview(p bodyPart) []string {
	switch {
	case len(p.data) == 0:
		return []string{"(empty)"}
	case isImage(p.data, p.contentType):
		if info, err := readImageInfo(p.data); err == nil {
			return []string{info.String()}
		}
		return []string{"an image whose header does not read; enter shows its bytes"}
	case !looksLikeText(p.data):
		return []string{"binary; enter shows it in hex"}
	}
	lines := cleanLines(string(p.data[:min(len(p.data), 4096)]))
	if len(lines) > maxPreviewLines {
		more := len(lines) - maxPreviewLines
		lines = append(lines[:maxPreviewLines], "… "+plural(more, "more line", "more lines"))
	}
	return lines
}

// openPartBlocks draw the selected part whole, in its own view.
func (d *doc) openPartBlocks(title string, facts []string, body exchange.Body, mb *multipartBody, s *bodyState) []block {
	st := &d.c.styles
	n := len(mb.parts)
	d.parts = n
	i := min(s.part, n-1)
	p := mb.parts[i]
	views := partViews(p)
	view := pickView(s.partView, views)
	d.views = len(views)
	how := fmt.Sprintf("part %d of %d", i+1, n)
	if len(views) > 0 {
		how += " " + viewFacts(view, views)
	}
	blocks := append(d.bodyHeading(title, facts, how), d.bodyNotes(body)...)
	head := fmt.Sprintf("part %d  %s", i+1, describePart(p))
	blocks = append(blocks,
		block{text: strings.ToLower(head), lines: []string{st.Key.Render(head)}},
		block{heading: true, lines: []string{st.Dim.Render("q or esc: back to the parts · [ and ]: previous and next part")}})
	if p.cut {
		msg := "the body was cut inside this part: only its first " + formatSize(int64(len(p.data))) + " were kept"
		blocks = append(blocks, block{heading: true, lines: wrapStyle(st.Warn, msg, d.width)})
	}
	if len(p.data) == 0 {
		return append(blocks, block{text: "(empty)", lines: []string{st.Dim.Render("(empty)")}})
	}
	return append(blocks, d.contentBlocks(p.data, p.contentType, view, p.cut)...)
}
