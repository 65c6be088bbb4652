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

// editMode is what the environ editor's input line edits.
type editMode int

const (
	editNone  editMode = iota
	editValue          // the value of the key under the cursor
	editAdd            // a new key, as NAME=value
)

// environEditor edits the environ of a request held before the app: a
// cursor over its keys, a value changed in place, a key added or deleted.
// Each edit goes to the debugger at once, which applies it before the app
// runs (or refuses it, wsgi.* keys for one, and says why); the environ
// shown is the one the debugger publishes back.
type environEditor struct {
	c      *common
	ctl    StepControl
	width  int
	height int

	open    bool
	row     *row
	cursor  int
	offset  int
	mode    editMode
	editKey string // the key being edited, or last edited
	ti      textinput.Model
	err     string // the debugger's answer to the last edit, when it refused
}

var _ component = (*environEditor)(nil)

func newEnvironEditor(c *common, ctl StepControl) *environEditor {
	return &environEditor{c: c, ctl: ctl, ti: newLineInput(c, "")}
}

func (e *environEditor) Init() tea.Cmd             { return nil }
func (e *environEditor) SetSize(width, height int) { e.width, e.height = width, max(height, 3) }
func (e *environEditor) typing() bool              { return e.open && e.mode != editNone }

func (e *environEditor) ShortHelp() []key.Binding {
	k := &e.c.keys.Debug
	if e.typing() {
		return []key.Binding{e.c.keys.Accept, e.c.keys.Cancel, e.c.keys.Quit}
	}
	return []key.Binding{k.EnvUp, k.EnvDown, k.EnvTop, k.EnvEdit, k.EnvAdd, k.EnvDelete, k.Step, k.Continue, k.Abort, k.EnvClose}
}

func (e *environEditor) FullHelp() [][]key.Binding { return [][]key.Binding{e.ShortHelp()} }

func (e *environEditor) start(r *row) {
	e.open, e.row, e.cursor, e.offset, e.mode, e.err = true, r, 0, 0, editNone, ""
}

func (e *environEditor) close() {
	e.open, e.row, e.mode = false, nil, editNone
	e.ti.Blur()
}

// failed shows the debugger's refusal of an edit.
func (e *environEditor) failed(err error) {
	if e.open {
		e.err = err.Error()
	}
}

// follow closes the editor once its request has left the point before the
// app (stepped, continued, aborted, or gone).
func (e *environEditor) follow() {
	if e.open && !beforeApp(e.row) {
		e.close()
	}
}

// Update takes every key while the editor is open.
func (e *environEditor) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if msg, ok := msg.(tea.KeyMsg); ok && e.open {
		return e, e.key(msg)
	}
	return e, nil
}

func (e *environEditor) key(msg tea.KeyMsg) tea.Cmd {
	if e.mode != editNone {
		return e.typingKey(msg)
	}
	k := &e.c.keys.Debug
	if key.Matches(msg, e.c.keys.Quit) {
		return requestQuit
	}
	env := e.row.ex.Environ
	ctl, id := e.ctl, e.row.ex.ID
	act := func(f func(uint64) error) tea.Cmd { return func() tea.Msg { return debugResultMsg{err: f(id)} } }
	switch {
	case key.Matches(msg, k.EnvUp):
		e.move(-1)
	case key.Matches(msg, k.EnvDown):
		e.move(1)
	case key.Matches(msg, k.EnvTop):
		e.move(-len(env))
	case key.Matches(msg, k.EnvBottom):
		e.move(len(env))
	case key.Matches(msg, k.EnvEdit) && e.cursor < len(env):
		v := env[e.cursor]
		if why := notEditable(v); why != "" {
			e.editKey, e.err = v.Key, why // said at once, not after typing
			return nil
		}
		e.mode, e.editKey, e.err = editValue, v.Key, ""
		e.focus(v.Key+" = ", v.Value)
	case key.Matches(msg, k.EnvAdd):
		e.mode, e.err = editAdd, ""
		e.focus("add NAME=value: ", "")
	case key.Matches(msg, k.EnvDelete) && e.cursor < len(env):
		e.err = ""
		name := env[e.cursor].Key
		return func() tea.Msg { return debugResultMsg{err: ctl.EditEnviron(id, name, "", true)} }
	case key.Matches(msg, k.Step):
		return act(ctl.Step)
	case key.Matches(msg, k.Continue):
		return act(ctl.Continue)
	case key.Matches(msg, k.Abort):
		return act(ctl.Abort)
	case key.Matches(msg, k.EnvClose):
		e.close()
	}
	return nil
}

// notEditable says why the editor cannot change v, in the debugger's
// words (devserver checkEdit), or "".
func notEditable(v exchange.EnvVar) string {
	if strings.HasPrefix(v.Key, "wsgi.") || (v.Type != "str" && v.Type != "") {
		return v.Key + " cannot be edited: wsgi.* keys are objects the Python side makes (streams, flags), not text"
	}
	return ""
}

func (e *environEditor) focus(prompt, value string) {
	e.ti.Prompt = prompt
	e.ti.SetValue(value)
	e.ti.CursorEnd()
	e.ti.Focus()
}

func (e *environEditor) typingKey(msg tea.KeyMsg) tea.Cmd {
	if cmd, typed := typeLetters(&e.ti, msg); typed {
		return cmd
	}
	k := &e.c.keys
	switch {
	case key.Matches(msg, k.Quit):
		return requestQuit
	case key.Matches(msg, k.Accept):
		name, value := e.editKey, e.ti.Value()
		if e.mode == editAdd {
			var ok bool
			name, value, ok = strings.Cut(value, "=")
			name = strings.TrimSpace(name)
			if !ok {
				e.err = "write the new key as NAME=value, e.g. HTTP_X_DEBUG=1"
				return nil
			}
		}
		e.mode = editNone
		e.ti.Blur()
		e.editKey = name
		ctl, id := e.ctl, e.row.ex.ID
		return func() tea.Msg { return debugResultMsg{err: ctl.EditEnviron(id, name, value, false)} }
	case key.Matches(msg, k.Cancel):
		e.mode = editNone
		e.ti.Blur()
		return nil
	}
	var cmd tea.Cmd
	e.ti, cmd = e.ti.Update(msg)
	return cmd
}

func (e *environEditor) move(delta int) {
	e.cursor = max(0, min(e.cursor+delta, len(e.row.ex.Environ)-1))
	e.editKey = ""
}

// place keeps the cursor on the key last edited or added, as the
// environ the debugger publishes back may have moved it.
func (e *environEditor) place() {
	env := e.row.ex.Environ
	if e.editKey != "" {
		for i, v := range env {
			if v.Key == e.editKey {
				e.cursor = i
			}
		}
	}
	e.cursor = max(0, min(e.cursor, len(env)-1))
	page := max(1, e.height-3)
	if e.cursor < e.offset {
		e.offset = e.cursor
	}
	if e.cursor >= e.offset+page {
		e.offset = e.cursor - page + 1
	}
}

// editsByKey is the last edit of each key.
func editsByKey(edits []exchange.EnvEdit) map[string]exchange.EnvEdit {
	m := make(map[string]exchange.EnvEdit, len(edits))
	for _, ed := range edits {
		m[ed.Key] = ed
	}
	return m
}

func (e *environEditor) View() string {
	st := &e.c.styles
	e.place()
	r := e.row
	ex := r.ex
	env := ex.Environ
	lines := make([]string, 0, e.height)
	title := st.Section.Render(fmt.Sprintf("Edit the environ of #%d %s %s", ex.ID, ex.Method, sanitize(ex.Target))) +
		"  " + st.Held.Render("⏸ "+describeHeld(ex.Held))
	lines = append(lines, fit(title, e.width))
	note := st.Dim.Render("Edits apply before the app runs; values are text, wsgi.* keys are objects the debugger will not change.")
	if e.err != "" {
		note = st.Error.Render("✗ " + sanitize(e.err))
	}
	lines = append(lines, fit(note, e.width))

	edited := editsByKey(ex.EnvironEdits)
	keyW := 10
	for _, v := range env {
		keyW = max(keyW, ansi.StringWidth(v.Key))
	}
	keyW = min(keyW, 28, max(10, e.width/3))
	page := max(1, e.height-3)
	end := min(len(env), e.offset+page)
	for i := e.offset; i < end; i++ {
		lines = append(lines, e.entry(env[i], i == e.cursor, keyW, edited))
	}
	if e.mode == editAdd {
		e.ti.Width = max(1, e.width-ansi.StringWidth(e.ti.Prompt)-4)
		lines = append(lines, fit("  "+e.ti.View(), e.width))
	}
	var deleted []string
	for _, ed := range ex.EnvironEdits {
		if ed.Op == "delete" && !hasKey(env, ed.Key) {
			deleted = append(deleted, ed.Key)
		}
	}
	if len(deleted) > 0 {
		lines = append(lines, fit(st.Edited.Render("  deleted: "+sanitize(strings.Join(deleted, ", "))), e.width))
	}
	for len(lines) < e.height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:e.height], "\n")
}

func hasKey(env []exchange.EnvVar, k string) bool {
	for _, v := range env {
		if v.Key == k {
			return true
		}
	}
	return false
}

// entry is one key of the editor: the cursor, the name, the value (or the
// input line editing it), and what the debugger changed.
func (e *environEditor) entry(v exchange.EnvVar, selected bool, keyW int, edited map[string]exchange.EnvEdit) string {
	st := &e.c.styles
	mark := "  "
	if selected {
		mark = "› "
	}
	name := pad(fit(v.Key, keyW), keyW)
	if selected && e.mode == editValue {
		e.ti.Width = max(1, e.width-keyW-ansi.StringWidth(e.ti.Prompt)-6)
		return fit(mark+e.ti.View(), e.width)
	}
	value, _, object := pyValue(v)
	valueStyle := st.String
	if object {
		valueStyle = st.Object
	}
	tag := ""
	if ed, ok := edited[v.Key]; ok {
		tag = "  " + st.Edited.Render("(added)")
		if ed.Op == "change" {
			tag = "  " + st.Edited.Render("(was "+pyStrRepr(ed.Old)+")")
		}
	}
	if selected {
		return st.Selected.Render(pad(fit(mark+name+"  "+sanitize(value), e.width-ansi.StringWidth(tag)), e.width-ansi.StringWidth(tag))) + tag
	}
	return fit(mark+st.Key.Render(name)+"  "+valueStyle.Render(sanitize(value))+tag, e.width)
}
