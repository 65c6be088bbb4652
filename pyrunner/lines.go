package pyrunner

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// MaxOutputLine is the most of one line of the app's stdout or stderr kept:
// a longer line is cut with a marker, and the rest of it is read and
// counted, never left in the pipe.
const MaxOutputLine = 64 << 10

// lineReader reads an output pipe line by line, however long the lines:
// it never stops reading, so the app never meets a full or closed pipe.
type lineReader struct {
	br  *bufio.Reader
	max int
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10), max: MaxOutputLine}
}

// next returns the next line without its line end ("\n" or "\r\n"), cut
// at max bytes with a marker saying how much more there was; io.EOF once
// the pipe has ended and every line was returned.
func (lr *lineReader) next() (string, error) {
	var line []byte
	more := 0 // bytes of this line beyond max
	for {
		frag, err := lr.br.ReadSlice('\n')
		full := errors.Is(err, bufio.ErrBufferFull)
		frag = bytes.TrimSuffix(frag, []byte{'\n'})
		keep := min(len(frag), lr.max-len(line))
		line = append(line, frag[:keep]...)
		more += len(frag) - keep
		if full {
			continue
		}
		if err != nil && len(line) == 0 && more == 0 {
			return "", err
		}
		if more == 0 {
			line = bytes.TrimSuffix(line, []byte{'\r'})
			return string(line), nil
		}
		cut := lastRuneStart(line)
		more += len(line) - cut
		return fmt.Sprintf("%s… [line cut: %d more bytes]", line[:cut], more), nil
	}
}

// lastRuneStart is where line ends without a rune cut in half.
func lastRuneStart(line []byte) int {
	for i := len(line) - 1; i >= max(0, len(line)-utf8.UTFMax); i-- {
		if utf8.RuneStart(line[i]) {
			if utf8.FullRune(line[i:]) {
				return len(line)
			}
			return i
		}
	}
	return len(line)
}
