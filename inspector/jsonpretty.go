package inspector

// A tolerant JSON pretty-printer for the Body tab: a body cut by the
// capture cap is indented as far as it goes instead of being shown as one
// long line, and the view says where it stops.

import (
	"errors"
	"fmt"
	"strings"
)

// jsonOutcome is how far prettyJSON got.
type jsonOutcome struct {
	cut bool  // the input ended inside a value: shown as far as it goes
	err error // the input is not JSON from this byte on; nothing after it is shown
}

// jsonStep is what the printer expects next.
type jsonStep int

const (
	wantValue      jsonStep = iota // a value: at the start, after ':' or ',' in an array, after '['
	wantKeyOrClose                 // right after '{'
	wantKey                        // after ',' in an object
	wantColon                      // after a key
	wantCommaOrEnd                 // after a value inside a container
	wantNothing                    // after a whole top-level value: another may follow (JSON Lines)
)

// jsonPrinter indents JSON as json.Indent does, checking the grammar as it
// goes so that it can tell a cut document from one that is not JSON.
type jsonPrinter struct {
	in     []byte
	pos    int
	out    strings.Builder
	indent string
	stack  []byte // the open containers: '{' or '['
	step   jsonStep
	fresh  bool // a container was opened and nothing is in it yet
}

// prettyJSON indents data (whitespace around it ignored) with indent per
// level. Whitespace between tokens goes; strings and numbers are copied
// byte for byte.
func prettyJSON(data []byte, indent string) ([]string, jsonOutcome) {
	p := &jsonPrinter{in: data, indent: indent}
	res := p.run()
	text := p.out.String()
	if text == "" {
		return nil, res
	}
	return strings.Split(text, "\n"), res
}

func (p *jsonPrinter) run() jsonOutcome {
	for {
		p.skipSpace()
		if p.pos >= len(p.in) {
			return jsonOutcome{cut: p.step != wantNothing}
		}
		c := p.in[p.pos]
		var err error
		switch {
		case c == '{' || c == '[':
			err = p.open(c)
		case c == '}' || c == ']':
			err = p.close(c)
		case c == ',':
			err = p.comma()
		case c == ':':
			err = p.colon()
		case c == '"':
			err = p.str()
		default:
			err = p.scalar()
		}
		if err == errCut {
			return jsonOutcome{cut: true}
		}
		if err != nil {
			return jsonOutcome{err: err}
		}
	}
}

// errCut is the input ending inside a token.
var errCut = errors.New("cut")

func (p *jsonPrinter) skipSpace() {
	for p.pos < len(p.in) {
		switch p.in[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonPrinter) unexpected(what string) error {
	return fmt.Errorf("%s at byte %d", what, p.pos+1)
}

// beginValue is called before a value or a key is written: it checks one
// may come here and puts it on a line of its own inside a container.
func (p *jsonPrinter) beginValue(key bool) error {
	switch {
	case key && p.step != wantKey && p.step != wantKeyOrClose:
		return p.unexpected("a string where no key belongs")
	case !key && p.step == wantNothing:
		p.out.WriteByte('\n') // the next of several top-level values
	case !key && p.step != wantValue:
		return p.unexpected(fmt.Sprintf("unexpected %q", p.in[p.pos]))
	}
	if key || (len(p.stack) > 0 && p.stack[len(p.stack)-1] == '[') {
		p.newline() // each key, and each value of an array, on a line of its own
	}
	p.fresh = false
	return nil
}

// endValue sets what may follow a value.
func (p *jsonPrinter) endValue() {
	if len(p.stack) == 0 {
		p.step = wantNothing
	} else {
		p.step = wantCommaOrEnd
	}
}

// maxIndent is the deepest level indented further: a body nested deeper
// (a hostile "[[[[…") stays at it instead of growing as the square of its
// size.
const maxIndent = 32

func (p *jsonPrinter) newline() {
	p.out.WriteByte('\n')
	for range min(len(p.stack), maxIndent) {
		p.out.WriteString(p.indent)
	}
}

func (p *jsonPrinter) open(c byte) error {
	if err := p.beginValue(false); err != nil {
		return err
	}
	p.out.WriteByte(c)
	p.stack = append(p.stack, c)
	p.fresh = true
	p.step = wantValue
	if c == '{' {
		p.step = wantKeyOrClose
	}
	p.pos++
	return nil
}

func (p *jsonPrinter) close(c byte) error {
	n := len(p.stack)
	if n == 0 || (c == '}') != (p.stack[n-1] == '{') {
		return p.unexpected(fmt.Sprintf("unexpected %q", c))
	}
	empty := p.fresh
	if !empty && p.step != wantCommaOrEnd {
		return p.unexpected(fmt.Sprintf("unexpected %q after a comma or colon", c))
	}
	p.stack = p.stack[:n-1]
	if !empty {
		p.newline()
	}
	p.fresh = false
	p.out.WriteByte(c)
	p.pos++
	p.endValue()
	return nil
}

func (p *jsonPrinter) comma() error {
	if p.step != wantCommaOrEnd {
		return p.unexpected("unexpected ','")
	}
	p.out.WriteByte(',')
	p.step = wantValue
	if p.stack[len(p.stack)-1] == '{' {
		p.step = wantKey
	}
	p.pos++
	return nil
}

func (p *jsonPrinter) colon() error {
	if p.step != wantColon {
		return p.unexpected("unexpected ':'")
	}
	p.out.WriteString(": ")
	p.step = wantValue
	p.pos++
	return nil
}

// str copies a string; inside an object where a key is due it is the key.
func (p *jsonPrinter) str() error {
	key := p.step == wantKey || p.step == wantKeyOrClose
	if err := p.beginValue(key); err != nil {
		return err
	}
	start := p.pos
	for i := p.pos + 1; i < len(p.in); i++ {
		switch c := p.in[i]; {
		case c == '\\':
			i++ // the escaped byte; \uXXXX's digits are ordinary bytes
		case c == '"':
			p.out.Write(p.in[start : i+1])
			p.pos = i + 1
			if key {
				p.step = wantColon
			} else {
				p.endValue()
			}
			return nil
		case c < 0x20:
			p.pos = i
			return p.unexpected("a control character inside a string")
		}
	}
	p.out.Write(p.in[start:])
	p.pos = len(p.in)
	return errCut
}

// scalar copies a number, true, false or null.
func (p *jsonPrinter) scalar() error {
	if err := p.beginValue(false); err != nil {
		return err
	}
	end := p.pos
	for end < len(p.in) && isScalarByte(p.in[end]) {
		end++
	}
	word := string(p.in[p.pos:end])
	atEnd := end == len(p.in)
	switch {
	case word == "":
		return p.unexpected(fmt.Sprintf("unexpected %q", p.in[p.pos]))
	case word == "true" || word == "false" || word == "null" || validNumber(word):
	case atEnd && (strings.HasPrefix("true", word) || strings.HasPrefix("false", word) || strings.HasPrefix("null", word) || numberPrefix(word)):
		p.out.WriteString(word)
		p.pos = end
		return errCut
	default:
		return p.unexpected(fmt.Sprintf("%q is not a JSON value", word))
	}
	p.out.WriteString(word)
	p.pos = end
	p.endValue()
	return nil
}

func isScalarByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '+' || c == '.'
}

// validNumber follows JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validNumber(s string) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// numberPrefix reports whether s, cut short, could go on to be a number.
func numberPrefix(s string) bool {
	for _, tail := range []string{"", "0", "1", "e1", "0e1"} {
		if validNumber(s + tail) {
			return true
		}
	}
	return false
}
