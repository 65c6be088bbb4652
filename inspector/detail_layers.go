package inspector

import (
	"fmt"
	"strings"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// layerBlocks: the app's stack as PEP 3333 draws it, top to bottom: the
// server, each middleware, the application; under each layer what it
// changed as it called the one below, ↓ in the environ on the way in, ↑ in
// the status, headers and body on the way out.
func (d *doc) layerBlocks() []block {
	st := &d.c.styles
	ex := d.row.ex
	layers := ex.Layers
	if len(layers) == 0 {
		msg := "No layers were recorded: the app wraps no other WSGI app that wsgidev can find, or wsgidev runs with --no-layers."
		switch {
		case d.row.live:
			msg = "The layers are recorded when the request ends."
		case len(ex.Environ) == 0:
			msg = "The app was not called, so no layer was."
		case ex.LayersSkipped:
			msg = fmt.Sprintf("Not recorded: wsgidev records the layers of at most %d requests a second, and this one came among more (a load test, a burst). "+
				"Replay it (r) to see them: a replayed or debugged request is always recorded, and so is every request while wsgidev serves with --capture.", exchange.LayersPerSecond)
		}
		return []block{{text: strings.ToLower(msg), lines: wrapStyle(st.Dim, msg, d.width)}}
	}
	names := []string{"server"}
	for _, l := range layers {
		names = append(names, l.Name)
	}
	title := st.Section.Render("Layers") + "  " + st.Dim.Render(sanitize(strings.Join(names, " → ")))
	blocks := []block{{heading: true, lines: []string{fit(title, d.width)}}}
	legend := "↓ what a layer changed in the environ before it called the one below; ↑ what it changed in the response it passed up."
	blocks = append(blocks, block{heading: true, lines: append(wrapStyle(st.Dim, legend, d.width), "")})

	server := "  " + st.Bold.Render("server") + "  " + st.Dim.Render("wsgidev calls result = app(environ, start_response)")
	blocks = append(blocks, block{text: "server wsgidev", lines: []string{fit(server, d.width)}})
	blocks = append(blocks, d.explainLayer("server", 4)...)
	for i := range layers {
		blocks = append(blocks, d.layerEntry(layers, i)...)
	}
	return blocks
}

// layerEntry is one layer: its name, where it is defined, how the layer
// above holds it and the time in its call, then the changes it made.
func (d *doc) layerEntry(layers []exchange.LayerCall, i int) []block {
	st := &d.c.styles
	l := layers[i]
	pre := strings.Repeat("  ", exchange.Depth(layers, i))
	bottom := !calls(layers, i)
	kind := "middleware"
	if bottom {
		kind = "application"
	}
	facts := []string{}
	if l.Where != "" {
		facts = append(facts, sanitize(l.Where))
	}
	if l.Via != "" {
		facts = append(facts, "via "+sanitize(l.Via))
	}
	facts = append(facts, formatDuration(l.Took))
	name := pre + "  " + st.Key.Render(sanitize(l.Name)) + "  " + st.Dim.Render(kind)
	lines := []string{pre + "   " + st.Faint.Render("▼"), spread(name, st.Dim.Render(strings.Join(facts, " · ")), d.width)}
	blocks := []block{{text: strings.ToLower(l.Name + " " + kind + " " + strings.Join(facts, " ")), lines: lines}}
	blocks = append(blocks, d.explainLayer(kind, len(pre)+4)...)
	in := pre + "   " + st.Faint.Render("│") + " "
	for _, c := range l.Environ {
		blocks = append(blocks, d.changeBlock(in+st.Arrow.Render("↓")+" ", envChangeText(c), envChangeTopics(c), len(pre)+8))
	}
	if l.Status != nil {
		text := "status " + pyStrRepr(l.Status.Old) + " → " + pyStrRepr(l.Status.New)
		blocks = append(blocks, d.changeBlock(in+st.Arrow.Render("↑")+" ", text, []string{"status"}, len(pre)+8))
	}
	for _, h := range l.Headers {
		blocks = append(blocks, d.changeBlock(in+st.Arrow.Render("↑")+" ", headerChangeText(h), []string{"header " + opSign(h.Op)}, len(pre)+8))
	}
	if l.NewBody {
		below := "the layer below's"
		if j := firstCalled(layers, i); j >= 0 && layers[j].Returned != "" {
			below = "the " + layers[j].Returned + " from below"
		}
		text := "body: returned a " + l.Returned + " in place of " + below
		blocks = append(blocks, d.changeBlock(in+st.Arrow.Render("↑")+" ", text, []string{"body"}, len(pre)+8))
	}
	switch {
	case l.Raised != "":
		blocks = append(blocks, d.changeBlock(in+st.Error.Render("✗")+" ", "raised "+l.Raised, []string{"raised"}, len(pre)+8))
	case bottom && l.Returned != "":
		blocks = append(blocks, block{text: "returned " + strings.ToLower(l.Returned),
			lines: []string{fit(pre+"     "+st.Dim.Render("returned a "+sanitize(l.Returned)), d.width)}})
	}
	return blocks
}

// calls is true when layer i of layers called another.
func calls(layers []exchange.LayerCall, i int) bool { return firstCalled(layers, i) >= 0 }

// firstCalled is the first layer i called, -1 when none.
func firstCalled(layers []exchange.LayerCall, i int) int {
	for j := i + 1; j < len(layers); j++ {
		if layers[j].Parent == i {
			return j
		}
	}
	return -1
}

// changeBlock is one change under its layer, with what that kind of
// change means in explain mode.
func (d *doc) changeBlock(prefix, text string, topics []string, indent int) block {
	parts := hangingWrap(sanitize(text), d.width-indent, d.width-indent)
	lines := []string{prefix + parts[0]}
	cont := strings.Repeat(" ", indent)
	for _, p := range parts[1:] {
		lines = append(lines, cont+p)
	}
	b := block{text: strings.ToLower(text), lines: lines}
	if d.explaining() {
		if e, ok := topicOf(layerTexts(d.c.opts.Explain), topics...); ok {
			b.text += explainText(e)
			b.explain = d.explain(e, indent, 0)
		}
	}
	return b
}

// topicOf finds the text for a change: its own ("environ wsgi.url_scheme")
// or its kind's ("environ ~").
func topicOf(list []Explanation, keys ...string) (Explanation, bool) {
	for _, k := range keys {
		if e, ok := topic(list, k); ok {
			return e, true
		}
	}
	return Explanation{}, false
}

// explainLayer is the text on a kind of layer, in explain mode.
func (d *doc) explainLayer(kind string, indent int) []block {
	return d.explainTopic(layerTexts, kind, indent)
}

func envChangeText(c exchange.EnvChange) string {
	switch c.Op {
	case exchange.OpAdd:
		return "+ " + c.Key + " = " + pyTyped(c.New, c.NewType)
	case exchange.OpDelete:
		return "- " + c.Key + " (was " + pyTyped(c.Old, c.OldType) + ")"
	default:
		return "~ " + c.Key + " " + pyTyped(c.Old, c.OldType) + " → " + pyTyped(c.New, c.NewType)
	}
}

// envChangeTopics names the texts for c, the first there is: its key's
// own ("environ wsgi.url_scheme"), then its kind's ("environ ~").
func envChangeTopics(c exchange.EnvChange) []string {
	return []string{"environ " + c.Key, "environ " + opSign(c.Op)}
}

func headerChangeText(h exchange.HeaderChange) string {
	switch h.Op {
	case exchange.OpAdd:
		return "+ " + h.Name + ": " + h.New
	case exchange.OpDelete:
		return "- " + h.Name + ": " + h.Old
	default:
		return "~ " + h.Name + ": " + h.Old + " → " + h.New
	}
}

func opSign(op string) string {
	switch op {
	case exchange.OpAdd:
		return "+"
	case exchange.OpDelete:
		return "-"
	default:
		return "~"
	}
}

// pyTyped shows a value as Python would: a str as its repr, any other
// object by its repr as the child took it.
func pyTyped(value, typ string) string {
	if typ == "str" || typ == "" {
		return pyStrRepr(value)
	}
	return value
}
