package inspector

import (
	"strings"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Explain mode fits a projector: each explained entry shows one short line
// of its text, and the selected one (explain_select.go moves the
// selection) its whole text.

// explained is explain mode's text for one entry.
type explained struct {
	short []string // one line: the meaning's first clause
	full  []string // the meaning, where the value came from, the PEP section, wsgidev's choice
	// beside is the column the text stands in right of the entry's lines,
	// on screens wide enough for it (explainColumnMin); 0: under them.
	beside int
}

// explaining is true when explain mode is on and has texts to show.
func (d *doc) explaining() bool { return d.c.explain && d.c.opts.Explain != nil }

// explain makes e's text for an entry, indented by indent spaces under it
// or, with beside > 0, in a column of its own from that cell.
func (d *doc) explain(e Explanation, indent, beside int) *explained {
	width := d.width - indent
	if beside > 0 {
		indent, width = 0, d.width-beside-3
	}
	return &explained{short: d.shortLine(e, indent, width), full: d.explainLines(e, indent, width), beside: beside}
}

// explainLines lays e out in lines of width cells under indent spaces:
// the meaning, then where the value came from and the PEP section, then
// wsgidev's choice where it made one.
func (d *doc) explainLines(e Explanation, indent, width int) []string {
	st := &d.c.styles
	pre := strings.Repeat(" ", indent)
	w := max(10, width)
	var lines []string
	add := func(text string) {
		for _, l := range wrapWords(text, w) {
			lines = append(lines, pre+st.Explain.Render(l))
		}
	}
	add(e.Means)
	var where []string
	if e.Origin != "" {
		where = append(where, "← "+e.Origin)
	}
	if e.Section != "" {
		where = append(where, "PEP 3333: "+e.Section)
	}
	if len(where) > 0 {
		for _, l := range wrapWords(strings.Join(where, " · "), w) {
			lines = append(lines, pre+st.ExplainWhere.Render(l))
		}
	}
	if e.Wsgidev != "" {
		add("wsgidev: " + e.Wsgidev)
	}
	return lines
}

// shortLine is the first clause of e's meaning on one line of width
// cells: up to the first ";", ":" or sentence end, cut with … to fit.
func (d *doc) shortLine(e Explanation, indent, width int) []string {
	text := sanitize(e.Means)
	for _, end := range []string{"; ", ": ", ". "} {
		if i := strings.Index(text, end); i >= 20 {
			text = text[:i]
		}
	}
	text = strings.TrimSuffix(text, ".")
	return []string{strings.Repeat(" ", indent) + d.c.styles.Explain.Render(fit(text, max(10, width)))}
}

// explainText is what a search finds in an explanation.
func explainText(e Explanation) string {
	return strings.ToLower(" " + e.Means + " " + e.Origin + " " + e.Section + " " + e.Wsgidev)
}

// explainColumnMin is the narrowest screen on which explanations stand in
// a column right of the values rather than under them.
const explainColumnMin = 160

// explainColumn is true when explanations go in a column of their own.
func (d *doc) explainColumn() bool { return d.explaining() && d.width >= explainColumnMin }

// explainEnviron adds key's explanation to its entry, when explaining:
// under it, or beside it right of left cells on a wide screen.
func (d *doc) explainEnviron(b *block, v exchange.EnvVar, left int) {
	if !d.explaining() {
		return
	}
	e, ok := d.c.opts.Explain.Environ(v.Key)
	if !ok {
		e = Explanation{Means: "wsgidev has no explanation for this key."}
	}
	b.text += explainText(e)
	if d.explainColumn() {
		b.explain = d.explain(e, 0, left)
	} else {
		b.explain = d.explain(e, 4, 0)
	}
}

// topic finds the explanation named key in list.
func topic(list []Explanation, key string) (Explanation, bool) {
	for _, e := range list {
		if e.Key == key {
			return e, true
		}
	}
	return Explanation{}, false
}

// explainTopic is the block explaining the topic key of list, indented
// under the entry it follows; nil when not explaining or without a text.
func (d *doc) explainTopic(list func(Explainer) []Explanation, key string, indent int) []block {
	if !d.explaining() {
		return nil
	}
	e, ok := topic(list(d.c.opts.Explain), key)
	if !ok {
		return nil
	}
	return []block{{text: explainText(e), explain: d.explain(e, indent, 0)}}
}

// explainRest is a section with the topics of list not in shown, so every
// rule of start_response or the iterable is on screen somewhere.
func (d *doc) explainRest(title string, list func(Explainer) []Explanation, shown ...string) []block {
	if !d.explaining() {
		return nil
	}
	st := &d.c.styles
	blocks := []block{{heading: true, lines: []string{""}}, {heading: true, lines: []string{st.Section.Render(title)}}}
	n := len(blocks)
outer:
	for _, e := range list(d.c.opts.Explain) {
		for _, s := range shown {
			if e.Key == s {
				continue outer
			}
		}
		lines := []string{"  " + st.Key.Render(sanitize(e.Key))}
		blocks = append(blocks, block{text: strings.ToLower(e.Key) + explainText(e), lines: lines, explain: d.explain(e, 4, 0)})
	}
	if len(blocks) == n {
		return nil
	}
	return blocks
}

// The lists an Explainer has, for explainTopic and explainRest.
func startResponseTexts(x Explainer) []Explanation { return x.StartResponse() }
func bodyTexts(x Explainer) []Explanation          { return x.Body() }
func layerTexts(x Explainer) []Explanation         { return x.Layers() }

// space ends an entry with a blank line when entries are to be read from
// afar (the large theme).
func (d *doc) space(b *block) {
	if d.spaced() {
		b.gap = true
	}
}

// spaced is true when environ entries end in a blank line of their own.
func (d *doc) spaced() bool { return d.c.styles.Spacious }

// explainIntro heads the Environ tab in explain mode.
func (d *doc) explainIntro() []block {
	if !d.explaining() {
		return nil
	}
	msg := "Explain mode (X hides it): a line on what each key means; ↑/↓ pick a key for its whole text: where it came from, and the section of PEP 3333 that defines it."
	lines := wrapStyle(d.c.styles.Note, msg, d.width)
	return []block{{heading: true, lines: append(lines, "")}}
}
