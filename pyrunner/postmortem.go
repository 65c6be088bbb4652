package pyrunner

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// framePostMortem opens pdb in the child on the traceback it kept for a
// call (PROTOCOL.md, POST_MORTEM).
const framePostMortem byte = 40

// FailNotKept is the Failure kind of a post-mortem session that found no
// traceback to open: the child says why in Message (dropped by the bound,
// closed before, never kept).
const FailNotKept = "not-kept"

// ErrReloaded is PostMortem's error for a call whose child a reload
// replaced: the tracebacks it kept went with it.
var ErrReloaded = errors.New("the app was reloaded since this request; a reload frees the tracebacks the old process kept")

// PostMortem opens pdb in the child on the traceback it kept when call
// failed (Config.KeepFailures), on a thread of the child's own. The
// session is a call of its own: its output comes as EventLog, its prompt
// as EventInput (answer with Input), its end as EventDone, with a
// FailNotKept failure when there was nothing to open, and a FailCancelled
// one when a reload closed it.
func (r *Runner) PostMortem(call *Call) (*Call, error) {
	c := call.child
	r.mu.Lock()
	current := r.cur == c
	r.mu.Unlock()
	if c.retired.Load() {
		return nil, ErrReloaded
	}
	session := &Call{id: r.nextID.Add(1), child: c, window: defaultWindow, wake: make(chan struct{}, 1), postMortem: true}
	if err := c.register(session); err != nil || !current {
		reason := "it ended"
		if err != nil {
			reason = err.Error()
		}
		return nil, fmt.Errorf("the Python process that ran this request is gone (%s); its tracebacks went with it", reason)
	}
	c.send(framePostMortem, session.id, binary.BigEndian.AppendUint32(nil, call.id))
	return session, nil
}

// closePostMortems cancels the child's post-mortem sessions: a reload
// replaced it, and a session waiting for a line would hold its retirement
// for the whole grace.
func (c *child) closePostMortems() {
	var sessions []*Call
	c.mu.Lock()
	for _, call := range c.calls {
		if call.postMortem {
			sessions = append(sessions, call)
		}
	}
	c.mu.Unlock()
	for _, s := range sessions {
		s.Cancel()
	}
}

// goneFailure is how a call ends when its child ended first. A reload
// closes post-mortem sessions (closePostMortems) but need not wait for
// their end: with little grace the child exits before it answers, and
// the session was closed by the reload all the same.
func (c *Call) goneFailure(reason string) *Failure {
	if c.postMortem && c.child.retired.Load() {
		return &Failure{Kind: FailCancelled, Message: "a reload replaced the Python process"}
	}
	return &Failure{Kind: FailChildExit, Message: reason}
}
