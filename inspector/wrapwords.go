package inspector

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// wrapWords wraps prose at spaces into lines of width cells. Code in the
// prose stays whole: a word is never broken at a hyphen (latin-1), and
// one longer than a line is broken only before a "." or a "(", where a
// chain of calls reads on; a piece still too long runs on past the width.
func wrapWords(s string, width int) []string {
	width = max(width, 1)
	var lines []string
	line := ""
	put := func(piece string, glue string) {
		switch {
		case line == "":
			line = piece
		case ansi.StringWidth(line)+len(glue)+ansi.StringWidth(piece) <= width:
			line += glue + piece
		default:
			lines = append(lines, line)
			line = piece
		}
	}
	for _, word := range strings.Fields(sanitize(s)) {
		for i, piece := range breakToken(word, width) {
			if i == 0 {
				put(piece, " ")
			} else {
				put(piece, "")
			}
		}
	}
	return append(lines, line)
}

// breakToken splits word into pieces of at most width cells, breaking
// only before a "." or a "(": the longest piece that fits each time, or
// the shortest one when none does.
func breakToken(word string, width int) []string {
	var pieces []string
	for ansi.StringWidth(word) > width {
		cut := -1
		for i := 1; i < len(word); i++ {
			if word[i] != '.' && word[i] != '(' {
				continue
			}
			if ansi.StringWidth(word[:i]) > width {
				if cut < 0 {
					cut = i // none fits: the shortest, running on
				}
				break
			}
			cut = i
		}
		if cut < 0 {
			break
		}
		pieces = append(pieces, word[:cut])
		word = word[cut:]
	}
	return append(pieces, word)
}
