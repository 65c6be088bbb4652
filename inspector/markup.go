package inspector

// HTML and XML indented for reading. The printer never fails: it splits
// the text into tags, comments and text, and only moves whitespace
// between them; what is inside a tag, a comment or a script is kept as
// it came.

import (
	"bytes"
	"slices"
	"strings"
)

// markupToken is a piece of markup: a tag, a comment, or text between.
type markupToken struct {
	kind markupKind
	text string // as it came (text with its spacing collapsed)
	name string // a tag's name, lowercase in HTML
}

type markupKind int

const (
	tokText    markupKind = iota
	tokOpen               // <p …>
	tokClose              // </p>
	tokSelf               // <br/>, <?xml …?>, <!doctype …>, a void element in HTML
	tokComment            // <!-- … -->, <![CDATA[ … ]]>
	tokRaw                // a script's or a style's text, kept as it came
)

// htmlVoid are the HTML elements that never have an end tag.
var htmlVoid = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true,
}

// htmlEnds are the HTML elements a start tag ends when one of them is
// the innermost open: <li> ends the <li> before it.
var htmlEnds = map[string][]string{
	"li": {"li"}, "p": {"p"}, "option": {"option"}, "tr": {"tr", "td", "th"},
	"td": {"td", "th"}, "th": {"td", "th"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"},
}

// htmlRaw are the HTML elements whose content is not markup.
var htmlRaw = map[string]bool{"script": true, "style": true, "textarea": true, "pre": true}

// prettyMarkup indents HTML (html true) or XML, indent per level.
func prettyMarkup(data []byte, html bool, indent string) []string {
	toks := tokenizeMarkup(data, html)
	var out []string
	var open []string // the names of the elements open, innermost last
	line := func(s string) { out = append(out, strings.Repeat(indent, min(len(open), maxIndent))+s) }
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case tokOpen:
			if html {
				for len(open) > 0 && slices.Contains(htmlEnds[t.name], open[len(open)-1]) {
					open = open[:len(open)-1]
				}
			}
			// <b>short text</b> stays on one line.
			if i+2 < len(toks) && toks[i+1].kind == tokText && toks[i+2].kind == tokClose && toks[i+2].name == t.name && len(toks[i+1].text) <= 60 {
				line(collapseSpace(t.text) + toks[i+1].text + collapseSpace(toks[i+2].text))
				i += 2
				continue
			}
			if i+1 < len(toks) && toks[i+1].kind == tokClose && toks[i+1].name == t.name {
				line(collapseSpace(t.text) + collapseSpace(toks[i+1].text))
				i++
				continue
			}
			line(collapseSpace(t.text))
			open = append(open, t.name)
		case tokClose:
			// Close up to the matching element; an end tag with none open
			// (HTML's forgiving) changes nothing.
			for j := len(open) - 1; j >= 0; j-- {
				if open[j] == t.name {
					open = open[:j]
					break
				}
			}
			line(collapseSpace(t.text))
		case tokRaw, tokComment:
			for _, l := range dedent(t.text) {
				line(l)
			}
		default:
			line(collapseSpace(t.text))
		}
	}
	return out
}

// tokenizeMarkup splits data into tokens.
func tokenizeMarkup(data []byte, html bool) []markupToken {
	var toks []markupToken
	s := string(data)
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		for lt >= 0 && !startsTag(s[lt:]) {
			next := strings.IndexByte(s[lt+1:], '<')
			if next < 0 {
				lt = -1
				break
			}
			lt += 1 + next
		}
		if lt < 0 {
			lt = len(s)
		}
		if text := collapseSpace(s[:lt]); text != "" {
			toks = append(toks, markupToken{kind: tokText, text: text})
		}
		s = s[lt:]
		if s == "" {
			break
		}
		var t markupToken
		t, s = readTag(s, html)
		toks = append(toks, t)
		if t.kind == tokOpen && html && htmlRaw[t.name] {
			var raw string
			raw, s = untilEndTag(s, t.name)
			if strings.TrimSpace(raw) != "" {
				toks = append(toks, markupToken{kind: tokRaw, text: raw})
			}
		}
	}
	return toks
}

// startsTag reports whether s starts a tag, a comment or a declaration:
// "<" then a letter, "/", "!" or "?". Any other "<" is text.
func startsTag(s string) bool {
	if len(s) < 2 {
		return false
	}
	c := s[1]
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '!' || c == '?' || c == '_' || c == ':'
}

// readTag reads the tag s starts with; it returns the rest.
func readTag(s string, html bool) (markupToken, string) {
	for _, pair := range [][2]string{{"<!--", "-->"}, {"<![CDATA[", "]]>"}} {
		if strings.HasPrefix(s, pair[0]) {
			end := strings.Index(s[len(pair[0]):], pair[1])
			if end < 0 {
				return markupToken{kind: tokComment, text: s}, ""
			}
			n := len(pair[0]) + end + len(pair[1])
			return markupToken{kind: tokComment, text: s[:n]}, s[n:]
		}
	}
	n := tagEnd(s)
	text := s[:n]
	t := markupToken{kind: tokOpen, text: text}
	switch {
	case text[1] == '!' || text[1] == '?':
		t.kind = tokSelf
		return t, s[n:]
	case text[1] == '/':
		t.kind = tokClose
		t.name = tagName(text[2:], html)
		return t, s[n:]
	}
	t.name = tagName(text[1:], html)
	if strings.HasSuffix(text, "/>") || (html && htmlVoid[t.name]) {
		t.kind = tokSelf
	}
	return t, s[n:]
}

// tagEnd is the length of the tag s starts with: up to its ">", quoted
// attribute values skipped; all of s when it never ends.
func tagEnd(s string) int {
	var quote byte
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1
		}
	}
	return len(s)
}

// tagName is the name a tag's text starts with.
func tagName(s string, html bool) string {
	end := strings.IndexAny(s, " \t\r\n/>")
	if end < 0 {
		end = len(s)
	}
	if html {
		return strings.ToLower(s[:end])
	}
	return s[:end]
}

// untilEndTag splits s at the end tag of a raw element (</script>), its
// name in any case.
func untilEndTag(s, name string) (string, string) {
	for at := 0; ; {
		i := strings.Index(s[at:], "</")
		if i < 0 {
			return s, ""
		}
		at += i
		if end := at + 2 + len(name); end <= len(s) && strings.EqualFold(s[at+2:end], name) {
			return s[:at], s[at:]
		}
		at += 2
	}
}

// collapseSpace trims text and makes each run of spaces, tabs and line
// ends one space (other spaces, such as U+00A0, mean something in HTML).
func collapseSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r'
	}), " ")
}

// dedent splits raw text into lines without the blank ones around it,
// taking away the indentation its lines share.
func dedent(s string) []string {
	lines := splitLines(strings.Trim(s, "\r\n"))
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if common < 0 || n < common {
			common = n
		}
	}
	for i, l := range lines {
		lines[i] = strings.TrimRight(l[min(max(common, 0), len(l)-len(strings.TrimLeft(l, " "))):], " ")
	}
	return lines
}

// looksLikeHTML reports whether a body starts as an HTML document does.
func looksLikeHTML(data []byte) bool {
	head := bytes.ToLower(bytes.TrimSpace(data[:min(len(data), 512)]))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html"))
}

// looksLikeXML reports whether a body starts with an XML declaration.
func looksLikeXML(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(data[:min(len(data), 512)]), []byte("<?xml"))
}
