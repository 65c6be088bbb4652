package capture

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Source formats.
const (
	FormatCapture = "wsgidev capture"
	FormatHAR     = "HAR"
)

// Source is what was read from a capture or a HAR file: the entries that
// could be used and the problems with the rest.
type Source struct {
	Name     string   // the file name, for messages
	Format   string   // FormatCapture or FormatHAR
	Headers  []Header // one a session; for a HAR, what its creator says
	Entries  []Entry
	Problems []Problem
}

// Entry is one usable exchange.
type Entry struct {
	Line     int    // where it starts in the file (1-based)
	Where    string // for a HAR: "log.entries[3]"
	Session  int    // index into Source.Headers, -1 if none
	Exchange *exchange.Exchange
	// NoResponseBody is true when the file has no response body to compare
	// with (a HAR saved without content).
	NoResponseBody bool
	// Foreign is true for a HAR another tool wrote (a browser): its bodies
	// are decoded (no Content-Encoding applied) and its headers are what
	// went over the wire, not what the app gave start_response.
	Foreign bool
	raw     []byte // the line as read, for rewriting a capture
}

// Label names an entry in messages: "line 7" or "line 120 (log.entries[3])".
func (e Entry) Label() string {
	if e.Where != "" {
		return fmt.Sprintf("line %d (%s)", e.Line, e.Where)
	}
	return fmt.Sprintf("line %d", e.Line)
}

// Problem is something wrong in the file. A warning leaves the data usable
// (a last line cut short by a crash); anything else is bad input.
type Problem struct {
	Line    int
	Where   string // for a HAR: "log.entries[3].response"
	Message string
	Warning bool
}

func (p Problem) String() string {
	where := ""
	if p.Where != "" {
		where = " " + p.Where + ":"
	}
	return fmt.Sprintf("line %d:%s %s", p.Line, where, p.Message)
}

// HasErrors reports whether any problem is more than a warning.
func (s *Source) HasErrors() bool {
	for _, p := range s.Problems {
		if !p.Warning {
			return true
		}
	}
	return false
}

// App is the APPSPEC and folder the newest session served, if it says.
func (s *Source) App() (spec, dir string) {
	for i := len(s.Headers) - 1; i >= 0; i-- {
		if s.Headers[i].App != "" {
			return s.Headers[i].App, s.Headers[i].Dir
		}
	}
	return "", ""
}

// Header returns the newest session's header, or a zero one.
func (s *Source) Header() Header {
	if len(s.Headers) == 0 {
		return Header{}
	}
	return s.Headers[len(s.Headers)-1]
}

// ReadFile reads a capture or HAR file; see Read.
func ReadFile(path string) (*Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	src.Name = path
	return src, nil
}

// Read reads a wsgidev capture or a HAR 1.2 file, told apart by content.
// The error is for a file that is neither, or cannot be read; problems in
// parts of it are in Source.Problems, and the good entries are kept.
func Read(r io.Reader) (*Source, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	first, err := br.ReadBytes('\n')
	if err != nil && err != io.EOF {
		return nil, err
	}
	trimmed := bytes.TrimSpace(first)
	if len(trimmed) == 0 && err == io.EOF {
		return nil, errors.New("the file is empty: not a wsgidev capture or a HAR file")
	}
	if l, derr := DecodeLine(trimmed); derr == nil && l.Header != nil {
		return readCapture(br, first, err == io.EOF)
	} else if derr == nil && l.Exchange != nil {
		return readCapture(br, first, err == io.EOF)
	}
	if bytes.Contains(trimmed, []byte(`"wsgidev_capture"`)) {
		return readCapture(br, first, err == io.EOF)
	}
	rest, rerr := io.ReadAll(br)
	if rerr != nil {
		return nil, rerr
	}
	data := append(first, rest...)
	if looksLikeHAR(data) {
		return readHAR(data)
	}
	// A capture whose header was damaged: lines after it may still be good.
	if src, _ := readCapture(bufio.NewReader(bytes.NewReader(rest)), first, len(rest) == 0); len(src.Entries) > 0 {
		return src, nil
	}
	return nil, errors.New(`not a wsgidev capture (its first line is a {"wsgidev_capture": 1, …} header) or a HAR file (one JSON object with "log")`)
}

// readCapture reads JSON Lines; first is the line already read, eof true
// when it was the last.
func readCapture(br *bufio.Reader, first []byte, eof bool) (*Source, error) {
	src := &Source{Format: FormatCapture}
	session := -1
	line := first
	for n := 1; ; n++ {
		if len(bytes.TrimSpace(line)) > 0 {
			session = src.addLine(n, line, session, eof)
		}
		if eof {
			break
		}
		var err error
		line, err = br.ReadBytes('\n')
		if err == io.EOF {
			eof = true
			if len(line) == 0 {
				break
			}
		} else if err != nil {
			return nil, err
		}
	}
	if len(src.Headers) == 0 && len(src.Entries) > 0 {
		src.Problems = append([]Problem{{Line: 1, Message: "no capture header; read as version 1", Warning: true}}, src.Problems...)
	}
	return src, nil
}

// addLine decodes line n and returns the current session. last is true
// for the file's last line; a last line without its newline that does not
// decode was cut short while being written.
func (src *Source) addLine(n int, line []byte, session int, last bool) int {
	l, err := DecodeLine(line)
	if err != nil {
		if last && line[len(line)-1] != '\n' {
			src.Problems = append(src.Problems, Problem{Line: n, Warning: true,
				Message: "the last line is cut short (the capture was being written, or wsgidev was killed); skipped"})
			return session
		}
		src.Problems = append(src.Problems, Problem{Line: n, Message: err.Error() + "; skipped"})
		return session
	}
	if l.Header != nil {
		src.Headers = append(src.Headers, *l.Header)
		if v := l.Header.Version; v != Version {
			msg := fmt.Sprintf("capture format version %d is not one this wsgidev reads (%d); the lines after it are read as far as they are understood", v, Version)
			if v > Version {
				msg += "; a newer wsgidev reads them in full"
			}
			src.Problems = append(src.Problems, Problem{Line: n, Message: msg})
		}
		return len(src.Headers) - 1
	}
	src.Entries = append(src.Entries, Entry{Line: n, Session: session, Exchange: l.Exchange})
	return session
}
