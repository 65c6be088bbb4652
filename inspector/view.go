package inspector

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// sync brings everything derived up to date after an Update: which keys
// apply, what the status bar says about the list, the help, the layout.
func (m *Model) sync() {
	m.editor.follow()
	ks := keyState{
		state:      m.state,
		typing:     m.input.active(),
		filtering:  m.c.store.filter.shown(),
		searching:  m.detail.search != "",
		rows:       m.c.store.len() > 0,
		canReload:  m.c.opts.Control != nil,
		canReplay:  m.c.opts.Control != nil && m.selectedExchange() != nil,
		pinned:     m.selectedExchange() != nil && m.c.pins.has(m.selectedExchange().ID),
		pinRuns:    m.c.pins.ran(),
		paneNew:    m.pane.newID != 0,
		canExplain: m.c.opts.Explain != nil,
		explaining: m.c.explain,
		bodyViewOK: m.detail.tab.showsBody(),
		fullHelp:   m.help.ShowAll,
	}
	m.debugKeyState(&ks)
	m.c.keys.apply(ks)
	m.status.newCount, m.status.paused = m.list.newCount, !m.list.follow
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
	avail -= m.debugLayout(w, avail)
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
	m.pane.SetSize(w, body)
	m.editor.SetSize(w, body)
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
	switch {
	case m.editor.open:
		b.WriteString(m.editor.View())
	case m.state == stateList:
		b.WriteString(m.list.View())
	case m.state == statePane:
		b.WriteString(m.pane.View())
	default:
		b.WriteString(m.detail.View())
	}
	if m.showLog && m.logs.height > 0 {
		b.WriteByte('\n')
		b.WriteString(m.logs.View())
	}
	b.WriteString(m.debugView())
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
	if keys, ok := m.debugHelp(); ok {
		return keys
	}
	switch {
	case m.input.active():
		return []key.Binding{k.Accept, k.Cancel, k.Quit}
	case m.state == stateList:
		return append(k.debugShortHelp(), m.list.ShortHelp()...)
	case m.state == statePane:
		return m.pane.ShortHelp()
	default:
		return append(k.debugShortHelp(), m.detail.ShortHelp()...)
	}
}

// FullHelp is the help shown on '?'.
func (m Model) FullHelp() [][]key.Binding {
	k := &m.c.keys
	if keys, ok := m.debugHelp(); ok {
		return [][]key.Binding{keys}
	}
	switch {
	case m.input.active():
		return [][]key.Binding{{k.Accept, k.Cancel, k.Quit}}
	case m.state == stateList:
		return append(m.list.FullHelp(), k.debugHelpKeys())
	case m.state == statePane:
		return m.pane.FullHelp()
	default:
		return append(m.detail.FullHelp(), k.debugHelpKeys())
	}
}
