package inspector

import (
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// breakSyntax reminds the user of the breakpoint terms while typing one.
const breakSyntax = "next · GET · /api/* · header:X-Debug=1"

// modal is a part of the screen that has the keyboard.
type modal int

const (
	modalNone    modal = iota
	modalBreak         // typing a breakpoint expression
	modalEditor        // the environ editor, moving between keys
	modalEditing       // the environ editor, typing a value or a new key
	modalConsole       // the pdb console
)

// debugState follows the requests held in the debugger and the
// breakpoints set; the list, the detail and the status bar read it.
type debugState struct {
	ctl    StepControl     // nil: no debugger
	held   map[uint64]*row // requests under the debugger: at a step, or running to the next
	breaks []string
	note   string // what the last debugger action said (an error), until the next key

	pdbWaiting  string // "GET /x" when a pdb session waits for a line
	reloadWaits bool   // a reload waits for the held requests
}

func newDebugState(ctl Control) *debugState {
	d := &debugState{held: map[uint64]*row{}}
	d.ctl, _ = ctl.(StepControl)
	return d
}

// apply follows one update the store has just taken; it reports whether
// the breakpoints may have changed (a once-only one was used up).
func (d *debugState) apply(u exchange.Update, s *store) bool {
	switch {
	case u.Done != nil:
		delete(d.held, u.Done.ID)
	case u.Event != nil:
		of := u.Event
		switch of.Event.Kind {
		case exchange.EventHeld, exchange.EventDebug, exchange.EventEnvironEdit:
		default:
			return false // the common case: no lookups
		}
		r := s.byID[of.ID]
		if r == nil || !r.live {
			r = d.held[of.ID] // cleared from the list, still held
		}
		if r == nil || !r.live {
			return false
		}
		switch of.Event.Kind {
		case exchange.EventHeld:
			r.ex.Held = of.Event.Text
			if of.Environ != nil {
				r.ex.Environ = of.Environ
			}
			first := d.held[of.ID] == nil
			d.held[of.ID] = r
			r.version++
			s.heldChanged()
			return first
		case exchange.EventDebug:
			if of.Event.Text == "step" {
				r.ex.Held = exchange.HeldRunning
			} else {
				r.ex.Held = ""
				delete(d.held, of.ID)
			}
			r.version++
			s.heldChanged()
		case exchange.EventEnvironEdit:
			r.ex.Environ, r.ex.EnvironEdits = of.Environ, of.Edits
			r.version++
		}
	}
	return false
}

// heldCount is how many requests wait at a step.
func (d *debugState) heldCount() int {
	n := 0
	for _, r := range d.held {
		if atGate(r) {
			n++
		}
	}
	return n
}

// atGate is true when r waits at a step for the user.
func atGate(r *row) bool {
	return r != nil && r.live && r.ex.Held != "" && r.ex.Held != exchange.HeldRunning
}

// beforeApp is true when r waits before the app, where its environ can be edited.
func beforeApp(r *row) bool { return r != nil && r.live && r.ex.Held == exchange.HeldBeforeApp }

// describeHeld says where a held request stands.
func describeHeld(pos string) string {
	switch {
	case pos == exchange.HeldBeforeApp:
		return "held before the app is called"
	case pos == exchange.HeldAfterStart:
		return "held after start_response; nothing sent yet"
	case strings.HasPrefix(pos, exchange.HeldBeforeChunk):
		n := strings.TrimSpace(strings.TrimPrefix(pos, exchange.HeldBeforeChunk))
		return "held before chunk " + n + " is sent"
	case pos == exchange.HeldRunning:
		return "stepping: the app runs to its next step"
	}
	return "held at " + pos
}

// debugResultMsg is the outcome of a call into the debugger or the console.
type debugResultMsg struct {
	err    error
	breaks []string // with refresh: the breakpoints now set
	fresh  bool
}

// newLineInput is a text input in the inspector's styles.
func newLineInput(c *common, prompt string) textinput.Model {
	ti := textinput.New()
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Prompt = prompt
	ti.PromptStyle = c.styles.Prompt
	ti.TextStyle = c.styles.Input
	ti.Cursor.Style = c.styles.Selected
	ti.Cursor.TextStyle = c.styles.Input
	ti.CharLimit = 4096
	return ti
}

// modal says which part of the screen has the keyboard.
func (m *Model) modal() modal {
	switch {
	case m.pdb.focused():
		return modalConsole
	case m.editor.typing():
		return modalEditing
	case m.editor.open:
		return modalEditor
	case m.breakLine.Focused():
		return modalBreak
	}
	return modalNone
}

// debugTarget is the request the stepping keys act on.
func (m *Model) debugTarget() *row {
	switch {
	case m.editor.open:
		return m.editor.row
	case m.state == stateList:
		return m.list.selected
	default:
		return m.detail.row
	}
}

// debugKeyState fills in what decides the debugger's keys.
func (m *Model) debugKeyState(ks *keyState) {
	d := m.c.debug
	target := m.debugTarget()
	ks.modal = m.modal()
	ks.typing = ks.typing || ks.modal != modalNone
	ks.debug = d.ctl != nil
	ks.atGate = d.ctl != nil && atGate(target)
	ks.beforeApp = d.ctl != nil && beforeApp(target)
	ks.breaks = len(d.breaks) > 0
	d.reloadWaits = d.ctl != nil && len(d.held) > 0 && d.ctl.ReloadWaits()
	ks.reloadWaits = d.reloadWaits
	ks.pdbAway = m.pdb.away()
	d.pdbWaiting = m.pdb.waitingLabel()
}

// debugKey handles the keys of whatever modal has the keyboard, and the
// debugger's own keys; it reports whether msg was taken.
func (m *Model) debugKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	m.c.debug.note = ""
	switch m.modal() {
	case modalConsole:
		return m.pdb.key(msg), true
	case modalEditor:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			// Keys typed faster than they are read ("jj") are a
			// command each while the editor moves between keys.
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				cmds = append(cmds, m.editor.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
			}
			return tea.Batch(cmds...), true
		}
		return m.editor.key(msg), true
	case modalEditing:
		return m.editor.key(msg), true
	case modalBreak:
		return m.breakKey(msg), true
	}
	k := &m.c.keys
	d := m.c.debug
	target := m.debugTarget()
	switch {
	case key.Matches(msg, k.Step):
		return d.act(target.ex.ID, d.ctl.Step), true
	case key.Matches(msg, k.Continue):
		return d.act(target.ex.ID, d.ctl.Continue), true
	case key.Matches(msg, k.Abort):
		return d.act(target.ex.ID, d.ctl.Abort), true
	case key.Matches(msg, k.BreakNext):
		return d.setBreak("next"), true
	case key.Matches(msg, k.BreakWhen):
		m.breakLine.SetValue("")
		m.breakLine.Focus()
		return nil, true
	case key.Matches(msg, k.ClearBreaks):
		ctl := d.ctl
		return func() tea.Msg { ctl.ClearBreaks(); return debugResultMsg{breaks: ctl.Breaks(), fresh: true} }, true
	case key.Matches(msg, k.EditEnviron):
		m.editor.start(target)
		return nil, true
	case key.Matches(msg, k.ConsoleShow):
		m.pdb.show()
		return nil, true
	}
	return nil, false
}

// breakKey edits the breakpoint expression; enter sets it.
func (m *Model) breakKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.c.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Accept):
		expr := strings.TrimSpace(m.breakLine.Value())
		if breakProblem(expr) != nil {
			m.breakTried = true // the line stays, the error shown as final
			return nil
		}
		m.breakLine.Blur()
		if expr == "" {
			return nil
		}
		return m.c.debug.setBreak(expr)
	case key.Matches(msg, k.Cancel):
		m.breakLine.Blur()
		return nil
	}
	m.breakTried = false
	var cmd tea.Cmd
	m.breakLine, cmd = m.breakLine.Update(msg)
	return cmd
}

// breakProblem is what is wrong with a breakpoint being typed, in the
// words the server would refuse it with (the same parser), or nil.
func breakProblem(expr string) *exchange.FilterError {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	if _, err := exchange.ParseFilter(expr, exchange.InBreakpoint); err != nil {
		return err.(*exchange.FilterError)
	}
	return nil
}

// act runs a debugger call on request id off the UI's goroutine.
func (d *debugState) act(id uint64, f func(uint64) error) tea.Cmd {
	return func() tea.Msg { return debugResultMsg{err: f(id)} }
}

func (d *debugState) setBreak(expr string) tea.Cmd {
	ctl := d.ctl
	return func() tea.Msg {
		err := ctl.Break(expr)
		return debugResultMsg{err: err, breaks: ctl.Breaks(), fresh: true}
	}
}

// refreshBreaks asks which breakpoints are left (after one was used up).
func (d *debugState) refreshBreaks() tea.Cmd {
	if d.ctl == nil {
		return nil
	}
	ctl := d.ctl
	return func() tea.Msg { return debugResultMsg{breaks: ctl.Breaks(), fresh: true} }
}

// debugResult takes the outcome of a debugger call.
func (m *Model) debugResult(msg debugResultMsg) {
	if msg.fresh {
		m.c.debug.breaks = msg.breaks
	}
	if msg.err != nil {
		m.c.debug.note = msg.err.Error()
		m.editor.failed(msg.err)
	}
}

// ingestDebug follows an update in the debugger's state and the pdb
// console; it returns a command when the breakpoints need asking for.
func (m *Model) ingestDebug(u exchange.Update) tea.Cmd {
	if len(m.pdb.sessions) > 0 || (u.Event != nil && u.Event.Event.Kind == exchange.EventInput) {
		m.pdb.apply(u, m.c.store)
	}
	if m.c.debug.apply(u, m.c.store) {
		return m.c.debug.refreshBreaks()
	}
	return nil
}

// keepHeld puts the held requests back after the list is cleared: they
// wait for the user, who could not reach them otherwise.
func (m *Model) keepHeld() {
	d := m.c.debug
	if len(d.held) == 0 {
		return
	}
	ids := make([]uint64, 0, len(d.held))
	for id := range d.held {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b batch
	for _, id := range ids {
		old := d.held[id]
		r := m.c.store.add(old.ex, true, &b)
		r.status, r.chunks, r.sent = old.status, old.chunks, old.sent
		r.refresh()
		d.held[id] = r
	}
	m.c.store.finish(&b)
	m.list.ingested(b)
}

// debugLayout takes the lines the break line and the pdb console need
// out of avail, and returns how many it took.
func (m *Model) debugLayout(width, avail int) int {
	used := 0
	if m.breakLine.Focused() {
		used++
	}
	h := 0
	if m.pdb.visible() {
		h = min(max(8, (avail-used)/2), avail-used-4)
		h = max(h, 0)
	}
	m.pdb.SetSize(width, h)
	return used + h
}

// debugView is the break line and the pdb console, each on lines of
// their own under the list or detail.
func (m *Model) debugView() string {
	var b strings.Builder
	if m.pdb.visible() && m.pdb.height > 0 {
		b.WriteByte('\n')
		b.WriteString(m.pdb.View())
	}
	if m.breakLine.Focused() {
		m.breakLine.Prompt = "break on: "
		right := m.c.styles.Dim.Render(breakSyntax)
		if err := breakProblem(m.breakLine.Value()); err != nil {
			right = filterProblem(&m.c.styles, err, !m.breakTried)
		}
		b.WriteByte('\n')
		b.WriteString(typedBeside(&m.breakLine, right, m.c.width))
	}
	return b.String()
}

// debugHelp is the help of the modal that has the keyboard, if any.
func (m *Model) debugHelp() ([]key.Binding, bool) {
	k := &m.c.keys
	switch m.modal() {
	case modalConsole:
		return m.pdb.ShortHelp(), true
	case modalEditing, modalBreak:
		return []key.Binding{k.Accept, k.Cancel, k.Quit}, true
	case modalEditor:
		return []key.Binding{k.Up, k.Down, k.EnvEdit, k.EnvAdd, k.EnvDelete, k.Step, k.Continue, k.Abort, k.EnvClose}, true
	}
	return nil, false
}

// debugHelpKeys are the debugger's keys for the list's and detail's help.
func (k *KeyMap) debugHelpKeys() []key.Binding {
	return []key.Binding{k.Step, k.Continue, k.Abort, k.EditEnviron, k.BreakNext, k.BreakWhen, k.ClearBreaks, k.ConsoleShow}
}

// debugShortHelp are the debugger's keys that lead the help bar when
// they apply (help leaves out the ones that are off).
func (k *KeyMap) debugShortHelp() []key.Binding {
	return []key.Binding{k.ConsoleShow, k.Step, k.Continue, k.Abort, k.EditEnviron}
}

// debugSegs are the status line's words on the debugger: how many
// requests are held, the breakpoints, a pdb session waiting, an error.
func (s *statusBar) debugSegs() []seg {
	st := &s.c.styles
	d := s.c.debug
	sep := seg{" · ", st.StatusLine}
	var segs []seg
	add := func(g seg) {
		segs = append(segs, g, sep)
	}
	if d.note != "" {
		add(seg{"✗ " + sanitize(firstLine(d.note)), st.Error})
	}
	if w := d.pdbWaiting; w != "" {
		add(seg{"pdb waiting: " + sanitize(w), st.Held})
	}
	if n := d.heldCount(); n > 0 {
		add(seg{"⏸ " + strconv.Itoa(n) + " held", st.Held})
	}
	if d.reloadWaits {
		add(seg{"reload waits (R releases)", st.Warn})
	}
	if len(d.breaks) > 0 {
		add(seg{"break: " + sanitize(strings.Join(d.breaks, ", ")), st.Note})
	}
	return segs
}

// debugEntry is the timeline's line for a debugger or stdin event.
func (d *doc) debugEntry(e exchange.Event) (label string, style lipgloss.Style, detail string, ok bool) {
	st := &d.c.styles
	switch e.Kind {
	case exchange.EventHeld:
		return "⏸ held", st.Held, describeHeld(e.Text), true
	case exchange.EventDebug:
		what, why, _ := strings.Cut(e.Text, ":")
		return "▶ " + what, st.Held, strings.TrimSpace(why), true
	case exchange.EventEnvironEdit:
		return "environ edited", st.Edited, e.Text, true
	case exchange.EventInput:
		return "stdin read", st.Held, "the app waits for a line (pdb's prompt)", true
	}
	return "", st.Plain, "", false
}

// heldNow is the timeline's last line while a request is held: where it
// stands and what the keys do.
func (d *doc) heldNow() (label, detail string) {
	return "⏸ now", describeHeld(d.row.ex.Held) + " · s steps · c continues · A aborts"
}
