package inspector

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Post-mortem debugging: 'd' on a failed request opens pdb on the
// traceback the child kept of it, in the pdb console, at the frame that
// raised. The session is one of the console's, answered through
// ConsoleControl.Input like a request's pdb; it learns of its output,
// prompts and end from exchange.PostMortem updates.

// PostMortemControl is what a Control offers when the child keeps the
// tracebacks of failed requests: PostMortem opens pdb on request id's,
// and returns once it has begun, or with why it cannot (reloaded since,
// dropped by the bound, the child crashed).
type PostMortemControl interface {
	PostMortem(id uint64) error
}

// canPostMortem: the request failed in the app, or answered 5xx (Django
// and Flask answer their own errors), so the child may have kept its
// traceback.
func canPostMortem(r *row) bool {
	if r == nil || r.live {
		return false
	}
	if f := r.ex.Failure; f != nil {
		switch f.Kind {
		case exchange.FailException, exchange.FailWSGI, exchange.FailChildExit:
			return true
		}
	}
	return r.status >= 500
}

// postMortemControl is the Control's PostMortem, or nil.
func (p *pdbConsole) postMortemControl() PostMortemControl {
	pm, _ := p.ctl.(PostMortemControl)
	return pm
}

// syncPostMortem enables 'd' on a failed request while the list or the
// detail view has the keyboard.
func (p *pdbConsole) syncPostMortem(free bool, target *row) {
	p.target = target
	p.c.keys.Console.PostMortem.SetEnabled(free && p.postMortemControl() != nil && canPostMortem(target) &&
		p.session(target.ex.ID) == nil)
}

// postMortem asks for a session on the target request; its updates open
// the pane.
func (p *pdbConsole) postMortem() tea.Cmd {
	pm, id := p.postMortemControl(), p.target.ex.ID
	return func() tea.Msg { return consoleSentMsg{err: pm.PostMortem(id)} }
}

// ingestPostMortem follows a post-mortem session: the first word opens
// the pane on it, the end closes it and says why when the user did not.
func (p *pdbConsole) ingestPostMortem(u *exchange.PostMortem, rows rowSource) {
	s := p.session(u.ID)
	if u.End {
		if s != nil {
			p.end(u.ID)
		}
		if u.Note != "" {
			p.note = u.Note
			p.c.post(noteMsg(fmt.Sprintf("#%d: %s", u.ID, u.Note)))
		}
		return
	}
	if s == nil {
		s = p.begin(u.ID, nil)
		if r := rows.row(u.ID); r != nil {
			s.label = "post-mortem · " + r.ex.Method + " " + r.ex.Target
		}
		p.current = s
		p.ti.Focus()
	}
	s.write(u.Text)
	if u.Input {
		s.waiting = true
	}
}
