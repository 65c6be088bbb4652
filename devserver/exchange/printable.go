package exchange

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Printable returns s with everything a terminal would act on written as
// a printable escape instead: C0 controls and DEL as \x1b (\n and \r as
// such; a tab stays), C1 controls as \u009b, and bytes that are not UTF-8
// as \xff. Whatever came from the app or a client goes through it before
// the headless log or the banner prints it, so that neither can retitle
// or clear the terminal, move its cursor or write its clipboard (OSC 52).
// The app's own colours are escaped too: a colour code cannot be told from
// the other sequences without parsing them all, and apps whose stdout is a
// pipe (as under wsgidev) rarely send any.
func Printable(s string) string {
	i := 0
	for i < len(s) && plainByte(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if plainByte(c) {
			b.WriteByte(c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			writeEscape(&b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(c))
		case r < 0xa0: // C1 controls, U+0080–U+009F: CSI, OSC and the like in 8 bits
			b.WriteString(`\u00`)
			b.WriteString(hex2(byte(r)))
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// plainByte is printable ASCII or a tab: the common case, copied as is.
func plainByte(c byte) bool { return (c >= 0x20 && c < 0x7f) || c == '\t' }

func writeEscape(b *strings.Builder, c byte) {
	switch c {
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	default:
		b.WriteString(`\x`)
		b.WriteString(hex2(c))
	}
}

func hex2(c byte) string {
	h := strconv.FormatUint(uint64(c), 16)
	if len(h) == 1 {
		return "0" + h
	}
	return h
}
