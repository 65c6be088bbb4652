package devserver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// Post-mortem debugging: the child keeps the tracebacks of the last
// failures (pyrunner.Config.KeepFailures); the server remembers which call
// each failed exchange was, and opens pdb on it when a UI asks. The
// session's output and prompts go to the hub as exchange.PostMortem
// updates, and its lines come back through Server.Input like those of a
// request's pdb.

// postMortemBackend is a Backend whose child keeps failures' tracebacks
// (pyrunner.Runner).
type postMortemBackend interface {
	PostMortem(call *pyrunner.Call) (*pyrunner.Call, error)
}

// maxFailedCalls bounds the failed calls remembered; the child keeps far
// fewer tracebacks, and says why it has none for an older one.
const maxFailedCalls = 1000

// postMortemStart bounds the wait for a session's first word: pdb's
// header, or why there is nothing to open.
const postMortemStart = 10 * time.Second

// failedCalls are the calls of the exchanges that failed (or answered
// 5xx: Django answers its own errors), and the sessions open on them.
type failedCalls struct {
	mu    sync.Mutex
	calls map[uint64]*pyrunner.Call // exchange ID → its call
	order []uint64                  // oldest first
	open  map[uint64]bool
}

// remember notes exchange id's call if it failed.
func (p *failedCalls) remember(id uint64, call *pyrunner.Call, f *pyrunner.Failure, status string) {
	failed := f != nil && (f.Kind == pyrunner.FailException || f.Kind == pyrunner.FailWSGI)
	if !failed && !strings.HasPrefix(status, "5") {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.calls == nil {
		p.calls, p.open = map[uint64]*pyrunner.Call{}, map[uint64]bool{}
	}
	p.calls[id] = call
	p.order = append(p.order, id)
	if len(p.order) > maxFailedCalls {
		delete(p.calls, p.order[0])
		p.order = p.order[1:]
	}
}

// begin marks a session open on exchange id and returns its call.
func (p *failedCalls) begin(id uint64) (*pyrunner.Call, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	call := p.calls[id]
	switch {
	case call == nil:
		return nil, fmt.Errorf("no traceback was kept for request #%d: it did not fail in the app, or is older than the last %d failures", id, maxFailedCalls)
	case p.open[id]:
		return nil, fmt.Errorf("a post-mortem of request #%d is open already", id)
	}
	p.open[id] = true
	return call, nil
}

func (p *failedCalls) end(id uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.open, id)
}

// PostMortem opens pdb on the traceback the child kept when exchange id
// failed. It returns once the session has begun, or with why it cannot:
// the app was reloaded since, the child crashed, the bound dropped it.
func (s *Server) PostMortem(id uint64) error {
	b, ok := s.cfg.Backend.(postMortemBackend)
	if !ok {
		return errors.New("post-mortem: this server keeps no tracebacks")
	}
	call, err := s.failed.begin(id)
	if err != nil {
		return fmt.Errorf("post-mortem: %w", err)
	}
	session, err := b.PostMortem(call)
	if err != nil {
		s.failed.end(id)
		return fmt.Errorf("post-mortem of request #%d: %w", id, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), postMortemStart)
	first, err := session.Next(ctx)
	cancel()
	if err == nil && first.Kind == pyrunner.EventDone && first.Failure != nil {
		s.failed.end(id)
		return fmt.Errorf("post-mortem of request #%d: %s", id, first.Failure.Message)
	}
	go s.relayPostMortem(id, session, first)
	return nil
}

// relayPostMortem publishes a session's output and prompts until it ends.
func (s *Server) relayPostMortem(id uint64, session *pyrunner.Call, ev pyrunner.Event) {
	defer s.failed.end(id)
	for {
		u := &exchange.PostMortem{ID: id}
		switch ev.Kind {
		case pyrunner.EventLog:
			if ev.Stream != pyrunner.StreamStdout && ev.Stream != pyrunner.StreamStderr {
				u = nil // what pdb's terminal would not show
				break
			}
			u.Text = ev.Text
		case pyrunner.EventInput:
			s.stdin.add(id, session)
			u.Input = true
		case pyrunner.EventDone:
			s.stdin.forget(id)
			u.End, u.Note = true, postMortemEnd(ev.Failure)
		default:
			u = nil
		}
		if u != nil {
			s.cfg.Hub.Publish(exchange.Update{PostMortem: u})
		}
		if ev.Kind == pyrunner.EventDone {
			return
		}
		ev, _ = session.Next(context.Background()) // a session ends with its child at the latest
	}
}

// postMortemEnd says why a session ended when the user did not end it.
func postMortemEnd(f *pyrunner.Failure) string {
	switch {
	case f == nil:
		return ""
	case f.Kind == pyrunner.FailCancelled:
		return "the app was reloaded: the post-mortem was closed and its frames freed"
	case f.Kind == pyrunner.FailChildExit:
		return "the post-mortem ended with its Python process: " + f.Message
	}
	return "the post-mortem ended: " + f.Message
}
