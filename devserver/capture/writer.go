package capture

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Writer appends exchanges to a capture file, one whole line per write(2)
// and no buffering in between: a reader following the file sees only whole
// lines but the last, and a crash loses at most the line being written.
type Writer struct {
	mu     sync.Mutex
	f      *os.File
	path   string
	cap    int
	err    error // the first write error; nothing is written after it
	closed bool
	notes  []string // what Create changed in an existing file
}

// Private is the mode of every file holding captured requests: they hold
// cookies and Authorization headers in clear, so only their owner may
// read them (as ssh keeps its keys).
const Private os.FileMode = 0o600

// Create opens path for appending (creating it, private) and starts a
// session with h. A file whose last line was cut short (a crash while
// writing it) has that line removed first, so that it does not become a
// bad line in the middle; an existing file others may read is made
// private, since what is appended holds secrets. Notes says what changed.
func Create(path string, h Header) (*Writer, error) {
	cut, err := dropCutLine(path)
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, Private)
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	w := &Writer{f: f, path: path, cap: h.BodyMax}
	if cut > 0 {
		w.notes = append(w.notes, fmt.Sprintf("%s ended in a line cut short (%d bytes, from a crash while it was written); removed it", path, cut))
	}
	if err := w.makePrivate(); err != nil {
		f.Close()
		return nil, fmt.Errorf("capture: %w", err)
	}
	w.write(EncodeHeader(h))
	if w.err != nil {
		f.Close()
		return nil, w.err
	}
	return w, nil
}

// dropCutLine truncates the file after its last newline when it does not
// end with one, and returns how many bytes went. It reads only the tail.
func dropCutLine(path string) (int64, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	end := info.Size()
	if end == 0 {
		return 0, nil
	}
	head := make([]byte, len(headerStart))
	if _, err := f.ReadAt(head, 0); err != nil || string(head) != headerStart {
		return 0, fmt.Errorf("%s exists and is not a wsgidev capture; give a new file name (or a capture to append to)", path)
	}
	buf := make([]byte, 64<<10)
	for pos := end; pos > 0; {
		n := min(int64(len(buf)), pos)
		pos -= n
		if _, err := f.ReadAt(buf[:n], pos); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			keep := pos + int64(i) + 1
			if keep == end {
				return 0, nil
			}
			return end - keep, os.Truncate(path, keep)
		}
	}
	return end, os.Truncate(path, 0) // its only line, the header, was cut
}

// headerStart is how every capture this package writes begins.
const headerStart = `{"wsgidev_capture":`

// makePrivate takes group and other permissions off a capture that had
// them (one made before captures were private, or by hand).
func (w *Writer) makePrivate() error {
	info, err := w.f.Stat()
	if err != nil {
		return err
	}
	mode := info.Mode().Perm()
	if mode&^Private == 0 {
		return nil
	}
	if err := w.f.Chmod(mode & Private); err != nil {
		return fmt.Errorf("%s can be read by others (%v) and could not be made private: %w; captures hold cookies and Authorization headers, so give a file of your own", w.path, mode, err)
	}
	w.notes = append(w.notes, fmt.Sprintf("%s could be read by others (%v); made it private (%v), as captures hold cookies and Authorization headers", w.path, mode, mode&Private))
	return nil
}

// Notes says what Create changed in an existing file: a cut last line
// removed, permissions tightened.
func (w *Writer) Notes() []string { return w.notes }

// Path is the file being written.
func (w *Writer) Path() string { return w.path }

// Write appends one finished exchange. After a failed write it does nothing
// and returns that first error again.
func (w *Writer) Write(ex *exchange.Exchange) error {
	line := EncodeExchange(ex, w.cap)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.write(line)
	return w.err
}

func (w *Writer) write(line []byte) {
	if w.err != nil || w.closed {
		return
	}
	if _, err := w.f.Write(line); err != nil {
		w.err = fmt.Errorf("capture: writing %s: %w", w.path, err)
	}
}

// Close closes the file; safe twice.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	return w.f.Close()
}
