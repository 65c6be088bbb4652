package devserver

import (
	"fmt"
	"sync"

	"github.com/wsgidev/wsgidev/pyrunner"
)

// stdinWaits are the calls whose app reads sys.stdin (pdb waiting for a
// command, or input()): the inspector or the terminal answers through
// Server.Input.
type stdinWaits struct {
	mu    sync.Mutex
	calls map[uint64]*pyrunner.Call // exchange ID → call, from its first read to its end
}

func (w *stdinWaits) add(id uint64, call *pyrunner.Call) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.calls == nil {
		w.calls = map[uint64]*pyrunner.Call{}
	}
	w.calls[id] = call
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
	for _, call := range w.calls {
		call.Input("", true)
	}
}

// Input answers exchange id's read of sys.stdin with one line, or with the
// end of input (eof). Lines sent ahead of the next read wait for it, so
// nothing typed is lost between two pdb prompts.
func (s *Server) Input(id uint64, line string, eof bool) error {
	s.stdin.mu.Lock()
	call := s.stdin.calls[id]
	s.stdin.mu.Unlock()
	if call == nil {
		return fmt.Errorf("request #%d is not reading stdin (it may have finished)", id)
	}
	call.Input(line, eof)
	return nil
}
