package devserver

import (
	"errors"
	"fmt"
	"sync"

	"github.com/wsgidev/wsgidev/pyrunner"
)

// stdinWaits are the calls whose app reads sys.stdin (pdb waiting for a
// command, or input()): the inspector or the terminal answers through
// Server.Input.
type stdinWaits struct {
	mu    sync.Mutex
	calls map[uint64]*stdinCall // exchange ID → call, from its first read to its end
	asked chan struct{}         // an app asked for a line (buffered: a wake-up, not a count)
}

// stdinCall is one call that reads stdin.
type stdinCall struct {
	call *pyrunner.Call
	// owed is the reads asked for less the lines given: above 0 while the
	// app waits for a line, below while lines typed ahead wait for it.
	owed int
}

// add notes that exchange id's app asks for a line.
func (w *stdinWaits) add(id uint64, call *pyrunner.Call) {
	w.mu.Lock()
	if w.calls == nil {
		w.calls = map[uint64]*stdinCall{}
	}
	c := w.calls[id]
	if c == nil {
		c = &stdinCall{call: call}
		w.calls[id] = c
	}
	c.owed++
	w.mu.Unlock()
	select {
	case w.asked <- struct{}{}:
	default:
	}
}

func (w *stdinWaits) forget(id uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.calls, id)
}

// endAll gives every app waiting for a line the end of input: when the
// server shuts down nobody is left to type, and pdb then quits instead
// of holding the shutdown until its grace runs out.
func (w *stdinWaits) endAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.calls {
		c.call.Input("", true)
	}
}

// reader is the request a line typed now belongs to: the oldest whose app
// waits for one, else the oldest in a pdb session (the line waits for its
// next read). ok is false when no app reads stdin.
func (w *stdinWaits) reader() (id uint64, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var session uint64
	for cid, c := range w.calls {
		if c.owed > 0 && (!ok || cid < id) {
			id, ok = cid, true
		}
		if session == 0 || cid < session {
			session = cid
		}
	}
	if ok {
		return id, true
	}
	return session, session != 0
}

// waiting lists the requests whose app waits for a line now.
func (w *stdinWaits) waiting() []uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	var ids []uint64
	for id, c := range w.calls {
		if c.owed > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// ErrAtPrompt is Interrupt's answer for an app that waits for a line:
// pdb's prompt is up, nothing runs to be interrupted.
var ErrAtPrompt = errors.New("the app waits at pdb's prompt: nothing runs to interrupt (type a command, or c to continue)")

// Interrupt is Ctrl-C for exchange id, whose app runs on after a pdb
// command: the app stops where it runs and pdb's prompt comes back
// (pyrunner.Call.Interrupt).
func (s *Server) Interrupt(id uint64) error {
	s.stdin.mu.Lock()
	c := s.stdin.calls[id]
	waiting := c != nil && c.owed > 0
	s.stdin.mu.Unlock()
	switch {
	case c == nil:
		return fmt.Errorf("request #%d is not in a pdb session (it may have finished)", id)
	case waiting:
		return fmt.Errorf("request #%d: %w", id, ErrAtPrompt)
	}
	c.call.Interrupt()
	return nil
}

// Input answers exchange id's read of sys.stdin with one line, or with the
// end of input (eof). Lines sent ahead of the next read wait for it, so
// nothing typed is lost between two pdb prompts.
func (s *Server) Input(id uint64, line string, eof bool) error {
	s.stdin.mu.Lock()
	c := s.stdin.calls[id]
	if c != nil {
		c.owed--
	}
	s.stdin.mu.Unlock()
	if c == nil {
		return fmt.Errorf("request #%d is not reading stdin (it may have finished)", id)
	}
	c.call.Input(line, eof)
	return nil
}
