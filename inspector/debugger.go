package inspector

import (
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// debugger is the debugger's part of the inspector: it follows the
// requests held in the server's debugger and the breakpoints set, steps
// the request the root points it at, takes a breakpoint typed after W,
// and owns the environ editor of a request held before the app. It asks
// the server through a StepControl, and learns what happened from the
// updates the root hands it (ingest).
type debugger struct {
	c      *common
	ctl    StepControl     // nil: no debugger
	held   map[uint64]*row // requests under the debugger: at a step, or running to the next
	breaks []string
	note   string // what the last debugger action said (an error), until the next key

	target      *row // the request the list or the detail view shows (setTarget)
	reloadWaits bool // a reload waits for the held requests

	line   textinput.Model // a breakpoint being typed after W
	tried  bool            // enter was pressed on a breakpoint that does not parse
	editor *environEditor
}

// DebugKeyMap is the debugger's keys: breakpoints, stepping the request
// at hand, and the environ editor's.
type DebugKeyMap struct {
	Step        key.Binding
	Continue    key.Binding
	Abort       key.Binding
	BreakNext   key.Binding
	BreakWhen   key.Binding
	ClearBreaks key.Binding
	EditEnviron key.Binding

	// The environ editor of a request held before the app (environedit.go).
	EnvUp     key.Binding
	EnvDown   key.Binding
	EnvTop    key.Binding
	EnvBottom key.Binding
	EnvEdit   key.Binding
	EnvAdd    key.Binding
	EnvDelete key.Binding
	EnvClose  key.Binding
}

// DefaultDebugKeyMap returns the debugger's keys.
func DefaultDebugKeyMap() DebugKeyMap {
	return DebugKeyMap{
		Step:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "step")),
		Continue:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "continue")),
		Abort:       key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "abort (503)")),
		BreakNext:   key.NewBinding(key.WithKeys("B"), key.WithHelp("B", "break on next request")),
		BreakWhen:   key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "break when…")),
		ClearBreaks: key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "clear breakpoints")),
		EditEnviron: key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "edit environ")),

		EnvUp:     key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		EnvDown:   key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		EnvTop:    key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/G", "first/last")),
		EnvBottom: key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "last")),
		EnvEdit:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "edit value")),
		EnvAdd:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add key")),
		EnvDelete: key.NewBinding(key.WithKeys("x", "delete"), key.WithHelp("x", "delete key")),
		EnvClose:  key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("q/esc", "close editor")),
	}
}

// breakSyntax reminds the user of the breakpoint terms while typing one.
const breakSyntax = "next · GET · /api/* · header:X-Debug=1"

func newDebugger(c *common, ctl Control) *debugger {
	step, _ := ctl.(StepControl)
	return &debugger{c: c, ctl: step, held: map[uint64]*row{}, line: newLineInput(c, "break on: "), editor: newEnvironEditor(c, step)}
}

// Init asks which breakpoints --break set.
func (d *debugger) Init() tea.Cmd { return d.refreshBreaks() }

// SetSize sizes the environ editor, which takes the list's place.
func (d *debugger) SetSize(width, height int) { d.editor.SetSize(width, height) }

// setTarget says which request the stepping keys act on when the editor
// is closed: the list's selection or the request the detail view shows.
func (d *debugger) setTarget(r *row) { d.target = r }

// focused is true when the debugger has the keyboard: the W line or the
// environ editor is open.
func (d *debugger) focused() bool { return d.line.Focused() || d.editor.open }

// clearNote forgets what the last action said: a key was pressed.
func (d *debugger) clearNote() { d.note = "" }

// lineOpen is true while a breakpoint is typed after W.
func (d *debugger) lineOpen() bool { return d.line.Focused() }

// typing is true while a text is typed: a breakpoint, or in the editor.
func (d *debugger) typing() bool { return d.line.Focused() || d.editor.typing() }

// at is the request the stepping keys act on.
func (d *debugger) at() *row {
	if d.editor.open {
		return d.editor.row
	}
	return d.target
}

// debugResultMsg is the outcome of a call into the server's debugger.
type debugResultMsg struct {
	err    error
	breaks []string // with fresh: the breakpoints now set
	fresh  bool
}

func (d *debugger) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return d, d.key(msg)
	case debugResultMsg:
		if msg.fresh {
			d.breaks = msg.breaks
		}
		if msg.err != nil {
			d.note = msg.err.Error()
			d.editor.failed(msg.err)
		}
	}
	return d, nil
}

// handles reports whether msg is one of the debugger's keys that apply now.
func (d *debugger) handles(msg tea.KeyMsg) bool {
	k := &d.c.keys.Debug
	return d.focused() || key.Matches(msg, k.Step, k.Continue, k.Abort, k.BreakNext, k.BreakWhen, k.ClearBreaks, k.EditEnviron)
}

func (d *debugger) key(msg tea.KeyMsg) tea.Cmd {
	switch {
	case d.line.Focused():
		return d.lineKey(msg)
	case d.editor.open:
		_, cmd := d.editor.Update(msg)
		return cmd
	}
	k := &d.c.keys.Debug
	switch at := d.at(); {
	case key.Matches(msg, k.Step):
		return d.act(at.ex.ID, d.ctl.Step)
	case key.Matches(msg, k.Continue):
		return d.act(at.ex.ID, d.ctl.Continue)
	case key.Matches(msg, k.Abort):
		return d.act(at.ex.ID, d.ctl.Abort)
	case key.Matches(msg, k.BreakNext):
		return d.setBreak("next")
	case key.Matches(msg, k.BreakWhen):
		d.line.SetValue("")
		d.line.Focus()
	case key.Matches(msg, k.ClearBreaks):
		ctl := d.ctl
		return func() tea.Msg { ctl.ClearBreaks(); return debugResultMsg{breaks: ctl.Breaks(), fresh: true} }
	case key.Matches(msg, k.EditEnviron):
		d.editor.start(at)
	}
	return nil
}

// lineKey edits the breakpoint typed after W; enter sets it, unless it
// does not parse: then it stays, its error shown as final.
func (d *debugger) lineKey(msg tea.KeyMsg) tea.Cmd {
	if cmd, typed := typeLetters(&d.line, msg); typed {
		d.tried = false
		return cmd
	}
	k := &d.c.keys
	switch {
	case key.Matches(msg, k.Quit):
		return requestQuit
	case key.Matches(msg, k.Accept):
		expr := strings.TrimSpace(d.line.Value())
		if breakProblem(expr) != nil {
			d.tried = true
			return nil
		}
		d.line.Blur()
		if expr == "" {
			return nil
		}
		return d.setBreak(expr)
	case key.Matches(msg, k.Cancel):
		d.line.Blur()
		return nil
	}
	d.tried = false
	var cmd tea.Cmd
	d.line, cmd = d.line.Update(msg)
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
func (d *debugger) act(id uint64, f func(uint64) error) tea.Cmd {
	return func() tea.Msg { return debugResultMsg{err: f(id)} }
}

func (d *debugger) setBreak(expr string) tea.Cmd {
	ctl := d.ctl
	return func() tea.Msg {
		err := ctl.Break(expr)
		return debugResultMsg{err: err, breaks: ctl.Breaks(), fresh: true}
	}
}

// refreshBreaks asks which breakpoints are left (after one was used up).
func (d *debugger) refreshBreaks() tea.Cmd {
	if d.ctl == nil {
		return nil
	}
	ctl := d.ctl
	return func() tea.Msg { return debugResultMsg{breaks: ctl.Breaks(), fresh: true} }
}

// ingest follows one update the store has just taken. changed says a
// request's place in the debugger changed; the command asks for the
// breakpoints again when a request was first held (a once-only one is
// used up then).
func (d *debugger) ingest(u exchange.Update, rows rowSource) (changed bool, cmd tea.Cmd) {
	switch {
	case u.Done != nil:
		if d.held[u.Done.ID] != nil {
			delete(d.held, u.Done.ID)
			changed = true
		}
	case u.Event != nil:
		switch u.Event.Event.Kind {
		case exchange.EventHeld, exchange.EventDebug, exchange.EventEnvironEdit:
			return d.apply(u.Event, rows)
		}
	}
	return changed, nil
}

// apply applies a debugger event to its row.
func (d *debugger) apply(of *exchange.EventOf, rows rowSource) (changed bool, cmd tea.Cmd) {
	r := rows.row(of.ID)
	if r == nil || !r.live {
		r = d.held[of.ID] // cleared from the list, still held
	}
	if r == nil || !r.live {
		return false, nil
	}
	r.version++
	switch of.Event.Kind {
	case exchange.EventHeld:
		r.ex.Held = of.Event.Text
		if of.Environ != nil {
			r.ex.Environ = of.Environ
		}
		if d.held[of.ID] == nil {
			cmd = d.refreshBreaks()
		}
		d.held[of.ID] = r
		return true, cmd
	case exchange.EventDebug:
		if of.Event.Text == "step" {
			r.ex.Held = exchange.HeldRunning
		} else {
			r.ex.Held = ""
			delete(d.held, of.ID)
		}
		return true, nil
	default: // EventEnvironEdit
		r.ex.Environ, r.ex.EnvironEdits = of.Environ, of.Edits
		return false, nil
	}
}

// heldRows are the requests held, oldest first: after the list is
// cleared the root puts them back, as they wait for the user.
func (d *debugger) heldRows() []*row {
	ids := make([]uint64, 0, len(d.held))
	for id := range d.held {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	rows := make([]*row, len(ids))
	for i, id := range ids {
		rows[i] = d.held[id]
	}
	return rows
}

// keep follows a held request that the root put back in the list as r.
func (d *debugger) keep(r *row) { d.held[r.ex.ID] = r }

// heldCount is how many requests wait at a step.
func (d *debugger) heldCount() int {
	n := 0
	for _, r := range d.held {
		if atGate(r) {
			n++
		}
	}
	return n
}

// follow closes the environ editor once its request has left the point
// before the app (stepped, continued, aborted, or gone).
func (d *debugger) follow() { d.editor.follow() }

// sync brings the keys and what the status line says up to date; free
// is true when the list or the detail view has the keyboard.
func (d *debugger) sync(free bool) {
	d.reloadWaits = d.ctl != nil && len(d.held) > 0 && d.ctl.ReloadWaits()
	at, k := d.at(), &d.c.keys.Debug
	free = free && !d.focused()
	editor := d.editor.open && !d.editor.typing()
	atGate := d.ctl != nil && atGate(at)
	for _, b := range []*key.Binding{&k.Step, &k.Continue, &k.Abort} {
		b.SetEnabled((free || editor) && atGate)
	}
	k.BreakNext.SetEnabled(free && d.ctl != nil)
	k.BreakWhen.SetEnabled(free && d.ctl != nil)
	k.ClearBreaks.SetEnabled(free && len(d.breaks) > 0)
	k.EditEnviron.SetEnabled(free && d.ctl != nil && beforeApp(at))
	for _, b := range []*key.Binding{&k.EnvEdit, &k.EnvAdd, &k.EnvDelete} {
		b.SetEnabled(editor && beforeApp(at))
	}
	for _, b := range []*key.Binding{&k.EnvUp, &k.EnvDown, &k.EnvTop, &k.EnvBottom, &k.EnvClose} {
		b.SetEnabled(editor)
	}
}

// View is the W line, on a line of its own under the list or detail
// view; "" when it is closed. The environ editor draws in the list's
// place (editorView).
func (d *debugger) View() string {
	if !d.line.Focused() {
		return ""
	}
	st := &d.c.styles
	right := st.Dim.Render(breakSyntax)
	if err := breakProblem(d.line.Value()); err != nil {
		right = filterProblem(st, err, !d.tried)
	}
	return typedBeside(&d.line, right, d.c.width)
}

// editorView is the environ editor, when it is open.
func (d *debugger) editorView() (string, bool) {
	if !d.editor.open {
		return "", false
	}
	return d.editor.View(), true
}

// ShortHelp is the help of the debugger when it has the keyboard, or its
// keys that lead the help bar when they apply.
func (d *debugger) ShortHelp() []key.Binding {
	k, g := &d.c.keys.Debug, &d.c.keys
	switch {
	case d.typing():
		return []key.Binding{g.Accept, g.Cancel, g.Quit}
	case d.editor.open:
		return []key.Binding{k.EnvUp, k.EnvDown, k.EnvTop, k.EnvEdit, k.EnvAdd, k.EnvDelete, k.Step, k.Continue, k.Abort, k.EnvClose}
	}
	return []key.Binding{k.Step, k.Continue, k.Abort, k.EditEnviron}
}

// FullHelp is the debugger's column of the full help.
func (d *debugger) FullHelp() [][]key.Binding {
	if d.focused() {
		return [][]key.Binding{d.ShortHelp()}
	}
	k := &d.c.keys.Debug
	return [][]key.Binding{{k.Step, k.Continue, k.Abort, k.EditEnviron, k.BreakNext, k.BreakWhen, k.ClearBreaks}}
}

// noteSegs and stateSegs are the status line's words on the debugger:
// an error, then how many requests are held, whether a reload waits for
// them, and the breakpoints.
func (d *debugger) noteSegs() []seg {
	if d.note == "" {
		return nil
	}
	return []seg{{"✗ " + sanitize(firstLine(d.note)), d.c.styles.Error}}
}

func (d *debugger) stateSegs() []seg {
	st := &d.c.styles
	var segs []seg
	if n := d.heldCount(); n > 0 {
		segs = append(segs, seg{"⏸ " + strconv.Itoa(n) + " held", st.Held})
	}
	if d.reloadWaits {
		segs = append(segs, seg{"reload waits (R releases)", st.Warn})
	}
	if len(d.breaks) > 0 {
		segs = append(segs, seg{"break: " + sanitize(strings.Join(d.breaks, ", ")), st.Note})
	}
	return segs
}
