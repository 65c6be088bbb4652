package inspector

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// sync brings everything derived up to date after an Update: which keys
// apply, what the status bar says about the list, the help, the layout.
func (m *Model) sync() {
	m.debug.follow()
	taken := m.keyboardTaken()
	free := !taken && (m.state == stateList || m.state == stateDetail)
	m.debug.setTarget(m.shown())
	m.debug.sync(free)
	m.pdb.sync(free)
	m.pdb.syncPostMortem(free, m.shown())
	m.replays.setTarget(m.shown())
	m.save.setTarget(m.shown())
	m.replays.sync(free, m.state == statePane && !taken)
	ks := keyState{
		state:      m.state,
		typing:     taken,
		filtering:  m.c.store.filter.shown(),
		searching:  m.detail.search != "",
		rows:       m.c.store.len() > 0,
		canReload:  m.c.opts.Control != nil,
		canExplain: m.c.opts.Explain != nil,
		explaining: m.c.explain,
		bodyViewOK: m.state == stateDetail && m.detail.canCycle(),
		fullHelp:   m.help.ShowAll,

		reloadWaits: m.debug.reloadWaits,
	}
	m.bodyKeyState(&ks)
	m.c.keys.apply(ks)
	m.status.newCount, m.status.paused = m.list.newCount, !m.list.follow
	m.status.extra = m.statusSegs()
	m.help.Width = m.c.width
	m.helpView = m.fitHelp(m.help.View(m))
	m.layout()
}

// fitHelp keeps the help within the screen: no line wider than it, and
// on a short screen only the first lines of the full help.
func (m *Model) fitHelp(view string) string {
	lines := strings.Split(view, "\n")
	lines = lines[:max(1, min(len(lines), m.c.height-6))]
	for i, l := range lines {
		lines[i] = fit(l, m.c.width)
	}
	return strings.Join(lines, "\n")
}

// inputShown is true when the input line takes a line of the screen.
func (m *Model) inputShown() bool {
	return m.input.active() || (m.state == stateList && m.c.store.filter.shown()) ||
		(m.state == stateDetail && m.detail.search != "")
}

// layout shares the height out: the title and status lines, the help, the
// input line and the log pane take what they need; the list or the detail
// view gets the rest.
func (m *Model) layout() {
	w, h := m.c.width, m.c.height
	avail := h - 2 - (strings.Count(m.helpView, "\n") + 1)
	if m.inputShown() {
		avail--
	}
	if m.debug.lineOpen() {
		avail--
	}
	if m.save.focused() {
		avail--
	}
	pdbH := 0
	if m.pdb.visible() {
		pdbH = max(0, min(max(8, avail/2), avail-4))
	}
	m.pdb.SetSize(w, pdbH)
	avail -= pdbH
	logH := 0
	if m.showLog {
		logH = min(max(5, avail/3), avail-6)
		if logH < 2 {
			logH = 0
		}
	}
	body := max(3, avail-logH)
	m.list.SetSize(w, body)
	m.detail.SetSize(w, body)
	m.replays.SetSize(w, body)
	m.debug.SetSize(w, body)
	m.logs.SetSize(w, logH)
	m.status.SetSize(w, 1)
}

func (m Model) View() string {
	if m.c.width <= 0 || m.c.height <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(m.status.title())
	b.WriteByte('\n')
	editor, editing := m.debug.editorView()
	switch {
	case editing:
		b.WriteString(editor)
	case m.state == stateList:
		b.WriteString(m.list.View())
	case m.state == statePane:
		b.WriteString(m.replays.View())
	default:
		b.WriteString(m.detail.View())
	}
	if m.showLog && m.logs.height > 0 {
		b.WriteByte('\n')
		b.WriteString(m.logs.View())
	}
	if m.pdb.visible() && m.pdb.height > 0 {
		b.WriteByte('\n')
		b.WriteString(m.pdb.View())
	}
	if line := m.debug.View(); line != "" {
		b.WriteByte('\n')
		b.WriteString(line)
	}
	if line := m.save.View(); line != "" {
		b.WriteByte('\n')
		b.WriteString(line)
	}
	if m.inputShown() {
		b.WriteByte('\n')
		b.WriteString(m.input.view(m.state, m.detail.search, m.c.width))
	}
	b.WriteByte('\n')
	b.WriteString(m.status.View())
	b.WriteByte('\n')
	b.WriteString(m.helpView)
	return b.String()
}

// ShortHelp is the help bar: the keys of what has the focus.
func (m Model) ShortHelp() []key.Binding {
	k := &m.c.keys
	switch {
	case m.pdb.focused():
		return m.pdb.ShortHelp()
	case m.debug.focused():
		return m.debug.ShortHelp()
	case m.save.focused():
		return m.save.ShortHelp()
	case m.input.active():
		return []key.Binding{k.Accept, k.Cancel, k.Quit}
	case m.state == stateList:
		return append(m.leadingKeys(), m.list.ShortHelp()...)
	case m.state == statePane:
		return m.replays.ShortHelp()
	default:
		return append(m.leadingKeys(), m.detail.ShortHelp()...)
	}
}

// leadingKeys lead the help bar when they apply (help leaves out the
// ones that are off): the pdb console's and the debugger's.
func (m *Model) leadingKeys() []key.Binding {
	return append(m.pdb.ShortHelp(), m.debug.ShortHelp()...)
}

// FullHelp is the help shown on '?'.
func (m Model) FullHelp() [][]key.Binding {
	k := &m.c.keys
	switch {
	case m.pdb.focused():
		return m.pdb.FullHelp()
	case m.debug.focused():
		return m.debug.FullHelp()
	case m.save.focused():
		return m.save.FullHelp()
	case m.input.active():
		return [][]key.Binding{{k.Accept, k.Cancel, k.Quit}}
	case m.state == stateList:
		return append(m.list.FullHelp(), m.debugColumn())
	case m.state == statePane:
		return m.replays.FullHelp()
	default:
		return append(m.detail.FullHelp(), m.debugColumn())
	}
}

// debugColumn is the full help's column of the debugger's and the pdb
// console's keys.
func (m *Model) debugColumn() []key.Binding {
	return append(m.debug.FullHelp()[0], m.pdb.ShortHelp()...)
}

// statusSegs are what the components say on the status line: the
// debugger's or the pdb console's error, a pdb session waiting, held
// requests, breakpoints, the pins.
func (m *Model) statusSegs() []seg {
	segs := append(append(m.debug.noteSegs(), m.pdb.segs()...), m.debug.stateSegs()...)
	return append(segs, m.replays.segs()...)
}
