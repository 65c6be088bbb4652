package inspector

// A shell command shown to be copied by hand (the curl command of 'y'):
// wrapped at word boundaries with " \" continuations, so that the lines
// pasted into a shell are the same command. A word longer than a line is
// split too: a backslash-newline outside quotes joins what is on either
// side into one word, so a quoted word is closed before the break and
// opened again after it.

import "strings"

// quoting follows a POSIX shell's quotes through a command line, a byte
// at a time.
type quoting struct {
	quote   byte // the quote open, or 0
	escaped bool // the byte before was a backslash that escapes this one
}

// next takes byte c; it reports whether c is a blank between words.
func (q *quoting) next(c byte) (blank bool) {
	switch {
	case q.escaped:
		q.escaped = false
	case q.quote == '\'':
		if c == '\'' {
			q.quote = 0
		}
	case c == '\\':
		q.escaped = true
	case q.quote == '"':
		if c == '"' {
			q.quote = 0
		}
	case c == '\'' || c == '"':
		q.quote = c
	case c == ' ' || c == '\t':
		return true
	}
	return false
}

// shellWords splits a POSIX shell command line into its words as written,
// quotes kept: at blanks outside quotes and not escaped.
func shellWords(cmd string) []string {
	var words []string
	var q quoting
	start := -1
	for i := 0; i < len(cmd); i++ {
		switch blank := q.next(cmd[i]); {
		case blank && start >= 0:
			words = append(words, cmd[start:i])
			start = -1
		case !blank && start < 0:
			start = i
		}
	}
	if start >= 0 {
		words = append(words, cmd[start:])
	}
	return words
}

// shellWrap lays cmd out in lines of at most width cells that a shell
// reads as cmd: words joined by spaces, " \" ending every line but the
// last, the lines after the first indented. Only a word longer than a
// line is broken (splitWord), its pieces starting at the left edge.
func shellWrap(cmd string, width int) []string {
	const indent = "  "
	room := max(width-2, 8) // " \" ends a line
	var lines []string
	line := ""
	for _, w := range optionWords(shellWords(cmd)) {
		switch {
		case line == "" || len(line)+1+len(w) <= room:
			if line != "" {
				line += " "
			}
			line += w
			if len(line) <= room {
				continue
			}
		default:
			lines = append(lines, line+" \\")
			line = indent + w
			if len(line) <= room {
				continue
			}
		}
		pieces := splitWord(line, room+1) // each piece ends in its own "\"
		lines = append(lines, pieces[:len(pieces)-1]...)
		line = pieces[len(pieces)-1]
	}
	return append(lines, line)
}

// optionWords keeps an option with its argument ("-H 'Accept: */*'"), so
// that a line never ends in an option whose value starts the next: a
// word starting with "-" goes with the word after it, unless that is an
// option too.
func optionWords(words []string) []string {
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if strings.HasPrefix(w, "-") && i+1 < len(words) && !strings.HasPrefix(words[i+1], "-") {
			w += " " + words[i+1]
			i++
		}
		out = append(out, w)
	}
	return out
}

// splitWord breaks a line whose last word is too long into lines of at
// most width cells: each but the last ends in a backslash-newline
// outside quotes, a quote open there closed before it and opened again
// after it. It never breaks after an escaping backslash.
func splitWord(line string, width int) []string {
	var out []string
	var q quoting
	cur := strings.Builder{}
	for i := 0; i < len(line); i++ {
		c := line[i]
		// Close the line when what it holds, a closing quote and "\"
		// would pass width; not inside an escape, nor in a rune's middle.
		if cur.Len()+3 > width && !q.escaped && (c < 0x80 || c >= 0xc0) {
			if q.quote != 0 {
				cur.WriteByte(q.quote)
			}
			cur.WriteByte('\\')
			out = append(out, cur.String())
			cur.Reset()
			if q.quote != 0 {
				cur.WriteByte(q.quote)
			}
		}
		cur.WriteByte(c)
		q.next(c)
	}
	return append(out, cur.String())
}
