package devserver

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// What a spool keeps of a held request's body: the first spoolMemory bytes
// in memory, the rest in a temporary file, and no more than spoolMax in
// all. A bigger body is read ahead that far; the rest waits in the
// connection, and a client that gives up beyond it is noticed once the
// request is released.
const (
	spoolMemory = 1 << 20
	spoolMax    = 4 << 30
)

// spool reads a request body ahead of the app, in a goroutine of its own,
// while the request is held in the debugger: net/http watches a
// connection for a client that goes away only once its request body has
// been read, and a held request's client waits until it gives up. Reads
// take what was spooled first, then the rest of the body as it comes.
type spool struct {
	src io.ReadCloser

	mu      sync.Mutex
	cond    *sync.Cond  // signalled when the read-ahead stored bytes or stopped
	mem     []byte      // the first spoolMemory bytes
	file    *os.File    // the bytes after mem, when more came; nil until then
	fileLen int64       // bytes in file
	tail    []byte      // bytes no file could take: the read-ahead stops after them
	taken   int64       // bytes handed to the reader
	err     error       // what ended src (io.EOF at its end); nil while it goes on
	running bool        // the read-ahead goroutine reads src
	stop    bool        // the read-ahead ends after its current read
	failed  func(error) // called when src fails (not at its end)
	closed  bool        // discarded: the request is over
	buf     []byte      // the read-ahead's buffer
}

func newSpool(src io.ReadCloser) *spool {
	s := &spool{src: src}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// start reads src ahead until it ends, spoolMax is spooled, or release;
// failed is called when src fails (not at its end).
func (s *spool) start(failed func(error)) {
	s.mu.Lock()
	s.running, s.failed = true, failed
	s.mu.Unlock()
	go s.readAhead()
}

func (s *spool) readAhead() {
	s.buf = make([]byte, 32<<10)
	for {
		s.mu.Lock()
		if s.stop || s.closed || s.size() >= spoolMax || s.tail != nil {
			s.running = false
			s.cond.Broadcast()
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		n, err := s.src.Read(s.buf)
		s.mu.Lock()
		s.store(s.buf[:n])
		if err != nil {
			s.err, s.running = err, false
		}
		s.cond.Broadcast()
		failed := s.failed
		s.mu.Unlock()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				failed(err)
			}
			return
		}
	}
}

// size is how many bytes were spooled; s.mu is held.
func (s *spool) size() int64 { return int64(len(s.mem)) + s.fileLen + int64(len(s.tail)) }

// store keeps p after what was spooled; s.mu is held.
func (s *spool) store(p []byte) {
	if s.closed || len(p) == 0 {
		return
	}
	if room := spoolMemory - len(s.mem); s.file == nil && s.tail == nil && room > 0 {
		k := min(room, len(p))
		s.mem = append(s.mem, p[:k]...)
		p = p[k:]
	}
	if len(p) == 0 {
		return
	}
	if s.file == nil && s.tail == nil {
		s.file, _ = os.CreateTemp("", "wsgidev-body-*") // nil: the bytes go to tail
	}
	if s.tail == nil && s.file != nil {
		n, _ := s.file.WriteAt(p, s.fileLen)
		s.fileLen += int64(n)
		p = p[n:]
	}
	if len(p) > 0 {
		// No file, or it could not take them (a full disk): they wait in
		// memory, and the read-ahead stops here.
		s.tail = append(s.tail, p...)
	}
}

// Read gives what was spooled, in order, then reads src itself once the
// read-ahead has stopped; it waits while the read-ahead may still bring
// the next bytes.
func (s *spool) Read(p []byte) (int, error) {
	s.mu.Lock()
	for s.taken == s.size() && s.err == nil && s.running {
		s.cond.Wait()
	}
	switch {
	case s.taken < s.size():
		n, err := s.readSpooled(p)
		s.mu.Unlock()
		return n, err
	case s.err != nil:
		err := s.err
		s.mu.Unlock()
		return 0, err
	}
	s.mu.Unlock()
	return s.src.Read(p)
}

// readSpooled copies from the spooled bytes at s.taken; s.mu is held.
func (s *spool) readSpooled(p []byte) (int, error) {
	at := s.taken
	var n int
	var err error
	switch memLen := int64(len(s.mem)); {
	case at < memLen:
		n = copy(p, s.mem[at:])
	case at < memLen+s.fileLen:
		off := at - memLen
		n, err = s.file.ReadAt(p[:min(int64(len(p)), s.fileLen-off)], off)
		if err != nil {
			err = fmt.Errorf("devserver: reading a held request's spooled body: %w", err)
		}
	default:
		n = copy(p, s.tail[at-memLen-s.fileLen:])
	}
	s.taken += int64(n)
	return n, err
}

// release ends the read-ahead: the request goes on to the app, which
// reads the rest of the body itself.
func (s *spool) release() {
	s.mu.Lock()
	s.stop = true
	s.mu.Unlock()
}

// discard forgets what was spooled, the file too; the request is over.
func (s *spool) discard() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stop, s.closed = true, true
	s.mem, s.tail, s.fileLen, s.taken = nil, nil, 0, 0
	if s.err == nil {
		s.err = os.ErrClosed
	}
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
		s.file = nil
	}
}

// Close closes the body underneath, as the body it stands in for would.
func (s *spool) Close() error { return s.src.Close() }
