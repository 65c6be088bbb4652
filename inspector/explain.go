package inspector

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// explaining is true when explain mode is on and has texts to show.
func (d *doc) explaining() bool { return d.c.explain && d.c.opts.Explain != nil }

// explainLines lays e out in lines of width cells under indent spaces:
// the meaning, then where the value came from and the PEP section, then
// wsgidev's choice where it made one.
func (d *doc) explainLines(e Explanation, indent, width int) []string {
	st := &d.c.styles
	pre := strings.Repeat(" ", indent)
	w := max(10, width-indent)
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

// wrapWords wraps prose at spaces, breaking words only when they are
// longer than a line.
func wrapWords(s string, width int) []string {
	return strings.Split(ansi.Wrap(sanitize(s), max(width, 1), ""), "\n")
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
	if !d.explainColumn() {
		b.lines = append(b.lines, d.explainLines(e, 4, d.width)...)
		return
	}
	right := d.explainLines(e, 0, d.width-left-3)
	sep := d.c.styles.Faint.Render(" │ ")
	for i := range max(len(b.lines), len(right)) {
		l, r := "", ""
		if i < len(b.lines) {
			l = b.lines[i]
		} else {
			b.lines = append(b.lines, "")
		}
		if i < len(right) {
			r = right[i]
		}
		b.lines[i] = pad(l, left) + sep + r
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
	return []block{{text: explainText(e), lines: d.explainLines(e, indent, d.width)}}
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
		blocks = append(blocks, block{text: strings.ToLower(e.Key) + explainText(e), lines: append(lines, d.explainLines(e, 4, d.width)...)})
	}
	if len(blocks) == n {
		return nil
	}
	return blocks
}

// The lists an Explainer has, for explainTopic and explainRest.
func startResponseTexts(x Explainer) []Explanation { return x.StartResponse() }
func bodyTexts(x Explainer) []Explanation          { return x.Body() }

// space ends an entry with a blank line when entries are long (explain
// mode) or are to be read from afar (the large theme).
func (d *doc) space(b *block) {
	if d.spaced() {
		b.lines = append(b.lines, "")
	}
}

// spaced is true when environ entries end in a blank line of their own.
func (d *doc) spaced() bool { return d.c.styles.Spacious || d.explaining() }

// explainIntro heads the Environ tab in explain mode.
func (d *doc) explainIntro() []block {
	if !d.explaining() {
		return nil
	}
	msg := "Explain mode (X hides it): what each key means, where it came from, and the section of PEP 3333 that defines it."
	lines := wrapStyle(d.c.styles.Note, msg, d.width)
	return []block{{heading: true, lines: append(lines, "")}}
}
