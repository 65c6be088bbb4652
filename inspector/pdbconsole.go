package inspector

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// maxTranscript is how much of a pdb session the console keeps.
const maxTranscript = 64 << 10

// pdbSession is one request's pdb (or input()) session: what it printed,
// what was typed, and whether it waits for a line now.
type pdbSession struct {
	id      uint64
	label   string // "GET /pdb"
	text    string // the request's stdout and stderr with the lines typed, as a terminal would show them
	waiting bool
	hidden  bool // the user gave the keys back to the inspector
}

func (s *pdbSession) write(text string) {
	s.text += text
	if len(s.text) > 2*maxTranscript { // trim in bulk
		s.text = s.text[len(s.text)-maxTranscript:]
	}
}

// pdbConsole is the pane where a request's pdb session runs while the
// inspector owns the terminal. It opens when a request waits for a line
// of stdin and then has the keyboard: every key goes to its input line,
// none to the list, until esc hides it (':' brings it back). It closes
// when its request is done, and shows the next session waiting, if any.
// It learns of sessions from the updates the root hands it (ingest) and
// answers them through a ConsoleControl.
type pdbConsole struct {
	c      *common
	ctl    ConsoleControl // nil: nobody can answer
	width  int
	height int
	note   string // what the last line sent met (an error), until the next key

	sessions []*pdbSession // in the order they first asked
	current  *pdbSession   // the one the pane shows
	ti       textinput.Model
	history  []string // lines sent, oldest first, for every session
	recall   int      // where ↑/↓ are in history; len(history) is the line being typed

	target *row // the request 'd' opens a post-mortem of (postmortem.go)
}

// ConsoleKeyMap is the pdb console's keys.
type ConsoleKeyMap struct {
	Show key.Binding // from the list or the detail view, while a session waits
	Send key.Binding
	EOF  key.Binding
	Hide key.Binding
	Prev key.Binding // the line sent before, as in a shell
	Next key.Binding
	// Interrupt is ctrl+c: it stops the app that runs on after a pdb
	// command and brings the prompt back; at the prompt it clears the
	// line typed. It never quits wsgidev.
	Interrupt key.Binding

	PostMortem key.Binding // from the list or the detail view, on a failed request (postmortem.go)
}

// DefaultConsoleKeyMap returns the pdb console's keys.
func DefaultConsoleKeyMap() ConsoleKeyMap {
	return ConsoleKeyMap{
		Show: key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "pdb console")),
		Send: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send line")),
		EOF:  key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "end of input")),
		Hide: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "hide console")),
		Prev: key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "history")),
		Next: key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "next in history")),

		Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "interrupt")),

		PostMortem: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "post-mortem pdb")),
	}
}

func newPdbConsole(c *common, ctl Control) *pdbConsole {
	p := &pdbConsole{c: c, ti: newLineInput(c, "")}
	p.ctl, _ = ctl.(ConsoleControl)
	p.ti.Prompt = ""
	p.ti.PromptStyle = c.styles.Console
	return p
}

func (p *pdbConsole) Init() tea.Cmd             { return nil }
func (p *pdbConsole) SetSize(width, height int) { p.width, p.height = width, height }

// consoleSentMsg is the outcome of a line sent to the app.
type consoleSentMsg struct{ err error }

func (p *pdbConsole) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if key.Matches(msg, p.c.keys.Console.Show) && !p.focused() {
			if len(p.sessions) == 0 {
				p.c.post(flashMsg{"no pdb session: breakpoint() in the app opens one here, with its prompt", false})
			}
			p.show()
			return p, nil
		}
		if key.Matches(msg, p.c.keys.Console.PostMortem) && !p.focused() {
			return p, p.postMortem()
		}
		return p, p.key(msg)
	case consoleSentMsg:
		if msg.err != nil {
			p.note = msg.err.Error()
		}
	}
	return p, nil
}

// clearNote forgets what the last line sent met: a key was pressed.
func (p *pdbConsole) clearNote() { p.note = "" }

// handles reports whether msg is the console's: every key while it has
// the keyboard, and the one that shows it.
func (p *pdbConsole) handles(msg tea.KeyMsg) bool {
	return p.focused() || key.Matches(msg, p.c.keys.Console.Show, p.c.keys.Console.PostMortem)
}

// ShortHelp is the console's keys while it has the keyboard, else the
// one that shows it while a session runs with the console hidden.
func (p *pdbConsole) ShortHelp() []key.Binding {
	k := &p.c.keys.Console
	if !p.focused() {
		keys := []key.Binding{k.PostMortem} // off unless a failed request is at hand
		if p.away() {
			keys = append([]key.Binding{k.Show}, keys...)
		}
		return keys
	}
	return []key.Binding{k.Send, k.Prev, k.EOF, k.Interrupt, k.Hide}
}

func (p *pdbConsole) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// sync enables the console's keys; free is true when the list or the
// detail view has the keyboard.
func (p *pdbConsole) sync(free bool) {
	k, on := &p.c.keys.Console, p.focused()
	for _, b := range []*key.Binding{&k.Send, &k.EOF, &k.Hide, &k.Prev, &k.Next, &k.Interrupt} {
		b.SetEnabled(on)
	}
	k.Show.SetEnabled(free && p.ctl != nil) // with no session it says how to start one
}

// segs are the status line's words on the console: an error, and a
// session waiting for a line.
func (p *pdbConsole) segs() []seg {
	var segs []seg
	if p.note != "" {
		segs = append(segs, seg{"✗ " + sanitize(firstLine(p.note)), p.c.styles.Error})
	}
	if w := p.waitingLabel(); w != "" {
		segs = append(segs, seg{"pdb waiting: " + sanitize(w), p.c.styles.Held})
	}
	return segs
}

// focused: the pane is shown and has the keyboard.
func (p *pdbConsole) focused() bool { return p.ctl != nil && p.current != nil && !p.current.hidden }
func (p *pdbConsole) visible() bool { return p.focused() }

// away: a session runs but its pane is hidden.
func (p *pdbConsole) away() bool { return p.ctl != nil && len(p.sessions) > 0 && !p.focused() }

// show brings the pane back with the session that waits, or the last shown.
func (p *pdbConsole) show() {
	if p.current == nil || !p.current.waiting {
		for _, s := range p.sessions {
			if s.waiting {
				p.current = s
				break
			}
		}
	}
	if p.current == nil && len(p.sessions) > 0 {
		p.current = p.sessions[0]
	}
	if p.current != nil {
		p.current.hidden = false
		p.ti.Focus()
	}
}

// waitingLabel names a request whose app waits for a line, for the status line.
func (p *pdbConsole) waitingLabel() string {
	if p.current != nil && p.current.waiting {
		return p.current.label
	}
	for _, s := range p.sessions {
		if s.waiting {
			return s.label
		}
	}
	return ""
}

func (p *pdbConsole) session(id uint64) *pdbSession {
	for _, s := range p.sessions {
		if s.id == id {
			return s
		}
	}
	return nil
}

// ingest follows one update the store has just taken.
func (p *pdbConsole) ingest(u exchange.Update, rows rowSource) {
	if p.ctl == nil || (len(p.sessions) == 0 && (u.Event == nil || u.Event.Event.Kind != exchange.EventInput)) {
		return // the common case: no session, and none starts
	}
	switch {
	case u.Done != nil:
		p.end(u.Done.ID)
	case u.Event != nil && u.Event.Event.Kind == exchange.EventLog && onTerminal(u.Event.Event.Stream):
		if s := p.session(u.Event.ID); s != nil {
			s.write(u.Event.Event.Text)
		}
	case u.Event != nil && u.Event.Event.Kind == exchange.EventInput:
		s := p.session(u.Event.ID)
		if s == nil {
			s = p.begin(u.Event.ID, rows.row(u.Event.ID))
		}
		s.waiting = true
		if p.current == nil {
			p.current = s
			p.ti.Focus()
		}
	}
}

// onTerminal is true for the streams a terminal would show the app's pdb
// session on: stdout and stderr. What was typed (stdin) the console
// echoes as it is sent.
func onTerminal(stream string) bool { return stream == "stdout" || stream == "stderr" }

// begin starts a session with what the request printed before it asked.
func (p *pdbConsole) begin(id uint64, r *row) *pdbSession {
	s := &pdbSession{id: id, label: fmt.Sprintf("request #%d", id)}
	if r != nil {
		s.label = r.ex.Method + " " + r.ex.Target
		for _, e := range r.ex.Events {
			if e.Kind == exchange.EventLog && onTerminal(e.Stream) {
				s.write(e.Text)
			}
		}
		// The event that asked is in the row too, after the output.
	}
	p.sessions = append(p.sessions, s)
	return s
}

// end forgets a finished request's session and shows the next one waiting.
func (p *pdbConsole) end(id uint64) {
	for i, s := range p.sessions {
		if s.id != id {
			continue
		}
		p.sessions = append(p.sessions[:i], p.sessions[i+1:]...)
		if p.current == s {
			p.current = nil
			for _, next := range p.sessions {
				if next.waiting {
					p.current = next
					break
				}
			}
			if p.current == nil {
				p.ti.Reset()
			}
		}
		return
	}
}

// key takes every key while the pane has the keyboard.
func (p *pdbConsole) key(msg tea.KeyMsg) tea.Cmd {
	k := &p.c.keys.Console
	s := p.current
	if cmd, typed := typeLetters(&p.ti, msg); typed { // pdb's "up" is a command, not the history key
		return cmd
	}
	switch {
	case key.Matches(msg, k.Interrupt):
		return p.interrupt(s)
	case key.Matches(msg, k.Hide):
		s.hidden = true
		return nil
	case key.Matches(msg, k.Send):
		line := p.ti.Value()
		p.ti.Reset()
		if line != "" && (len(p.history) == 0 || p.history[len(p.history)-1] != line) {
			p.history = append(p.history, line)
		}
		p.recall = len(p.history)
		return p.send(s, line+"\n", false)
	case key.Matches(msg, k.Prev):
		p.recallLine(-1)
		return nil
	case key.Matches(msg, k.Next):
		p.recallLine(1)
		return nil
	case key.Matches(msg, k.EOF):
		return p.send(s, "", true)
	}
	var cmd tea.Cmd
	p.ti, cmd = p.ti.Update(msg)
	return cmd
}

// interrupt is ctrl+c: at pdb's prompt it clears the line typed, as a
// shell does; while the app runs on after a command it stops the app
// there and pdb's prompt comes back.
func (p *pdbConsole) interrupt(s *pdbSession) tea.Cmd {
	if s.waiting {
		p.ti.Reset()
		p.recall = len(p.history)
		return nil
	}
	s.write("^C\n")
	ctl, id := p.ctl, s.id
	return func() tea.Msg { return consoleSentMsg{err: ctl.Interrupt(id)} }
}

// recallLine puts the line sent before (-1) or after (+1) the one shown
// in the input line; past the newest it is empty again.
func (p *pdbConsole) recallLine(delta int) {
	p.recall = max(0, min(p.recall+delta, len(p.history)))
	line := ""
	if p.recall < len(p.history) {
		line = p.history[p.recall]
	}
	p.ti.SetValue(line)
	p.ti.CursorEnd()
}

// send answers the session's read; what was typed shows in the transcript,
// as a terminal would echo it.
func (p *pdbConsole) send(s *pdbSession, line string, eof bool) tea.Cmd {
	if eof {
		s.write("^D\n")
	} else {
		s.write(line)
	}
	s.waiting = false
	ctl, id := p.ctl, s.id
	return func() tea.Msg { return consoleSentMsg{err: ctl.Input(id, line, eof)} }
}

func (p *pdbConsole) View() string {
	st := &p.c.styles
	s := p.current
	title := "── pdb · " + sanitize(s.label) + " "
	if n := len(p.sessions) - 1; n > 0 {
		title += fmt.Sprintf("(%d more) ", n)
	}
	title = st.PaneTitle.Render(fit(title, p.width))
	title = pad(title+st.Faint.Render(strings.Repeat("─", max(0, p.width-ansi.StringWidth(title)))), p.width)

	text, prompt := s.text, ""
	if s.waiting {
		if i := strings.LastIndexByte(text, '\n'); i+1 < len(text) {
			text, prompt = text[:i+1], text[i+1:] // the app's prompt: "(Pdb) "
		}
	} else {
		prompt = "» " // lines typed now wait for the app's next read
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		lines = append(lines, wrap(sanitize(l), max(1, p.width))...)
	}
	n := max(0, p.height-2)
	lines = lines[max(0, len(lines)-n):]

	out := make([]string, 0, p.height)
	out = append(out, title)
	for range n - len(lines) { // the transcript ends at the input line, as on a terminal
		out = append(out, "")
	}
	for _, l := range lines {
		out = append(out, st.Console.Render(fit(l, p.width)))
	}
	p.ti.Prompt = sanitize(prompt)
	p.ti.Width = max(1, p.width-ansi.StringWidth(p.ti.Prompt)-2)
	out = append(out, fit(p.ti.View(), p.width))
	return strings.Join(out[:max(0, p.height)], "\n")
}
