package inspector

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// wireSideBySide is the narrowest screen that shows the raw head and the
// environ side by side; narrower ones put each key under its line.
const wireSideBySide = 100

// requestHead is the request head as lines, and whether they are the bytes
// as received (false: rebuilt from the parsed request line and headers,
// for exchanges that did not come over a connection).
func requestHead(ex *exchange.Exchange) (lines []string, verbatim bool) {
	if ex.RawHead.Size > 0 {
		for _, l := range strings.Split(string(ex.RawHead.Data), "\n") {
			if l = strings.TrimSuffix(l, "\r"); l != "" { // "": the blank line that ends the head
				lines = append(lines, l)
			}
		}
		return lines, true
	}
	lines = append(lines, ex.Method+" "+ex.Target+" "+ex.Proto)
	for _, h := range ex.RequestHeaders {
		lines = append(lines, h.Name+": "+h.Value)
	}
	return lines, false
}

// envLookup finds environ keys by name.
type envLookup map[string]exchange.EnvVar

func lookupEnviron(env []exchange.EnvVar) envLookup {
	m := make(envLookup, len(env))
	for _, v := range env {
		m[v.Key] = v
	}
	return m
}

// wireBlocks: the request head line by line beside the environ keys each
// line became, then the keys the server set on its own.
func (d *doc) wireBlocks() []block {
	st := &d.c.styles
	ex := d.row.ex
	head, verbatim := requestHead(ex)
	env := lookupEnviron(ex.Environ)
	scriptName := env["SCRIPT_NAME"].Value
	rows := mapWire(head, scriptName)

	title := st.Section.Render("Request head → environ")
	how := "rebuilt from the parsed request"
	if verbatim {
		how = "as received"
	}
	blocks := []block{{heading: true, lines: []string{title + "  " + st.Dim.Render(how)}}}
	if ex.RawHead.Truncated {
		msg := "The head was cut at " + formatSize(int64(len(ex.RawHead.Data))) + " of " + formatSize(ex.RawHead.Size) + ": the keys of the rest are under Set by the server."
		blocks = append(blocks, block{heading: true, lines: wrapStyle(st.Warn, msg, d.width)})
	}
	if len(ex.Environ) == 0 {
		msg := "The app was not called: the keys are what wsgidev would have made."
		blocks = append(blocks, block{heading: true, lines: wrapStyle(st.Dim, msg, d.width)})
	}
	made := map[string]bool{}
	for _, r := range rows {
		for _, k := range r.keys {
			made[k.key] = true
		}
		blocks = append(blocks, d.wireRowBlock(r, env))
	}
	if n := ex.RequestBody.Size; n > 0 || headerValue(ex.RequestHeaders, "Transfer-Encoding") != "" {
		body := wireRow{raw: "(the body: " + formatSize(n) + ")", keys: []wireKey{{key: "wsgi.input", how: "the body, read from it as the app asks"}}}
		blocks = append(blocks, d.wireRowBlock(body, env))
		made["wsgi.input"] = true
	}
	return append(blocks, d.serverKeyBlocks(ex.Environ, made)...)
}

// serverKeyBlocks lists the environ keys no line of the head made.
func (d *doc) serverKeyBlocks(environ []exchange.EnvVar, made map[string]bool) []block {
	st := &d.c.styles
	var blocks []block
	for _, v := range environ {
		if made[v.Key] {
			continue
		}
		if len(blocks) == 0 {
			blocks = append(blocks, block{heading: true, lines: []string{""}},
				block{heading: true, lines: []string{st.Section.Render("Set by the server") + "  " + st.Dim.Render("not from the request head")}})
		}
		value, _, object := pyValue(v)
		style := st.String
		if object {
			style = st.Object
		}
		line := "  " + st.Key.Render(v.Key) + " = " + style.Render(sanitize(value))
		b := block{text: strings.ToLower(v.Key + " " + value), lines: []string{fit(line, d.width)}}
		if d.c.styles.Spacious {
			b.lines = append(b.lines, "")
		}
		blocks = append(blocks, b)
	}
	return blocks
}

// wireRowBlock draws one line of the head and the keys it became: side by
// side on a wide screen, the keys under the line on a narrow one.
func (d *doc) wireRowBlock(r wireRow, env envLookup) block {
	st := &d.c.styles
	raw := escapeRaw([]byte(r.raw))
	text := strings.ToLower(r.raw + " " + r.note)
	for _, k := range r.keys {
		text += strings.ToLower(" " + k.key + " " + k.value)
	}
	var b block
	if d.width >= wireSideBySide {
		leftW := min(d.wireLeftWidth(), (d.width-3)/2)
		right := d.wireKeyLines(r, env, d.width-leftW-3)
		left := wrap(raw, leftW)
		for i := range max(len(left), len(right)) {
			l, rt, arrow := "", "", "   "
			if i < len(left) {
				l = left[i]
			}
			if i < len(right) {
				rt = right[i]
			}
			if i == 0 {
				arrow = st.Arrow.Render(" → ")
			}
			b.lines = append(b.lines, strings.TrimRight(pad(l, leftW)+arrow+rt, " "))
		}
	} else {
		if raw != "" {
			b.lines = wrap(raw, d.width)
		}
		for i, l := range d.wireKeyLines(r, env, d.width-4) {
			arrow := "    "
			if i == 0 {
				arrow = st.Arrow.Render("  → ")
			}
			b.lines = append(b.lines, arrow+l)
		}
	}
	b.text = text
	if d.c.styles.Spacious {
		b.lines = append(b.lines, "")
	}
	return b
}

// wireLeftWidth is the width of the widest head line, for the left column.
func (d *doc) wireLeftWidth() int {
	head, _ := requestHead(d.row.ex)
	w := 20
	for _, l := range head {
		w = max(w, ansi.StringWidth(escapeRaw([]byte(l))))
	}
	return w
}

// wireKeyLines are the keys a row became, each "KEY = 'value'" with how
// it was made below it, in width cells; or the row's note.
func (d *doc) wireKeyLines(r wireRow, env envLookup, width int) []string {
	st := &d.c.styles
	width = max(width, 10)
	if len(r.keys) == 0 {
		style := st.Dim
		if strings.HasPrefix(r.note, "dropped") || strings.HasPrefix(r.note, "not a") {
			style = st.Warn
		}
		return wrapStyle(style, r.note, width)
	}
	var lines []string
	for _, k := range r.keys {
		value, how := pyStrRepr(k.value), k.how
		if v, ok := env[k.key]; ok {
			value, _, _ = pyValue(v) // the environ the app got is the truth
			if v.Value != k.value && k.key != "wsgi.input" {
				how += "; expected " + pyStrRepr(k.value)
			}
		} else if len(env) > 0 {
			how += "; not in the environ"
		}
		if k.key == "wsgi.input" {
			value = ""
		}
		entry := st.Key.Render(k.key)
		if value != "" {
			entry += " = " + st.String.Render(sanitize(value))
		}
		if ansi.StringWidth(entry) > width {
			for i, part := range wrap(ansi.Strip(entry), width) {
				style := st.String
				if i == 0 {
					style = st.Key
				}
				lines = append(lines, style.Render(part))
			}
		} else {
			lines = append(lines, entry)
		}
		for _, part := range wrapWords(how, width-2) {
			lines = append(lines, "  "+st.ExplainWhere.Render(part))
		}
	}
	return lines
}
