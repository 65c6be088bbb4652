package inspector

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// environ groups, in the order shown.
const (
	groupCGI = iota
	groupHeaders
	groupWSGI
	groupExtras
	numGroups
)

func groupTitle(g int) string {
	switch g {
	case groupCGI:
		return "Request line and CGI keys"
	case groupHeaders:
		return "Headers (HTTP_*)"
	case groupWSGI:
		return "WSGI (wsgi.*)"
	default:
		return "Server extras"
	}
}

// isCGIKey is true for the keys PEP 3333 names, and the other CGI variables it
// says a server may add.
func isCGIKey(k string) bool {
	switch k {
	case "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH",
		"SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_USER",
		"AUTH_TYPE", "GATEWAY_INTERFACE", "SERVER_SOFTWARE", "HTTPS":
		return true
	}
	return false
}

func environGroup(k string) int {
	switch {
	case isCGIKey(k):
		return groupCGI
	case strings.HasPrefix(k, "HTTP_"):
		return groupHeaders
	case strings.HasPrefix(k, "wsgi."):
		return groupWSGI
	default:
		return groupExtras
	}
}

// pyValue is how Python would show an environ value: a str as repr() does,
// a literal as itself, any other object by its type.
func pyValue(v exchange.EnvVar) (value, note string, object bool) {
	switch v.Type {
	case "str", "":
		return pyStrRepr(v.Value), "", false
	case "bool", "int", "float", "tuple", "NoneType", "list":
		return v.Value, "", false
	case "type":
		return "<class '" + v.Value + "'>", "", true
	default:
		return "<" + v.Type + " object>", v.Value, true
	}
}

func (d *doc) environBlocks() []block {
	st := &d.c.styles
	env := d.row.ex.Environ
	if len(env) == 0 {
		msg := "The app was not called, so there is no environ."
		if d.row.live {
			msg = "The app has not been called yet."
		}
		return []block{{text: strings.ToLower(msg), lines: []string{st.Dim.Render(msg)}}}
	}
	keyW := 0
	for _, v := range env {
		keyW = max(keyW, len(v.Key))
	}
	keyW = min(keyW, 28, max(10, d.width/3))
	valW := max(10, d.width-keyW-4)
	if d.explainColumn() {
		valW = (d.width - keyW - 4) * 2 / 5 // the rest is the explanations' column
	}

	var groups [numGroups][]block
	for _, v := range env {
		g := environGroup(v.Key)
		groups[g] = append(groups[g], d.environEntry(v, keyW, valW))
	}
	blocks := make([]block, 0, len(env)+numGroups*2)
	for g := range numGroups {
		if len(groups[g]) == 0 {
			continue
		}
		if len(blocks) > 0 && !d.spaced() { // spaced entries end in a blank line already
			blocks = append(blocks, block{heading: true, lines: []string{""}})
		}
		title := st.Section.Render(groupTitle(g)) + "  " + st.Dim.Render(plural(len(groups[g]), "key", "keys"))
		blocks = append(blocks, block{heading: true, lines: []string{title}})
		blocks = append(blocks, groups[g]...)
	}
	return append(append(d.heldBlocks(), blocks...), d.editBlocks()...)
}

// environEntry is one key: the name in a column, the value wrapped beside it.
func (d *doc) environEntry(v exchange.EnvVar, keyW, valW int) block {
	st := &d.c.styles
	value, note, object := pyValue(v)
	style := st.String
	if object {
		style = st.Object
	}
	name := v.Key
	if ansi.StringWidth(name) > keyW {
		name = fit(name, keyW)
	}
	indent := strings.Repeat(" ", keyW+4)
	var lines []string
	for i, part := range wrap(sanitize(value), valW) {
		prefix := indent
		if i == 0 {
			prefix = "  " + st.Key.Render(pad(name, keyW)) + "  "
		}
		lines = append(lines, prefix+style.Render(part))
	}
	if note != "" {
		for _, part := range wrap("# "+note, valW) {
			lines = append(lines, indent+st.Dim.Render(part))
		}
	}
	b := block{text: strings.ToLower(v.Key + " " + value + " " + note), lines: lines}
	d.explainEnviron(&b, v, keyW+4+valW)
	d.space(&b)
	return b
}
